package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"steward/ingest"
	"steward/model"
)

// Regrouping a chunk of events by member (regroupEvents) must not change
// what an import writes: the same balances, boards and ledger as the file
// taken in its own order.

// rtBusyFiles writes a community of members, some referred by others, and
// events in time order that name members at random, as a feed does.
func rtBusyFiles(t *testing.T, dir string, members, events int) (string, string) {
	rng := rand.New(rand.NewPCG(7, 11))
	var ms []string
	for i := range members {
		ref := ""
		if i > 10 && i%7 == 0 {
			ref = fmt.Sprintf("m%03d", rng.IntN(i))
		}
		ms = append(ms, fmt.Sprintf("m%03d,Member %d,2026-09-01,,%s", i, i, ref))
	}
	kinds := []string{"post", "reply", "answer", "answer_accepted", "like_received", "share", "follow"}
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var ev []string
	for i := range events {
		at = at.Add(time.Duration(rng.IntN(600)) * time.Second)
		ev = append(ev, fmt.Sprintf("e%06d,m%03d,%s,%s", i, rng.IntN(members), kinds[rng.IntN(len(kinds))], at.Format(time.RFC3339)))
	}
	return rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, ms)),
		rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, ev))
}

// rtOutcome is what an import leaves, in an order that does not depend on
// the order the rows were written in: the members, the boards, and the
// ledger's lines sorted.
func rtOutcome(t *testing.T, s *Store) string {
	t.Helper()
	var members, ledger bytes.Buffer
	_, err := s.Export(&members, "members", ExportOptions{Raw: true})
	rtOK(t, err)
	_, err = s.Export(&ledger, "ledger", ExportOptions{Raw: true})
	rtOK(t, err)
	// The ledger's lines without their sequence numbers, which follow the
	// order they were written in.
	lines := strings.Split(ledger.String(), "\n")
	for i, l := range lines {
		_, lines[i], _ = strings.Cut(l, ",")
	}
	slices.Sort(lines)
	return members.String() + "\n" + strings.Join(lines, "\n") + "\n" +
		rtBoard(t, s, AllTime) + "\n" + rtBoard(t, s, ThisMonth) + "\n" + rtBoard(t, s, ThisWeek)
}

// rtSameLines fails on the first line where got is not want.
func rtSameLines(t *testing.T, got, want string) {
	t.Helper()
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
}

func TestRegroupedImportWritesWhatTheFileOrderWrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mf, ef := rtBusyFiles(t, dir, 300, 6000)

	inOrder, _ := newStore(t)
	rep, err := rtImportFiles(t, inOrder, ImportOptions{BatchSize: 6000}, mf, ef)
	rtOK(t, err)
	regrouped, _ := newStore(t)
	// Two chunks of 3,000 events, each cut into six transactions.
	rep2, err := rtImportFiles(t, regrouped, ImportOptions{BatchSize: 500, ChunkSize: 3000}, mf, ef)
	rtOK(t, err)
	if rep2.Summary() != rep.Summary() {
		t.Fatalf("regrouped: %s\nin file order: %s", rep2.Summary(), rep.Summary())
	}
	rtSameLines(t, rtOutcome(t, regrouped), rtOutcome(t, inOrder))
	mustCheck(t, regrouped)
	if n := rtAuditLen(t, regrouped) - rtAuditLen(t, inOrder); n < 10 {
		t.Fatalf("the regrouped import audited %d more transactions, want one per part", n)
	}

	// The same files again: nothing new, and the members read ahead for
	// rows that all turn out to be duplicates are not written back.
	before := rtOutcome(t, regrouped)
	again, err := rtImportFiles(t, regrouped, ImportOptions{BatchSize: 500, ChunkSize: 3000}, ef)
	rtOK(t, err)
	if again.Imported != 0 || again.Duplicates != 6000 {
		t.Fatalf("second import: %s", again.Summary())
	}
	if after := rtOutcome(t, regrouped); after != before {
		t.Fatal("a second import of the same events changed the community")
	}
}

func TestRegroupedChunkKeepsEachMembersRowsInOnePart(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	ids := map[string]uint32{"ghost": 0, "phantom": 0}
	handles := []string{"ghost", "phantom"}
	for i := 1; i <= 50; i++ {
		h := fmt.Sprintf("h%02d", i)
		ids[h] = uint32(100 - i) // ids in another order than handles
		handles = append(handles, h)
	}
	c := &eventChunk{}
	for i := range 1000 {
		c.add(ingest.EventRow{Line: i + 2, ID: fmt.Sprint(i), Member: handles[rng.IntN(len(handles))], At: t0.Add(time.Duration(i) * time.Minute)})
	}
	members := make([]handleID, len(handles))
	place := map[string]int32{}
	for i, h := range handles {
		members[i] = handleID{h, ids[h]}
		place[h] = int32(i)
	}
	who := make([]int32, len(c.rows))
	memberOf := func(r int32) string { return c.field(c.rows[r].member) }
	// h01 referred h40 and h49, who have not acted since: each goes with
	// them.
	rowsOf := map[uint32]int{}
	for i := range c.rows {
		who[i] = place[memberOf(int32(i))]
		rowsOf[ids[memberOf(int32(i))]]++
	}
	groups := newUnionFind(rowsOf)
	groups.join(ids["h40"], ids["h01"], 300)
	groups.join(ids["h01"], ids["h49"], 300)
	// h02 referred everyone from h03 to h20: past 300 rows, the rest go
	// alone.
	for i := 3; i <= 20; i++ {
		groups.join(ids[fmt.Sprintf("h%02d", i)], ids["h02"], 300)
	}
	if g := groups.find(ids["h02"]); groups.rows[g] > 300 || groups.rows[g] < 300-60 {
		t.Errorf("h02's group holds %d rows, want up to 300", groups.rows[g])
	}
	parts := cutParts(c, who, members, groups, 150)
	if len(parts) < 4 || len(parts) > 8 {
		t.Fatalf("%d parts for 1,000 rows of about 150", len(parts))
	}
	partOf := map[string]int{}
	total := 0
	lastID := int64(-1)
	for p, part := range parts {
		total += len(part.rows)
		if len(part.rows) > 150+300 { // a part ends after the group that fills it
			t.Errorf("part %d has %d rows", p, len(part.rows))
		}
		listed := map[string]bool{}
		for _, m := range part.members {
			listed[m.handle] = true
			if m.id != ids[m.handle] {
				t.Errorf("part %d lists %s as #%d", p, m.handle, m.id)
			}
			if g := int64(groups.find(m.id)); g < lastID {
				t.Errorf("part %d lists #%d (group %d) after group %d", p, m.id, g, lastID)
			} else {
				lastID = g
			}
		}
		prevLine := int32(0)
		for _, r := range part.rows {
			member, line := memberOf(r), c.rows[r].line
			if q, ok := partOf[member]; ok && q != p {
				t.Errorf("%s has rows in parts %d and %d", member, q, p)
			}
			partOf[member] = p
			if !listed[member] {
				t.Errorf("part %d has a row of %s but does not list them", p, member)
			}
			// The rows are a minute apart in file order: the part is in
			// time order when its lines grow.
			if line < prevLine {
				t.Errorf("part %d out of time order: line %d after %d", p, line, prevLine)
			}
			prevLine = line
		}
	}
	if total != len(c.rows) {
		t.Fatalf("the parts hold %d rows of %d", total, len(c.rows))
	}
	if partOf["h40"] != partOf["h01"] || partOf["h49"] != partOf["h01"] {
		t.Fatalf("a referrer and their referees in parts %d, %d and %d", partOf["h01"], partOf["h40"], partOf["h49"])
	}
}

func TestRegroupedChunkAppliesAnIDGivenTwiceOnce(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice", "zed")
	dir := t.TempDir()
	var lines []string
	for i := range 40 {
		who := "alice"
		if i%2 == 1 {
			who = "zed"
		}
		lines = append(lines, fmt.Sprintf("x%02d,%s,follow,2026-11-%02dT10:00:00Z", i, who, 1+i/2))
	}
	// The same id for both, who land in different parts of one chunk.
	lines = append(lines, "twice,alice,answer,2026-11-19T10:00:00Z", "twice,zed,answer,2026-11-19T11:00:00Z")
	ef := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, lines))
	rep, err := rtImportFiles(t, s, ImportOptions{BatchSize: 10, ChunkSize: 100}, ef)
	rtOK(t, err)
	if rep.Imported != 41 || rep.Duplicates != 1 {
		t.Fatalf("%s: want 41 imported and the second \"twice\" a duplicate", rep.Summary())
	}
	answers := 0
	for _, h := range []string{"alice", "zed"} {
		for _, e := range rtHistory(t, s, h) {
			if e.Ref == "twice" {
				answers++
			}
		}
	}
	if answers != 1 {
		t.Fatalf("\"twice\" is in the ledger %d times", answers)
	}
	mustCheck(t, s)
}

func TestExpectEventsWalksPastOtherIDsOnly(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	rtEvents(t, s, "b,alice,post,2026-11-01T10:00:00Z", "d,alice,post,2026-11-02T10:00:00Z", "f,alice,post,2026-11-03T10:00:00Z")
	for _, c := range []struct {
		ids   []string
		fresh bool
	}{
		{[]string{"g", "h"}, true},      // nothing in their range
		{[]string{"a", "c", "e"}, true}, // others in their range, none of theirs
		{[]string{"e", "a", "d"}, false},
		{[]string{"f"}, false},
		{nil, false},
	} {
		err := s.update(func(w *writer) error {
			if got := w.expectEvents(c.ids); got != c.fresh {
				t.Errorf("expectEvents(%v) = %v, want %v", c.ids, got, c.fresh)
			}
			return errDryRun // write nothing
		})
		if err != errDryRun {
			t.Fatal(err)
		}
	}
}

func TestReferrerOfReadsWhatTheRecordHolds(t *testing.T) {
	t.Parallel()
	for _, m := range []model.Member{
		{Handle: "ann", Name: "Ann", ReferredBy: "bob", Tags: []string{"mod", "eu"}, Joined: t0, StatusSince: t0},
		{Handle: "cy", Name: "", ReferredBy: "", Balance: 40},
		{Handle: "dee", Name: "Dee 김", ReferredBy: "ann", Status: model.Suspended, SuspendedUntil: t0.Add(time.Hour)},
	} {
		b := encodeMemberState(memberState{m: m, tail: []uint64{3, 9}, scores: []periodScore{{"m2026-11", 5}}})
		got, err := referrerOf(b)
		if err != nil || string(got) != m.ReferredBy {
			t.Errorf("%s: referrerOf = %q, %v; want %q", m.Handle, got, err, m.ReferredBy)
		}
		if _, err := referrerOf(b[:len(b)/3]); err == nil && m.ReferredBy != "" {
			t.Errorf("%s: a cut record read without an error", m.Handle)
		}
	}
}

// The next chunk is regrouped while the one before it is written, so the
// parts must not depend on what those writes change: were they to, the
// ledger's order would depend on timing, and an import interrupted and run
// again would not give the file of one that never stopped.
func TestRegroupingIsTheSameBeforeAndAfterTheReferralsArePaid(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	mf, ef := rtBusyFiles(t, dir, 300, 3000)
	_, err := rtImportFiles(t, s, ImportOptions{}, mf)
	rtOK(t, err)
	src, cleanup, err := FileSource(ef, ingest.Events, "", nil, s.Now())
	rtOK(t, err)
	defer cleanup()
	rows, err := src.Open()
	rtOK(t, err)
	c := &eventChunk{}
	for {
		row, err := rows.Next()
		if err != nil {
			break
		}
		c.add(row.(ingest.EventRow))
	}
	rows.Close()
	regroup := func() string {
		parts, err := s.regroupEvents(c, 400, map[string]uint32{})
		rtOK(t, err)
		return fmt.Sprint(parts)
	}
	before := regroup()
	_, err = rtImportFiles(t, s, ImportOptions{}, ef) // pays every referral it can
	rtOK(t, err)
	if after := regroup(); after != before {
		t.Fatal("the parts changed once the referrals were paid")
	}
	// And a referee still goes with their referrer.
	parts, err := s.regroupEvents(c, 400, map[string]uint32{})
	rtOK(t, err)
	partOf := map[string]int{}
	for p, part := range parts {
		for _, m := range part.members {
			partOf[m.handle] = p
		}
	}
	joined := 0
	rtOK(t, s.view(func(r *reader) error {
		for h, p := range partOf {
			_, m, err := r.member(h)
			if err != nil {
				return err
			}
			if q, ok := partOf[m.ReferredBy]; ok && m.ReferredBy != "" {
				joined++
				if q != p {
					t.Errorf("%s is in part %d, their referrer %s in part %d", h, p, m.ReferredBy, q)
				}
			}
		}
		return nil
	}))
	if joined == 0 {
		t.Fatal("no referee and referrer both in the chunk: the test proves nothing")
	}
}
