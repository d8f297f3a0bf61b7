package tui

import (
	"fmt"
	"strings"
	"testing"

	"steward/store"
)

// busiest is the member with the most points: a long points history.
func busiest(t *testing.T, st *store.Store) string {
	return first(t, st, store.ByPoints, store.Forward).Handle
}

func detailDriver(t *testing.T, st *store.Store, handle string, w, h int) (*driver, *memberDetail) {
	t.Helper()
	m := newMemberDetail(newCommon(st), membersPane)
	d := drive(t, m, w, h)
	d.settle(m.show(handle))
	d.noErrors()
	return d, m
}

func TestDetailShowsEverySection(t *testing.T) {
	st := demoStore(t)
	handle := busiest(t, st)
	if _, err := st.AddNote(handle, "watch the links they post"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Warn(handle, "off-topic thread"); err != nil {
		t.Fatal(err)
	}
	_, m := detailDriver(t, st, handle, 80, 60)
	doc := strings.Join(m.document(), "\n")
	mustContain(t, doc, handle, "Tier", "top tier", "Balance", "Badges (", "★", "Points by action", "held back by caps",
		"Notes (1)", "mod: watch the links they post", "Penalties and warnings (1)", "warning by mod: off-topic thread",
		"Reports about them", "Redemptions", "Points history", "earned")
	// The history read first is what the screen has room for below the
	// rest, and one line.
	if len(m.history) != m.firstHistory()(m.d) || !m.more {
		t.Fatalf("first page of history: %d lines, want %d; more=%v", len(m.history), m.firstHistory()(m.d), m.more)
	}
	// The 60 lines on screen, the line below them, and "older lines load".
	if got := len(m.document()); got != 60+2 {
		t.Fatalf("the document has %d lines on a screen of 60, want 62", got)
	}
}

func TestDetailHistoryShowsTheRuleAndWhatCapsHeldBack(t *testing.T) {
	st := demoStore(t)
	page, _ := st.Members(store.ByPoints, nil, store.Forward, 50)
	probe := newMemberDetail(newCommon(st), membersPane)
	probe.SetSize(100, 60)
	for _, mem := range page.Rows {
		detail, err := st.Detail(mem.Handle)
		if err != nil {
			t.Fatal(err)
		}
		hist, _, _ := st.History(mem.Handle, 0, probe.firstHistory()(detail)) // what the detail reads first
		for _, e := range hist {
			if e.Withheld == 0 {
				continue
			}
			_, m := detailDriver(t, st, mem.Handle, 100, 60)
			want := fmt.Sprintf("%s %-9s %8s  %-16s %d held back: %s", e.At.UTC().Format("2006-01-02 15:04"), e.Type, signed(e.Points), e.Rule, e.Withheld, e.Why)
			mustContain(t, strings.Join(m.document(), "\n"), want)
			return
		}
	}
	t.Fatal("no capped event in the demo's recent history")
}

func TestDetailTierProgressBar(t *testing.T) {
	st := demoStore(t)
	// The second member is below the top tier: a bar to the next.
	p, _ := st.Members(store.ByPoints, nil, store.Forward, 2)
	_, m := detailDriver(t, st, p.Rows[1].Handle, 100, 20)
	doc := strings.Join(m.document(), "\n")
	mustContain(t, doc, "█", "░", "points to Ambassador", fmt.Sprintf("%d/5000", p.Rows[1].Qualifying))
}

func TestDetailScrollsAndReadsOlderHistory(t *testing.T) {
	st := demoStore(t)
	d, m := detailDriver(t, st, busiest(t, st), 80, 20)
	m.Focus()
	first := m.View()
	d.press("j")
	if m.scroll != 1 || m.View() == first {
		t.Fatalf("j did not scroll (scroll %d)", m.scroll)
	}
	if !strings.HasPrefix(strings.Split(m.View(), "\n")[0], first[:20]) {
		t.Fatal("the member's first line did not stay in place")
	}
	d.press("G")
	if len(m.history) <= historyPage {
		t.Fatalf("the end of the document did not read older history (%d lines)", len(m.history))
	}
	d.press("g")
	if m.scroll != 0 {
		t.Fatalf("g left the scroll at %d", m.scroll)
	}
}

func TestDetailDropsAnAnswerForAMemberNoLongerShown(t *testing.T) {
	st := demoStore(t)
	p, _ := st.Members(store.ByPoints, nil, store.Forward, 2)
	m := newMemberDetail(newCommon(st), membersPane)
	m.SetSize(80, 20)
	late := run(m.show(p.Rows[0].Handle))
	now := run(m.show(p.Rows[1].Handle))
	for _, msg := range append(now, late...) {
		m.Update(msg)
	}
	if got, _ := m.member(); got.Handle != p.Rows[1].Handle {
		t.Fatalf("the detail shows %s, want %s", got.Handle, p.Rows[1].Handle)
	}
}

func TestDetailReloadKeepsTheScroll(t *testing.T) {
	st := demoStore(t)
	d, m := detailDriver(t, st, busiest(t, st), 80, 20)
	m.Focus()
	d.press("j", "j", "j")
	d.settle(m.reload())
	if m.scroll != 3 || !m.loaded {
		t.Fatalf("after a reload: scroll %d loaded %v", m.scroll, m.loaded)
	}
}

// A member's screen that grows taller than the history read reads more.
func TestDetailFillsATallerScreen(t *testing.T) {
	st := demoStore(t)
	d, m := detailDriver(t, st, busiest(t, st), 80, 20)
	before := len(m.history)
	m.SetSize(80, 60)
	d.settle(m.fill())
	if len(m.history) <= before || len(m.document()) < 60 {
		t.Fatalf("after growing to 60 lines: %d lines of history (were %d), a document of %d lines", len(m.history), before, len(m.document()))
	}
	if cmd := m.fill(); cmd != nil {
		t.Fatal("a screen already full asks for more")
	}
}

// A member's screen reads the history it shows and a line; a page down
// right away is still a whole page, once the older lines it reaches come.
func TestDetailPageDownBeyondWhatWasRead(t *testing.T) {
	st := demoStore(t)
	d, m := detailDriver(t, st, busiest(t, st), 80, 60)
	m.Focus()
	d.press("ctrl+f")
	if want := m.h - 2; m.scroll != want {
		t.Fatalf("a page down scrolled %d lines, want %d (%d lines of history read)", m.scroll, want, len(m.history))
	}
	d.press("g")
	if m.scroll != 0 || m.ahead != 0 {
		t.Fatalf("g left the scroll at %d (%d ahead)", m.scroll, m.ahead)
	}
}
