package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"steward/ingest"
	"steward/keymap"
	"steward/store"
)

// appDriver runs the whole console without a terminal: the commands run at
// once, in order, and their messages go back to the app.
type appDriver struct {
	t    testing.TB
	a    *App
	quit bool
}

func newAppDriver(t testing.TB, st *store.Store, w, h int) *appDriver {
	t.Helper()
	a := New(st, keymap.Default(), Options{Now: clock, Poll: -1, NoColor: true})
	d := &appDriver{t: t, a: a}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.settle(a.Init())
	return d
}

func (d *appDriver) settle(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 2000 {
			d.t.Fatal("the console keeps issuing commands")
		}
		c := queue[0]
		queue = queue[1:]
		for _, msg := range run(c) {
			if _, ok := msg.(tea.QuitMsg); ok {
				d.quit = true
				continue
			}
			_, next := d.a.Update(msg)
			queue = append(queue, next)
		}
	}
}

func (d *appDriver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.a.Update(msg)
	d.settle(cmd)
}

func (d *appDriver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *appDriver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// checkFrame fails unless every line of the view is exactly the terminal's
// width and there are exactly as many lines as it is high.
func checkFrame(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines for a terminal %d high", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells for a terminal %d wide: %q", i, got, w, l)
		}
	}
}

func TestAppQuitsOnQButNotWhileTyping(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	d.press("/")
	d.typeText("q")
	if d.quit {
		t.Fatal("q in the filter quit the console")
	}
	d.press("esc", "q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
	d = newAppDriver(t, demoStore(t), 80, 24)
	d.press("a", "ctrl+c")
	if d.quit {
		t.Fatal("ctrl+c in a form quit the console; it should cancel the form")
	}
	d.press("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c outside a form did not quit")
	}
}

func TestAppSwitchesPanes(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	for _, tc := range []struct {
		key  string
		want paneID
		text string
	}{
		{"2", leaderboardPane, "RANK"}, {"3", approvalsPane, "oldest first"}, {"4", reportsPane, "PRIO"},
		{"5", healthPane, "engagement"}, {"1", membersPane, "HANDLE"}, {"tab", leaderboardPane, "RANK"},
		{"shift+tab", membersPane, "HANDLE"}, {"shift+tab", healthPane, "engagement"}, {"shift+tab", reportsPane, "PRIO"},
		{"tab", healthPane, "engagement"}, {"tab", membersPane, "HANDLE"},
	} {
		d.press(tc.key)
		if d.a.active != tc.want {
			t.Fatalf("%s: pane %d, want %d", tc.key, d.a.active, tc.want)
		}
		mustContain(t, d.a.View(), tc.text, "Approvals 12", "Reports 14")
	}
	// The active tab is underlined by the rule, not only coloured.
	_, rule := d.a.header()
	if !strings.Contains(ansi.Strip(rule), "━") {
		t.Fatalf("no heavy rule under the active tab: %q", rule)
	}
}

func TestAppShowsEveryKeyOnQuestionMark(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	d.press("?")
	mustContain(t, d.a.View(), "All keys", "filter", "award points", "give badge", "undo", "quit", "next pane")
	d.press("esc")
	mustContain(t, d.a.View(), "HANDLE")
}

func TestAppErrorsShowUntilTheNextKey(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	d.send(errMsg{err: errors.New("something broke")})
	mustContain(t, d.a.View(), "✗ something broke")
	d.press("j")
	if strings.Contains(d.a.View(), "something broke") {
		t.Fatal("the error stayed after a key")
	}
}

func TestAppRetriesWhileTheFileIsBusy(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	retried := false
	retry := func() tea.Msg { retried = true; return nil }
	busy := &store.FileError{Kind: store.Busy, Path: "x.db", Msg: "busy: pid 42 has held it"}
	_, cmd := d.a.Update(errMsg{err: busy, retry: retry, reading: true})
	mustContain(t, d.a.View(), "database busy (busy: pid 42 has held it): retrying")
	if cmd == nil {
		t.Fatal("no retry was scheduled")
	}
	start := time.Now()
	run(cmd)
	if !retried || time.Since(start) < 500*time.Millisecond {
		t.Fatalf("retried=%v after %v", retried, time.Since(start))
	}
}

func TestAppFatalErrorGetsItsOwnScreen(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	bad := &store.FileError{Kind: store.Damaged, Path: "x.db", Msg: "the file is damaged (bad magic); restore it from a backup"}
	d.send(errMsg{err: bad, reading: true})
	v := d.a.View()
	mustContain(t, v, "steward cannot use this database", "x.db: the file is damaged", "Restore the file from a backup", "q quits")
	checkFrame(t, v, 80, 24)
	d.press("j", "1", "u")
	if !strings.Contains(d.a.View(), "cannot use this database") {
		t.Fatal("keys left the fatal screen")
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit from the fatal screen")
	}
}

func TestAppTooSmall(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 50, 12)
	v := d.a.View()
	mustContain(t, v, "terminal too small", "50×12", "60×15")
	checkFrame(t, v, 50, 12)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	mustContain(t, d.a.View(), "HANDLE")
}

func TestAppEveryPaneFitsEverySize(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	sizes := [][2]int{{60, 15}, {61, 16}, {79, 23}, {80, 24}, {119, 30}, {120, 30}, {140, 40}, {230, 70}, {20, 5}, {1, 1}}
	for _, pane := range []string{"1", "2", "3", "4", "5"} {
		d.press(pane)
		for _, s := range sizes {
			d.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			checkFrame(t, d.a.View(), s[0], s[1])
			d.press("enter")
			checkFrame(t, d.a.View(), s[0], s[1])
			d.press("esc")
		}
	}
}

func TestAppReloadsWhenAnotherProcessWrites(t *testing.T) {
	st := demoStore(t)
	d := newAppDriver(t, st, 80, 24)
	top := first(t, st, store.ByPoints, store.Forward)
	// A script, through its own store on the same file, deducts points.
	script := store.Open(st.Path(), store.Options{Actor: "cron", Now: clock})
	if _, err := script.Award(top.Handle, -1000, "correction"); err != nil {
		t.Fatal(err)
	}
	d.send(stampMsg{st.Stamp()})
	want := top.Balance - 1000
	found := false
	for _, l := range strings.Split(d.a.View(), "\n") {
		if strings.Contains(l, top.Handle) && strings.Contains(l, fmt.Sprintf(" %d ", want)) {
			found = true
		}
	}
	if !found {
		t.Fatalf("the change made by the script is not on screen (%s should have %d):\n%s", top.Handle, want, d.a.View())
	}
}

func TestAppUndoesTheLastAction(t *testing.T) {
	st := demoStore(t)
	d := newAppDriver(t, st, 80, 24)
	top := first(t, st, store.ByPoints, store.Forward)
	d.press("a")
	d.typeText("25")
	d.press("enter")
	d.typeText("thanks")
	d.press("enter")
	mustContain(t, d.a.View(), "✓ awarded 25 points to "+top.Handle, "u undo")
	d.press("u")
	mustContain(t, d.a.View(), "undid: awarded 25 points to "+top.Handle)
	m, _ := st.MembersByHandle([]string{top.Handle})
	if m[0].Balance != top.Balance {
		t.Fatalf("after undo the balance is %d, want %d", m[0].Balance, top.Balance)
	}
	// Only this session's actions: the demo's own (made as "mod" too) stay.
	d.press("u")
	mustContain(t, d.a.View(), "nothing to undo")
}

func TestAppUndoesABatchAsOne(t *testing.T) {
	st := demoStore(t)
	d := newAppDriver(t, st, 80, 24)
	before := pendingIDs(t, st)
	d.press("3", "space", "space", "space", "y")
	mustContain(t, d.a.View(), "✓ approved 3 requests")
	if got := pendingIDs(t, st); len(got) != len(before)-3 {
		t.Fatalf("%d pending after approving 3 of %d", len(got), len(before))
	}
	d.press("u")
	mustContain(t, d.a.View(), "undid 3 actions")
	if got := pendingIDs(t, st); len(got) != len(before) {
		t.Fatalf("%d pending after undoing, want %d", len(got), len(before))
	}
}

func TestAppOnAMissingDatabaseShowsAnEmptyCommunity(t *testing.T) {
	st := store.Open(filepath.Join(t.TempDir(), "none.db"), store.Options{Actor: "mod", Now: clock})
	d := newAppDriver(t, st, 80, 24)
	v := d.a.View()
	mustContain(t, v, "No members yet", "no database at")
	for _, k := range []string{"2", "3", "4"} {
		d.press(k)
		checkFrame(t, d.a.View(), 80, 24)
	}
	mustContain(t, d.a.View(), "No open reports — all clear.")
	d.press("5")
	mustContain(t, d.a.View(), "Nothing to measure yet")
	checkFrame(t, d.a.View(), 80, 24)
}

// TestNoKeyMeansTwoThingsInOnePane checks each pane's keys: a letter may
// mean different things in different panes (p), never in the same one.
func TestNoKeyMeansTwoThingsInOnePane(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	for _, p := range d.a.panes {
		seen := map[string]string{}
		for _, group := range p.FullHelp() {
			for _, b := range group {
				for _, k := range b.Keys() {
					if other, ok := seen[k]; ok && other != b.Help().Desc {
						t.Errorf("%s: %q is both %q and %q", p.Title(), k, other, b.Help().Desc)
					}
					seen[k] = b.Help().Desc
				}
			}
		}
		if len(p.ShortHelp()) > 5 {
			t.Errorf("%s shows %d keys in its short help; at most 5 matter at once", p.Title(), len(p.ShortHelp()))
		}
	}
}

// TestAppHealthFollowsTheData checks the Health pane reads again on the
// refresh key and when the poll finds the file changed by another process.
func TestAppHealthFollowsTheData(t *testing.T) {
	st := demoStore(t)
	d := newAppDriver(t, st, 100, 30)
	d.press("5")
	h, err := st.Health(store.DefaultSpan)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, d.a.View(), fmt.Sprintf("%s members", thousands(h.Members)), "5 Health")
	script := store.Open(st.Path(), store.Options{Actor: "cron", Now: clock})
	join := func(handle string) {
		t.Helper()
		if _, err := script.Import([]store.Source{store.SliceSource("members", ingest.Members,
			[]any{ingest.MemberRow{Line: 2, Handle: handle, Name: "New Comer", JoinedAt: fixedNow}})}, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	join("newcomer1")
	d.press("ctrl+r")
	mustContain(t, d.a.View(), fmt.Sprintf("%s members", thousands(h.Members+1)))
	join("newcomer2")
	d.send(stampMsg{st.Stamp()})
	mustContain(t, d.a.View(), fmt.Sprintf("%s members", thousands(h.Members+2)))
}
