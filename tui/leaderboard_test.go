package tui

import (
	"strings"
	"testing"

	"steward/store"
)

func boardDriver(t *testing.T, st *store.Store, w, h int) (*driver, *leaderboardModel) {
	t.Helper()
	p := newLeaderboard(newCommon(st))
	d := drive(t, p, w, h)
	d.noErrors()
	return d, p
}

func TestLeaderboardRanksWithMovement(t *testing.T) {
	st := demoStore(t)
	d, p := boardDriver(t, st, 80, 20)
	top, _ := st.Leaderboard(store.AllTime, 30)
	if len(p.list.rows) < 18 || p.list.rows[0].Member.Handle != top[0].Member.Handle {
		t.Fatalf("the board shows %d rows", len(p.list.rows))
	}
	v := d.view()
	mustContain(t, v, "Leaderboard · all time", "RANK", "MOVE", top[0].Member.Handle)
	if !strings.ContainsAny(v, "▲▼") && !strings.Contains(v, "new") {
		t.Fatalf("no movement shown:\n%s", v)
	}
}

func TestLeaderboardPeriodCycles(t *testing.T) {
	st := demoStore(t)
	d, p := boardDriver(t, st, 80, 20)
	for _, period := range []store.Period{store.ThisMonth, store.ThisWeek, store.AllTime} {
		d.press("p")
		if p.period != period {
			t.Fatalf("p gave %v, want %v", p.period, period)
		}
		want, _ := st.Leaderboard(period, 1)
		mustContain(t, d.view(), period.Label())
		if len(want) > 0 && !strings.Contains(selectedLine(d.view()), want[0].Member.Handle) {
			t.Fatalf("%s: first row is not %s:\n%s", period.Label(), want[0].Member.Handle, d.view())
		}
	}
}

func TestLeaderboardGivesABadgeFromTheBoard(t *testing.T) {
	st := demoStore(t)
	d, p := boardDriver(t, st, 80, 20)
	d.press("j")
	s, _ := p.list.selected()
	d.press("b")
	if p.prompt == nil {
		t.Fatal("b did not open the badge form")
	}
	mustContain(t, d.view(), "1  Thank you", "2  Mentor", "3  Community hero")
	d.press("3", "enter")
	d.typeText("carried the spring event")
	d.press("enter")
	if got := d.done(); !strings.Contains(got.summary, "Community hero") {
		t.Fatalf("summary %q", got.summary)
	}
	det, err := st.Detail(s.Member.Handle)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range det.Badges {
		found = found || (g.Badge == "community-hero" && g.Note == "carried the spring event" && g.By == "mod")
	}
	if !found {
		t.Fatalf("%s holds %+v", s.Member.Handle, det.Badges)
	}
}

func TestLeaderboardPagesDownToItsDepth(t *testing.T) {
	st := demoStore(t)
	d, p := boardDriver(t, st, 80, 20)
	d.press("G")
	all, _ := st.Leaderboard(store.AllTime, boardDepth)
	last, _ := p.list.selected()
	if last.Member.Handle != all[len(all)-1].Member.Handle || !p.list.atEnd {
		t.Fatalf("G selected %s, want the last ranked %s", last.Member.Handle, all[len(all)-1].Member.Handle)
	}
	d.press("g")
	if s, _ := p.list.selected(); s.Rank != 1 {
		t.Fatalf("g selected rank %d", s.Rank)
	}
}
