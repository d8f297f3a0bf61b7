package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"steward/model"
)

// Undo: every undoable action is compensated, history only grows, an undo
// is done once, and an undo that would overdraw is refused.

// rtUndo undoes one audit entry and checks that the ledger grew by
// reversals (and not otherwise) and the audit log by one entry naming it.
func rtUndo(t testing.TB, s *Store, seq uint64, reversals int) Done {
	t.Helper()
	entries, audit := rtCounts(t, s)
	done, err := s.UndoSeq(seq)
	if err != nil {
		t.Fatalf("undo #%d: %v", seq, err)
	}
	e2, a2 := rtCounts(t, s)
	if e2 != entries+reversals || a2 != audit+1 {
		t.Errorf("undo #%d: ledger %d → %d, audit %d → %d; want +%d and +1", seq, entries, e2, audit, a2, reversals)
	}
	if !strings.HasPrefix(done.Summary, "undid: ") {
		t.Errorf("undo summary %q", done.Summary)
	}
	// Undoing it again fails, and changes nothing.
	_, err = s.UndoSeq(seq)
	rtFails(t, err, fmt.Sprintf("#%d", seq), "cannot be undone, or was undone already")
	if e3, a3 := rtCounts(t, s); e3 != e2 || a3 != a2 {
		t.Errorf("a refused undo wrote something: ledger %d → %d, audit %d → %d", e2, e3, a2, a3)
	}
	return done
}

func TestUndoAward(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	d, err := s.Award("alice", 50, "help")
	rtOK(t, err)
	awarded := rtEntry(t, s, "alice", model.Awarded, "")
	done := rtUndo(t, s, d.Seq, 1)
	if done.Summary != "undid: awarded 50 points to alice: help" {
		t.Errorf("summary %q", done.Summary)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 10 held 0 available 10 qualifying 10 tier Beginner")
	h := rtHistory(t, s, "alice")
	if len(h) != 3 {
		t.Fatalf("history %+v, want welcome, award and its reversal", h)
	}
	r := h[2]
	if r.Type != model.Reversal || r.Points != -50 || r.Qualifying != -50 || r.Ref != fmt.Sprintf("ledger:%d", awarded.Seq) ||
		r.Why != fmt.Sprintf("undo of #%d", d.Seq) || !r.At.Equal(awarded.At) {
		t.Errorf("reversal %+v, want -50 for ledger:%d dated like the award", r, awarded.Seq)
	}
	mustCheck(t, s)
}

func TestUndoLatestOfThisActorOnly(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice")
	_, err := s.Award("alice", 20, "first")
	rtOK(t, err)
	_, err = s.Award("alice", 30, "second")
	rtOK(t, err)
	lee := Open(s.Path(), Options{Actor: "lee", Now: func() time.Time { return *now }, Wait: 2 * time.Second})
	_, err = lee.Award("alice", 400, "lee's")
	rtOK(t, err)
	done, err := s.Undo()
	rtOK(t, err)
	if done.Summary != "undid: awarded 30 points to alice: second" {
		t.Errorf("undo took %q, want mod's newest award", done.Summary)
	}
	done, err = s.Undo()
	rtOK(t, err)
	if done.Summary != "undid: awarded 20 points to alice: first" {
		t.Errorf("undo took %q, want mod's older award", done.Summary)
	}
	_, err = s.Undo()
	rtFails(t, err, "nothing of yours to undo")
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 410 held 0 available 410 qualifying 410 tier Experienced")
	mustCheck(t, s)
}

func TestUndoApproval(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	out := s.Approve("r1")
	rtOK(t, out[0].Err)
	rtWant(t, "approved", rtNums(t, s, "alice"), "balance 150 held 0 available 150 qualifying 300 tier Experienced")
	rtUndo(t, s, out[0].Done.Seq, 1)
	rtWant(t, "undone", rtNums(t, s, "alice"), "balance 300 held 150 available 150 qualifying 300 tier Experienced")
	if got := rtStock(t, s, "sticker-pack"); got != 200 {
		t.Errorf("stock %d, want 200 back", got)
	}
	r := rtRequest(t, s, "alice", "r1")
	if r.Status != model.Pending || r.DecidedBy != "" || !r.DecidedAt.IsZero() {
		t.Errorf("r1 = %+v, want pending again", r)
	}
	rtWant(t, "queue", rtPendingIDs(t, s), "r1")
	if c, _ := s.Counts(); c.Pending != 1 {
		t.Errorf("pending counter %d, want 1", c.Pending)
	}
	// And it can be decided again.
	rtOK(t, s.Reject("changed my mind", "r1")[0].Err)
	rtWant(t, "rejected", rtNums(t, s, "alice"), "balance 300 held 0 available 300 qualifying 300 tier Experienced")
	mustCheck(t, s)
}

func TestUndoApprovalOfFulfilledRefused(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	out := s.Approve("r1")
	rtOK(t, out[0].Err)
	_, err := s.Fulfil("r1")
	rtOK(t, err)
	_, err = s.UndoSeq(out[0].Done.Seq)
	rtFails(t, err, "request r1 is fulfilled now; it cannot go back to pending")
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 150 held 0 available 150 qualifying 300 tier Experienced")
	mustCheck(t, s)
}

func TestUndoRejection(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	out := s.Reject("not now", "r1")
	rtOK(t, out[0].Err)
	rtWant(t, "rejected", rtNums(t, s, "alice"), "balance 300 held 0 available 300 qualifying 300 tier Experienced")
	rtUndo(t, s, out[0].Done.Seq, 1)
	rtWant(t, "held again", rtNums(t, s, "alice"), "balance 300 held 150 available 150 qualifying 300 tier Experienced")
	if r := rtRequest(t, s, "alice", "r1"); r.Status != model.Pending || r.Reason != "" {
		t.Errorf("r1 = %+v, want pending again", r)
	}
	rtWant(t, "queue", rtPendingIDs(t, s), "r1")
	rtOK(t, s.Approve("r1")[0].Err)
	rtWant(t, "approved", rtNums(t, s, "alice"), "balance 150 held 0 available 150 qualifying 300 tier Experienced")
	mustCheck(t, s)
}

func TestUndoRejectionWithoutThePointsRefused(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	out := s.Reject("not now", "r1")
	rtOK(t, out[0].Err)
	rtRequests(t, s, "r2,alice,coffee-voucher,2026-11-20T10:00:00Z") // holds all 300
	_, err := s.UndoSeq(out[0].Done.Seq)
	rtFails(t, err, "alice has 0 points available; the request needs 150 held again")
	mustCheck(t, s)
}

func TestUndoBadgeAndNote(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	b, err := s.GrantBadge("alice", "mentor", "thanks for the onboarding threads")
	rtOK(t, err)
	_, err = s.GrantBadge("alice", "mentor", "again")
	rtFails(t, err, "alice already holds Mentor")
	_, err = s.GrantBadge("alice", "no-such", "x")
	rtFails(t, err, `no badge "no-such"`)
	n, err := s.AddNote("alice", "prefers email")
	rtOK(t, err)
	d := rtDetail(t, s, "alice")
	if len(d.Badges) != 1 || d.Badges[0].Badge != "mentor" || d.Badges[0].By != "mod" || d.Badges[0].Note != "thanks for the onboarding threads" {
		t.Errorf("badges %+v, want mentor given by mod with the note", d.Badges)
	}
	if len(d.Notes) != 1 || d.Notes[0].Text != "prefers email" || d.Notes[0].By != "mod" {
		t.Errorf("notes %+v", d.Notes)
	}
	rtUndo(t, s, n.Seq, 0)
	rtUndo(t, s, b.Seq, 0)
	d = rtDetail(t, s, "alice")
	if len(d.Badges) != 0 || len(d.Notes) != 0 {
		t.Errorf("after undo: badges %+v notes %+v, want none shown", d.Badges, d.Notes)
	}
	// The badge can be given again.
	_, err = s.GrantBadge("alice", "mentor", "for real")
	rtOK(t, err)
	if b := rtBadges(t, s, "alice"); b != "mentor@11-20T12:00" {
		t.Errorf("badges %q", b)
	}
	mustCheck(t, s)
}

func TestUndoSanctions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		do        func(s *Store) (Done, error)
		reversals int
		before    string // rtNums after the action
	}{
		{"warning", func(s *Store) (Done, error) { return s.Warn("alice", "tone") }, 0,
			"balance 100 held 0 available 100 qualifying 100 tier Beginner"},
		{"deduction", func(s *Store) (Done, error) { return s.Deduct("alice", 30, "spam") }, 1,
			"balance 70 held 0 available 70 qualifying 70 tier Beginner"},
		{"suspension", func(s *Store) (Done, error) { return s.Suspend("alice", 72*time.Hour, "spam") }, 0,
			"balance 100 held 0 available 100 qualifying 100 tier Beginner"},
		{"ban", func(s *Store) (Done, error) { return s.Ban("alice", "threats") }, 0,
			"balance 100 held 0 available 100 qualifying 100 tier Beginner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := rtFunded(t, 100, "alice")
			d, err := tc.do(s)
			rtOK(t, err)
			rtWant(t, "after", rtNums(t, s, "alice"), tc.before)
			sc := rtDetail(t, s, "alice").Sanctions
			if len(sc) != 1 || sc[0].Lifted {
				t.Fatalf("sanctions %+v, want one in force", sc)
			}
			rtUndo(t, s, d.Seq, tc.reversals)
			rtWant(t, "undone", rtNums(t, s, "alice"), "balance 100 held 0 available 100 qualifying 100 tier Beginner")
			m := member(t, s, "alice")
			if m.Status != model.Active || !m.SuspendedUntil.IsZero() || !m.StatusSince.IsZero() {
				t.Errorf("alice %s until %s since %s, want active as before", m.Status, m.SuspendedUntil, m.StatusSince)
			}
			sc = rtDetail(t, s, "alice").Sanctions
			if len(sc) != 1 || !sc[0].Lifted {
				t.Errorf("sanctions %+v, want the one kept and lifted", sc)
			}
			mustCheck(t, s)
		})
	}
}

// Undoing an older suspension must not lift a ban given since.
func TestUndoOlderSuspensionKeepsALaterBan(t *testing.T) {
	t.Parallel()
	s, now := rtFunded(t, 100, "alice")
	susp, err := s.Suspend("alice", 72*time.Hour, "spam")
	rtOK(t, err)
	rtSet(now, t0.Add(time.Hour))
	_, err = s.Ban("alice", "threats")
	rtOK(t, err)
	_, err = s.UndoSeq(susp.Seq)
	rtOK(t, err)
	mustCheck(t, s)
	if m := member(t, s, "alice"); m.Status != model.Banned {
		t.Fatalf("undoing a suspension restores the status saved before it, erasing the ban given since: alice is %s (store/undo.go:221 unsanction → restore(&ms.m, p.Prev))", m.Status)
	}
}

func TestUndoCaseDecision(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		v         Verdict
		reversals int
	}{
		{"dismissed", Verdict{Reason: "fine"}, 0},
		{"suspended", Verdict{Action: model.Suspension, Duration: 24 * time.Hour, Reason: "spam"}, 0},
		{"deducted", Verdict{Action: model.Deduction, Points: 40, Reason: "spam"}, 1},
		{"banned", Verdict{Action: model.Ban, Reason: "threats"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := rtFunded(t, 100, "alice", "bob", "carol", "erin")
			rtReports(t, s,
				"r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z",
				"r2,carol,alice,post-1,spam,,2026-11-20T09:05:00Z",
				"r3,bob,erin,post-9,spam,,2026-11-20T09:10:00Z", // bob's other case
			)
			c := rtCaseOf(t, s, "alice", "post-1")
			d, err := s.Decide(c.ID, tc.v)
			rtOK(t, err)
			if n := rtOpenCount(t, s); n != 1 {
				t.Errorf("open counter %d after the decision, want 1", n)
			}
			rtUndo(t, s, d.Seq, tc.reversals)
			c = rtCaseOf(t, s, "alice", "post-1")
			if c.Status != model.Open || c.Action != 0 || c.DecidedBy != "" || c.Reason != "" || !c.DecidedAt.IsZero() || len(c.Reports) != 2 {
				t.Errorf("case %+v, want open again with its 2 reports", c)
			}
			if n := rtOpenCount(t, s); n != 2 {
				t.Errorf("open counter %d, want 2", n)
			}
			for _, h := range []string{"bob", "carol"} {
				if a := rtDetail(t, s, h).Activity; a.ReportsDecided != 0 || a.ReportsUpheld != 0 {
					t.Errorf("%s's record %d/%d, want 0/0 again", h, a.ReportsUpheld, a.ReportsDecided)
				}
			}
			// Both cases back at their first priority: bob and carol count
			// one half each again.
			rtWant(t, "queue", rtQueueText(t, s), "post-1=1.000 post-9=0.500")
			rtWant(t, "alice", rtNums(t, s, "alice"), "balance 100 held 0 available 100 qualifying 100 tier Beginner")
			if m := member(t, s, "alice"); m.Status != model.Active {
				t.Errorf("alice is %s, want active", m.Status)
			}
			for _, x := range rtDetail(t, s, "alice").Sanctions {
				if !x.Lifted {
					t.Errorf("sanction %+v not lifted", x)
				}
			}
			// Decide it again, differently.
			_, err = s.Decide(c.ID, Verdict{Action: model.Warning, Reason: "second look"})
			rtOK(t, err)
			if a := rtDetail(t, s, "bob").Activity; a.ReportsDecided != 1 || a.ReportsUpheld != 1 {
				t.Errorf("bob's record %d/%d, want 1/1", a.ReportsUpheld, a.ReportsDecided)
			}
			mustCheck(t, s)
		})
	}
}

func TestUndoAwardSpentSinceRefused(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	d, err := s.Award("alice", 200, "help")
	rtOK(t, err)
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	// Held, not yet spent: still refused, the hold needs the points.
	_, err = s.UndoSeq(d.Seq)
	rtFails(t, err, "alice has spent or holds those points since; undoing would overdraw them")
	rtOK(t, s.Approve("r1")[0].Err)
	entries, audit := rtCounts(t, s)
	_, err = s.UndoSeq(d.Seq)
	rtFails(t, err, "alice has spent or holds those points since")
	if e, a := rtCounts(t, s); e != entries || a != audit {
		t.Errorf("refused undo wrote: ledger %d → %d, audit %d → %d", entries, e, audit, a)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 60 held 0 available 60 qualifying 210 tier Beginner")
	_, err = s.UndoSeq(99999)
	rtFails(t, err, "no audit entry #99999")
	mustCheck(t, s)
}

// Undoing a decision after a new report opened a new case about the same
// content must not leave two open cases about one content.
func TestUndoCaseDecisionAfterANewCaseOnTheSameContent(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 100, "alice", "bob", "carol")
	rtReports(t, s, "r1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z")
	c := rtCaseOf(t, s, "alice", "post-1")
	d, err := s.Decide(c.ID, Verdict{Reason: "fine"})
	rtOK(t, err)
	rtReports(t, s, "r2,carol,alice,post-1,spam,,2026-11-20T10:00:00Z")
	_, err = s.UndoSeq(d.Seq)
	if err != nil {
		mustCheck(t, s) // refusing is a fair answer
		return
	}
	mustCheck(t, s)
	if n := len(rtQueue(t, s)); n != 1 {
		t.Fatalf("undoing the decision reopens case #%d beside the newer case about the same content: %d open cases about alice's post-1 (store/undo.go:236-256 reopen does not merge with, or refuse for, the open case in case_by_content)", c.ID, n)
	}
}
