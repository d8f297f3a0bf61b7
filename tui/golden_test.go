package tui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"steward/ingest"
	"steward/keymap"
	"steward/model"
	"steward/store"
)

// The golden screens: each pane and the member detail on the demo
// community (500 members, seed 1, fixed clock) at 80×24 and 140×40 (the
// Health pane on a reading made up in the test, by month and by week), the
// notice of a terminal that is too small, and a community of hostile names.
// They run the real program through teatest, wait for the screen to show
// the texts of its final state, quit, and compare the final View with
// testdata/TestGolden/NAME.golden. Regenerate with: go test ./tui/ -update

type goldenCase struct {
	name  string
	w, h  int
	store func(t *testing.T) *store.Store // the demo when nil
	ready string                          // a text of the first screen; keys wait for it
	keys  []string                        // typed once the first screen is there
	wait  []string                        // texts of the final screen
	// then are keys typed once the wait texts are there, and until the
	// texts that follow them: for keys that act on what a load brought.
	then, until []string
	// health is the Health pane's reading, made up in the test, in place
	// of the store's.
	health func() model.Health
}

func TestGolden(t *testing.T) {
	cases := []goldenCase{
		{name: "members_80x24", w: 80, h: 24, wait: []string{"1/500", "Approvals 12"}},
		{name: "members_140x40", w: 140, h: 40, wait: []string{"1/500", "Points by action"}},
		{name: "member_detail_80x24", w: 80, h: 24, keys: []string{"enter"}, wait: []string{"Badges (", "esc back"}},
		{name: "member_detail_140x40", w: 140, h: 40, keys: []string{"j", "enter"}, wait: []string{"jonas.rossi · Jonas Rossi", "esc back"}},
		{name: "leaderboard_80x24", w: 80, h: 24, keys: []string{"2"}, wait: []string{"moves since", "RANK"}},
		{name: "leaderboard_140x40", w: 140, h: 40, keys: []string{"2"}, wait: []string{"moves since", "Points by action"}},
		{name: "approvals_80x24", w: 80, h: 24, store: hesitantDemo, keys: []string{"3"}, wait: []string{"⚠ member suspended"}},
		{name: "approvals_140x40", w: 140, h: 40, store: hesitantDemo, keys: []string{"3"}, wait: []string{"Reasons to hesitate (1)"}},
		{name: "reports_80x24", w: 80, h: 24, keys: []string{"4"}, wait: []string{"PRIO", "priority 3.0"}},
		{name: "reports_140x40", w: 140, h: 40, keys: []string{"4"}, wait: []string{"PRIO", "next suspension on the ladder"}},
		{name: "filter_80x24", w: 80, h: 24, keys: []string{"/", "a", "n", "n", "a", "b"}, wait: []string{"matches"}},
		{name: "award_form_80x24", w: 80, h: 24, keys: []string{"a", "5", "0", "enter"}, wait: []string{"Points: 50"}},
		{name: "help_80x24", w: 80, h: 24, keys: []string{"?"}, wait: []string{"All keys"}},
		{name: "health_80x24", w: 80, h: 24, health: fixedHealth, keys: []string{"5"}, wait: []string{"engagement", "MONTH"}},
		{name: "health_140x40", w: 140, h: 40, health: fixedHealth, keys: []string{"5"}, wait: []string{"engagement", "IN 24H"}},
		{name: "health_weeks_end_80x24", w: 80, h: 24, health: fixedHealth, keys: []string{"5"}, wait: []string{"engagement"},
			then: []string{"p", "G"}, until: []string{"by week", "JOINED"}},
		{name: "health_empty_80x24", w: 80, h: 24, health: func() model.Health { return model.Health{At: fixedNow} }, keys: []string{"5"},
			wait: []string{"Nothing to measure yet"}},
		{name: "too_small_50x12", w: 50, h: 12, wait: []string{"terminal too small"}},
		{name: "hostile_members_80x24", w: 80, h: 24, store: hostileStore, wait: []string{"1/8"}},
		{name: "hostile_members_140x40", w: 140, h: 40, store: hostileStore, wait: []string{"1/8", "Points history"}},
		{name: "hostile_reports_80x24", w: 80, h: 24, store: hostileStore, ready: "Reports 1", keys: []string{"4"}, wait: []string{"PRIO", "priority"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := demoStore(t)
			if tc.store != nil {
				st = tc.store(t)
			}
			screen := runGolden(t, st, tc)
			golden.RequireEqual(t, []byte(screen))
		})
	}
}

// runGolden runs the console in teatest and returns its final screen.
func runGolden(t *testing.T, st *store.Store, tc goldenCase) string {
	t.Helper()
	app := New(st, keymap.Default(), Options{Now: clock, NoColor: true})
	if tc.health != nil {
		app.panes[healthPane].(*healthModel).read = func() (model.Health, error) { return tc.health(), nil }
	}
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(tc.w, tc.h))
	out := &bytes.Buffer{}
	waitFor(t, tm, out, "steward")
	if len(tc.keys) > 0 {
		// The first screen is complete before keys arrive.
		ready := tc.ready
		if ready == "" {
			ready = "Approvals 12"
		}
		waitFor(t, tm, out, ready)
	}
	for _, k := range tc.keys {
		tm.Send(keyMsg(k))
	}
	waitFor(t, tm, out, tc.wait...)
	for _, k := range tc.then {
		tm.Send(keyMsg(k))
	}
	if len(tc.then) > 0 {
		waitFor(t, tm, out, tc.until...)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	view := final.View()
	checkFrame(t, view, tc.w, tc.h)
	return view
}

// waitFor reads the program's output until every text has appeared.
func waitFor(t *testing.T, tm *teatest.TestModel, out *bytes.Buffer, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out.Write(b)
		for _, s := range texts {
			if !bytes.Contains(out.Bytes(), []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// hesitantDemo is the demo with the first requester suspended, so the
// queue shows a reason to hesitate.
func hesitantDemo(t *testing.T) *store.Store {
	st := demoStore(t)
	p, err := st.Pending(nil, store.Forward, 1)
	if err != nil || len(p.Rows) == 0 {
		t.Fatalf("pending: %v", err)
	}
	if _, err := st.Suspend(p.Rows[0].Member.Handle, 7*24*time.Hour, "spam wave"); err != nil {
		t.Fatal(err)
	}
	return st
}

// hostileNames are display names written to break a terminal: escape
// sequences that clear the screen or set the title, a bidi override, wide
// CJK, emoji with modifiers and joiners, and one 10,000 characters long.
var hostileNames = []struct{ handle, name string }{
	{"clear", "\x1b[2J\x1b[HCleared"},
	{"title", "\x1b]0;pwned\x07Title Setter"},
	{"bidi", "Ann\u202Eexe.gnp"},
	{"yamada", "山田太郎"},
	{"emoji", "👍🏽 Thumbs 👨‍👩‍👧 Family"},
	{"long", strings.Repeat("Very Long Name ", 667)[:10000]},
	{"plain", "Plain Person"},
	{"tabs", "Tab\tand\nnewline"},
}

// hostileStore is a small community whose members' text is hostile: names,
// a note, a report excerpt and a content reference.
func hostileStore(t *testing.T) *store.Store {
	t.Helper()
	st := store.Open(filepath.Join(t.TempDir(), "hostile.db"), store.Options{Actor: "mod", Now: clock})
	day := fixedNow.AddDate(0, 0, -10)
	var members, events, reports []any
	for i, h := range hostileNames {
		members = append(members, ingest.MemberRow{Line: i + 2, Handle: h.handle, Name: h.name, JoinedAt: day})
		for j := 0; j <= i; j++ {
			events = append(events, ingest.EventRow{Line: len(events) + 2, ID: fmt.Sprintf("e%d-%d", i, j), Member: h.handle,
				Kind: "answer", At: day.Add(time.Duration(24*j+i) * time.Hour)})
		}
	}
	reports = append(reports, ingest.ReportRow{Line: 2, ID: "r1", Reporter: "plain", Subject: "clear",
		Content: "https://x.example/\x1b[31mred", Guideline: "spam",
		Excerpt: "buy now \x1b]8;;http://evil\x07click\x1b]8;;\x07 山田 👍🏽 " + strings.Repeat("spam ", 50), At: fixedNow.Add(-time.Hour)})
	rep, err := st.Import([]store.Source{
		store.SliceSource("members", ingest.Members, members),
		store.SliceSource("events", ingest.Events, events),
		store.SliceSource("reports", ingest.Reports, reports),
	}, store.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v %v", err, rep.Problems)
	}
	if _, err := st.AddNote("clear", "note with \x1b[2J escape and 山田 wide text"); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestHostileTextNeverReachesTheTerminal checks every golden screen of
// hostile text for control characters.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	st := hostileStore(t)
	d := newAppDriver(t, st, 140, 40)
	for _, k := range []string{"1", "enter", "esc", "2", "4", "enter", "esc", "5"} {
		d.press(k)
		v := d.a.View()
		checkFrame(t, v, 140, 40)
		if strings.ContainsAny(v, "\x1b\x07\t\r\u202E") {
			t.Fatalf("after %q a control character reached the screen: %q", k, v)
		}
	}
}
