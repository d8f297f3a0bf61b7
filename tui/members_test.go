package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
)

func membersDriver(t *testing.T, st *store.Store, w, h int) (*driver, *membersModel) {
	t.Helper()
	p := newMembers(newCommon(st))
	d := drive(t, p, w, h)
	d.send(countsLoadedMsg{counts: store.Counts{Members: 500}})
	d.noErrors()
	return d, p
}

func first(t *testing.T, st *store.Store, order store.MemberOrder, dir store.Direction) model.Member {
	t.Helper()
	p, err := st.Members(order, nil, dir, 1)
	if err != nil || len(p.Rows) != 1 {
		t.Fatalf("members: %v", err)
	}
	return p.Rows[0]
}

func TestMembersLoadsAPageNotTheCommunity(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	if got := len(p.list.rows); got == 0 || got >= 500 {
		t.Fatalf("the list holds %d of 500 members; it should hold a page", got)
	}
	top := first(t, st, store.ByPoints, store.Forward)
	if !strings.Contains(selectedLine(d.view()), top.Handle) {
		t.Fatalf("the first row is not %s:\n%s", top.Handle, d.view())
	}
	mustContain(t, d.view(), "Members · 500 · by points", "1/500", "HANDLE", "BALANCE")
}

func TestMembersScrollsThroughEveryMember(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	seen := map[string]bool{}
	for range 520 {
		m, _ := p.list.selected()
		seen[m.Handle] = true
		d.press("j")
	}
	if len(seen) != 500 {
		t.Fatalf("walking down met %d members, want 500", len(seen))
	}
	if last := first(t, st, store.ByPoints, store.Backward); !strings.Contains(selectedLine(d.view()), last.Handle) {
		t.Fatalf("the walk did not end on %s", last.Handle)
	}
	mustContain(t, d.view(), "500/500")
}

func TestMembersEndAndHomeJump(t *testing.T) {
	st := demoStore(t)
	d, _ := membersDriver(t, st, 80, 20)
	d.press("G")
	if last := first(t, st, store.ByPoints, store.Backward); !strings.Contains(selectedLine(d.view()), last.Handle) {
		t.Fatalf("G did not select %s:\n%s", last.Handle, d.view())
	}
	mustContain(t, d.view(), "500/500")
	d.press("g")
	mustContain(t, selectedLine(d.view()), first(t, st, store.ByPoints, store.Forward).Handle)
}

func TestMembersSortCycles(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	for _, order := range []store.MemberOrder{store.ByName, store.ByJoined, store.ByActive, store.ByPoints} {
		d.press("o")
		if p.order != order {
			t.Fatalf("o gave %v, want %v", p.order, order)
		}
		want := first(t, st, order, store.Forward)
		if !strings.Contains(selectedLine(d.view()), want.Handle) {
			t.Fatalf("sorted by %v, the first row is not %s:\n%s", order, want.Handle, d.view())
		}
		mustContain(t, d.view(), "by "+order.String())
	}
}

// TestMembersShowWhatTheyAreSortedBy: beside the detail the list is too
// narrow for every column; the one it is sorted by stays.
func TestMembersShowWhatTheyAreSortedBy(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 120, 20)
	header := func() string { return strings.Split(d.view(), "\n")[1] }
	for _, tc := range []struct {
		order   store.MemberOrder
		want    string
		wantCol func(m model.Member) string
	}{
		{store.ByName, "", nil},
		{store.ByJoined, "JOINED", func(m model.Member) string { return m.Joined.Format("2006-01-02") }},
		{store.ByActive, "ACTIVE", nil},
		{store.ByPoints, "POINTS", func(m model.Member) string { return fmt.Sprint(m.Qualifying) }},
	} {
		d.press("o")
		if p.order != tc.order {
			t.Fatalf("o gave %v, want %v", p.order, tc.order)
		}
		for _, col := range []string{"POINTS", "ACTIVE", "JOINED"} {
			if has := strings.Contains(header(), col); has != (col == tc.want) {
				t.Fatalf("sorted by %v at 120 columns, the header %q has %s: %v", tc.order, header(), col, has)
			}
		}
		if tc.wantCol != nil {
			top := first(t, st, tc.order, store.Forward)
			mustContain(t, selectedLine(d.view()), top.Handle, tc.wantCol(top))
		}
	}
}

func TestMembersFilterRanksByMatchAndHighlights(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	d.press("/")
	if !p.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	d.typeText("annab")
	d.noErrors()
	if p.list.total == 0 || p.list.total >= 500 {
		t.Fatalf("annab matched %d members", p.list.total)
	}
	for _, m := range p.list.rows[:3] {
		if !strings.HasPrefix(m.Handle, "annab") {
			t.Fatalf("the best matches are not annab…: %v", m.Handle)
		}
	}
	// q is typed, not quit, while the filter has the keys.
	d.press("q")
	if p.filter.query != "annabq" {
		t.Fatalf("q while filtering gave the query %q", p.filter.query)
	}
	d.press("backspace", "enter")
	if p.Capturing() || p.filter.query != "annab" {
		t.Fatalf("enter did not keep the filter: capturing=%v query=%q", p.Capturing(), p.filter.query)
	}
	mustContain(t, d.view(), "for “annab”")
	d.press("esc")
	if p.filter.query != "" || p.list.total != 500 {
		t.Fatalf("esc left the filter %q with %d rows", p.filter.query, p.list.total)
	}
}

func TestMembersFilterDropsAResultOvertakenByANewerKey(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	d.press("/") // reads the names
	var cmdA, cmdB tea.Cmd
	p.filter.input.SetValue("a")
	cmdA = p.setQuery("a")
	p.filter.input.SetValue("ab")
	cmdB = p.setQuery("ab")
	d.settle(cmdB)
	afterB := p.list.total
	d.settle(cmdA) // the slower, older answer arrives last
	if p.list.total != afterB || p.filter.query != "ab" {
		t.Fatalf("the late answer for \"a\" replaced \"ab\": %d rows, query %q", p.list.total, p.filter.query)
	}
}

func TestMembersFilterBackspaceAnswersFromWhatItKept(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	d.press("/")
	d.typeText("ann")
	annTotal := p.list.total
	d.typeText("a")
	// Backspace to "ann": the kept result answers at once, no matching.
	p.filter.input.SetValue("ann")
	cmd := p.setQuery("ann")
	for _, m := range run(cmd) {
		if _, ok := m.(filterMatchedMsg); ok {
			t.Fatal("backspace matched the names again")
		}
		d.send(m)
	}
	if p.list.total != annTotal {
		t.Fatalf("back at ann: %d rows, want %d", p.list.total, annTotal)
	}
}

func TestMembersDetailOpensAndCloses(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	sel, _ := p.list.selected()
	d.press("enter")
	if !p.showDetail {
		t.Fatal("enter did not open the member")
	}
	mustContain(t, d.view(), sel.Handle, "Tier", "Badges")
	mustContain(t, strings.Join(p.detail.document(), "\n"), "Points by action", "Notes", "Penalties", "Reports about them", "Redemptions", "Points history")
	d.press("esc")
	if p.showDetail {
		t.Fatal("esc did not close the member")
	}
	mustContain(t, d.view(), "HANDLE")
}

func TestMembersWideShowsTheSelectedMemberBeside(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 140, 36)
	d.send(resizedMsg{})
	d.press("j")
	sel, _ := p.list.selected()
	if p.detail.handle != sel.Handle || !p.detail.loaded {
		t.Fatalf("the detail shows %q, the list selects %q", p.detail.handle, sel.Handle)
	}
	mustContain(t, d.view(), "│ "+sel.Handle)
}

func TestMembersAwardFromTheList(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	sel, _ := p.list.selected()
	d.press("a")
	if p.prompt == nil {
		t.Fatal("a did not open the award form")
	}
	mustContain(t, d.view(), "Award points to "+sel.Handle)
	d.typeText("50")
	d.press("enter")
	d.typeText("great answers")
	d.press("enter")
	if got := d.done(); !strings.Contains(got.summary, "awarded 50 points to "+sel.Handle) {
		t.Fatalf("summary %q", got.summary)
	}
	after, _ := st.MembersByHandle([]string{sel.Handle})
	if after[0].Balance != sel.Balance+50 {
		t.Fatalf("balance %d, want %d", after[0].Balance, sel.Balance+50)
	}
	// The list shows the new balance after the reload.
	mustContain(t, selectedLine(d.view()), sel.Handle)
}

func TestMembersEscCancelsAFormAndNothingIsWritten(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	d.press("n")
	d.typeText("half a note")
	d.press("esc")
	if p.prompt != nil || len(d.got) != 0 {
		t.Fatalf("esc: prompt=%v writes=%v", p.prompt != nil, d.got)
	}
}

func TestMembersSuspendProposesTheLadderThenLifts(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	sel, _ := p.list.selected()
	d.press("s")
	if p.prompt == nil {
		t.Fatal("s did not open the suspension form")
	}
	if v := p.prompt.fields[0].input.Value(); v != "1d" {
		t.Fatalf("the form proposes %q, want the ladder's first step 1d", v)
	}
	d.press("enter")
	d.typeText("flooding")
	d.press("enter")
	d.done()
	m, _ := st.MembersByHandle([]string{sel.Handle})
	if m[0].StatusAt(fixedNow) != model.Suspended {
		t.Fatalf("%s is %v", sel.Handle, m[0].Status)
	}
	// The same member again: s now lifts.
	d.press("g")
	for i := 0; i < 500; i++ {
		if cur, _ := p.list.selected(); cur.Handle == sel.Handle {
			break
		}
		d.press("j")
	}
	mustContain(t, selectedLine(d.view()), "⚠ suspended")
	d.press("s")
	mustContain(t, d.view(), "Lift: "+sel.Handle)
	d.typeText("appeal accepted")
	d.press("enter")
	d.done()
	m, _ = st.MembersByHandle([]string{sel.Handle})
	if m[0].StatusAt(fixedNow) != model.Active {
		t.Fatalf("after lifting, %s is %v", sel.Handle, m[0].Status)
	}
}

func TestMembersIgnoreKeysWithoutFocus(t *testing.T) {
	st := demoStore(t)
	d, p := membersDriver(t, st, 80, 20)
	p.Blur()
	d.press("j", "a")
	if p.list.cursor != 0 || p.prompt != nil {
		t.Fatal("a pane without the focus took keys")
	}
}
