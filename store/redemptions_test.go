package store

import (
	"strings"
	"testing"
	"time"

	"steward/model"
)

// Redemption requests: holds, rejection of what cannot be had, approval,
// stock, rejection with a reason, decisions already made, auto-approval.

// rtRequest reads one request as the member's detail lists it.
func rtRequest(t testing.TB, s *Store, handle, id string) model.Request {
	t.Helper()
	for _, r := range rtDetail(t, s, handle).Requests {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s has no request %s", handle, id)
	return model.Request{}
}

// rtStock is a reward's stock now.
func rtStock(t testing.TB, s *Store, reward string) int64 {
	t.Helper()
	p, err := s.Programme()
	rtOK(t, err)
	r, ok := p.Reward(reward)
	if !ok {
		t.Fatalf("no reward %s", reward)
	}
	return r.Stock
}

// rtPendingIDs lists the approvals queue.
func rtPendingIDs(t testing.TB, s *Store) string {
	t.Helper()
	page, err := s.Pending(nil, Forward, 100)
	rtOK(t, err)
	var ids []string
	for _, r := range page.Rows {
		ids = append(ids, r.Request.ID)
	}
	return strings.Join(ids, ",")
}

// rtFunded is a store where each handle has points (welcome 10 + award).
func rtFunded(t testing.TB, points int64, handles ...string) (*Store, *time.Time) {
	t.Helper()
	s, now := newStore(t)
	rtJoin(t, s, handles...)
	for _, h := range handles {
		if _, err := s.Award(h, points-10, "seed"); err != nil {
			t.Fatal(err)
		}
	}
	return s, now
}

func TestRedemptionRequestHoldsAndNeverOverdraws(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	rtWant(t, "after r1", rtNums(t, s, "alice"), "balance 300 held 150 available 150 qualifying 300 tier Experienced")
	r1 := rtRequest(t, s, "alice", "r1")
	if r1.Status != model.Pending || r1.Cost != 150 || r1.DecidedBy != "" {
		t.Errorf("r1 = %+v, want pending at 150", r1)
	}
	h := rtEntry(t, s, "alice", model.Hold, "r1")
	if h.Points != 0 || h.Held != 150 || h.Qualifying != 0 || h.Rule != "reward:sticker-pack" || !h.At.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("hold entry %+v", h)
	}
	// More than is available: recorded as rejected, nothing held.
	rep := rtRequests(t, s, "r2,alice,coffee-voucher,2026-11-20T09:05:00Z")
	if rep.Imported != 1 || rep.Rejected != 0 {
		t.Errorf("report %s, want the request recorded", rep.Summary())
	}
	r2 := rtRequest(t, s, "alice", "r2")
	if r2.Status != model.Rejected || r2.Reason != "needs 300 points, 150 available" || r2.DecidedBy != "steward" || !r2.DecidedAt.Equal(t0) {
		t.Errorf("r2 = %+v, want rejected by steward: needs 300 points, 150 available", r2)
	}
	rtWant(t, "after r2", rtNums(t, s, "alice"), "balance 300 held 150 available 150 qualifying 300 tier Experienced")
	// Exactly what is left, then nothing left.
	rtRequests(t, s, "r3,alice,sticker-pack,2026-11-20T09:10:00Z", "r4,alice,contest-entry,2026-11-20T09:15:00Z")
	rtWant(t, "after r3 and r4", rtNums(t, s, "alice"), "balance 300 held 300 available 0 qualifying 300 tier Experienced")
	if r4 := rtRequest(t, s, "alice", "r4"); r4.Status != model.Rejected || r4.Reason != "needs 100 points, 0 available" {
		t.Errorf("r4 = %+v, want rejected: needs 100 points, 0 available", r4)
	}
	rtWant(t, "queue", rtPendingIDs(t, s), "r1,r3")
	if c, _ := s.Counts(); c.Pending != 2 {
		t.Errorf("pending counter %d, want 2", c.Pending)
	}
	// A deduction by hand cannot dig below what is held either.
	_, err := s.Award("alice", -1, "oops")
	rtFails(t, err, "alice has 0 points available; cannot deduct 1")
	mustCheck(t, s)
}

func TestRedemptionApproveSpendsAndTakesStock(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z")
	if got := rtStock(t, s, "sticker-pack"); got != 200 {
		t.Fatalf("stock %d, want 200", got)
	}
	_, auditBefore := rtCounts(t, s)
	out := s.Approve("r1")
	if len(out) != 1 || out[0].Err != nil || out[0].ID != "r1" {
		t.Fatalf("approve: %+v", out)
	}
	if out[0].Done.Summary != "approved Sticker pack for alice (150 points)" {
		t.Errorf("summary %q", out[0].Done.Summary)
	}
	rtWant(t, "after approval", rtNums(t, s, "alice"), "balance 150 held 0 available 150 qualifying 300 tier Experienced")
	if got := rtStock(t, s, "sticker-pack"); got != 199 {
		t.Errorf("stock %d, want 199", got)
	}
	r1 := rtRequest(t, s, "alice", "r1")
	if r1.Status != model.Approved || r1.DecidedBy != "mod" || !r1.DecidedAt.Equal(t0) {
		t.Errorf("r1 = %+v, want approved by mod", r1)
	}
	sp := rtEntry(t, s, "alice", model.Spent, "r1")
	if sp.Points != -150 || sp.Held != -150 || sp.Qualifying != 0 || sp.By != "mod" {
		t.Errorf("spent entry %+v", sp)
	}
	rtWant(t, "queue", rtPendingIDs(t, s), "")
	if _, audit := rtCounts(t, s); audit != auditBefore+1 {
		t.Errorf("audit has %d entries, want %d", audit, auditBefore+1)
	}
	// Delivered.
	_, err := s.Fulfil("r1")
	rtOK(t, err)
	if r := rtRequest(t, s, "alice", "r1"); r.Status != model.Fulfilled {
		t.Errorf("r1 is %s, want fulfilled", r.Status)
	}
	_, err = s.Fulfil("r1")
	rtFails(t, err, "request r1 is fulfilled, not approved")
	mustCheck(t, s)
}

// rtLimited applies the default programme with a reward's stock set.
func rtLimited(t testing.TB, s *Store, reward string, stock int64) {
	t.Helper()
	p := model.Default()
	for i := range p.Rewards {
		if p.Rewards[i].ID == reward {
			p.Rewards[i].Stock = stock
		}
	}
	if _, err := s.ApplyProgramme(p, false); err != nil {
		t.Fatal(err)
	}
}

func TestRedemptionStockZeroRefusesApproval(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice", "bob")
	rtLimited(t, s, "sticker-pack", 1)
	rtRequests(t, s, "ra,alice,sticker-pack,2026-11-20T09:00:00Z", "rb,bob,sticker-pack,2026-11-20T09:01:00Z")
	out := s.Approve("ra", "rb")
	if out[0].Err != nil {
		t.Fatalf("first approval: %v", out[0].Err)
	}
	rtFails(t, out[1].Err, "sticker-pack is out of stock")
	if got := rtStock(t, s, "sticker-pack"); got != 0 {
		t.Errorf("stock %d, want 0", got)
	}
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 300 held 150 available 150 qualifying 300 tier Experienced")
	if r := rtRequest(t, s, "bob", "rb"); r.Status != model.Pending {
		t.Errorf("rb is %s, want still pending", r.Status)
	}
	page, err := s.Pending(nil, Forward, 10)
	rtOK(t, err)
	if len(page.Rows) != 1 || len(page.Rows[0].Hesitations) != 1 || page.Rows[0].Hesitations[0].String() != "out of stock" {
		t.Errorf("queue %+v, want rb with the hesitation \"out of stock\"", page.Rows)
	}
	mustCheck(t, s)
}

// Two approvals of a limited reward in one transaction must each take an
// item: the console approves several at once through a batch.
func TestRedemptionBatchApprovalsTakeStockEach(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice", "bob", "carol")
	rtLimited(t, s, "sticker-pack", 2)
	rtRequests(t, s,
		"ra,alice,sticker-pack,2026-11-20T09:00:00Z",
		"rb,bob,sticker-pack,2026-11-20T09:01:00Z",
		"rc,carol,sticker-pack,2026-11-20T09:02:00Z")
	var errs []error
	err := s.Batch(func(b *Batch) error {
		for _, id := range []string{"ra", "rb", "rc"} {
			_, err := b.Approve(id)
			errs = append(errs, err)
		}
		return nil
	})
	rtOK(t, err)
	mustCheck(t, s)
	stock := rtStock(t, s, "sticker-pack")
	if errs[0] != nil || errs[1] != nil || errs[2] == nil || stock != 0 {
		t.Fatalf("three approvals of a reward with stock 2 in one batch: errors %v, stock left %d (want ok, ok, out of stock, 0); spend() decrements the stock read when the transaction began (store/redemptions.go:78 uses reward.Stock from w.prog, never refreshed)", errs, stock)
	}
}

func TestRedemptionRejectReleasesWithTheReason(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice")
	rtRequests(t, s, "r1,alice,coffee-voucher,2026-11-20T09:00:00Z")
	rtWant(t, "held", rtNums(t, s, "alice"), "balance 300 held 300 available 0 qualifying 300 tier Experienced")
	out := s.Reject("  ", "r1")
	rtFails(t, out[0].Err, "a reason is required")
	out = s.Reject("out of vouchers this month", "r1")
	rtOK(t, out[0].Err)
	rtWant(t, "released", rtNums(t, s, "alice"), "balance 300 held 0 available 300 qualifying 300 tier Experienced")
	r := rtRequest(t, s, "alice", "r1")
	if r.Status != model.Rejected || r.Reason != "out of vouchers this month" || r.DecidedBy != "mod" {
		t.Errorf("r1 = %+v, want rejected by mod with the reason", r)
	}
	e := rtEntry(t, s, "alice", model.Released, "r1")
	if e.Held != -300 || e.Points != 0 || e.Why != "out of vouchers this month" || e.By != "mod" {
		t.Errorf("release entry %+v", e)
	}
	rtWant(t, "queue", rtPendingIDs(t, s), "")
	mustCheck(t, s)
}

func TestRedemptionDecidedAlreadyNamesWhoDecided(t *testing.T) {
	t.Parallel()
	s, now := rtFunded(t, 500, "alice")
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T09:00:00Z", "r2,alice,sticker-pack,2026-11-20T09:01:00Z")
	rtOK(t, s.Approve("r1")[0].Err)
	rtOK(t, s.Reject("duplicate", "r2")[0].Err)
	// Another moderator's console, on the same file, a little later.
	lee := Open(s.Path(), Options{Actor: "lee", Now: func() time.Time { return now.Add(time.Hour) }, Wait: 2 * time.Second})
	rtFails(t, lee.Reject("no", "r1")[0].Err, "request r1 was already approved by mod at 2026-11-20 12:00")
	rtFails(t, lee.Approve("r1")[0].Err, "request r1 was already approved by mod at 2026-11-20 12:00")
	rtFails(t, lee.Approve("r2")[0].Err, "request r2 was already rejected by mod at 2026-11-20 12:00")
	rtFails(t, lee.Approve("nope")[0].Err, `no request "nope"`)
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 350 held 0 available 350 qualifying 500 tier Experienced")
	mustCheck(t, s)
}

func TestRedemptionAutoApprove(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 300, "alice", "bob")
	rtRequests(t, s, "r1,alice,contest-entry,2026-11-20T09:00:00Z")
	r := rtRequest(t, s, "alice", "r1")
	if r.Status != model.Approved || r.DecidedBy != "auto-approve" || r.Cost != 100 {
		t.Errorf("r1 = %+v, want approved by auto-approve at 100", r)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 200 held 0 available 200 qualifying 300 tier Experienced")
	rtWant(t, "queue", rtPendingIDs(t, s), "")
	hist := rtHistory(t, s, "alice")
	last2 := hist[len(hist)-2:]
	if last2[0].Type != model.Hold || last2[0].Held != 100 || last2[1].Type != model.Spent || last2[1].Points != -100 || last2[1].Held != -100 {
		t.Errorf("last entries %+v, want a hold of 100 then its spending", last2)
	}
	// An open report about the member is a reason to hesitate: no
	// auto-approval, the request waits.
	rtReports(t, s, "rep1,alice,bob,post-9,spam,buy now,2026-11-20T10:00:00Z")
	rtRequests(t, s, "r2,bob,contest-entry,2026-11-20T11:00:00Z")
	if r := rtRequest(t, s, "bob", "r2"); r.Status != model.Pending {
		t.Errorf("r2 = %s, want pending (bob has an open report)", r.Status)
	}
	page, err := s.Pending(nil, Forward, 10)
	rtOK(t, err)
	if len(page.Rows) != 1 || len(page.Rows[0].Hesitations) != 1 || page.Rows[0].Hesitations[0].String() != "1 open report" {
		t.Errorf("queue %+v, want r2 hesitating over 1 open report", page.Rows)
	}
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 300 held 100 available 200 qualifying 300 tier Experienced")
	mustCheck(t, s)
}

func TestRedemptionRestrictedMemberAndTierHesitation(t *testing.T) {
	t.Parallel()
	s, _ := rtFunded(t, 1000, "alice", "bob")
	_, err := s.Suspend("alice", 24*time.Hour, "spam")
	rtOK(t, err)
	rtRequests(t, s, "ra,alice,sticker-pack,2026-11-20T12:30:00Z", "rb,bob,early-access,2026-11-20T12:31:00Z")
	if r := rtRequest(t, s, "alice", "ra"); r.Status != model.Rejected || r.Reason != "member is suspended" {
		t.Errorf("ra = %+v, want rejected: member is suspended", r)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 1000 held 0 available 1000 qualifying 1000 tier Professional")
	// Bob is Professional; early access needs Experienced: no hesitation.
	page, err := s.Pending(nil, Forward, 10)
	rtOK(t, err)
	if len(page.Rows) != 1 || len(page.Rows[0].Hesitations) != 0 {
		t.Errorf("queue %+v, want rb without hesitation", page.Rows)
	}
	mustCheck(t, s)
}

// Under a rolling window a member can have the points of a reward but not
// its tier any more: the request waits with a hesitation.
func TestRedemptionBelowTierHesitation(t *testing.T) {
	t.Parallel()
	s, now := rtFunded(t, 1000, "carol")
	rtWindowed(t, s, 30)
	rtSet(now, t0.Add(31*24*time.Hour))
	_, err := s.AddNote("carol", "back after a month")
	rtOK(t, err)
	rtWant(t, "carol", rtNums(t, s, "carol"), "balance 1000 held 0 available 1000 qualifying 1000 tier Beginner")
	rtRequests(t, s, "rc,carol,t-shirt,2026-12-21T10:00:00Z")
	page, err := s.Pending(nil, Forward, 10)
	rtOK(t, err)
	if len(page.Rows) != 1 || page.Rows[0].Request.ID != "rc" || len(page.Rows[0].Hesitations) != 1 || page.Rows[0].Hesitations[0].String() != "below tier Experienced" {
		t.Errorf("queue %+v, want rc hesitating: below tier Experienced", page.Rows)
	}
	mustCheck(t, s)
}
