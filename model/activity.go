package model

import "time"

// Event is something a member did. Its ID is the idempotency key: the same
// id imported twice counts once.
type Event struct {
	ID     string
	Member string
	Kind   string
	At     time.Time
	Ref    string // a URL or post id, optional
}

// Day numbers UTC days since 1970-01-01, the unit of caps and streaks.
func Day(t time.Time) int32 { return int32(t.Unix() / 86400) }

// KindStats is what a member has done of one action kind, and the state the
// kind's cap and cooldown need.
type KindStats struct {
	Kind         string
	Count        int64     // events, rewarded or not
	Points       int64     // points they earned
	Withheld     int64     // points caps, cooldowns and restrictions held back
	CapDay       int32     // the UTC day CapUsed counts
	CapUsed      int64     // points earned from this kind on CapDay
	LastRewarded time.Time // the newest event of this kind that earned points
}

// Activity is a member's running activity state: per kind, streaks, and
// their record as a reporter. It is derived from events and decisions; the
// store keeps it beside the member so pricing an event is one read.
type Activity struct {
	Kinds      []KindStats
	StreakDay  int32 // the newest UTC day with activity
	Streak     int32 // consecutive active days ending on StreakDay
	BestStreak int32
	Events     int64 // all events, of every kind

	ReportsDecided int32 // their reports that a moderator decided
	ReportsUpheld  int32 // …and that led to an action (not dismissed)
	ReferralPaid   bool  // their referrer has been rewarded for bringing them
}

// Kind returns the stats of kind, adding them if absent.
func (a *Activity) Kind(kind string) *KindStats {
	for i := range a.Kinds {
		if a.Kinds[i].Kind == kind {
			return &a.Kinds[i]
		}
	}
	a.Kinds = append(a.Kinds, KindStats{Kind: kind})
	return &a.Kinds[len(a.Kinds)-1]
}

// Count is how many events of kind the member has.
func (a *Activity) Count(kind string) int64 {
	for i := range a.Kinds {
		if a.Kinds[i].Kind == kind {
			return a.Kinds[i].Count
		}
	}
	return 0
}

// Priced is the outcome of pricing one event.
type Priced struct {
	Points   int64
	Withheld int64  // what the rule would have given but did not
	Why      string // "daily cap 25 reached", "cooldown 2m0s", "suspended", or ""
}

// UsedOn tells pricing how many points of an action kind a member earned on
// an earlier UTC day; the store answers it from the ledger for the rare event
// that arrives after newer ones.
type UsedOn func(kind string, day int32) int64

// Price prices ev for a member whose activity is act, and records the event
// in act. restricted says the member was suspended or banned at ev.At, which
// earns nothing. Events should be priced in time order; an older event is
// priced against its own day's cap (through usedOn) and neither extends a
// streak nor resets a cooldown.
func (p *Programme) Price(ev Event, act *Activity, restricted bool, usedOn UsedOn) Priced {
	rule, ok := p.Action(ev.Kind)
	ks := act.Kind(ev.Kind)
	ks.Count++
	act.Events++
	day := Day(ev.At)
	inOrder := day >= ks.CapDay
	act.countDay(day)

	if !ok {
		return Priced{Why: "no rule for " + ev.Kind}
	}
	out := Priced{Points: rule.Points}
	switch {
	case restricted:
		out = Priced{Withheld: rule.Points, Why: "restricted (suspended or banned)"}
	case rule.Cooldown > 0 && !ks.LastRewarded.IsZero() && ev.At.After(ks.LastRewarded) && ev.At.Sub(ks.LastRewarded) < rule.Cooldown:
		out = Priced{Withheld: rule.Points, Why: "cooldown " + FormatDuration(rule.Cooldown)}
	case rule.DailyCap > 0:
		used := int64(0)
		switch {
		case day == ks.CapDay:
			used = ks.CapUsed
		case !inOrder && usedOn != nil:
			used = usedOn(ev.Kind, day)
		}
		room := rule.DailyCap - used
		if room < 0 {
			room = 0
		}
		if out.Points > room {
			out.Withheld = out.Points - room
			out.Points = room
			out.Why = "daily cap " + itoa(rule.DailyCap) + " reached"
		}
	}
	if inOrder {
		if day != ks.CapDay {
			ks.CapDay, ks.CapUsed = day, 0
		}
		ks.CapUsed += out.Points
		if out.Points > 0 && ev.At.After(ks.LastRewarded) {
			ks.LastRewarded = ev.At
		}
	}
	ks.Points += out.Points
	ks.Withheld += out.Withheld
	return out
}

// countDay extends or restarts the streak of active days.
func (a *Activity) countDay(day int32) {
	switch {
	case a.Streak == 0:
		a.StreakDay, a.Streak = day, 1
	case day == a.StreakDay+1:
		a.StreakDay, a.Streak = day, a.Streak+1
	case day > a.StreakDay+1:
		a.StreakDay, a.Streak = day, 1
	}
	if a.Streak > a.BestStreak {
		a.BestStreak = a.Streak
	}
}

// NewBadges returns the automatic badges the member's activity now meets and
// that has() says they do not hold yet. Top-of-month badges are decided when
// a month closes, not here.
func (p *Programme) NewBadges(act *Activity, has func(id string) bool) []Badge {
	return p.NewBadgesAfter(act, "", has)
}

// NewBadgesAfter is NewBadges after one event of kind: only the badges that
// event can have changed are looked at (its kind's, and streaks). An empty
// kind looks at all of them.
func (p *Programme) NewBadgesAfter(act *Activity, kind string, has func(id string) bool) []Badge {
	var won []Badge
	for _, b := range p.Badges {
		met := false
		switch b.Rule {
		case CountOf:
			met = (kind == "" || b.Kind == kind) && act.Count(b.Kind) >= int64(b.N)
		case FirstOf:
			met = (kind == "" || b.Kind == kind) && act.Count(b.Kind) >= 1
		case StreakOf:
			met = int(act.BestStreak) >= b.N
		}
		if met && !has(b.ID) {
			won = append(won, b)
		}
	}
	return won
}
