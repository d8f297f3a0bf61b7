package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"steward/model"
)

// Reports: grouping by content, priority by distinct reporters and their
// record, each action, and the suggested suspension ladder.

// rtQueue reads the open cases in queue order.
func rtQueue(t testing.TB, s *Store) []CaseRow {
	t.Helper()
	page, err := s.OpenCases(nil, Forward, 100)
	rtOK(t, err)
	return page.Rows
}

// rtQueueText is the queue as "content=priority" in order.
func rtQueueText(t testing.TB, s *Store) string {
	t.Helper()
	var parts []string
	for _, r := range rtQueue(t, s) {
		parts = append(parts, fmt.Sprintf("%s=%.3f", r.Case.Content, r.Priority))
	}
	return strings.Join(parts, " ")
}

// rtCaseOf finds the case about content (open or not) through the
// subject's detail.
func rtCaseOf(t testing.TB, s *Store, subject, content string) model.Case {
	t.Helper()
	var found []model.Case
	for _, c := range rtDetail(t, s, subject).Cases {
		if c.Content == content {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		t.Fatalf("%s has no case about %s", subject, content)
	}
	return found[len(found)-1]
}

func rtOpenCount(t testing.TB, s *Store) int {
	t.Helper()
	c, err := s.Counts()
	rtOK(t, err)
	return c.Open
}

func TestReportsSameContentIsOneCase(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob", "carol", "dave")
	rep := rtReports(t, s,
		"r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z",
		"r2,carol,alice,post-1,harassment,you fool,2026-11-20T09:30:00Z",
		"r3,bob,alice,post-1,spam,again,2026-11-20T10:00:00Z",
		"r4,dave,alice,post-2,off-topic,,2026-11-20T10:30:00Z",
		"r5,dave,bob,post-1,spam,,2026-11-20T10:45:00Z",  // same content id, another subject
		"r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z", // the same report again
	)
	if rep.Imported != 5 || rep.Duplicates != 1 {
		t.Errorf("report %s, want 5 imported and 1 duplicate", rep.Summary())
	}
	if n := rtOpenCount(t, s); n != 3 {
		t.Errorf("open counter %d, want 3", n)
	}
	c := rtCaseOf(t, s, "alice", "post-1")
	if len(c.Reports) != 3 || strings.Join(c.Reporters(), ",") != "bob,carol" || c.Guideline != "spam" ||
		c.Excerpt != "you fool" || !c.FirstAt.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) || c.Status != model.Open {
		t.Errorf("case %+v, want 3 reports by bob and carol, guideline spam, excerpt \"you fool\", first at 09:00", c)
	}
	q := rtQueue(t, s)
	if len(q) != 3 || q[0].Case.ID != c.ID || q[0].Explained != "1.0 = 2 reporters (0.5 + 0.5)" {
		t.Fatalf("queue %+v, want post-1 of alice first at 1.0 = 2 reporters", q)
	}
	if d := rtDetail(t, s, "alice"); d.OpenReports != 2 || len(d.Cases) != 2 {
		t.Errorf("alice has %d open reports and %d cases, want 2 and 2", d.OpenReports, len(d.Cases))
	}
	// Once decided, a new report about the same content opens a new case.
	_, err := s.Decide(c.ID, Verdict{Reason: "fine"})
	rtOK(t, err)
	rtReports(t, s, "r6,carol,alice,post-1,spam,,2026-11-20T11:00:00Z")
	c2 := rtCaseOf(t, s, "alice", "post-1")
	if c2.ID == c.ID || c2.Status != model.Open || len(c2.Reports) != 1 {
		t.Errorf("new case %+v, want a new open case with one report", c2)
	}
	if n := rtOpenCount(t, s); n != 3 {
		t.Errorf("open counter %d, want 3", n)
	}
	mustCheck(t, s)
}

func TestReportsDistinctReportersDrivePriority(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob", "carol", "dave", "erin")
	rtReports(t, s,
		// Older, but one reporter three times.
		"d1,dave,alice,post-b,spam,,2026-11-20T08:00:00Z",
		"d2,dave,alice,post-b,spam,,2026-11-20T08:10:00Z",
		"d3,dave,alice,post-b,spam,,2026-11-20T08:20:00Z",
		// Newer, two reporters.
		"b1,bob,erin,post-a,spam,,2026-11-20T09:00:00Z",
		"c1,carol,erin,post-a,spam,,2026-11-20T09:10:00Z",
	)
	rtWant(t, "queue", rtQueueText(t, s), "post-a=1.000 post-b=0.500")
	q := rtQueue(t, s)
	if q[1].Explained != "0.5 = 1 reporter (0.5)" {
		t.Errorf("explained %q", q[1].Explained)
	}
	mustCheck(t, s)
}

func TestReportsUpheldReporterWeighsMore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		verdict Verdict
		queue   string
	}{
		{"upheld", Verdict{Action: model.Warning, Reason: "rude"}, "post-y=0.667 post-z=0.500"},
		{"dismissed", Verdict{Reason: "not a breach"}, "post-z=0.500 post-y=0.333"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newStore(t)
			rtJoin(t, s, "alice", "bob", "carol", "erin", "frank")
			rtReports(t, s,
				"x,bob,alice,post-x,harassment,,2026-11-20T09:00:00Z",
				"z,carol,frank,post-z,spam,,2026-11-20T10:00:00Z",
				"y,bob,erin,post-y,spam,,2026-11-20T11:00:00Z",
			)
			rtWant(t, "queue before", rtQueueText(t, s), "post-x=0.500 post-z=0.500 post-y=0.500")
			_, err := s.Decide(rtCaseOf(t, s, "alice", "post-x").ID, tc.verdict)
			rtOK(t, err)
			rtWant(t, "queue after", rtQueueText(t, s), tc.queue)
			act := rtDetail(t, s, "bob").Activity
			upheld := int32(0)
			if tc.verdict.Action != 0 {
				upheld = 1
			}
			if act.ReportsDecided != 1 || act.ReportsUpheld != upheld {
				t.Errorf("bob's record %d decided, %d upheld; want 1 and %d", act.ReportsDecided, act.ReportsUpheld, upheld)
			}
			mustCheck(t, s)
		})
	}
}

func TestReportsEachAction(t *testing.T) {
	t.Parallel()
	type outcome struct {
		status    model.CaseStatus
		action    model.SanctionKind
		member    string // rtNums of the subject
		statusNow model.Status
		until     time.Time
		sanctions string
		summary   string
	}
	week := 7 * 24 * time.Hour
	for _, tc := range []struct {
		name    string
		verdict Verdict
		want    outcome
	}{
		{"dismiss", Verdict{Reason: "fine"}, outcome{model.Dismissed, 0,
			"balance 200 held 150 available 50 qualifying 200 tier Beginner", model.Active, time.Time{}, "",
			"dismissed the reports on post-1"}},
		{"warn", Verdict{Action: model.Warning, Reason: "tone"}, outcome{model.Actioned, model.Warning,
			"balance 200 held 150 available 50 qualifying 200 tier Beginner", model.Active, time.Time{}, "warning:tone:0",
			"warned alice"}},
		{"deduct clamped to available", Verdict{Action: model.Deduction, Points: 100, Reason: "spam"}, outcome{model.Actioned, model.Deduction,
			"balance 150 held 150 available 0 qualifying 150 tier Beginner", model.Active, time.Time{}, "deduction:spam:50",
			"deducted 50 points from alice"}},
		{"suspend", Verdict{Action: model.Suspension, Duration: week, Reason: "spam"}, outcome{model.Actioned, model.Suspension,
			"balance 200 held 150 available 50 qualifying 200 tier Beginner", model.Suspended, t0.Add(week), "suspension:spam:0",
			"suspended alice for 7d"}},
		{"ban", Verdict{Action: model.Ban, Reason: "threats"}, outcome{model.Actioned, model.Ban,
			"balance 200 held 150 available 50 qualifying 200 tier Beginner", model.Banned, time.Time{}, "ban:threats:0",
			"banned alice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := rtFunded(t, 200, "alice", "bob")
			rtRequests(t, s, "hold,alice,sticker-pack,2026-11-20T08:00:00Z")
			rtReports(t, s, "r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z")
			id := rtCaseOf(t, s, "alice", "post-1").ID
			_, err := s.Decide(id, Verdict{Action: tc.verdict.Action, Points: tc.verdict.Points, Duration: tc.verdict.Duration})
			rtFails(t, err, "a reason is required")
			done, err := s.Decide(id, tc.verdict)
			rtOK(t, err)
			if done.Summary != tc.want.summary {
				t.Errorf("summary %q, want %q", done.Summary, tc.want.summary)
			}
			c := rtCaseOf(t, s, "alice", "post-1")
			if c.Status != tc.want.status || c.Action != tc.want.action || c.DecidedBy != "mod" || c.Reason != tc.verdict.Reason || !c.DecidedAt.Equal(t0) {
				t.Errorf("case %+v, want %s/%s by mod", c, tc.want.status, tc.want.action)
			}
			rtWant(t, "alice", rtNums(t, s, "alice"), tc.want.member)
			m := member(t, s, "alice")
			if m.Status != tc.want.statusNow || !m.SuspendedUntil.Equal(tc.want.until) {
				t.Errorf("alice is %s until %s, want %s until %s", m.Status, m.SuspendedUntil, tc.want.statusNow, tc.want.until)
			}
			if tc.want.statusNow != model.Active && !m.StatusSince.Equal(t0) {
				t.Errorf("status since %s, want %s", m.StatusSince, t0)
			}
			var sc []string
			for _, x := range rtDetail(t, s, "alice").Sanctions {
				sc = append(sc, fmt.Sprintf("%s:%s:%d", x.Kind, x.Reason, x.Points))
				if x.Report != id || x.By != "mod" {
					t.Errorf("sanction %+v, want it tied to case %d by mod", x, id)
				}
			}
			rtWant(t, "sanctions", strings.Join(sc, " "), tc.want.sanctions)
			if n := rtOpenCount(t, s); n != 0 {
				t.Errorf("open counter %d, want 0", n)
			}
			_, err = s.Decide(id, Verdict{Reason: "again"})
			rtFails(t, err, fmt.Sprintf("case #%d was already %s by mod at 2026-11-20 12:00", id, tc.want.status))
			mustCheck(t, s)
		})
	}
}

func TestReportsDeductNothingAvailable(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 150, "alice", "bob")
	rtRequests(t, s, "hold,alice,sticker-pack,2026-11-20T08:00:00Z")
	rtReports(t, s, "r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z")
	id := rtCaseOf(t, s, "alice", "post-1").ID
	_, err := s.Decide(id, Verdict{Action: model.Deduction, Points: 10, Reason: "spam"})
	rtFails(t, err, "alice has no points available to deduct")
	if c := rtCaseOf(t, s, "alice", "post-1"); c.Status != model.Open {
		t.Errorf("case is %s after a refused decision, want open", c.Status)
	}
	_, err = s.Decide(id, Verdict{Action: model.Suspension, Reason: "spam"})
	rtFails(t, err, "a suspension needs a duration")
	_, err = s.Decide(9999, Verdict{Reason: "x"})
	rtFails(t, err, "no report case #9999")
	mustCheck(t, s)
}

func TestReportsSuggestedSuspensionLadder(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob")
	day := 24 * time.Hour
	n := 0
	// report opens a case about alice and returns its queue row.
	report := func() CaseRow {
		t.Helper()
		n++
		at := now.Add(-time.Minute).Format(time.RFC3339)
		rtReports(t, s, fmt.Sprintf("r%d,bob,alice,post-%d,spam,,%s", n, n, at))
		q := rtQueue(t, s)
		if len(q) != 1 {
			t.Fatalf("queue has %d cases, want 1", len(q))
		}
		return q[0]
	}
	decide := func(row CaseRow, v Verdict) {
		t.Helper()
		_, err := s.Decide(row.Case.ID, v)
		rtOK(t, err)
	}
	row := report()
	if row.Suggested != day || row.Penalties != 0 {
		t.Errorf("first offence: suggested %s, penalties %d; want 1d, 0", row.Suggested, row.Penalties)
	}
	decide(row, Verdict{Action: model.Warning, Reason: "tone"})
	row = report()
	if row.Suggested != day || row.Warnings != 1 {
		t.Errorf("after a warning: suggested %s, warnings %d; want 1d (a warning is not a penalty), 1", row.Suggested, row.Warnings)
	}
	decide(row, Verdict{Action: model.Suspension, Duration: day, Reason: "spam"})
	rtSet(now, now.Add(2*day))
	row = report()
	if row.Suggested != 7*day || row.Penalties != 1 {
		t.Errorf("after one suspension: suggested %s, penalties %d; want 7d, 1", row.Suggested, row.Penalties)
	}
	decide(row, Verdict{Action: model.Deduction, Points: 5, Reason: "spam"})
	row = report()
	if row.Suggested != 30*day {
		t.Errorf("after two penalties: suggested %s, want 30d", row.Suggested)
	}
	decide(row, Verdict{Action: model.Suspension, Duration: 7 * day, Reason: "spam"})
	rtSet(now, now.Add(8*day))
	row = report()
	if row.Suggested != 30*day || row.Penalties != 3 {
		t.Errorf("after three penalties: suggested %s, penalties %d; want 30d, 3", row.Suggested, row.Penalties)
	}
	if d := rtDetail(t, s, "alice"); d.Suggested != 3 {
		t.Errorf("detail counts %d penalties on the ladder, want 3", d.Suggested)
	}
	decide(row, Verdict{Reason: "nothing new"})
	// Half a year on, the old penalties no longer count.
	rtSet(now, now.Add(181*day))
	row = report()
	if row.Suggested != day || row.Penalties != 3 {
		t.Errorf("181 days later: suggested %s, penalties %d; want 1d (outside the window), 3 on record", row.Suggested, row.Penalties)
	}
	mustCheck(t, s)
}
