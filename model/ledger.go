package model

import "time"

// EntryType says why points moved.
type EntryType uint8

// The kinds of points movement. Every one of them is appended, never edited:
// an undo appends a Reversal.
const (
	Earned   EntryType = iota + 1 // priced from an activity event (may be 0: capped)
	Welcome                       // the welcome bonus on joining
	Awarded                       // given (or taken, if negative) by a moderator
	Hold                          // a redemption request holds points
	Spent                         // an approved request spends its hold
	Released                      // a rejected request releases its hold
	Penalty                       // deducted for a breach of the guidelines
	Expired                       // points that ran out
	Reversal                      // compensates an earlier entry (undo)
)

var entryTypeNames = [...]string{"", "earned", "welcome", "awarded", "hold", "spent", "released", "penalty", "expired", "reversal"}

func (t EntryType) String() string {
	if int(t) < len(entryTypeNames) && t != 0 {
		return entryTypeNames[t]
	}
	return "entry"
}

// ParseEntryType is the inverse of EntryType.String.
func ParseEntryType(s string) (EntryType, bool) {
	for i, n := range entryTypeNames {
		if n == s && i != 0 {
			return EntryType(i), true
		}
	}
	return 0, false
}

// Entry is one line of a member's points ledger. Balance, held points and
// qualifying points are each the sum of one delta over the ledger, so a
// cached number can always be proven against it.
type Entry struct {
	Seq    uint64 // global, increasing: the order entries were written
	Member string
	At     time.Time
	Type   EntryType

	Points     int64 // change to the balance
	Held       int64 // change to the points held by pending requests
	Qualifying int64 // change to the qualifying points behind tiers and leaderboards

	Rule     string // the rule that priced it: "post", "welcome", "cap", "reward:tshirt", …
	Withheld int64  // points the rule would have given but a cap, cooldown or restriction held back
	Why      string // why it was withheld, or the moderator's reason
	Ref      string // what it is about: an event id, a request id, a report group, an audit seq
	By       string // the moderator or script, for entries that are not priced events
}

// Counts reports whether the entry adds to (or takes from) activity: the
// leaderboards rank by Qualifying, so spending does not lower a rank.
func (e Entry) Counts() bool { return e.Qualifying != 0 }
