package model

import (
	"strings"
	"testing"
	"time"
)

func TestWeeksAreISOWeeks(t *testing.T) {
	// Every day from 1960 to 2040: a week starts on a Monday, holds the
	// day, and changes exactly when the ISO week does.
	from, to := Day(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)), Day(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	for d := from; d < to; d++ {
		w := Week(d)
		start := WeekStart(w)
		if start > d || d >= start+7 {
			t.Fatalf("day %s is not in its week, which starts on %s", DayStart(d), DayStart(start))
		}
		if wd := DayStart(start).Weekday(); wd != time.Monday {
			t.Fatalf("week %d starts on a %s", w, wd)
		}
		y1, w1 := DayStart(d).ISOWeek()
		y2, w2 := DayStart(start).ISOWeek()
		if y1 != y2 || w1 != w2 {
			t.Fatalf("%s is in ISO week %d-%d, its week's Monday in %d-%d", DayStart(d), y1, w1, y2, w2)
		}
	}
}

func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026-01"},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), "2026-12"},
		{time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC), "1969-12"},
		// UTC decides, not the time's own zone.
		{time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "2026-02"},
	} {
		m := Month(tc.at)
		if got := MonthStart(m).Format("2006-01"); got != tc.want {
			t.Errorf("month of %s: %s, want %s", tc.at, got, tc.want)
		}
		if MonthOfDay(Day(tc.at)) != m {
			t.Errorf("MonthOfDay(%s) = %d, want %d", tc.at, MonthOfDay(Day(tc.at)), m)
		}
	}
}

func TestFlows(t *testing.T) {
	for _, tc := range []struct {
		e    Entry
		want Flow
		ok   bool
	}{
		{Entry{Type: Earned, Rule: "award"}, FlowEarned, true}, // an action kind may be called anything
		{Entry{Type: Welcome}, FlowWelcome, true},
		{Entry{Type: Awarded}, FlowAwarded, true},
		{Entry{Type: Penalty}, FlowPenalty, true},
		{Entry{Type: Spent}, FlowRedeemed, true},
		{Entry{Type: Hold}, 0, false},
		{Entry{Type: Released}, 0, false},
		{Entry{Type: Reversal, Rule: "award"}, FlowAwarded, true},
		{Entry{Type: Reversal, Rule: "penalty"}, FlowPenalty, true},
		{Entry{Type: Reversal, Rule: "reward:t-shirt"}, FlowRedeemed, true},
	} {
		f, ok := tc.e.Flow()
		if f != tc.want || ok != tc.ok {
			t.Errorf("flow of %s (%s): %d %v, want %d %v", tc.e.Type, tc.e.Rule, f, ok, tc.want, tc.ok)
		}
	}
}

func TestCaseDecidedAndNegated(t *testing.T) {
	var sum DayTally
	d := CaseDecided(true, 3*time.Hour)
	if d.Decided != 1 || d.Upheld != 1 || d.InDay != 1 || d.Waited != 3*time.Hour {
		t.Errorf("a case upheld after 3h: %+v", d)
	}
	if late := CaseDecided(false, 25*time.Hour); late.InDay != 0 || late.Upheld != 0 {
		t.Errorf("a case dismissed after 25h: %+v", late)
	}
	sum.Add(d)
	sum.Add(DayTally{Joined: 2, Events: 3, Points: [Flows]int64{1, 2, 3, 4, 5}, Reports: 1})
	sum.Add(d.Negate())
	if want := (DayTally{Joined: 2, Events: 3, Points: [Flows]int64{1, 2, 3, 4, 5}, Reports: 1}); sum != want {
		t.Errorf("a decision and its undo leave %+v, want %+v", sum, want)
	}
	full := DayTally{Joined: 1, Events: 2, Points: [Flows]int64{3, 4, 5, 6, 7}, Reports: 8, Decided: 9, Upheld: 10, Waited: 11, InDay: 12}
	sum = full
	sum.Add(full.Negate())
	if !sum.Zero() {
		t.Errorf("a tally and its negation add up to %+v", sum)
	}
}

func TestHealthOf(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	oct, nov := Month(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)), Month(now)
	day := func(m, d int) int32 { return Day(time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC)) }
	tl := Tallies{
		Days: map[int32]DayTally{
			day(10, 31): {Joined: 4, Events: 10, Points: [Flows]int64{FlowEarned: 50, FlowWelcome: 40, FlowRedeemed: -100}},
			day(11, 1):  {Joined: 1, Events: 2, Points: [Flows]int64{FlowAwarded: 7, FlowPenalty: -3}, Decided: 2, Waited: 10 * time.Hour, InDay: 2},
			day(11, 16): {Events: 1}, // Monday of the current week
			day(11, 15): {Events: 5}, // Sunday of the week before
		},
		Weeks:  map[int32]int64{Week(day(11, 16)): 3},
		Months: map[int32]map[int32]int64{oct: {oct: 4}, nov: {oct: 2, nov: 1, oct - 5: 6}},
	}
	h := HealthOf(now, tl, 2, 2, 2)
	if len(h.Months) != 2 || h.Months[0].Label != "2026-10" || h.Months[1].Label != "2026-11" {
		t.Fatalf("months: %+v", h.Months)
	}
	o, n := h.Months[0], h.Months[1]
	if o.Newcomers != 4 || o.Events != 10 || o.Issued != 90 || o.Redeemed != 100 || o.Active != 4 {
		t.Errorf("October: %+v", o)
	}
	if n.Newcomers != 1 || n.Events != 8 || n.Issued != 7 || n.Deducted != 3 || n.Active != 9 || n.MeanWait() != 5*time.Hour || n.InDay != 2 {
		t.Errorf("November (active: every cohort's): %+v", n)
	}
	if len(h.Weeks) != 2 || h.Weeks[1].Label != "W47 2026" || h.Weeks[1].Events != 1 || h.Weeks[1].Active != 3 || h.Weeks[0].Events != 5 {
		t.Errorf("weeks: %+v", h.Weeks)
	}
	if len(h.Cohorts) != 2 || h.Cohorts[0].Size != 4 || len(h.Cohorts[0].Active) != 2 || h.Cohorts[0].Active[1] != 2 || h.Cohorts[1].Size != 1 {
		t.Errorf("cohorts: %+v", h.Cohorts)
	}
	if r, ok := h.Cohorts[0].Retained(1); !ok || r != 0.5 {
		t.Errorf("October's newcomers retained in November: %v %v, want 0.5", r, ok)
	}
	if _, ok := h.Cohorts[1].Retained(1); ok {
		t.Error("November's newcomers have a retention for December, which has not begun")
	}
	h.Members, h.Active30 = 8, 2
	if h.Engagement() != 0.25 {
		t.Errorf("engagement %v, want 0.25", h.Engagement())
	}
}

func TestFormatWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second:                "45s",
		12*time.Minute + 40*time.Second: "12m",
		5*time.Hour + 20*time.Minute:    "5h20m",
		3 * time.Hour:                   "3h",
		47*time.Hour + 59*time.Minute:   "47h59m",
		228 * time.Hour:                 "9d12h",
		72 * time.Hour:                  "3d",
	} {
		if got := FormatWait(d); got != want {
			t.Errorf("FormatWait(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestCaseWaited(t *testing.T) {
	first := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	if w := (Case{FirstAt: first, DecidedAt: first.Add(90 * time.Minute)}).Waited(); w != 90*time.Minute {
		t.Errorf("waited %s, want 1h30m", w)
	}
	if w := (Case{FirstAt: first}).Waited(); w != 0 {
		t.Errorf("an open case waited %s, want 0", w)
	}
	if w := (Case{FirstAt: first, DecidedAt: first.Add(-time.Hour)}).Waited(); w != 0 {
		t.Errorf("a case decided before its first report (a report dated late) waited %s, want 0", w)
	}
}

func TestGoalsChecked(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	day := func(m, d int) int32 { return Day(time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC)) }
	sep, oct := Month(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)), Month(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	tl := Tallies{
		Days: map[int32]DayTally{
			day(9, 10):  {Joined: 10},
			day(10, 21): {Joined: 3, Decided: 1, Waited: 100 * time.Hour}, // 30 days before the 20th: outside
			day(10, 22): {Joined: 2, Decided: 2, Waited: 20 * time.Hour},  // 29 days before: inside
			day(11, 20): {Joined: 1},
		},
		Months: map[int32]map[int32]int64{oct: {sep: 4}},
	}
	h := HealthOf(now, tl, 1, 1, 0)
	if h.Recent.Newcomers != 3 || h.Recent.Decided != 2 || h.Recent.MeanWait() != 10*time.Hour {
		t.Errorf("the last 30 days: %+v", h.Recent)
	}
	if h.RetainedOf != 10 || h.Retained != 0.4 {
		t.Errorf("September's newcomers active in October: %v of %d, want 0.4 of 10", h.Retained, h.RetainedOf)
	}
	h.Members, h.Active30 = 100, 30
	h.Goals = Goals{Engagement: 31, Retention: 40, Newcomers: 3, DecideWithin: 9 * time.Hour}
	var got []string
	for _, c := range h.Check() {
		got = append(got, c.Name+" "+c.Actual+" "+c.Target+" "+map[bool]string{true: "met", false: "missed"}[c.Met])
	}
	want := "engagement 30% ≥ 31% missed; retention 40% ≥ 40% met; newcomers 3 ≥ 3 met; decide within 10h ≤ 9h missed"
	if strings.Join(got, "; ") != want {
		t.Errorf("goals:\n%s\nwant\n%s", strings.Join(got, "; "), want)
	}
	if cs := (Health{Goals: Goals{Engagement: 10, Retention: 10, DecideWithin: time.Hour}}).Check(); len(cs) != 3 || cs[0].Known || cs[1].Known || cs[2].Known || cs[0].Actual != "—" {
		t.Errorf("goals of an empty community are not yet measured: %+v", cs)
	}
	if cs := (Health{}).Check(); len(cs) != 0 {
		t.Errorf("no goal set, yet %+v", cs)
	}
}

func TestSlipping(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		ago  time.Duration
		want bool
	}{{0, false}, {14*day - time.Second, false}, {14 * day, true}, {89 * day, true}, {90 * day, false}} {
		if got := IsSlipping(now.Add(-tc.ago), now); got != tc.want {
			t.Errorf("last active %s ago: slipping %v, want %v", tc.ago, got, tc.want)
		}
	}
	if IsSlipping(time.Time{}, now) {
		t.Error("a member never active is slipping")
	}
}
