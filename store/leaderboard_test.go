package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"steward/ingest"
	"steward/model"
)

// Leaderboards: all time, month and week; ranks shared by ties; restricted
// and excluded members left off; movement across a week boundary.

// rtBoard writes a leaderboard as "rank:handle:points:move" items, move
// being +n, -n, =, new or ? (unknown).
func rtBoard(t testing.TB, s *Store, p Period) string {
	t.Helper()
	rows, err := s.Leaderboard(p, 100)
	rtOK(t, err)
	var parts []string
	for _, r := range rows {
		move := "?"
		switch {
		case r.New:
			move = "new"
		case !r.Known:
		case r.Move == 0:
			move = "="
		default:
			move = fmt.Sprintf("%+d", r.Move)
		}
		parts = append(parts, fmt.Sprintf("%d:%s:%d:%s", r.Rank, r.Member.Handle, r.Points, move))
	}
	return strings.Join(parts, " ")
}

func rtAward(t testing.TB, s *Store, handle string, points int64) {
	t.Helper()
	if _, err := s.Award(handle, points, "activity"); err != nil {
		t.Fatal(err)
	}
}

func TestLeaderboardRanksTiesAndExclusions(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob", "carol", "erin", "frank", "gina")
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{"dave,Dave,2026-09-01,staff;moderator,"}))
	for h, p := range map[string]int64{"alice": 100, "bob": 100, "carol": 50, "dave": 200, "erin": 300, "frank": 150} {
		rtAward(t, s, h, p)
	}
	_, err := s.Suspend("erin", 48*time.Hour, "spam")
	rtOK(t, err)
	_, err = s.Ban("frank", "threats")
	rtOK(t, err)
	// Equal scores share a rank; the next rank skips. Gina has only her
	// welcome bonus, from September: on the all-time board only. When the
	// week began everyone had that bonus alone and shared rank 1.
	rtWant(t, "all time", rtBoard(t, s, AllTime), "1:alice:110:= 1:bob:110:= 3:carol:60:-2 4:gina:10:-3")
	rtWant(t, "month", rtBoard(t, s, ThisMonth), "1:alice:100:new 1:bob:100:new 3:carol:50:new")
	rtWant(t, "week", rtBoard(t, s, ThisWeek), "1:alice:100:new 1:bob:100:new 3:carol:50:new")
	rows, err := s.Leaderboard(AllTime, 2)
	rtOK(t, err)
	if len(rows) != 2 || rows[0].Tier != "Beginner" {
		t.Errorf("top 2: %+v", rows)
	}
	// Erin's suspension runs out on Sunday: she is back without any write.
	rtSet(now, t0.Add(49*time.Hour))
	rtWant(t, "all time after the suspension", rtBoard(t, s, AllTime), "1:erin:310:= 2:alice:110:-1 2:bob:110:-1 4:carol:60:-3 5:gina:10:-4")
	mustCheck(t, s)
}

func TestLeaderboardMovementAcrossAWeek(t *testing.T) {
	t.Parallel()
	s, now := newStore(t) // Friday 20 November 2026, ISO week 47
	rtJoin(t, s, "alice", "bob", "carol", "dave")
	rtAward(t, s, "alice", 100)
	rtAward(t, s, "bob", 50)
	rtAward(t, s, "carol", 20)
	rtWant(t, "week 47", rtBoard(t, s, ThisWeek), "1:alice:100:new 2:bob:50:new 3:carol:20:new")
	// Monday of week 48.
	rtSet(now, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	rtAward(t, s, "carol", 200)
	rtAward(t, s, "bob", 10)
	rtAward(t, s, "dave", 5)
	rtWant(t, "week 48", rtBoard(t, s, ThisWeek), "1:carol:200:+2 2:bob:10:= 3:dave:5:new")
	// Read again, the movement comes from the cache of closed ranks.
	rtWant(t, "week 48 again", rtBoard(t, s, ThisWeek), "1:carol:200:+2 2:bob:10:= 3:dave:5:new")
	// All time compares with the ranks as the week began (dave had his
	// September welcome).
	rtWant(t, "all time", rtBoard(t, s, AllTime), "1:carol:230:+2 2:alice:110:-1 3:bob:70:-1 4:dave:15:=")
	// October's board (the month before) was empty: everyone is new.
	rtWant(t, "month", rtBoard(t, s, ThisMonth), "1:carol:220:new 2:alice:100:new 3:bob:60:new 4:dave:5:new")
	mustCheck(t, s)
}

// Before any write closes the week, the week's movement is read from last
// week's board directly: here an event imported on Sunday evening is dated
// Monday morning (a day ahead is allowed).
func TestLeaderboardMovementBeforeTheWeekCloses(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	rtJoin(t, s, "alice", "bob", "carol")
	rtAward(t, s, "bob", 100)
	rtAward(t, s, "alice", 50)
	rtAward(t, s, "carol", 20)
	rtSet(now, time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC))
	rtEvents(t, s, "e1,alice,post,2026-11-23T09:00:00Z", "e2,carol,answer,2026-11-23T09:30:00Z")
	rtSet(now, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	rtWant(t, "week 48, before any write", rtBoard(t, s, ThisWeek), "1:carol:10:+2 2:alice:5:=")
	mustCheck(t, s)
	// The first write of the week closes week 47 with the same ranks.
	_, err := s.AddNote("bob", "hi")
	rtOK(t, err)
	rtWant(t, "week 48, after a write", rtBoard(t, s, ThisWeek), "1:carol:10:+2 2:alice:5:=")
	mustCheck(t, s)
}

// Importing history into a community whose months are already closed writes
// no rankings for the weeks before last week nor for the months before last
// month: nothing reads them. This week's, last week's and the all-time
// boards still count every event, and check agrees.
func TestLeaderboardOldPeriodsAreNotRanked(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t) // Friday 20 November 2026, ISO week 47
	rtJoin(t, s, "alice", "bob")
	rtEvents(t, s,
		"old1,alice,post,2026-06-03T10:00:00Z", // June, week 23
		"old2,bob,answer,2026-09-15T10:00:00Z", // September, week 38
		"last,bob,post,2026-11-10T10:00:00Z",   // week 46, last week
		"now1,alice,answer,2026-11-19T10:00:00Z",
	)
	var periods []string
	rtOK(t, s.view(func(r *reader) error {
		if err := r.bucket(bScores).ForEach(func(k, _ []byte) error {
			periods = append(periods, string(k[:bytes.IndexByte(k, 0)]))
			return nil
		}); err != nil {
			return err
		}
		return r.bucket(bMembers).ForEach(func(_, v []byte) error {
			st, err := decodeMemberState(v)
			for _, p := range st.scores {
				periods = append(periods, p.period)
			}
			return err
		})
	}))
	slices.Sort(periods)
	periods = slices.Compact(periods)
	rtWant(t, "periods with scores", strings.Join(periods, " "), "m2026-11 w2026-46 w2026-47")
	rtWant(t, "week", rtBoard(t, s, ThisWeek), "1:alice:10:new")
	rtWant(t, "month", rtBoard(t, s, ThisMonth), "1:alice:10:new 2:bob:5:new")
	rtWant(t, "all time", rtBoard(t, s, AllTime), "1:alice:25:= 1:bob:25:=")
	mustCheck(t, s)
}

// The movement column is read from the closed period's ranks, cached: the
// all-time board compares with the ranks as the week began, replaced each
// week, so a new week must not show the ranks cached the week before.
func TestLeaderboardMovementAfterTheNextClose(t *testing.T) {
	t.Parallel()
	s, now := newStore(t) // week 47
	rtJoin(t, s, "alice", "bob")
	rtAward(t, s, "alice", 100)
	rtAward(t, s, "bob", 50)
	rtSet(now, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)) // week 48
	rtAward(t, s, "bob", 100)
	rtAward(t, s, "alice", 5)
	rtWant(t, "week 48", rtBoard(t, s, AllTime), "1:bob:160:+1 2:alice:115:-1")
	rtSet(now, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) // week 49
	rtAward(t, s, "alice", 20)
	rtAward(t, s, "bob", 1)
	rtWant(t, "week 49", rtBoard(t, s, AllTime), "1:bob:161:= 2:alice:135:=")
	mustCheck(t, s)
}

// A long history imported before any month has closed ranks every month.
// While it is written, a member's record keeps their two newest months and
// weeks; the older ones wait in the scores bucket and come back to the
// record when a later batch adds to them. Each month's ranking ends as the
// ledger says.
func TestLeaderboardLongHistoryInSmallBatches(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	dir := t.TempDir()
	ms := rtWriteFile(t, dir, "members.csv", rtLines(rtMemberHeader, []string{"alice,Alice,2026-05-01,,", "bob,Bob,2026-05-01,,"}))
	ev := rtWriteFile(t, dir, "events.csv", rtLines(rtEventHeader, []string{
		"h1,alice,post,2026-06-10T10:00:00Z",
		"h2,alice,post,2026-07-10T10:00:00Z",
		"h3,alice,post,2026-08-10T10:00:00Z",
		"h4,alice,answer,2026-09-10T10:00:00Z",
		"h5,bob,answer,2026-06-11T10:00:00Z",
		"h6,alice,answer,2026-06-12T10:00:00Z", // back to June, whose score waits in the bucket
		"h7,alice,post,2026-10-10T10:00:00Z",
		"h8,bob,post,2026-07-11T10:00:00Z",
	}))
	_, err := rtImportFiles(t, s, ImportOptions{BatchSize: 2}, ms, ev)
	rtOK(t, err)
	want := map[string]map[string]int64{} // month → handle → points
	for _, h := range []string{"alice", "bob"} {
		for _, e := range rtHistory(t, s, h) {
			if e.Type != model.Earned {
				continue
			}
			m := monthKey(e.At)
			if want[m] == nil {
				want[m] = map[string]int64{}
			}
			want[m][h] += e.Qualifying
		}
	}
	rtOK(t, s.view(func(r *reader) error {
		for month, by := range want {
			got := map[string]int64{}
			if err := r.walkBoard(month, func(_ int, score int64, _ uint32, m model.Member) bool {
				got[m.Handle] = score
				return true
			}); err != nil {
				return err
			}
			if fmt.Sprint(got) != fmt.Sprint(by) {
				t.Errorf("%s ranking %v, the ledger says %v", month, got, by)
			}
		}
		id, _ := r.memberID("alice")
		st, err := decodeMemberState(r.bucket(bMembers).Get(u32key(id)))
		var months []string
		for _, p := range st.scores {
			if p.period[0] == 'm' {
				months = append(months, p.period)
			}
		}
		// The import's close ranked every month; since then only last
		// month's ranking (October) is kept up to date.
		rtWant(t, "months in alice's record", strings.Join(months, " "), "m2026-10")
		return err
	}))
	if len(want) != 5 {
		t.Errorf("months ranked: %v, want June to October", want)
	}
	mustCheck(t, s)
}

// A decision in the current week and month changes the member's record and
// the rankings, not the scores bucket.
func TestLeaderboardScoresOfThisPeriodLiveInTheRecord(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	rtJoin(t, s, "alice")
	rtEvents(t, s, "n1,alice,post,2026-11-19T10:00:00Z")
	if _, err := s.Award("alice", 30, "great talk"); err != nil {
		t.Fatal(err)
	}
	rtOK(t, s.view(func(r *reader) error {
		if n := r.bucket(bScores).Stats().KeyN; n != 0 {
			t.Errorf("the scores bucket holds %d scores, want none", n)
		}
		id, _ := r.memberID("alice")
		st, err := decodeMemberState(r.bucket(bMembers).Get(u32key(id)))
		rtWant(t, "alice's record", fmt.Sprint(st.scores), "[{w2026-47 35} {m2026-11 35}]")
		return err
	}))
	rtWant(t, "week", rtBoard(t, s, ThisWeek), "1:alice:35:new")
	mustCheck(t, s)
}
