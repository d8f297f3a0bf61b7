package model

import (
	"fmt"
	"time"
)

// Programme is the community's rules: what earns points and how much, the
// tiers, badges, rewards and guidelines. Default() gives a sensible one; a
// TOML file can replace it.
type Programme struct {
	WelcomeBonus int64           // points on joining
	Actions      []ActionRule    // what each kind of activity earns
	Tiers        []Tier          // in increasing threshold; Tiers[0].Threshold is 0
	TierWindow   Window          // which qualifying points count towards a tier
	Badges       []Badge         // automatic and manual
	Rewards      []Reward        // the catalogue
	Guidelines   []Guideline     // the rules members agree to
	Ladder       []time.Duration // suggested suspension lengths, by prior penalties
	LadderWindow time.Duration   // how far back penalties count on the ladder
	ExcludeTags  []string        // members with these tags are left off leaderboards
	Goals        Goals           // what the admin aims for (see Health.Check)
}

// Goals are what the admin aims for, checked against the community's
// health. A zero goal is not set.
type Goals struct {
	Engagement   int64         `json:",omitempty"` // percent of members active in the last 30 days, at least
	Retention    int64         `json:",omitempty"` // percent of a month's newcomers active the month after, at least
	Newcomers    int64         `json:",omitempty"` // members joining in the last 30 days, at least
	DecideWithin time.Duration `json:",omitempty"` // mean wait of the cases decided in the last 30 days, at most
}

// ActionRule prices one kind of activity.
type ActionRule struct {
	Kind     string
	Points   int64
	DailyCap int64         // most points this kind earns a member per UTC day; 0 = no cap
	Cooldown time.Duration // least time between two rewarded events of this kind; 0 = none
	About    string        // one line for the README and the console
}

// Tier is a level reached by qualifying points.
type Tier struct {
	Name      string
	Threshold int64
	Perks     string
}

// Window is how far back qualifying points count. Zero means lifetime.
type Window struct{ Days int }

// Lifetime reports whether every qualifying point counts.
func (w Window) Lifetime() bool { return w.Days <= 0 }

func (w Window) String() string {
	if w.Lifetime() {
		return "lifetime"
	}
	return fmt.Sprintf("%dd", w.Days)
}

// BadgeRule says how a badge is won.
type BadgeRule uint8

// The rules a badge can follow.
const (
	Manual     BadgeRule = iota + 1 // given by a moderator with a personal note
	CountOf                         // N events of a kind
	FirstOf                         // the first event of a kind
	StreakOf                        // N consecutive UTC days with activity
	TopOfMonth                      // in the top N of a calendar month's leaderboard
)

var badgeRuleNames = [...]string{"", "manual", "count", "first", "streak", "top_month"}

func (r BadgeRule) String() string {
	if int(r) < len(badgeRuleNames) && r != 0 {
		return badgeRuleNames[r]
	}
	return "unknown"
}

// ParseBadgeRule is the inverse of BadgeRule.String.
func ParseBadgeRule(s string) (BadgeRule, bool) {
	for i, n := range badgeRuleNames {
		if n == s && i != 0 {
			return BadgeRule(i), true
		}
	}
	return 0, false
}

// Badge is a recognition a member can hold once.
type Badge struct {
	ID    string
	Name  string
	Rule  BadgeRule
	Kind  string // the action kind, for CountOf and FirstOf
	N     int    // the count, streak length or rank limit
	About string
}

// Reward is an item of the catalogue.
type Reward struct {
	ID          string
	Name        string
	Cost        int64
	MinTier     string // "" for any tier
	Stock       int64  // items left; Unlimited for no limit
	AutoApprove bool   // requests that pass every check are approved at once
}

// Unlimited is the stock of a reward that never runs out.
const Unlimited int64 = -1

// Guideline is one of the community's rules.
type Guideline struct {
	ID    string
	Title string
	Text  string
}

// Action returns the rule for an action kind.
func (p *Programme) Action(kind string) (ActionRule, bool) {
	for _, a := range p.Actions {
		if a.Kind == kind {
			return a, true
		}
	}
	return ActionRule{}, false
}

// Reward returns a reward of the catalogue by id.
func (p *Programme) Reward(id string) (Reward, bool) {
	for _, r := range p.Rewards {
		if r.ID == id {
			return r, true
		}
	}
	return Reward{}, false
}

// Badge returns a badge by id.
func (p *Programme) Badge(id string) (Badge, bool) {
	for _, b := range p.Badges {
		if b.ID == id {
			return b, true
		}
	}
	return Badge{}, false
}

// Guideline returns a guideline by id.
func (p *Programme) Guideline(id string) (Guideline, bool) {
	for _, g := range p.Guidelines {
		if g.ID == id {
			return g, true
		}
	}
	return Guideline{}, false
}

// TierIndex returns the index of the tier named name, or -1.
func (p *Programme) TierIndex(name string) int {
	for i, t := range p.Tiers {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// TierFor is the tier reached with q qualifying points.
func (p *Programme) TierFor(q int64) int {
	tier := 0
	for i, t := range p.Tiers {
		if q >= t.Threshold {
			tier = i
		}
	}
	return tier
}

// TierName is the name of tier i, clamped to the tiers that exist.
func (p *Programme) TierName(i int) string {
	if len(p.Tiers) == 0 {
		return ""
	}
	if i < 0 {
		i = 0
	}
	if i >= len(p.Tiers) {
		i = len(p.Tiers) - 1
	}
	return p.Tiers[i].Name
}

// Excluded reports whether m is left off leaderboards by its tags.
func (p *Programme) Excluded(m Member) bool {
	for _, t := range p.ExcludeTags {
		if m.HasTag(t) {
			return true
		}
	}
	return false
}

// SuggestedSuspension is the next step of the penalty ladder for a member
// with prior penalties inside the ladder's window.
func (p *Programme) SuggestedSuspension(prior int) time.Duration {
	if len(p.Ladder) == 0 {
		return 24 * time.Hour
	}
	if prior >= len(p.Ladder) {
		prior = len(p.Ladder) - 1
	}
	if prior < 0 {
		prior = 0
	}
	return p.Ladder[prior]
}

// LadderCount counts the sanctions that move a member up the ladder at now.
func (p *Programme) LadderCount(sanctions []Sanction, now time.Time) int {
	n := 0
	for _, s := range sanctions {
		if s.Lifted || !s.Kind.CountsOnLadder() {
			continue
		}
		if p.LadderWindow > 0 && now.Sub(s.At) > p.LadderWindow {
			continue
		}
		n++
	}
	return n
}
