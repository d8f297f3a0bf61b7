package demo

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"steward/model"
	"steward/store"
)

// A demo of several cohorts writes each cohort's events apart, so it must
// still give every member a history in time order (the referral that pays
// a referrer comes from their own cohort) and a file that passes check.
func TestDemoOfSeveralCohortsKeepsEachHistoryInTimeOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	st := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{Actor: "demo", Now: func() time.Time { return now }})
	members := 2*cohortSize + 300
	rep, err := Write(st, Options{Members: members, Days: 60, Seed: 7, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported < members {
		t.Fatalf("imported %d rows for %d members", rep.Imported, members)
	}
	check, err := st.Check()
	if err != nil || !check.OK() {
		t.Fatalf("check: %v %v", err, check.Violations)
	}
	p := newPlan(Options{Members: members, Days: 60, Seed: 7, Now: now})
	referrals := 0
	for _, m := range p.members {
		entries, more, err := st.History(m.Handle, 0, 100000)
		if err != nil || more {
			t.Fatalf("history of %s: %v (more: %v)", m.Handle, err, more)
		}
		// What the import wrote, newest first: each entry is dated no later
		// than the one before. (Requests and decisions come afterwards,
		// dated over the last days.)
		entries = slices.DeleteFunc(entries, func(e model.Entry) bool { return e.Type != model.Earned && e.Type != model.Welcome })
		for i := 1; i < len(entries); i++ {
			if entries[i].At.After(entries[i-1].At) {
				t.Fatalf("%s's history goes back in time: %s %s at %s was written after %s %s at %s",
					m.Handle, entries[i].Type, entries[i].Rule, entries[i].At, entries[i-1].Type, entries[i-1].Rule, entries[i-1].At)
			}
			if entries[i].Rule == "referral" {
				referrals++
			}
		}
	}
	if referrals == 0 {
		t.Fatal("no referral was paid: the test proves nothing about them")
	}
}

// The demo's past decisions come after what they decide: a request is
// approved after it was made, a case settled after it was reported, so the
// health numbers of a demo look like a community's.
func TestDemoDecidesAfterTheFact(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	st := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{Actor: "demo", Now: func() time.Time { return now }})
	// 3,000 members: 75 requests decided 7 hours apart used to reach back
	// 22 days, before the requests (made in the last 14) existed.
	if _, err := Write(st, Options{Members: 3000, Days: 60, Seed: 2, Now: now}); err != nil {
		t.Fatal(err)
	}
	h, err := st.Health(store.HealthSpan{Months: 3, Weeks: 4, Cohorts: 1})
	if err != nil {
		t.Fatal(err)
	}
	var decided int64
	for _, w := range h.Weeks {
		decided += w.Decided
		if w.Decided > 0 && w.MeanWait() < 10*time.Minute {
			t.Errorf("the week of %s: %d cases decided after %s on average; a demo moderator takes 10 minutes at least",
				w.Start.Format("2006-01-02"), w.Decided, w.MeanWait())
		}
	}
	if decided == 0 {
		t.Error("no case decided in the last four weeks of the demo")
	}
	for _, m := range h.Months[:2] {
		if m.Redeemed != 0 {
			t.Errorf("%s: %d points redeemed, but every request of the demo is from the last 14 days", m.Label, m.Redeemed)
		}
	}
	if h.Months[2].Redeemed == 0 {
		t.Error("nothing redeemed this month")
	}
}

// Small demos have fewer requests than a demo moderator would decide:
// nothing to decide must not be a negative number of decisions.
func TestSmallDemos(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 3, 10, 50} {
		st := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{Actor: "demo", Now: func() time.Time { return now }})
		if _, err := Write(st, Options{Members: n, Days: 30, Seed: 1, Now: now}); err != nil {
			t.Fatalf("a demo of %d members: %v", n, err)
		}
		if rep, err := st.Check(); err != nil || !rep.OK() {
			t.Fatalf("check of a demo of %d members: %v %v", n, err, rep.Violations)
		}
	}
}
