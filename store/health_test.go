package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/ingest"
	"steward/model"
)

// rtHealthCommunity: alice joined in September, bob in October, carol in
// November (t0 is Friday 2026-11-20, noon); events in and out of time
// order, awards (one undone), a redemption, three cases (one decision
// undone).
func rtHealthCommunity(t *testing.T) *Store {
	t.Helper()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{
		"alice,Alice,2026-09-01,,", "bob,Bob,2026-10-15,,", "carol,Carol,2026-11-02,,",
	}))
	rtEvents(t, s,
		"e1,alice,post,2026-09-02T10:00:00Z",
		"e2,alice,reply,2026-09-03T10:00:00Z", // the same week and month: counted once
		"e4,bob,post,2026-10-16T10:00:00Z",
		"e3,alice,post,2026-11-17T10:00:00Z",
		"e5,carol,answer,2026-11-18T10:00:00Z")
	// Late events, in a transaction of their own: alice was active in
	// September's first week already, but not in October.
	rtEvents(t, s,
		"e6,alice,reply,2026-09-04T10:00:00Z",
		"e7,alice,reply,2026-10-20T10:00:00Z")
	for _, a := range []struct {
		who    string
		points int64
	}{{"alice", 30}, {"carol", 200}, {"bob", 5}} {
		_, err := s.Award(a.who, a.points, "thanks")
		rtOK(t, err)
	}
	_, err := s.Undo() // bob's 5
	rtOK(t, err)
	rtRequests(t, s, "r1,carol,sticker-pack,2026-11-20T10:00:00Z")
	for _, o := range s.Approve("r1") {
		rtOK(t, o.Err)
	}
	rtReports(t, s,
		"p1,bob,alice,post-1,spam,,2026-11-20T09:00:00Z",
		"p2,alice,bob,post-2,spam,,2026-11-18T12:00:00Z",
		"p3,carol,bob,post-3,spam,,2026-11-19T12:00:00Z")
	_, err = s.Decide(rtCaseOf(t, s, "alice", "post-1").ID, Verdict{Reason: "fine"})
	rtOK(t, err)
	_, err = s.Decide(rtCaseOf(t, s, "bob", "post-2").ID, Verdict{Action: model.Deduction, Points: 5, Reason: "spam"})
	rtOK(t, err)
	d, err := s.Decide(rtCaseOf(t, s, "bob", "post-3").ID, Verdict{Reason: "too quick"})
	rtOK(t, err)
	_, err = s.UndoSeq(d.Seq)
	rtOK(t, err)
	return s
}

func periodLine(p model.Period) string {
	return fmt.Sprintf("%s new %d active %d events %d issued %d redeemed %d deducted %d reports %d decided %d upheld %d waited %s in a day %d",
		p.Label, p.Newcomers, p.Active, p.Events, p.Issued, p.Redeemed, p.Deducted, p.Reports, p.Decided, p.Upheld, p.Waited, p.InDay)
}

func TestHealthCountsWhatEveryWriteDid(t *testing.T) {
	t.Parallel()
	s := rtHealthCommunity(t)
	h, err := s.Health(HealthSpan{Months: 4, Weeks: 13, Cohorts: 3})
	rtOK(t, err)
	if h.Members != 3 || h.Active7 != 2 || h.Active30 != 2 || h.Pending != 0 || h.Open != 1 {
		t.Errorf("headline: %d members, %d active in 7 days, %d in 30, %d pending, %d open; want 3, 2, 2, 0, 1 (bob was last active on 16 October; one decision was undone)",
			h.Members, h.Active7, h.Active30, h.Pending, h.Open)
	}
	var months []string
	for _, p := range h.Months {
		months = append(months, periodLine(p))
	}
	want := []string{
		"2026-08 new 0 active 0 events 0 issued 0 redeemed 0 deducted 0 reports 0 decided 0 upheld 0 waited 0s in a day 0",
		// welcome 10, post 5, reply 2, reply 2
		"2026-09 new 1 active 1 events 3 issued 19 redeemed 0 deducted 0 reports 0 decided 0 upheld 0 waited 0s in a day 0",
		// welcome 10, bob's post 5, alice's late reply 2
		"2026-10 new 1 active 2 events 2 issued 17 redeemed 0 deducted 0 reports 0 decided 0 upheld 0 waited 0s in a day 0",
		// welcome 10, post 5, answer 10, awards 30 + 200 (bob's 5 undone);
		// p1 waited 3 hours, p2 two days; p3's decision was undone
		"2026-11 new 1 active 2 events 2 issued 255 redeemed 150 deducted 5 reports 3 decided 2 upheld 1 waited 51h0m0s in a day 1",
	}
	if strings.Join(months, "\n") != strings.Join(want, "\n") {
		t.Errorf("months:\n%s\nwant\n%s", strings.Join(months, "\n"), strings.Join(want, "\n"))
	}
	active := map[string]int64{}
	for _, p := range h.Weeks {
		active[p.Start.Format("01-02")] = p.Active
	}
	for week, n := range map[string]int64{"08-31": 1, "10-12": 1, "10-19": 1, "11-16": 2, "11-09": 0} {
		if active[week] != n {
			t.Errorf("members active in the week of %s: %d, want %d (all weeks: %v)", week, active[week], n, active)
		}
	}
	if last := h.Weeks[len(h.Weeks)-1]; last.Label != "W47 2026" || last.Start.Format("2006-01-02") != "2026-11-16" {
		t.Errorf("this week is %q from %s, want W47 2026 from Monday 2026-11-16", last.Label, last.Start)
	}
	var cohorts []string
	for _, c := range h.Cohorts {
		cohorts = append(cohorts, fmt.Sprintf("%s %d %v", c.Month.Format("2006-01"), c.Size, c.Active))
	}
	if got := strings.Join(cohorts, "; "); got != "2026-09 1 [1 1 1]; 2026-10 1 [1 0]; 2026-11 1 [1]" {
		t.Errorf("cohorts: %s", got)
	}
	// The last 30 days are 22 October to 20 November: carol joined, e3
	// and e5, both decisions.
	if got := periodLine(h.Recent); got != "last 30 days new 1 active 2 events 2 issued 255 redeemed 150 deducted 5 reports 3 decided 2 upheld 1 waited 51h0m0s in a day 1" {
		t.Errorf("the last 30 days: %s", got)
	}
	// The default programme's goals: engagement 25%, retention 40%, decide within a day.
	var goals []string
	for _, g := range h.Check() {
		goals = append(goals, fmt.Sprintf("%s %s %s %v", g.Name, g.Actual, g.Target, g.Met))
	}
	if got := strings.Join(goals, "; "); got != "engagement 67% ≥ 25% true; retention 100% ≥ 40% true; decide within 25h30m ≤ 24h false" {
		t.Errorf("goals: %s", got)
	}
	// Bob, third on the all-time board, was last active 35 days ago;
	// alice and carol this week.
	if len(h.Slipping) != 1 || h.Slipping[0].Handle != "bob" || h.Slipping[0].Rank != 3 || h.Slipping[0].Points != 10 ||
		!h.Slipping[0].LastActive.Equal(time.Date(2026, 10, 16, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("slipping: %+v, want bob, third with 10 points, last active 16 October", h.Slipping)
	}
	mustCheck(t, s)
}

func TestHealthOfAnEmptyFile(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, "handle\n")
	h, err := s.Health(DefaultSpan)
	rtOK(t, err)
	if h.Members != 0 || len(h.Months) != 12 || len(h.Weeks) != 13 || len(h.Cohorts) != 6 || h.Months[11].Active != 0 {
		t.Errorf("health of a file nothing was written to: %+v", h)
	}
}

func TestCheckFindsATallyThatDisagreesWithTheRecords(t *testing.T) {
	t.Parallel()
	s := rtHealthCommunity(t)
	s.Release()
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		b := tx.Bucket(bTallies)
		day := tallyKey('d', model.Day(time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC)))
		v, err := decodeDayTally(b.Get(day))
		if err != nil {
			return err
		}
		v.Events++
		if err := b.Put(day, encodeDayTally(v)); err != nil {
			return err
		}
		return b.Put(tallyKey('w', model.Week(model.Day(t0))), encodeCount(7))
	})
	got := strings.Join(rtViolations(t, s), "\n")
	for _, want := range []string{"the tally of 2026-10-16 is {Joined:0 Events:2", "but the records count {Joined:0 Events:1",
		"the active members of the week of 2026-11-16 is 7, but the records count 2"} {
		if !strings.Contains(got, want) {
			t.Errorf("check's violations do not say %q:\n%s", want, got)
		}
	}
}

// A file written before the tallies existed (schema 2) has them counted
// from its records when it is first opened.
func TestSchema2GetsItsTalliesCounted(t *testing.T) {
	t.Parallel()
	s := rtHealthCommunity(t)
	want, err := s.Health(DefaultSpan)
	rtOK(t, err)
	s.Release()
	rtCorrupt(t, s, func(tx *bolt.Tx) error { return tx.DeleteBucket(bTallies) })
	setSchema(t, s.Path(), 2)
	got, err := s.Health(DefaultSpan)
	rtOK(t, err)
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("health after the migration:\n%+v\nwant\n%+v", got, want)
	}
	s.Release()
	if v := readSchema(t, s.Path()); v != SchemaVersion {
		t.Errorf("schema %d after the first read, want %d", v, SchemaVersion)
	}
	mustCheck(t, s)
}

// A programme's dry run prices the last 30 days' events under both
// programmes, finding them however deep in the ledger they were written.
func TestApplyProgrammeRepricesTheLastThirtyDays(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob")
	// Recent events first, then a long history imported after them, so
	// that the recent ones are far from the end of the ledger.
	rtEvents(t, s,
		"r1,alice,post,2026-11-20T08:00:00Z",
		"r2,bob,post,2026-10-22T08:00:00Z", // 29 days before t0's day: inside
		"r3,bob,reply,2026-11-19T08:00:00Z")
	var old []string
	for i := range 300 {
		old = append(old, fmt.Sprintf("o%d,alice,post,2026-09-%02dT%02d:00:00Z", i, 2+i/24, i%24))
	}
	rtEvents(t, s, old...)
	rtEvents(t, s, "x1,bob,post,2026-10-21T23:00:00Z") // 30 days before: outside
	p := model.Default()
	for i := range p.Actions {
		if p.Actions[i].Kind == "post" {
			p.Actions[i].Points = 8
		}
	}
	ch, err := s.ApplyProgramme(p, true)
	rtOK(t, err)
	r := ch.Points
	if r.Events != 3 || r.Old != 12 || r.New != 18 || r.From.Format("2006-01-02") != "2026-10-22" || r.To.Format("2006-01-02") != "2026-11-21" {
		t.Errorf("repricing %s to %s: %d events, %d → %d points; want 2026-10-22 to 2026-11-21, 3 events, 12 → 18",
			r.From.Format("2006-01-02"), r.To.Format("2006-01-02"), r.Events, r.Old, r.New)
	}
	mustCheck(t, s)
}

// A banned member is no longer counted among the members or the active
// ones; undoing the ban counts them again; check proves the list of the
// banned against the members' statuses.
func TestHealthLeavesTheBannedOut(t *testing.T) {
	t.Parallel()
	s := rtHealthCommunity(t)
	before, err := s.Health(DefaultSpan)
	rtOK(t, err)
	// carol's newest event is two days before t0: active in both windows.
	_, err = s.Ban("carol", "spam")
	rtOK(t, err)
	after, err := s.Health(DefaultSpan)
	rtOK(t, err)
	if after.Members != before.Members-1 || after.Banned != 1 || after.Active7 != before.Active7-1 || after.Active30 != before.Active30-1 {
		t.Errorf("after a ban: members %d, banned %d, active %d/%d; before: members %d, active %d/%d",
			after.Members, after.Banned, after.Active7, after.Active30, before.Members, before.Active7, before.Active30)
	}
	if after.Months[len(after.Months)-1].Active != before.Months[len(before.Months)-1].Active {
		t.Error("the ban changed who was active this month: the past is the past")
	}
	mustCheck(t, s)
	_, err = s.Undo()
	rtOK(t, err)
	undone, err := s.Health(DefaultSpan)
	rtOK(t, err)
	if undone.Members != before.Members || undone.Banned != 0 || undone.Active30 != before.Active30 {
		t.Errorf("after undoing the ban: %+v, want the counts of before", undone)
	}
	mustCheck(t, s)

	_, err = s.Ban("carol", "spam")
	rtOK(t, err)
	s.Release()
	rtCorrupt(t, s, func(tx *bolt.Tx) error { return tx.Bucket(bBanned).Delete(u32key(3)) })
	rep, err := s.Check()
	rtOK(t, err)
	if got := strings.Join(rep.Violations, "\n"); !strings.Contains(got, "carol: the list of banned members says false, the member's status is banned") {
		t.Errorf("check after the list lost carol:\n%s", got)
	}
}

// A file of schema 3 has its banned members listed on first open.
func TestSchema3GetsItsBannedListed(t *testing.T) {
	t.Parallel()
	s := rtHealthCommunity(t)
	_, err := s.Ban("bob", "spam")
	rtOK(t, err)
	want, err := s.Health(DefaultSpan)
	rtOK(t, err)
	s.Release()
	rtCorrupt(t, s, func(tx *bolt.Tx) error { return tx.DeleteBucket(bBanned) })
	setSchema(t, s.Path(), 3)
	got, err := s.Health(DefaultSpan)
	rtOK(t, err)
	if got.Banned != 1 || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("health after the migration:\n%+v\nwant\n%+v", got, want)
	}
	mustCheck(t, s)
}
