package model

import (
	"strings"
	"time"
)

// The community's health is read from tallies that every write keeps, so
// that a year of it costs a few hundred reads whatever the size of the
// community: per UTC day what happened (DayTally), per week how many
// distinct members were active, and per month how many of each joining
// month's cohort were.

// Flow is where a points movement belongs in the community's accounts.
type Flow uint8

// The flows. Undoing a movement counts against the flow of what it undid.
const (
	FlowEarned   Flow = iota // priced from activity
	FlowWelcome              // the welcome bonus
	FlowAwarded              // given (or taken) by a moderator
	FlowPenalty              // deducted for a breach
	FlowRedeemed             // spent on rewards
	Flows                    // how many there are
)

// Flow says which flow an entry's points belong to. Holds and releases
// move no points (only what is held), so they belong to none; neither do
// expiries, which the programme does not make yet.
func (e Entry) Flow() (Flow, bool) {
	switch e.Type {
	case Earned:
		return FlowEarned, true
	case Welcome:
		return FlowWelcome, true
	case Awarded:
		return FlowAwarded, true
	case Penalty:
		return FlowPenalty, true
	case Spent:
		return FlowRedeemed, true
	case Reversal:
		// A reversal keeps the rule of what it reverses; moderators'
		// actions are the only ones undone.
		switch {
		case e.Rule == "award":
			return FlowAwarded, true
		case e.Rule == "penalty":
			return FlowPenalty, true
		case strings.HasPrefix(e.Rule, "reward:"):
			return FlowRedeemed, true
		}
		return FlowEarned, true
	}
	return 0, false
}

// DayTally is what happened on one UTC day, by the day it happened (an
// event imported today about last March counts in last March).
type DayTally struct {
	Joined  int64         // members who joined
	Events  int64         // activity events
	Points  [Flows]int64  // balance changes per flow, signed
	Reports int64         // reports received
	Decided int64         // cases decided
	Upheld  int64         // …with an action, not dismissed
	Waited  time.Duration // summed over the cases decided: first report to decision
	InDay   int64         // cases decided within 24 hours of their first report
}

// Add adds o to t.
func (t *DayTally) Add(o DayTally) {
	t.Joined += o.Joined
	t.Events += o.Events
	for i := range t.Points {
		t.Points[i] += o.Points[i]
	}
	t.Reports += o.Reports
	t.Decided += o.Decided
	t.Upheld += o.Upheld
	t.Waited += o.Waited
	t.InDay += o.InDay
}

// Zero reports whether nothing happened.
func (t DayTally) Zero() bool { return t == DayTally{} }

// CaseDecided is the tally of a case decided after waiting for waited;
// Negate of it takes the decision back (an undo).
func CaseDecided(upheld bool, waited time.Duration) DayTally {
	t := DayTally{Decided: 1, Waited: waited}
	if upheld {
		t.Upheld = 1
	}
	if waited <= 24*time.Hour {
		t.InDay = 1
	}
	return t
}

// Negate returns the tally that cancels t.
func (t DayTally) Negate() DayTally {
	var n DayTally
	n.Joined, n.Events, n.Reports = -t.Joined, -t.Events, -t.Reports
	for i := range t.Points {
		n.Points[i] = -t.Points[i]
	}
	n.Decided, n.Upheld, n.Waited, n.InDay = -t.Decided, -t.Upheld, -t.Waited, -t.InDay
	return n
}

// Week numbers weeks since the one holding 1970-01-01, Monday to Sunday
// like ISO weeks (and the week's leaderboard).
func Week(day int32) int32 {
	d := day + 3
	if d < 0 {
		return (d - 6) / 7 // division that rounds down
	}
	return d / 7
}

// WeekStart is the first day (a Monday) of week w.
func WeekStart(w int32) int32 { return w*7 - 3 }

// Month numbers calendar months: year × 12 + month − 1, UTC.
func Month(t time.Time) int32 {
	t = t.UTC()
	return int32(t.Year())*12 + int32(t.Month()) - 1
}

// MonthOfDay is the month holding a day.
func MonthOfDay(day int32) int32 { return Month(DayStart(day)) }

// MonthStart is the first instant of month m.
func MonthStart(m int32) time.Time {
	return time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// DayStart is the first instant of a day.
func DayStart(day int32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

// Period is one month or one week of the community's life.
type Period struct {
	Start, End time.Time // End is the start of the next period
	Label      string    // "2026-11", or "W47 2026" for a week

	Newcomers int64 // members who joined
	Active    int64 // distinct members with at least one event
	Events    int64
	Issued    int64 // points earned, given as a welcome and awarded (net)
	Redeemed  int64 // points spent on rewards
	Deducted  int64 // points taken as penalties
	Reports   int64 // reports received
	Decided   int64 // cases decided
	Upheld    int64
	Waited    time.Duration // summed over the cases decided
	InDay     int64         // decided within 24 hours
}

// MeanWait is the mean time from a case's first report to its decision,
// for the cases decided in the period.
func (p Period) MeanWait() time.Duration {
	if p.Decided <= 0 {
		return 0
	}
	return p.Waited / time.Duration(p.Decided)
}

func (p *Period) add(t DayTally) {
	p.Newcomers += t.Joined
	p.Events += t.Events
	p.Issued += t.Points[FlowEarned] + t.Points[FlowWelcome] + t.Points[FlowAwarded]
	p.Redeemed -= t.Points[FlowRedeemed]
	p.Deducted -= t.Points[FlowPenalty]
	p.Reports += t.Reports
	p.Decided += t.Decided
	p.Upheld += t.Upheld
	p.Waited += t.Waited
	p.InDay += t.InDay
}

// Cohort is the members who joined in one month, and how many of them were
// active in that month and each month after.
type Cohort struct {
	Month  time.Time
	Size   int64
	Active []int64 // [0]: the month they joined, [1]: the month after, …
}

// Retained is the share of the cohort active k months after joining, and
// whether that month has begun.
func (c Cohort) Retained(k int) (float64, bool) {
	if k >= len(c.Active) || c.Size == 0 {
		return 0, false
	}
	return float64(c.Active[k]) / float64(c.Size), true
}

// Health is the community at a glance: the numbers an admin watches to see
// how engaged it is and whether the programme works.
type Health struct {
	At time.Time
	// Members are the community's members; banned members, who are no
	// longer part of it, are counted in Banned alone and left out of the
	// active counts and of engagement. (Their past activity stays in the
	// periods and cohorts: they were members then.)
	Members  int64
	Banned   int64
	Active7  int64 // members whose last event is at most 7 days old
	Active30 int64 // …at most 30 days old
	Pending  int64 // reward requests waiting
	Open     int64 // report cases waiting

	Months  []Period // oldest first; the last is the current month, so far
	Weeks   []Period // oldest first; the last is the current week, so far
	Cohorts []Cohort // oldest first; the last joined this month

	Goals  Goals  // the programme's (see Check)
	Recent Period // the last 30 days, today included
	// Slipping are top contributors gone quiet (see SlippingRule), most
	// points first.
	Slipping []Slipping
	// Retained is the share of the newcomers of the month before last
	// active last month (RetainedOf: that cohort's size; 0: none joined).
	Retained   float64
	RetainedOf int64
}

// Engagement is the share of members active in the last 30 days.
func (h Health) Engagement() float64 {
	if h.Members == 0 {
		return 0
	}
	return float64(h.Active30) / float64(h.Members)
}

// Tallies is what a store keeps for Health: the days' tallies, the
// distinct members active per week, and per month the distinct active
// members of each cohort (cohort month → count).
type Tallies struct {
	Days   map[int32]DayTally
	Weeks  map[int32]int64
	Months map[int32]map[int32]int64
}

// HealthOf builds the last months months and weeks weeks up to now, and
// the cohorts of the last cohorts months, from the tallies.
func HealthOf(now time.Time, t Tallies, months, weeks, cohorts int) Health {
	h := Health{At: now, Months: make([]Period, 0, months), Weeks: make([]Period, 0, weeks), Cohorts: make([]Cohort, 0, cohorts)}
	cur := Month(now)
	for m := cur - int32(months) + 1; m <= cur; m++ {
		p := Period{Start: MonthStart(m), End: MonthStart(m + 1), Label: MonthStart(m).Format("2006-01")}
		for d := Day(p.Start); d < Day(p.End); d++ {
			p.add(t.Days[d])
		}
		for _, n := range t.Months[m] {
			p.Active += n
		}
		h.Months = append(h.Months, p)
	}
	wk := Week(Day(now))
	for w := wk - int32(weeks) + 1; w <= wk; w++ {
		start := WeekStart(w)
		y, n := DayStart(start).ISOWeek()
		p := Period{Start: DayStart(start), End: DayStart(start + 7), Label: "W" + pad2(n) + " " + itoa(int64(y))}
		for d := start; d < start+7; d++ {
			p.add(t.Days[d])
		}
		p.Active = t.Weeks[w]
		h.Weeks = append(h.Weeks, p)
	}
	today := Day(now)
	h.Recent = Period{Start: DayStart(today - 29), End: DayStart(today + 1), Label: "last 30 days"}
	for d := today - 29; d <= today; d++ {
		h.Recent.add(t.Days[d])
	}
	for d := Day(MonthStart(cur - 2)); d < Day(MonthStart(cur-1)); d++ {
		h.RetainedOf += t.Days[d].Joined
	}
	if h.RetainedOf > 0 {
		h.Retained = float64(t.Months[cur-1][cur-2]) / float64(h.RetainedOf)
	}
	for c := cur - int32(cohorts) + 1; c <= cur; c++ {
		co := Cohort{Month: MonthStart(c), Active: make([]int64, 0, cur-c+1)}
		for d := Day(MonthStart(c)); d < Day(MonthStart(c+1)); d++ {
			co.Size += t.Days[d].Joined
		}
		for m := c; m <= cur; m++ {
			co.Active = append(co.Active, t.Months[m][c])
		}
		h.Cohorts = append(h.Cohorts, co)
	}
	return h
}

func pad2(n int) string {
	if n < 10 {
		return "0" + itoa(int64(n))
	}
	return itoa(int64(n))
}

// Slipping is a member among those with the most points whose newest
// event is a while ago: someone to reach out to before they are gone.
type Slipping struct {
	Rank       int // on the all-time leaderboard
	Handle     string
	Name       string
	Points     int64
	LastActive time.Time
}

// SlippingRule says who is slipping: among the Top members with the most
// points, those whose newest event is Quiet to Gone old; at most Show.
var SlippingRule = struct {
	Top, Show   int
	Quiet, Gone time.Duration
}{Top: 500, Show: 10, Quiet: 14 * 24 * time.Hour, Gone: 90 * 24 * time.Hour}

// IsSlipping applies SlippingRule to a member's newest event as of now.
func IsSlipping(lastActive, now time.Time) bool {
	if lastActive.IsZero() {
		return false
	}
	quiet := now.Sub(lastActive)
	return quiet >= SlippingRule.Quiet && quiet < SlippingRule.Gone
}

// GoalCheck is one goal of the programme against the community's health.
type GoalCheck struct {
	Name   string // "engagement", "retention", "newcomers", "decide within"
	About  string // what is measured
	Actual string // "61%"; "—" when there is nothing to measure yet
	Target string // "≥ 25%"
	Met    bool
	Known  bool // false: nothing to measure yet (no member, no newcomer, no decision)
}

// Check says which of the programme's goals the community meets.
func (h Health) Check() []GoalCheck {
	g := h.Goals
	var out []GoalCheck
	pct := func(f float64) string { return itoa(int64(f*100+0.5)) + "%" }
	if g.Engagement > 0 {
		c := GoalCheck{Name: "engagement", About: "members active in the last 30 days", Actual: "—", Target: "≥ " + itoa(g.Engagement) + "%", Known: h.Members > 0}
		if c.Known {
			c.Actual, c.Met = pct(h.Engagement()), h.Engagement()*100 >= float64(g.Engagement)
		}
		out = append(out, c)
	}
	if g.Retention > 0 {
		c := GoalCheck{Name: "retention", About: "newcomers of the month before last active last month", Actual: "—", Target: "≥ " + itoa(g.Retention) + "%", Known: h.RetainedOf > 0}
		if c.Known {
			c.Actual, c.Met = pct(h.Retained), h.Retained*100 >= float64(g.Retention)
		}
		out = append(out, c)
	}
	if g.Newcomers > 0 {
		out = append(out, GoalCheck{Name: "newcomers", About: "members who joined in the last 30 days", Actual: itoa(h.Recent.Newcomers),
			Target: "≥ " + itoa(g.Newcomers), Met: h.Recent.Newcomers >= g.Newcomers, Known: true})
	}
	if g.DecideWithin > 0 {
		c := GoalCheck{Name: "decide within", About: "mean wait of the cases decided in the last 30 days", Actual: "—", Target: "≤ " + FormatWait(g.DecideWithin), Known: h.Recent.Decided > 0}
		if c.Known {
			c.Actual, c.Met = FormatWait(h.Recent.MeanWait()), h.Recent.MeanWait() <= g.DecideWithin
		}
		out = append(out, c)
	}
	return out
}
