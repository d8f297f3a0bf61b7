package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"steward/ingest"
	"steward/model"
)

// The programme rules as the store applies them: pricing through import
// (caps, cooldowns, join dates, late events, welcome, referrals,
// restrictions), automatic badges and tiers.

// --- helpers shared by the rules, redemptions, reports, undo, import,
// leaderboard, export and check tests (prefix rt) ---

const (
	rtMemberHeader = "handle,name,joined_at,tags,referred_by"
	rtEventHeader  = "id,member,kind,at"
	rtRequestHdr   = "id,member,reward,at"
	rtReportHeader = "id,reporter,subject,content,guideline,excerpt,at"
)

func rtLines(header string, lines []string) string {
	return header + "\n" + strings.Join(lines, "\n") + "\n"
}

// rtJoin imports members who joined on 2026-09-01, so their welcome bonus
// is on none of November's or October's boards (October closes at the first
// write, and would give top-of-month badges; September never closes).
func rtJoin(t testing.TB, s *Store, handles ...string) {
	t.Helper()
	var lines []string
	for _, h := range handles {
		lines = append(lines, h+","+strings.ToUpper(h[:1])+h[1:]+",2026-09-01,,")
	}
	rep := importText(t, s, ingest.Members, rtLines(rtMemberHeader, lines))
	if rep.Imported != len(handles) {
		t.Fatalf("joined %d members, want %d: %+v", rep.Imported, len(handles), rep)
	}
}

func rtEvents(t testing.TB, s *Store, lines ...string) ImportReport {
	t.Helper()
	return importText(t, s, ingest.Events, rtLines(rtEventHeader, lines))
}

func rtRequests(t testing.TB, s *Store, lines ...string) ImportReport {
	t.Helper()
	return importText(t, s, ingest.Redemptions, rtLines(rtRequestHdr, lines))
}

func rtReports(t testing.TB, s *Store, lines ...string) ImportReport {
	t.Helper()
	return importText(t, s, ingest.Reports, rtLines(rtReportHeader, lines))
}

// rtHistory is a member's whole points history, oldest first.
func rtHistory(t testing.TB, s *Store, handle string) []model.Entry {
	t.Helper()
	h, more, err := s.History(handle, 0, 100000)
	if err != nil || more {
		t.Fatalf("history of %s: %v (more %v)", handle, err, more)
	}
	for i, j := 0, len(h)-1; i < j; i, j = i+1, j-1 {
		h[i], h[j] = h[j], h[i]
	}
	return h
}

// rtEntry finds the member's one entry whose Ref is ref and type typ.
func rtEntry(t testing.TB, s *Store, handle string, typ model.EntryType, ref string) model.Entry {
	t.Helper()
	var found []model.Entry
	for _, e := range rtHistory(t, s, handle) {
		if e.Ref == ref && e.Type == typ {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d %s entries for %q, want 1", handle, len(found), typ, ref)
	}
	return found[0]
}

func rtDetail(t testing.TB, s *Store, handle string) Detail {
	t.Helper()
	d, err := s.Detail(handle)
	if err != nil {
		t.Fatalf("detail of %s: %v", handle, err)
	}
	return d
}

// rtBadges lists the badges a member holds, sorted, with when they came.
func rtBadges(t testing.TB, s *Store, handle string) string {
	t.Helper()
	var out []string
	for _, g := range rtDetail(t, s, handle).Badges {
		out = append(out, g.Badge+"@"+g.At.UTC().Format("01-02T15:04"))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// rtNums is a member's balance, held, available, qualifying and tier.
func rtNums(t testing.TB, s *Store, handle string) string {
	t.Helper()
	m := member(t, s, handle)
	p, err := s.Programme()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("balance %d held %d available %d qualifying %d tier %s", m.Balance, m.Held, m.Available(), m.Qualifying, p.TierName(m.Tier))
}

func rtWant(t testing.TB, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got  %s\n want %s", what, got, want)
	}
}

func rtOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rtFails asserts err is not nil and its message holds each of parts.
func rtFails(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

// rtCounts reads the ledger and audit sizes (through check, which also
// proves the invariants).
func rtCounts(t testing.TB, s *Store) (entries, audit int) {
	t.Helper()
	rep := mustCheck(t, s)
	return rep.Entries, rep.Audit
}

// rtWriteFile writes an import file and returns its path.
func rtWriteFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// rtKindOf reads the kind of an import file from the start of its name.
func rtKindOf(t testing.TB, path string) ingest.Kind {
	t.Helper()
	base := filepath.Base(path)
	for _, k := range []ingest.Kind{ingest.Members, ingest.Events, ingest.Redemptions, ingest.Reports} {
		if strings.HasPrefix(base, k.String()) {
			return k
		}
	}
	t.Fatalf("no kind for %s", path)
	return 0
}

// rtImportFiles imports files in one run, in the order given; each file's
// kind is the start of its name, its format its extension.
func rtImportFiles(t testing.TB, s *Store, opt ImportOptions, paths ...string) (ImportReport, error) {
	t.Helper()
	var srcs []Source
	for _, p := range paths {
		src, cleanup, err := FileSource(p, rtKindOf(t, p), "", nil, s.Now())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cleanup)
		srcs = append(srcs, src)
	}
	return s.Import(srcs, opt)
}

// rtSet moves the store's clock.
func rtSet(now *time.Time, t time.Time) { *now = t }

// --- pricing through import ---

func TestRulesDailyCapPerKindAndNextDay(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	rep := rtEvents(t, s,
		"p1,alice,post,2026-11-10T10:00:00Z",
		"p2,alice,post,2026-11-10T10:10:00Z",
		"p3,alice,post,2026-11-10T10:20:00Z",
		"p4,alice,post,2026-11-10T10:30:00Z",
		"p5,alice,post,2026-11-10T10:40:00Z",
		"p6,alice,post,2026-11-10T10:50:00Z",
		"p7,alice,post,2026-11-10T23:59:59Z",
		"r1,alice,reply,2026-11-10T23:00:00Z", // another kind, its own cap
		"p8,alice,post,2026-11-11T00:00:00Z",  // a new UTC day
		"a1,alice,answer,2026-11-11T09:00:00Z",
		"a2,alice,answer,2026-11-11T09:00:30Z", // 1-minute cooldown
		"a3,alice,answer,2026-11-11T09:01:00Z",
	)
	if rep.Imported != 12 || rep.Points != 25+2+5+10+10 {
		t.Fatalf("report %s, want 12 imported and 52 points", rep.Summary())
	}
	for _, c := range []struct {
		ref      string
		points   int64
		withheld int64
		why      string
	}{
		{"p5", 5, 0, ""}, {"p6", 0, 5, "daily cap 25 reached"}, {"p7", 0, 5, "daily cap 25 reached"},
		{"r1", 2, 0, ""}, {"p8", 5, 0, ""}, {"a2", 0, 10, "cooldown 1m"}, {"a3", 10, 0, ""},
	} {
		e := rtEntry(t, s, "alice", model.Earned, c.ref)
		if e.Points != c.points || e.Withheld != c.withheld || e.Why != c.why || e.Qualifying != c.points {
			t.Errorf("%s: %+v, want %d points, %d withheld, %q", c.ref, e, c.points, c.withheld, c.why)
		}
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 62 held 0 available 62 qualifying 62 tier Beginner")
	mustCheck(t, s)
}

func TestRulesEventBeforeJoinCountsFromItsOwnTime(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{"alice,Alice,2026-11-10T12:00:00Z,,"}))
	rep := rtEvents(t, s, "early,alice,post,2026-11-10T08:00:00Z")
	if rep.Imported != 1 || rep.Points != 5 || rep.Rejected != 0 {
		t.Fatalf("report %s, want the early event imported for 5 points", rep.Summary())
	}
	e := rtEntry(t, s, "alice", model.Earned, "early")
	if !e.At.Equal(time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC)) || e.Points != 5 {
		t.Errorf("entry %+v, want 5 points dated 08:00", e)
	}
	w := rtEntry(t, s, "alice", model.Welcome, "")
	if !w.At.Equal(time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)) || w.Points != 10 || w.Rule != "welcome" {
		t.Errorf("welcome %+v, want 10 points dated at the join", w)
	}
	m := member(t, s, "alice")
	if !m.LastActive.Equal(e.At) || !m.Joined.Equal(w.At) || m.Balance != 15 {
		t.Errorf("member %+v, want last active 08:00, joined 12:00, balance 15", m)
	}
	mustCheck(t, s)
}

func TestRulesLateEventsOfOneDayInOneBatchShareTheirCap(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	rtEvents(t, s, "a0,alice,post,2026-11-12T10:00:00Z")
	// Seven posts of the 10th arrive late, together: the first five fill
	// the 10th's cap of 25, each priced after the ones before it.
	var late []string
	for i := range 7 {
		late = append(late, fmt.Sprintf("l%d,alice,post,2026-11-10T1%d:00:00Z", i, i))
	}
	rep := rtEvents(t, s, late...)
	if rep.Points != 25 {
		t.Errorf("seven late posts of one day earned %d, want the day's cap of 25", rep.Points)
	}
	for i, want := range []int64{5, 5, 5, 5, 5, 0, 0} {
		if e := rtEntry(t, s, "alice", model.Earned, fmt.Sprintf("l%d", i)); e.Points != want {
			t.Errorf("l%d = %+v, want %d points", i, e, want)
		}
	}
	mustCheck(t, s)
}

func TestRulesOlderEventPricedAgainstItsOwnDay(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob")
	// Alice fills 10 November's cap, then posts once on the 12th; Bob fills
	// the 12th.
	rtEvents(t, s,
		"a1,alice,post,2026-11-10T10:00:00Z", "a2,alice,post,2026-11-10T10:10:00Z", "a3,alice,post,2026-11-10T10:20:00Z",
		"a4,alice,post,2026-11-10T10:30:00Z", "a5,alice,post,2026-11-10T10:40:00Z", "a6,alice,post,2026-11-12T10:00:00Z",
		"b1,bob,post,2026-11-12T10:00:00Z", "b2,bob,post,2026-11-12T10:10:00Z", "b3,bob,post,2026-11-12T10:20:00Z",
		"b4,bob,post,2026-11-12T10:30:00Z", "b5,bob,post,2026-11-12T10:40:00Z",
	)
	// Late arrivals: Alice's 10th is full; Bob's 11th is empty; Alice's
	// 12th still has room for the newest day's own cap.
	rep := rtEvents(t, s,
		"a7,alice,post,2026-11-10T15:00:00Z",
		"b0,bob,post,2026-11-11T09:00:00Z",
		"a8,alice,post,2026-11-12T11:00:00Z",
		"b6,bob,post,2026-11-12T11:00:00Z",
	)
	if rep.Points != 0+5+5+0 {
		t.Errorf("late import earned %d, want 10", rep.Points)
	}
	if e := rtEntry(t, s, "alice", model.Earned, "a7"); e.Points != 0 || e.Withheld != 5 || e.Why != "daily cap 25 reached" {
		t.Errorf("a7 = %+v, want capped by 10 November", e)
	}
	if e := rtEntry(t, s, "bob", model.Earned, "b0"); e.Points != 5 || e.Why != "" || model.Day(e.At) != model.Day(time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("b0 = %+v, want 5 points on 11 November", e)
	}
	if e := rtEntry(t, s, "bob", model.Earned, "b6"); e.Points != 0 || e.Withheld != 5 {
		t.Errorf("b6 = %+v, want capped: the late b0 must not reset the 12th", e)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 45 held 0 available 45 qualifying 45 tier Beginner")
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 40 held 0 available 40 qualifying 40 tier Beginner")
	mustCheck(t, s)
}

func TestRulesWelcomeBonus(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rep := importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{
		"alice,Alice,2026-11-01,,", "bob,Bob,,,",
	}))
	if rep.Imported != 2 || rep.Points != 20 {
		t.Fatalf("report %s, want 2 members and 20 points", rep.Summary())
	}
	h := rtHistory(t, s, "bob")
	if len(h) != 1 || h[0].Type != model.Welcome || h[0].Points != 10 || h[0].Qualifying != 10 || !h[0].At.Equal(t0) {
		t.Errorf("bob's history %+v, want one welcome of 10 dated now (no join date)", h)
	}
	if m := member(t, s, "bob"); !m.Joined.Equal(t0) {
		t.Errorf("bob joined %s, want %s", m.Joined, t0)
	}
	// Re-importing a member is a duplicate: no second welcome.
	rep = importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{"alice,Alice,2026-11-01,,"}))
	if rep.Duplicates != 1 || rep.Points != 0 {
		t.Errorf("re-import %s, want 1 duplicate and no points", rep.Summary())
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 10 held 0 available 10 qualifying 10 tier Beginner")
	mustCheck(t, s)
}

func TestRulesReferralPaidOnceOnFirstEvent(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{
		"alice,Alice,2026-10-01,,",
		"bob,Bob,2026-11-01,,alice",
		"carol,Carol,2026-11-01,,alice",
	}))
	rtWant(t, "alice before", rtNums(t, s, "alice"), "balance 10 held 0 available 10 qualifying 10 tier Beginner")
	// Bob's own referral event earns him the rule's points but does not pay
	// Alice for bringing him.
	rep := rtEvents(t, s, "bref,bob,referral,2026-11-10T09:00:00Z")
	if rep.Points != 50 {
		t.Errorf("bob's referral event earned %d, want 50", rep.Points)
	}
	rtWant(t, "alice after bob's referral event", rtNums(t, s, "alice"), "balance 10 held 0 available 10 qualifying 10 tier Beginner")
	// His first other event pays Alice once, dated like it.
	rep = rtEvents(t, s, "b1,bob,post,2026-11-10T10:00:00Z", "b2,bob,post,2026-11-11T10:00:00Z")
	if rep.Points != 5+50+5 {
		t.Errorf("bob's posts reported %d points, want 60 (his 10 and Alice's 50)", rep.Points)
	}
	e := rtEntry(t, s, "alice", model.Earned, "referral:bob")
	if e.Points != 50 || e.Rule != "referral" || !e.At.Equal(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("alice's referral entry %+v, want 50 points for bob dated 10 November 10:00", e)
	}
	rtEvents(t, s, "b3,bob,post,2026-11-12T10:00:00Z")
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 60 held 0 available 60 qualifying 60 tier Beginner")
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 75 held 0 available 75 qualifying 75 tier Beginner")
	// Carol's first event pays Alice again: two referrals.
	rtEvents(t, s, "c1,carol,like_received,2026-11-12T11:00:00Z")
	rtWant(t, "alice after carol", rtNums(t, s, "alice"), "balance 110 held 0 available 110 qualifying 110 tier Beginner")
	if act := rtDetail(t, s, "alice").Activity; act.Count("referral") != 2 {
		n := act.Count("referral")
		t.Errorf("alice has %d referrals, want 2", n)
	}
	mustCheck(t, s)
}

func TestRulesReferralInTheSameImportAsTheMembers(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{
		"dave,Dave,2026-11-01,,erin", // referrer later in the file
		"erin,Erin,2026-10-01,,",
	}))
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{"d1,dave,post,2026-11-10T10:00:00Z"}))
	rep, err := rtImportFiles(t, s, ImportOptions{}, ev, ms)
	rtOK(t, err)
	if rep.Imported != 3 || rep.Points != 10+10+5+50 {
		t.Errorf("report %s, want 3 imported, 75 points", rep.Summary())
	}
	rtWant(t, "erin", rtNums(t, s, "erin"), "balance 60 held 0 available 60 qualifying 60 tier Beginner")
	mustCheck(t, s)
}

func TestRulesSuspendedAndBannedEarnNothingUntilTheEnd(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob")
	_, err := s.Suspend("alice", 7*24*time.Hour, "spam")
	rtOK(t, err)
	_, err = s.Ban("bob", "harassment")
	rtOK(t, err)
	rtEvents(t, s,
		"a-before,alice,post,2026-11-19T10:00:00Z", // before the suspension began
		"a-during,alice,post,2026-11-20T13:00:00Z",
		"b-after,bob,post,2026-11-20T14:00:00Z",
	)
	restricted := "restricted (suspended or banned)"
	if e := rtEntry(t, s, "alice", model.Earned, "a-before"); e.Points != 5 {
		t.Errorf("a-before = %+v, want 5 points", e)
	}
	if e := rtEntry(t, s, "alice", model.Earned, "a-during"); e.Points != 0 || e.Withheld != 5 || e.Why != restricted {
		t.Errorf("a-during = %+v, want 0 points, 5 withheld, %q", e, restricted)
	}
	if e := rtEntry(t, s, "bob", model.Earned, "b-after"); e.Points != 0 || e.Withheld != 5 || e.Why != restricted {
		t.Errorf("b-after = %+v, want 0 points, 5 withheld, %q", e, restricted)
	}
	// A week and a day later the suspension is over: Alice earns again, an
	// event from inside the suspension still earns nothing; Bob is banned.
	rtSet(now, t0.Add(8*24*time.Hour))
	rtEvents(t, s,
		"a-late,alice,post,2026-11-26T10:00:00Z",
		"a-free,alice,post,2026-11-28T10:00:00Z",
		"b-free,bob,post,2026-11-28T10:00:00Z",
	)
	if e := rtEntry(t, s, "alice", model.Earned, "a-late"); e.Points != 0 || e.Why != restricted {
		t.Errorf("a-late = %+v, want nothing: dated inside the suspension", e)
	}
	if e := rtEntry(t, s, "alice", model.Earned, "a-free"); e.Points != 5 || e.Why != "" {
		t.Errorf("a-free = %+v, want 5 points after the suspension", e)
	}
	if e := rtEntry(t, s, "bob", model.Earned, "b-free"); e.Points != 0 || e.Why != restricted {
		t.Errorf("b-free = %+v, want nothing: banned", e)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 20 held 0 available 20 qualifying 20 tier Beginner")
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 10 held 0 available 10 qualifying 10 tier Beginner")
	mustCheck(t, s)
}

// --- badges ---

func TestRulesStreakFirstAndCountBadges(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob")
	var lines []string
	for d := 1; d <= 7; d++ {
		lines = append(lines, fmt.Sprintf("al%d,alice,like_received,2026-11-%02dT09:00:00Z", d, d))
	}
	// Bob: three days, a gap, four days: no week streak.
	for _, d := range []int{1, 2, 3, 5, 6, 7, 8} {
		lines = append(lines, fmt.Sprintf("bl%d,bob,like_received,2026-11-%02dT09:00:00Z", d, d))
	}
	lines = append(lines, "ap1,alice,post,2026-11-03T12:00:00Z", "ap2,alice,post,2026-11-04T12:00:00Z")
	// Nine accepted answers for Bob (capped at five a day: the badge counts
	// events, not points).
	for i := 0; i < 9; i++ {
		lines = append(lines, fmt.Sprintf("bacc%d,bob,answer_accepted,2026-11-10T%02d:00:00Z", i, 10+i))
	}
	rtEvents(t, s, lines...)
	rtWant(t, "alice's badges", rtBadges(t, s, "alice"), "first-post@11-03T12:00 streak-7@11-07T09:00")
	rtWant(t, "bob's badges", rtBadges(t, s, "bob"), "")
	d := rtDetail(t, s, "bob")
	// Bob's run of the 5th–8th is his best; the 10th starts a new one.
	if d.Activity.BestStreak != 4 || d.Activity.Streak != 1 {
		t.Errorf("bob's streak %d best %d, want 1 and 4", d.Activity.Streak, d.Activity.BestStreak)
	}
	rtEvents(t, s, "bacc9,bob,answer_accepted,2026-11-11T10:00:00Z")
	rtWant(t, "bob's badges", rtBadges(t, s, "bob"), "helpful@11-11T10:00")
	// Welcome 10, 7 likes, 9 × 15 capped at 75 on the 10th, then 15.
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 107 held 0 available 107 qualifying 107 tier Beginner")
	mustCheck(t, s)
}

func TestRulesTopOfMonthBadgesWhenTheMonthCloses(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	var handles []string
	for i := 1; i <= 12; i++ {
		handles = append(handles, fmt.Sprintf("m%02d", i))
	}
	rtJoin(t, s, handles...)
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{"zed,Zed,2026-09-01,staff,", "sus,Sus,2026-09-01,,"}))
	// m01 120 … m10 30, m11 ties m10, m12 10; staff and a suspended member
	// outscore everyone but are left off.
	for i, h := range handles {
		pts := int64(130 - 10*(i+1))
		if h == "m11" {
			pts = 30
		}
		_, err := s.Award(h, pts, "help")
		rtOK(t, err)
	}
	_, err := s.Award("zed", 1000, "staff work")
	rtOK(t, err)
	_, err = s.Award("sus", 900, "help")
	rtOK(t, err)
	_, err = s.Suspend("sus", 30*24*time.Hour, "spam")
	rtOK(t, err)
	if b := rtBadges(t, s, "m01"); b != "" {
		t.Fatalf("m01 holds %q before the month closed", b)
	}
	// The first write of December closes November.
	rtSet(now, time.Date(2026, 12, 1, 0, 5, 0, 0, time.UTC))
	_, err = s.AddNote("m12", "a note")
	rtOK(t, err)
	got := map[string]bool{}
	for _, h := range append(handles, "zed", "sus") {
		for _, g := range rtDetail(t, s, h).Badges {
			if g.Badge == "top-10" {
				got[h] = true
				if g.Note != "top 10 of 2026-11" || g.By != "" {
					t.Errorf("%s's top-10 grant %+v, want an automatic grant noted \"top 10 of 2026-11\"", h, g)
				}
			}
		}
	}
	for _, h := range append(handles, "zed", "sus") {
		want := h != "m12" && h != "zed" && h != "sus"
		if got[h] != want {
			t.Errorf("%s holds top-10: %v, want %v", h, got[h], want)
		}
	}
	// Another write in December gives nothing twice.
	_, err = s.AddNote("m01", "again")
	rtOK(t, err)
	n := 0
	for _, g := range rtDetail(t, s, "m01").Badges {
		if g.Badge == "top-10" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("m01 holds %d top-10 grants, want 1", n)
	}
	mustCheck(t, s)
}

// --- tiers ---

func TestRulesTiersLifetimeSpendingAndPenalties(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	_, err := s.Award("alice", 239, "help")
	rtOK(t, err)
	rtWant(t, "at 249", rtNums(t, s, "alice"), "balance 249 held 0 available 249 qualifying 249 tier Beginner")
	_, err = s.Award("alice", 1, "help")
	rtOK(t, err)
	rtWant(t, "at 250", rtNums(t, s, "alice"), "balance 250 held 0 available 250 qualifying 250 tier Experienced")
	_, err = s.Award("alice", 50, "help")
	rtOK(t, err)
	// Spending never lowers a tier.
	rtRequests(t, s, "r1,alice,sticker-pack,2026-11-20T10:00:00Z")
	if out := s.Approve("r1"); out[0].Err != nil {
		t.Fatal(out[0].Err)
	}
	rtWant(t, "after spending", rtNums(t, s, "alice"), "balance 150 held 0 available 150 qualifying 300 tier Experienced")
	// A penalty can.
	_, err = s.Deduct("alice", 100, "spam")
	rtOK(t, err)
	rtWant(t, "after a penalty", rtNums(t, s, "alice"), "balance 50 held 0 available 50 qualifying 200 tier Beginner")
	_, err = s.Award("alice", 5000, "hero")
	rtOK(t, err)
	rtWant(t, "ambassador", rtNums(t, s, "alice"), "balance 5050 held 0 available 5050 qualifying 5200 tier Ambassador")
	mustCheck(t, s)
}

// rtWindowed applies the default programme with a rolling tier window.
func rtWindowed(t testing.TB, s *Store, days int) {
	t.Helper()
	p := model.Default()
	p.TierWindow = model.Window{Days: days}
	if _, err := s.ApplyProgramme(p, false); err != nil {
		t.Fatal(err)
	}
}

func TestRulesRollingWindowDropsATierAtTheMembersNextWrite(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob")
	_, err := s.Award("alice", 300, "help") // dated 20 November
	rtOK(t, err)
	rtWindowed(t, s, 30)
	// The welcome (1 September) is outside the window already.
	rtWant(t, "in the window", rtNums(t, s, "alice"), "balance 310 held 0 available 310 qualifying 310 tier Experienced")
	if d := rtDetail(t, s, "alice"); d.TierPoints != 300 {
		t.Errorf("tier points %d, want 300", d.TierPoints)
	}
	// 29 days on, still inside.
	rtSet(now, t0.Add(29*24*time.Hour))
	_, err = s.AddNote("alice", "still here")
	rtOK(t, err)
	rtWant(t, "29 days on", rtNums(t, s, "alice"), "balance 310 held 0 available 310 qualifying 310 tier Experienced")
	// 31 days on, the award has aged out.
	rtSet(now, t0.Add(31*24*time.Hour))
	_, err = s.AddNote("alice", "quiet lately")
	rtOK(t, err)
	rtWant(t, "31 days on", rtNums(t, s, "alice"), "balance 310 held 0 available 310 qualifying 310 tier Beginner")
	if d := rtDetail(t, s, "alice"); d.TierPoints != 0 || d.Tier.Name != "Beginner" {
		t.Errorf("detail tier %s on %d points, want Beginner on 0", d.Tier.Name, d.TierPoints)
	}
	mustCheck(t, s)
}

// A rolling window is applied when a member is next written (or when a
// programme is applied): recomputing every member's window at every write
// would cost a walk of the whole ledger. The member screen shows the live
// window's points meanwhile, and check proves the tier as of when it was
// computed.
func TestRulesRollingWindowAppliesAtTheMembersNextWrite(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob")
	_, err := s.Award("alice", 300, "help")
	rtOK(t, err)
	rtWindowed(t, s, 30)
	rtSet(now, t0.Add(31*24*time.Hour))
	// A write that is not about Alice.
	_, err = s.AddNote("bob", "hello")
	rtOK(t, err)
	mustCheck(t, s)
	rtWant(t, "after a write about someone else", rtNums(t, s, "alice"), "balance 310 held 0 available 310 qualifying 310 tier Experienced")
	if d := rtDetail(t, s, "alice"); d.TierPoints != 0 {
		t.Errorf("the member screen shows %d points in the window, want 0", d.TierPoints)
	}
	_, err = s.AddNote("alice", "quiet lately")
	rtOK(t, err)
	rtWant(t, "after a write about her", rtNums(t, s, "alice"), "balance 310 held 0 available 310 qualifying 310 tier Beginner")
	mustCheck(t, s)
}

func TestRulesRollingWindowPenaltyAndSpending(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice")
	rtWindowed(t, s, 30)
	_, err := s.Award("alice", 1000, "help")
	rtOK(t, err)
	rtWant(t, "start", rtNums(t, s, "alice"), "balance 1010 held 0 available 1010 qualifying 1010 tier Professional")
	rtRequests(t, s, "r1,alice,early-access,2026-11-20T12:00:00Z")
	if out := s.Approve("r1"); out[0].Err != nil {
		t.Fatal(out[0].Err)
	}
	rtWant(t, "after spending", rtNums(t, s, "alice"), "balance 10 held 0 available 10 qualifying 1010 tier Professional")
	rtSet(now, t0.Add(time.Hour))
	_, err = s.Award("alice", 40, "more help")
	rtOK(t, err)
	_, err = s.Deduct("alice", 45, "spam")
	rtOK(t, err)
	rtWant(t, "after the penalty", rtNums(t, s, "alice"), "balance 5 held 0 available 5 qualifying 1005 tier Experienced")
	mustCheck(t, s)
}

// The first import of a community: members who joined last month and have
// done nothing yet. Closing last month must not make each of them one of
// its "top 10": their only points are the welcome bonus, which is not
// activity, and they all tie at it.
func TestRulesTopOfMonthIsNotWonByTheWelcomeBonus(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	var lines []string
	for i := 1; i <= 15; i++ {
		lines = append(lines, fmt.Sprintf("n%02d,N%02d,2026-10-%02d,,", i, i, i))
	}
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, lines))
	mustCheck(t, s)
	var holders []string
	for i := 1; i <= 15; i++ {
		h := fmt.Sprintf("n%02d", i)
		for _, g := range rtDetail(t, s, h).Badges {
			if g.Badge == "top-10" {
				holders = append(holders, h)
			}
		}
	}
	if len(holders) != 0 {
		t.Fatalf("importing 15 members who joined in October (welcome bonus only) gives all %d of them the top-10 badge of October: the welcome bonus counts on month boards and every tie shares rank 1 (store/import.go:486 posts the Welcome entry with Qualifying, so it lands on the month and week boards; store/leaderboard.go:325 topOfMonthBadges)", len(holders))
	}
}

// A suspension extended (or turned into a ban) before it ran out: an event
// dated in its first days, imported late, still earns nothing.
func TestRulesExtendedSuspensionStillCoversItsStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		then func(s *Store) error
	}{
		{"extended", func(s *Store) error { _, err := s.Suspend("alice", 7*24*time.Hour, "again"); return err }},
		{"banned", func(s *Store) error { _, err := s.Ban("alice", "enough"); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, now := newStore(t)
			rtJoin(t, s, "alice")
			_, err := s.Suspend("alice", 7*24*time.Hour, "spam") // from 20 November 12:00
			rtOK(t, err)
			rtSet(now, t0.Add(2*24*time.Hour))
			rtOK(t, tc.then(s))
			rtEvents(t, s, "during,alice,post,2026-11-21T10:00:00Z")
			mustCheck(t, s)
			if e := rtEntry(t, s, "alice", model.Earned, "during"); e.Points != 0 {
				t.Fatalf("an event dated 21 November, inside the suspension that began on the 20th, earned %d once the suspension was %s on the 22nd: StatusSince is reset to now (store/moderation.go:267 and :273 set StatusSince = w.now even when the member is already suspended; store/events.go:93 restrictedAt only looks from StatusSince)", e.Points, tc.name)
			}
		})
	}
}

// A quiet community: nothing is written in December. The first write of
// January closes November as well as December.
func TestRulesTopOfMonthAfterAMonthWithoutWrites(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob")
	_, err := s.Award("alice", 100, "help")
	rtOK(t, err)
	rtSet(now, time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC))
	_, err = s.AddNote("bob", "happy new year")
	rtOK(t, err)
	mustCheck(t, s)
	if b := rtBadges(t, s, "alice"); b != "top-10@01-05T09:00" {
		t.Fatalf("alice led November but holds %q: only the month just before the write's month is closed, so November, still open when December passed without a write, never gives its top-of-month badges (store/leaderboard.go:216 closePeriods closes prevMonth only, not every month since kClosedMonth)", b)
	}
}
