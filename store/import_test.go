package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"steward/ingest"
)

// Import: all or nothing, problems named by file, line and field,
// --skip-invalid, unknown names, referrals, duplicates, the order of
// sources, dry runs, and CSV and JSON Lines giving the same community.

// rtProblems lists an import's problems as strings.
func rtProblems(rep ImportReport) []string {
	out := make([]string, len(rep.Problems))
	for i, p := range rep.Problems {
		out[i] = p.Error()
	}
	return out
}

// rtSnapshot is everything an import could change, to prove it changed
// nothing: the counters, the ledger and audit sizes, and every table.
func rtSnapshot(t testing.TB, s *Store) string {
	t.Helper()
	var b strings.Builder
	c, err := s.Counts()
	rtOK(t, err)
	entries, audit := rtCounts(t, s)
	fmt.Fprintf(&b, "%+v ledger %d audit %d\n", c, entries, audit)
	for _, kind := range ExportKinds {
		_, err := s.Export(&b, kind, ExportOptions{Raw: true})
		rtOK(t, err)
	}
	return b.String()
}

// rtSeed is a small community with some history, for imports to be
// refused against.
func rtSeed(t testing.TB) *Store {
	t.Helper()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob")
	rtEvents(t, s, "e1,alice,post,2026-11-10T10:00:00Z")
	return s
}

func TestImportAllOrNothingOnABadRow(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	before := rtSnapshot(t, s)
	dir := t.TempDir()
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"e2,alice,post,2026-11-11T10:00:00Z",
		"e3,bob,post,yesterday",
		"e4,bob,reply,2026-11-11T10:00:00Z",
	}))
	rep, err := rtImportFiles(t, s, ImportOptions{}, ev)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	if rep.Read != 3 || rep.Rejected != 1 || rep.Imported != 0 || rep.Points != 0 {
		t.Errorf("report %s, want read 3, rejected 1, nothing imported", rep.Summary())
	}
	want := ev + `:3: at: "yesterday" is not a date`
	if ps := rtProblems(rep); len(ps) != 1 || !strings.HasPrefix(ps[0], want) {
		t.Errorf("problems %q, want one starting %q", ps, want)
	}
	rtWant(t, "store after a refused import", rtSnapshot(t, s), before)
	mustCheck(t, s)
}

func TestImportOnAFreshFileWritesNothingOnABadRow(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{"alice,Alice,2026-09-01,,", "bad handle!,X,,,"}))
	_, err := rtImportFiles(t, s, ImportOptions{}, ms)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Errorf("a refused import left a database file (stat: %v)", err)
	}
}

func TestImportListsTwentyProblemsThenCounts(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	var lines []string
	for i := 0; i < 25; i++ {
		lines = append(lines, fmt.Sprintf("x%d,alice,post,not-a-date", i))
	}
	lines = append(lines, "ok1,alice,post,2026-11-12T10:00:00Z")
	dir := t.TempDir()
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, lines))
	rep, err := rtImportFiles(t, s, ImportOptions{}, ev)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	ps := rtProblems(rep)
	if len(ps) != MaxProblems || rep.Rejected != 25 || rep.Read != 26 {
		t.Fatalf("%d problems listed, %d rejected, %d read; want 20, 25, 26", len(ps), rep.Rejected, rep.Read)
	}
	for i, p := range ps {
		if want := fmt.Sprintf("%s:%d: at: ", ev, i+2); !strings.HasPrefix(p, want) {
			t.Errorf("problem %d = %q, want it to start %q", i, p, want)
		}
	}
	if !strings.Contains(rep.Summary(), "rejected 25") {
		t.Errorf("summary %q", rep.Summary())
	}
	mustCheck(t, s)
}

func TestImportSkipInvalidImportsTheRest(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	dir := t.TempDir()
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"e2,alice,post,2026-11-11T10:00:00Z",
		"e3,zoe,post,2026-11-11T10:00:00Z",
		"e4,bob,dance,2026-11-11T10:00:00Z",
		"e5,bob,reply,2026-11-11T10:00:00Z",
	}))
	rep, err := rtImportFiles(t, s, ImportOptions{SkipInvalid: true}, ev)
	rtOK(t, err)
	if rep.Read != 4 || rep.Imported != 2 || rep.Rejected != 2 || rep.Points != 7 {
		t.Errorf("report %s, want read 4, imported 2, rejected 2, 7 points", rep.Summary())
	}
	ps := rtProblems(rep)
	want := []string{
		ev + `:3: member: unknown member "zoe"`,
		ev + `:4: kind: unknown action kind "dance" (the programme has post, reply, answer, answer_accepted, like_received, share, follow, content_fix, event_attended, referral)`,
	}
	// Kinds are checked as rows are read, members in chunks after: compare
	// as sets.
	if len(ps) != 2 || !(ps[0] == want[0] && ps[1] == want[1] || ps[0] == want[1] && ps[1] == want[0]) {
		t.Errorf("problems\n %q\nwant\n %q", ps, want)
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 20 held 0 available 20 qualifying 20 tier Beginner")
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 12 held 0 available 12 qualifying 12 tier Beginner")
	mustCheck(t, s)
}

func TestImportUnknownNames(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	before := rtSnapshot(t, s)
	dir := t.TempDir()
	rq := rtWriteFile(t, dir, "redemptions.csv", rtLines(rtRequestHdr, []string{
		"q1,alice,yacht,2026-11-12T10:00:00Z",
		"q2,zoe,sticker-pack,2026-11-12T10:00:00Z",
	}))
	rp := rtWriteFile(t, dir, "reports.csv", rtLines(rtReportHeader, []string{
		"p1,bob,alice,post-1,rudeness,,2026-11-12T10:00:00Z",
		"p2,zoe,alice,post-1,spam,,2026-11-12T10:00:00Z",
		"p3,bob,yuri,post-1,spam,,2026-11-12T10:00:00Z",
	}))
	rep, err := rtImportFiles(t, s, ImportOptions{}, rq, rp)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	got := strings.Join(rtProblems(rep), "\n")
	for _, want := range []string{
		rq + `:2: reward: unknown reward "yacht"`,
		rq + `:3: member: unknown member "zoe"`,
		rp + `:2: guideline: unknown guideline "rudeness"`,
		rp + `:3: reporter: unknown member "zoe"`,
		rp + `:4: subject: unknown member "yuri"`,
	} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("problems do not list %q:\n%s", want, got)
		}
	}
	if rep.Rejected != 5 {
		t.Errorf("rejected %d, want 5", rep.Rejected)
	}
	rtWant(t, "store", rtSnapshot(t, s), before)
	mustCheck(t, s)
}

func TestImportReferralProblems(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	before := rtSnapshot(t, s)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{
		"carol,Carol,2026-11-01,,zoe",  // 2: unknown referrer
		"dave,Dave,2026-11-01,,dave",   // 3: self
		"erin,Erin,2026-11-01,,frank",  // 4: a cycle erin → frank → erin
		"frank,Frank,2026-11-01,,erin", // 5
		"gina,Gina,2026-11-01,,alice",  // 6: fine, an existing member
		"hugo,Hugo,2026-11-01,,gina",   // 7: fine, a member of this file
		"ivan,Ivan,2026-11-01,,jack",   // 8: a longer cycle
		"jack,Jack,2026-11-01,,kate",   // 9
		"kate,Kate,2026-11-01,,ivan",   // 10
	}))
	rep, err := rtImportFiles(t, s, ImportOptions{}, ms)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	got := rtProblems(rep)
	want := []string{
		ms + `:2: referred_by: unknown member "zoe"`,
		ms + `:3: referred_by: a member cannot refer themself`,
		ms + `:4: referred_by: referral cycle: erin is referred, directly or not, by themself`,
		ms + `:5: referred_by: referral cycle: frank is referred, directly or not, by themself`,
		ms + `:8: referred_by: referral cycle: ivan is referred, directly or not, by themself`,
		ms + `:9: referred_by: referral cycle: jack is referred, directly or not, by themself`,
		ms + `:10: referred_by: referral cycle: kate is referred, directly or not, by themself`,
	}
	gs := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(gs+"\n", w+"\n") {
			t.Errorf("problems do not list %q:\n%s", w, gs)
		}
	}
	if rep.Rejected != len(want) {
		t.Errorf("rejected %d, want %d:\n%s", rep.Rejected, len(want), gs)
	}
	rtWant(t, "store", rtSnapshot(t, s), before)
	// With --skip-invalid, the two good rows go in.
	rep, err = rtImportFiles(t, s, ImportOptions{SkipInvalid: true}, ms)
	rtOK(t, err)
	if rep.Imported != 2 {
		t.Errorf("imported %d, want gina and hugo", rep.Imported)
	}
	if m := member(t, s, "hugo"); m.ReferredBy != "gina" {
		t.Errorf("hugo referred by %q", m.ReferredBy)
	}
	mustCheck(t, s)
}

func TestImportDuplicateIDs(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "bob")
	rep := rtEvents(t, s,
		"e1,alice,post,2026-11-10T10:00:00Z",
		"e1,alice,post,2026-11-10T10:00:00Z", // the same row twice
		"e2,bob,post,2026-11-10T10:00:00Z",
		"e2,alice,answer,2026-11-10T11:00:00Z", // the same id, another row: the id wins
	)
	if rep.Imported != 2 || rep.Duplicates != 2 || rep.Points != 10 {
		t.Errorf("report %s, want 2 imported, 2 duplicates, 10 points", rep.Summary())
	}
	// Across runs.
	rep = rtEvents(t, s, "e1,alice,post,2026-11-10T10:00:00Z", "e3,alice,post,2026-11-12T10:00:00Z")
	if rep.Imported != 1 || rep.Duplicates != 1 || rep.Points != 5 {
		t.Errorf("second run %s, want 1 imported, 1 duplicate, 5 points", rep.Summary())
	}
	rtWant(t, "alice", rtNums(t, s, "alice"), "balance 20 held 0 available 20 qualifying 20 tier Beginner")
	// Requests and reports too.
	rtOK(t, func() error { _, err := s.Award("alice", 500, "seed"); return err }())
	rep = rtRequests(t, s, "q1,alice,sticker-pack,2026-11-12T10:00:00Z", "q1,alice,sticker-pack,2026-11-12T10:00:00Z")
	if rep.Imported != 1 || rep.Duplicates != 1 {
		t.Errorf("requests %s, want 1 and 1 duplicate", rep.Summary())
	}
	rep = rtRequests(t, s, "q1,alice,sticker-pack,2026-11-12T10:00:00Z")
	if rep.Duplicates != 1 {
		t.Errorf("requests again %s, want a duplicate", rep.Summary())
	}
	rtWant(t, "alice held once", rtNums(t, s, "alice"), "balance 520 held 150 available 370 qualifying 520 tier Experienced")
	rep = rtReports(t, s, "p1,bob,alice,post-1,spam,,2026-11-12T10:00:00Z", "p1,bob,alice,post-1,spam,,2026-11-12T10:00:00Z")
	if rep.Imported != 1 || rep.Duplicates != 1 {
		t.Errorf("reports %s, want 1 and 1 duplicate", rep.Summary())
	}
	if c := rtCaseOf(t, s, "alice", "post-1"); len(c.Reports) != 1 {
		t.Errorf("case holds %d reports, want 1", len(c.Reports))
	}
	// A member twice in one file, and again later.
	rep = importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{"carol,Carol,,,", "carol,Carol Again,,,"}))
	if rep.Imported != 1 || rep.Duplicates != 1 || rep.Points != 10 {
		t.Errorf("members %s, want 1 imported, 1 duplicate, 10 points", rep.Summary())
	}
	if m := member(t, s, "carol"); m.Name != "Carol" {
		t.Errorf("carol's name %q, want the first row's", m.Name)
	}
	mustCheck(t, s)
}

// A batch whose ids all sort after the file's is checked with one seek;
// any id of the file between a batch's lowest and highest means a lookup
// per event again.
func TestImportDuplicatesWhateverTheOrderOfIDs(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	for _, c := range []struct {
		rows      []string
		new, dups int
	}{
		{[]string{"e1,alice,post,2026-11-01T10:00:00Z", "e3,alice,post,2026-11-02T10:00:00Z"}, 2, 0},
		{[]string{"e4,alice,post,2026-11-03T10:00:00Z", "e5,alice,post,2026-11-04T10:00:00Z"}, 2, 0},   // after them all
		{[]string{"e4,alice,post,2026-11-03T10:00:00Z", "e5,alice,post,2026-11-04T10:00:00Z"}, 0, 2},   // the same again
		{[]string{"e2,alice,post,2026-11-05T10:00:00Z", "e3,alice,post,2026-11-02T10:00:00Z"}, 1, 1},   // e3 among them
		{[]string{"d9,alice,post,2026-11-06T10:00:00Z", "e6,alice,post,2026-11-07T10:00:00Z"}, 2, 0},   // around e1…e5
		{[]string{"e10,alice,post,2026-11-08T10:00:00Z", "e11,alice,post,2026-11-09T10:00:00Z"}, 2, 0}, // between e1 and e2
		{[]string{"e11,alice,post,2026-11-09T10:00:00Z", "e1,alice,post,2026-11-01T10:00:00Z"}, 0, 2},
	} {
		rep := rtEvents(t, s, c.rows...)
		if rep.Imported != c.new || rep.Duplicates != c.dups {
			t.Errorf("%v: %s, want %d new and %d duplicates", c.rows, rep.Summary(), c.new, c.dups)
		}
	}
	mustCheck(t, s)
}

func TestImportMembersBeforeEventsWhateverTheOrder(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	rq := rtWriteFile(t, dir, "redemptions.csv", rtLines(rtRequestHdr, []string{"q1,bob,contest-entry,2026-11-12T10:00:00Z"}))
	rp := rtWriteFile(t, dir, "reports.csv", rtLines(rtReportHeader, []string{"p1,alice,bob,post-1,spam,,2026-11-12T10:00:00Z"}))
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"e1,bob,event_attended,2026-11-10T10:00:00Z", "e2,bob,event_attended,2026-11-11T10:00:00Z",
		"e3,bob,event_attended,2026-11-12T10:00:00Z", "e4,bob,event_attended,2026-11-13T10:00:00Z",
		"e5,bob,event_attended,2026-11-14T10:00:00Z",
	}))
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{"alice,Alice,2026-09-01,,", "bob,Bob,2026-09-01,,"}))
	rep, err := rtImportFiles(t, s, ImportOptions{}, rq, rp, ev, ms)
	rtOK(t, err)
	if rep.Imported != 9 || rep.Points != 20+100 {
		t.Errorf("report %s, want 9 imported, 120 points", rep.Summary())
	}
	// The request came after the events (bob had the points) and before
	// the reports (no open report to hesitate over): approved at once.
	if r := rtRequest(t, s, "bob", "q1"); r.Status.String() != "approved" {
		t.Errorf("q1 is %s (%s), want approved", r.Status, r.Reason)
	}
	rtWant(t, "bob", rtNums(t, s, "bob"), "balance 10 held 0 available 10 qualifying 110 tier Beginner")
	if n := rtOpenCount(t, s); n != 1 {
		t.Errorf("%d open cases, want 1", n)
	}
	if rtBadges(t, s, "bob") != "regular@11-14T10:00" {
		t.Errorf("bob's badges %q", rtBadges(t, s, "bob"))
	}
	mustCheck(t, s)
}

func TestImportDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	before := rtSnapshot(t, s)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{"carol,Carol,2026-11-01,,alice"}))
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"c1,carol,answer,2026-11-12T10:00:00Z",
		"e2,alice,post,2026-11-12T10:00:00Z",
		"e1,alice,post,2026-11-10T10:00:00Z", // already in
	}))
	var rep ImportReport
	for _, opt := range []ImportOptions{
		{DryRun: true}, // one transaction, rolled back
		{DryRun: true, DryRunInPlace: 1, BatchSize: 1}, // batches on a copy
	} {
		var err error
		rep, err = rtImportFiles(t, s, opt, ev, ms)
		rtOK(t, err)
		if !rep.DryRun || rep.Imported != 3 || rep.Duplicates != 1 || rep.Points != 10+10+50+5 {
			t.Errorf("%+v: dry run %s, want would import 3, 1 duplicate, 75 points", opt, rep.Summary())
		}
		if !strings.HasPrefix(rep.Summary(), "read 4, would import 3,") {
			t.Errorf("%+v: summary %q", opt, rep.Summary())
		}
		rtWant(t, "store after a dry run", rtSnapshot(t, s), before)
		if left, _ := filepath.Glob(s.Path() + "?*"); len(left) > 0 {
			t.Errorf("%+v: the dry run left %v beside the database", opt, left)
		}
	}
	// The real run does what the dry run said.
	real, err := rtImportFiles(t, s, ImportOptions{}, ev, ms)
	rtOK(t, err)
	if real.Imported != rep.Imported || real.Points != rep.Points || real.Duplicates != rep.Duplicates {
		t.Errorf("real run %s, dry run said %s", real.Summary(), rep.Summary())
	}
	mustCheck(t, s)
}

func TestImportDryRunOnAFreshFile(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{"alice,Alice,2026-09-01,,"}))
	rep, err := rtImportFiles(t, s, ImportOptions{DryRun: true}, ms)
	rtOK(t, err)
	if rep.Imported != 1 || rep.Points != 10 {
		t.Errorf("dry run %s", rep.Summary())
	}
	c, err := s.Counts()
	if err == nil && c.Members != 0 {
		t.Errorf("a dry run left %d members", c.Members)
	}
	if _, err := os.Stat(s.Path()); err == nil {
		mustCheck(t, s)
		t.Fatal("a dry run on a path with no database creates the database file (store/import.go:109 runs the dry run in s.update, whose handle() creates and migrates the file before the rolled-back transaction)")
	}
}

// rtJSONL renders rows of named fields as JSON Lines.
func rtJSONL(t testing.TB, header string, lines []string) string {
	t.Helper()
	keys := strings.Split(header, ",")
	var b bytes.Buffer
	for _, l := range lines {
		vals := strings.Split(l, ",")
		obj := map[string]string{}
		for i, k := range keys {
			if vals[i] != "" {
				obj[k] = vals[i]
			}
		}
		raw, err := json.Marshal(obj)
		rtOK(t, err)
		b.Write(raw)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestImportCSVAndJSONLGiveTheSameCommunity(t *testing.T) {
	t.Parallel()
	members := []string{
		"alice,Alice Ånström,2026-09-01,teacher;staff,", "bob,Bob,2026-11-01T08:00:00Z,,alice", "carol,=Carol,2026-11-02,,",
	}
	events := []string{
		"e1,bob,post,2026-11-10T10:00:00Z", "e2,bob,post,2026-11-10T10:01:00Z", "e3,carol,answer,2026-11-11T10:00:00Z",
		"e4,carol,answer_accepted,2026-11-11T11:00:00Z", "e5,alice,like_received,2026-11-12T10:00:00Z",
	}
	requests := []string{"q1,carol,contest-entry,2026-11-12T10:00:00Z", "q2,bob,sticker-pack,2026-11-12T10:00:00Z"}
	reports := []string{"p1,alice,carol,post-7,spam,buy now,2026-11-12T10:00:00Z", "p2,bob,carol,post-7,spam,,2026-11-12T11:00:00Z"}
	run := func(ext string) string {
		s, _ := newStore(t)
		dir := t.TempDir()
		render := func(header string, lines []string) string {
			if ext == "csv" {
				return rtLines(header, lines)
			}
			return rtJSONL(t, header, lines)
		}
		// Line numbers differ by one between the formats (the CSV header):
		// the audit, which names files and lines, is left out below.
		paths := []string{
			rtWriteFile(t, dir, "members."+ext, render(rtMemberHeader, members)),
			rtWriteFile(t, dir, "events."+ext, render(rtEventHeader, events)),
			rtWriteFile(t, dir, "redemptions."+ext, render(rtRequestHdr, requests)),
			rtWriteFile(t, dir, "reports."+ext, render(rtReportHeader, reports)),
		}
		rep, err := rtImportFiles(t, s, ImportOptions{}, paths...)
		if err != nil {
			t.Fatalf("%s: %v %q", ext, err, rtProblems(rep))
		}
		mustCheck(t, s)
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", rep.Summary())
		for _, kind := range []string{"members", "ledger", "leaderboard", "redemptions", "reports"} {
			_, err := s.Export(&b, kind, ExportOptions{})
			rtOK(t, err)
		}
		return b.String()
	}
	csv, jsonl := run("csv"), run("jsonl")
	if csv != jsonl {
		t.Errorf("CSV and JSON Lines differ:\n--- csv\n%s\n--- jsonl\n%s", csv, jsonl)
	}
	if !strings.Contains(csv, "read 12, imported 12, duplicates 0, rejected 0") {
		t.Errorf("summary: %s", strings.SplitN(csv, "\n", 2)[0])
	}
}

// With --skip-invalid, a member row refused for its referral takes the
// rows about that member with it: the rest of the import still goes in.
func TestImportSkipInvalidDropsRowsOfARefusedMember(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{
		"carol,Carol,2026-11-01,,zoe", // unknown referrer
		"dave,Dave,2026-11-01,,",
	}))
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"c1,carol,post,2026-11-12T10:00:00Z",
		"d1,dave,post,2026-11-12T10:00:00Z",
	}))
	rep, err := rtImportFiles(t, s, ImportOptions{SkipInvalid: true}, ms, ev)
	mustCheck(t, s)
	if err != nil {
		c, _ := s.Counts()
		t.Fatalf("--skip-invalid refuses carol's member row (unknown referrer) but keeps her events, which then fail the import half-way (%v) after the members batch was committed (%d members now): store/import.go:233 validator.pass adds the handle to newMembers before validator.referrals (:266) rejects its row, and nothing drops the rows that name it", err, c.Members)
	}
	if rep.Imported != 2 || rep.Rejected != 2 {
		t.Errorf("report %s, want dave and his event imported, carol's two rows rejected", rep.Summary())
	}
}

// Bad rows of every kind, in both formats, named FILE:LINE: field: why;
// each import is refused whole.
func TestImportBadRowsOfEveryKind(t *testing.T) {
	t.Parallel()
	s := rtSeed(t)
	before := rtSnapshot(t, s)
	for _, tc := range []struct {
		file, text string
		want       []string // after "FILE:"
	}{
		{"members.csv", rtLines(rtMemberHeader, []string{"carol,Carol,2026-13-01,,", "dave,Dave,,,", "bad handle,X,,,"}),
			[]string{`2: joined_at: "2026-13-01" is not a date (want RFC 3339 or YYYY-MM-DD)`, `4: handle: `}},
		{"events.csv", rtLines(rtEventHeader, []string{"e9,alice,Post,2026-11-12T10:00:00Z", "e10,alice,post,2026-11-12T10:00:00Z", ",alice,post,2026-11-12T10:00:00Z"}),
			[]string{`2: kind: "Post" is not a lower-case identifier (want a-z, 0-9, _ and -)`, `4: id: is empty`}},
		{"redemptions.csv", rtLines(rtRequestHdr, []string{"q1,alice,sticker-pack,2040-01-01T00:00:00Z"}),
			[]string{`2: at: more than a day in the future`}},
		{"reports.csv", rtLines(rtReportHeader, []string{"p1,bob,alice,,spam,,2026-11-12T10:00:00Z", "p2,bob,alice,post-1,spam,,2026-11-12T10:00:00Z,extra"}),
			[]string{`2: content: is empty`, `3: row: has 8 fields, the header has 7`}},
		// A bad header makes the whole file unreadable: the error is the
		// problem itself.
		{"events.csv", "id,member,at\ne1,alice,2026-11-12T10:00:00Z\n", []string{`1: header: missing required column "kind"`}},
		{"members.jsonl", `{"handle":"carol","joined_at":"yesterday"}` + "\n" + `{"handle":"dave"}` + "\n" + `{"handle":"erin","name":7}` + "\n",
			[]string{`1: joined_at: "yesterday" is not a date (want RFC 3339 or YYYY-MM-DD)`, `3: name: want a string, got number`}},
		{"events.jsonl", `{"id":"e9","member":"alice","kind":"post"}` + "\n" + `{"id":"e9","member":"alice","kind":"post","at":"2026-11-12","at":"2026-11-13"}` + "\n",
			[]string{`1: at: missing`, `2: at: duplicate key`}},
		{"redemptions.jsonl", `{"id":"q1","member":"alice","reward":"yacht","at":"2026-11-12"}` + "\n",
			[]string{`1: reward: unknown reward "yacht"`}},
		{"reports.jsonl", `["p1"]` + "\n" + `{"id":"p2","reporter":"bob","subject":"alice","content":"post-1","guideline":"spam","at":"2026-11-12","mood":"bad"}` + "\n",
			[]string{`1: row: want a JSON object, got array`, `2: mood: unknown field`}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := rtWriteFile(t, t.TempDir(), tc.file, tc.text)
			rep, err := rtImportFiles(t, s, ImportOptions{}, path)
			got := rtProblems(rep)
			var p ingest.Problem
			if errors.As(err, &p) && p.Field == "header" {
				got = []string{err.Error()}
			} else if !errors.Is(err, ErrRejected) {
				t.Fatalf("err = %v, want ErrRejected", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], path+":"+w) {
					t.Errorf("problem %q, want it to start %q", got[i], path+":"+w)
				}
			}
		})
	}
	rtWant(t, "store after refused imports", rtSnapshot(t, s), before)
	mustCheck(t, s)
}

// Progress is heard within a batch as well as after it, never going back.
func TestImportReportsProgressWithinABatch(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	lines := make([]string, 12000)
	for i := range lines {
		lines[i] = fmt.Sprintf("p%05d,alice,like_received,2026-11-1%dT10:%02d:%02dZ", i, i%10, i/60%60, i%60)
	}
	ev := rtWriteFile(t, t.TempDir(), "events.csv", rtLines(rtEventHeader, lines))
	var heard []int
	_, err := rtImportFiles(t, s, ImportOptions{Progress: func(done, total int) {
		if total != len(lines) {
			t.Errorf("progress total %d, want %d", total, len(lines))
		}
		heard = append(heard, done)
	}}, ev)
	rtOK(t, err)
	if want := []int{5000, 10000, 12000}; fmt.Sprint(heard) != fmt.Sprint(want) {
		t.Errorf("progress heard at %v, want %v", heard, want)
	}
}
