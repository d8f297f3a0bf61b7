package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"steward/model"
	"steward/store"
)

func approvalsDriver(t *testing.T, st *store.Store, w, h int) (*driver, *approvalsModel) {
	t.Helper()
	p := newApprovals(newCommon(st))
	d := drive(t, p, w, h)
	c, _ := st.Counts()
	d.send(countsLoadedMsg{counts: c})
	d.noErrors()
	return d, p
}

func pendingIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	p, err := st.Pending(nil, store.Forward, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range p.Rows {
		ids = append(ids, r.Request.ID)
	}
	return ids
}

func TestApprovalsListsOldestFirstWithTheBalanceAfter(t *testing.T) {
	st := demoStore(t)
	d, p := approvalsDriver(t, st, 80, 20)
	ids := pendingIDs(t, st)
	if len(p.list.rows) != len(ids) || p.list.rows[0].Request.ID != ids[0] {
		t.Fatalf("the queue shows %d requests, the store has %d", len(p.list.rows), len(ids))
	}
	r := p.list.rows[0]
	mustContain(t, d.view(), "Approvals · 12 pending · oldest first", "AFTER", r.Member.Handle)
	after := r.Member.Balance - r.Request.Cost
	if !strings.Contains(selectedLine(d.view()), fmt.Sprintf(" %d ", after)) {
		t.Fatalf("the balance after (%d) is not on the row:\n%s", after, selectedLine(d.view()))
	}
}

func TestApprovalsShowReasonsToHesitate(t *testing.T) {
	st := demoStore(t)
	ids := pendingIDs(t, st)
	req, _ := st.Pending(nil, store.Forward, 1)
	who := req.Rows[0].Member.Handle
	if _, err := st.Suspend(who, 7*24*time.Hour, "test"); err != nil {
		t.Fatal(err)
	}
	d, _ := approvalsDriver(t, st, 80, 20)
	mustContain(t, selectedLine(d.view()), "⚠ suspended")
	mustContain(t, d.view(), "⚠ member suspended")
	if len(ids) == 0 {
		t.Fatal("no pending requests in the demo")
	}
}

func TestApprovalsApproveSelectsTheNextRequest(t *testing.T) {
	st := demoStore(t)
	d, p := approvalsDriver(t, st, 80, 20)
	ids := pendingIDs(t, st)
	d.press("y")
	got := d.done()
	if !strings.HasPrefix(got.summary, "approved ") {
		t.Fatalf("summary %q", got.summary)
	}
	left := pendingIDs(t, st)
	if len(left) != len(ids)-1 || left[0] != ids[1] {
		t.Fatalf("after approving %s the queue is %v", ids[0], left)
	}
	if r, _ := p.list.selected(); r.Request.ID != ids[1] {
		t.Fatalf("the cursor is on %s, want the next request %s", r.Request.ID, ids[1])
	}
}

func TestApprovalsMarkSeveralAndApproveThemAll(t *testing.T) {
	st := demoStore(t)
	d, p := approvalsDriver(t, st, 80, 20)
	ids := pendingIDs(t, st)
	d.press("space", "j", "space") // marks 1st and 3rd
	if len(p.marked) != 2 || !p.marked[ids[0]] || !p.marked[ids[2]] {
		t.Fatalf("marked %v", p.marked)
	}
	mustContain(t, d.view(), "● 2 marked")
	d.press("y")
	if got := d.done(); got.summary != "approved 2 requests" {
		t.Fatalf("summary %q (failed %v)", got.summary, got.failed)
	}
	left := pendingIDs(t, st)
	if len(left) != len(ids)-2 || contains(left, ids[0]) || contains(left, ids[2]) || !contains(left, ids[1]) {
		t.Fatalf("queue after approving two: %v", left)
	}
	if len(p.marked) != 0 {
		t.Fatalf("marks left after the decision: %v", p.marked)
	}
}

func TestApprovalsRejectWithAReasonPickedByNumber(t *testing.T) {
	st := demoStore(t)
	d, p := approvalsDriver(t, st, 80, 20)
	ids := pendingIDs(t, st)
	who := p.list.rows[0].Member.Handle
	d.press("x")
	if p.prompt == nil {
		t.Fatal("x did not ask for a reason")
	}
	mustContain(t, d.view(), "1  out of stock", "4  duplicate request")
	d.press("4", "enter")
	d.done()
	if left := pendingIDs(t, st); contains(left, ids[0]) {
		t.Fatalf("%s is still pending", ids[0])
	}
	m, err := st.Detail(who)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Requests {
		if r.ID == ids[0] && (r.Status != model.Rejected || r.Reason != "duplicate request") {
			t.Fatalf("request %s: %v %q", r.ID, r.Status, r.Reason)
		}
	}
}

func TestApprovalsEmptyQueueSaysAllClear(t *testing.T) {
	st := demoStore(t)
	st.Approve(pendingIDs(t, st)...)
	d, _ := approvalsDriver(t, st, 80, 20)
	mustContain(t, d.view(), "No pending requests — all clear.")
	d.press("y", "x", "space")
	if len(d.got) != 0 {
		t.Fatalf("keys on an empty queue wrote: %v", d.got)
	}
}
