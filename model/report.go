package model

import (
	"fmt"
	"strings"
	"time"
)

// Report is one member's report of a breach of the guidelines.
type Report struct {
	ID        string
	Reporter  string
	Subject   string // the member reported
	Content   string // a URL or post id: reports of one content are one item
	Guideline string
	Excerpt   string
	At        time.Time
}

// CaseStatus is where a group of reports stands.
type CaseStatus uint8

// A case is open until a moderator dismisses it or takes an action.
const (
	Open CaseStatus = iota + 1
	Dismissed
	Actioned
)

var caseStatusNames = [...]string{"", "open", "dismissed", "actioned"}

func (s CaseStatus) String() string {
	if int(s) < len(caseStatusNames) && s != 0 {
		return caseStatusNames[s]
	}
	return "unknown"
}

// Case is every report about one content, decided once.
type Case struct {
	ID        uint64
	Content   string
	Subject   string
	Guideline string // the guideline of the first report
	Excerpt   string // the excerpt of the first report that had one
	FirstAt   time.Time
	Reports   []Report
	Status    CaseStatus
	Action    SanctionKind // for Actioned
	DecidedBy string
	DecidedAt time.Time
	Reason    string
	Priority  uint32 // PriorityKey of the case's priority when last ranked
}

// Waited is how long the case waited for its decision, from its first
// report (zero for a report dated after the decision).
func (c Case) Waited() time.Duration {
	if c.DecidedAt.IsZero() || !c.DecidedAt.After(c.FirstAt) {
		return 0
	}
	return c.DecidedAt.Sub(c.FirstAt)
}

// Reporters lists the distinct reporters, in the order they first reported.
func (c Case) Reporters() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range c.Reports {
		if !seen[r.Reporter] {
			seen[r.Reporter] = true
			out = append(out, r.Reporter)
		}
	}
	return out
}

// ReporterWeight is how much one reporter's voice counts: the share of their
// past decided reports that were upheld, smoothed so that a newcomer counts
// one half and a record builds trust (or loses it) gradually.
func ReporterWeight(decided, upheld int32) float64 {
	return (float64(upheld) + 1) / (float64(decided) + 2)
}

// Priority is a case's place in the queue: the sum of its distinct
// reporters' weights. weight looks up a reporter's record.
func Priority(c Case, weight func(reporter string) float64) float64 {
	sum := 0.0
	for _, r := range c.Reporters() {
		sum += weight(r)
	}
	return sum
}

// ExplainPriority spells a priority out for the moderator:
// "1.4 = 2 reporters (0.9 + 0.5)".
func ExplainPriority(c Case, weight func(reporter string) float64) string {
	rs := c.Reporters()
	parts := make([]string, len(rs))
	sum := 0.0
	for i, r := range rs {
		w := weight(r)
		sum += w
		parts[i] = fmt.Sprintf("%.1f", w)
	}
	noun := "reporters"
	if len(rs) == 1 {
		noun = "reporter"
	}
	return fmt.Sprintf("%.1f = %d %s (%s)", sum, len(rs), noun, strings.Join(parts, " + "))
}

// PriorityKey turns a priority into a fixed-point integer for ordering.
func PriorityKey(p float64) uint32 {
	if p < 0 {
		return 0
	}
	return uint32(p*1000 + 0.5)
}
