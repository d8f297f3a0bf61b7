package model

import "time"

// Status is where a member stands with the community.
type Status uint8

// The statuses a member can have. Suspension carries its end in
// Member.SuspendedUntil; a suspension whose end has passed is read as active.
const (
	Active Status = iota
	Suspended
	Banned
)

func (s Status) String() string {
	switch s {
	case Suspended:
		return "suspended"
	case Banned:
		return "banned"
	default:
		return "active"
	}
}

// Member is a person in the community, with the cached numbers the lists
// show. The cached numbers are derived from the ledger and are proven equal
// to it by the store's check.
type Member struct {
	Handle         string // stable key, normalised by NormalizeHandle
	Name           string // display name, untrusted text
	Joined         time.Time
	Status         Status
	SuspendedUntil time.Time // meaningful when Status == Suspended
	StatusSince    time.Time // when the current status began
	Tags           []string
	ReferredBy     string // handle of the referrer, or ""

	Balance    int64     // Σ Entry.Points
	Held       int64     // Σ Entry.Held: points held by pending requests
	Qualifying int64     // Σ Entry.Qualifying over all time (tier and all-time leaderboard)
	Tier       int       // index into Programme.Tiers
	TierAt     time.Time // when Tier was computed: a rolling window moves on
	LastActive time.Time // time of the newest activity event
}

// Available is what the member can still spend.
func (m Member) Available() int64 { return m.Balance - m.Held }

// StatusAt is the member's effective status at t: a suspension that has run
// out reads as active.
func (m Member) StatusAt(t time.Time) Status {
	if m.Status == Suspended && !t.Before(m.SuspendedUntil) {
		return Active
	}
	return m.Status
}

// Restricted reports whether the member may not earn points or appear on
// leaderboards at t.
func (m Member) Restricted(t time.Time) bool { return m.StatusAt(t) != Active }

// HasTag reports whether the member carries tag.
func (m Member) HasTag(tag string) bool {
	for _, t := range m.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// StatusLabel is the status in words, with the end of a suspension, so no
// state is shown by colour alone.
func (m Member) StatusLabel(now time.Time) string {
	switch m.StatusAt(now) {
	case Suspended:
		return "suspended until " + m.SuspendedUntil.UTC().Format("2006-01-02")
	case Banned:
		return "banned"
	default:
		return "active"
	}
}

// Note is a moderator's note about a member.
type Note struct {
	Seq    uint64
	At     time.Time
	By     string
	Text   string
	Hidden bool // retracted by an undo; kept, never deleted
}

// BadgeGrant records a badge a member holds: won by a rule or given by hand.
type BadgeGrant struct {
	Badge   string
	At      time.Time
	By      string // "" for automatic badges
	Note    string // the personal note of a hand-given badge
	Revoked bool   // revoked by an undo or a programme change
}

// SanctionKind is a moderator's answer to a breach of the guidelines.
type SanctionKind uint8

// The sanctions, from lightest to heaviest.
const (
	Warning SanctionKind = iota + 1
	Deduction
	Suspension
	Ban
)

func (k SanctionKind) String() string {
	switch k {
	case Warning:
		return "warning"
	case Deduction:
		return "deduction"
	case Suspension:
		return "suspension"
	case Ban:
		return "ban"
	}
	return "sanction"
}

// CountsOnLadder reports whether the sanction moves the member up the
// penalty ladder. A warning is a notice, not a penalty.
func (k SanctionKind) CountsOnLadder() bool { return k != Warning }

// Sanction is one penalty or warning in a member's record.
type Sanction struct {
	Seq      uint64
	Kind     SanctionKind
	At       time.Time
	By       string
	Reason   string
	Points   int64         // deducted, for a Deduction
	Duration time.Duration // for a Suspension
	Report   uint64        // the report group it answered, or 0
	Lifted   bool          // undone; kept, never deleted
}
