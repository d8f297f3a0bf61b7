package store

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"steward/model"
)

// Period is a leaderboard's time span.
type Period int

// The leaderboard periods: all time, the calendar month and the ISO week,
// in UTC.
const (
	AllTime Period = iota
	ThisMonth
	ThisWeek
)

func (p Period) String() string {
	switch p {
	case ThisMonth:
		return "month"
	case ThisWeek:
		return "week"
	}
	return "all"
}

// Label is the period in words for a title.
func (p Period) Label() string {
	switch p {
	case ThisMonth:
		return "this month"
	case ThisWeek:
		return "this week"
	}
	return "all time"
}

// ParsePeriod reads "all", "month" or "week".
func ParsePeriod(s string) (Period, error) {
	switch s {
	case "all", "":
		return AllTime, nil
	case "month":
		return ThisMonth, nil
	case "week":
		return ThisWeek, nil
	}
	return 0, fmt.Errorf("%q is not a period (want all, month or week)", s)
}

const allKey = "all"

func monthKey(t time.Time) string { return "m" + t.UTC().Format("2006-01") }

func weekKey(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("w%04d-%02d", y, w)
}

// periodsOf lists the leaderboards an entry dated t counts on.
func periodsOf(t time.Time) [3]string {
	return [3]string{allKey, monthKey(t), weekKey(t)}
}

// boardsOf lists the leaderboards an entry counts on. The welcome bonus
// counts towards a member's all-time points but is not activity: it does
// not put a newcomer on the month's or the week's board.
func boardsOf(e model.Entry, ps [3]string) []string {
	if e.Type == model.Welcome {
		return ps[:1]
	}
	return ps[:]
}

// periodKeys returns the key of a period as of now, and of the period before
// it whose ranks give the movement.
func periodKeys(p Period, now time.Time) (cur, prev string) {
	switch p {
	case ThisMonth:
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		return monthKey(now), monthKey(first.AddDate(0, 0, -1))
	case ThisWeek:
		return weekKey(now), weekKey(now.AddDate(0, 0, -7))
	}
	return allKey, allKey
}

// Standing is one line of a leaderboard.
type Standing struct {
	Rank   int
	Move   int  // places gained since the previous period (negative: lost)
	New    bool // not ranked in the previous period
	Known  bool // whether the previous rank is known at all
	Member model.Member
	Points int64
	Tier   string
}

// Leaderboard returns the top limit members of a period, read from the
// period's score index: it walks only as far as the lines it returns (plus
// the members it leaves off: suspended, banned, or tagged to be excluded).
func (s *Store) Leaderboard(p Period, limit int) ([]Standing, error) {
	var out []Standing
	err := s.view(func(r *reader) error {
		var err error
		out, err = r.leaderboard(p, limit)
		return err
	})
	return out, err
}

func (r *reader) leaderboard(p Period, limit int) ([]Standing, error) {
	if r.empty() || limit <= 0 {
		return nil, nil
	}
	cur, prev := periodKeys(p, r.now)
	out := make([]Standing, 0, min(limit, 256))
	ids := make([]uint32, 0, cap(out))
	err := r.walkBoard(cur, func(rank int, score int64, id uint32, m model.Member) bool {
		out = append(out, Standing{Rank: rank, Member: m, Points: score, Tier: r.prog.TierName(m.Tier)})
		ids = append(ids, id)
		return len(out) < limit
	})
	if err != nil {
		return nil, err
	}
	return out, r.movement(p, prev, out, ids)
}

// walkBoard calls fn for each ranked member of a period in order, with
// competition ranks (equal scores share a rank), until fn returns false.
func (r *reader) walkBoard(period string, fn func(rank int, score int64, id uint32, m model.Member) bool) error {
	prefix := append([]byte(period), 0)
	c := r.bucket(bBoard).Cursor()
	members := r.bucket(bMembers)
	rank, seen := 0, 0
	last := int64(0)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+12 {
			continue
		}
		score, id := boardScore(k, len(prefix))
		if score <= 0 {
			break
		}
		m, err := decodeMember(members.Get(u32key(id)))
		if err != nil {
			return fmt.Errorf("member #%d: %w", id, err)
		}
		if m.Restricted(r.now) || r.prog.Excluded(m) {
			continue
		}
		seen++
		if seen == 1 || score != last {
			rank = seen
		}
		last = score
		if !fn(rank, score, id, m) {
			return nil
		}
	}
	return nil
}

// movement fills in each standing's change since the previous period, from
// the ranks kept when that period closed; until then, by walking the
// previous period's board (at most as far as fallbackWalk).
func (r *reader) movement(p Period, prev string, out []Standing, ids []uint32) error {
	if len(out) == 0 {
		return nil
	}
	ranks := r.bucket(bRanks)
	snapshot := ranks.Get(append([]byte(prev), 0)) != nil
	var walked map[uint32]int
	complete := false
	if !snapshot && p != AllTime {
		walked = map[uint32]int{}
		n := 0
		complete = true
		if err := r.walkBoard(prev, func(rank int, _ int64, id uint32, _ model.Member) bool {
			walked[id] = rank
			n++
			if n >= fallbackWalk {
				complete = false
				return false
			}
			return true
		}); err != nil {
			return err
		}
	}
	gen := string(r.bucket(bMeta).Get(kClosedWeek)) + " " + string(r.bucket(bMeta).Get(kClosedMonth))
	for i := range out {
		id := ids[i]
		var before int
		found := false
		switch {
		case snapshot:
			before, found = r.s.ranks.get(gen, prev, id, func() (int, bool) {
				v := ranks.Get(scoreKey(prev, id))
				if v == nil {
					return 0, false
				}
				d := dec{b: v}
				return int(d.u64()), true
			})
			out[i].Known = true
		case walked != nil:
			before, found = walked[id]
			out[i].Known = found || complete
		}
		if found {
			out[i].Move = before - out[i].Rank
		} else {
			out[i].New = out[i].Known
		}
	}
	return nil
}

const fallbackWalk = 5000

// rankCache keeps the ranks read from closed periods' snapshots. A snapshot
// is written once, when its period closes, so what was read of it holds
// until the next close; the leaderboard, redrawn often, then reads its
// movement column without a lookup per line. gen is the pair of closed
// periods the cached ranks were read under.
type rankCache struct {
	mu   sync.Mutex
	gen  string
	rank map[string]int32 // period + member id → rank; -1: not ranked
}

const rankCacheMax = 20000

func (c *rankCache) get(gen, period string, id uint32, read func() (int, bool)) (int, bool) {
	key := period + string(u32key(id))
	c.mu.Lock()
	if c.gen != gen || len(c.rank) >= rankCacheMax {
		c.gen, c.rank = gen, map[string]int32{}
	}
	v, ok := c.rank[key]
	c.mu.Unlock()
	if ok {
		return int(v), v >= 0
	}
	rank, found := read()
	v = -1
	if found {
		v = int32(rank)
	}
	c.mu.Lock()
	if c.gen == gen {
		c.rank[key] = v
	}
	c.mu.Unlock()
	return rank, found
}

// closePeriods keeps the ranks of the periods that ended before now, for
// the movement column, and gives the top-of-month badges. It runs at the end
// of a write and does nothing when nothing has ended since the last time.
func (w *writer) closePeriods() error {
	meta := w.bucket(bMeta)
	curMonth, prevMonth := periodKeys(ThisMonth, w.now)
	curWeek, prevWeek := periodKeys(ThisWeek, w.now)
	if string(meta.Get(kClosedWeek)) != curWeek {
		if err := w.snapshotRanks(prevWeek); err != nil {
			return err
		}
		if err := w.snapshotAllTime(curWeek); err != nil {
			return err
		}
		if err := meta.Put(kClosedWeek, []byte(curWeek)); err != nil {
			return err
		}
	}
	if closed := string(meta.Get(kClosedMonth)); closed != curMonth {
		if err := w.snapshotRanks(prevMonth); err != nil {
			return err
		}
		// Every month since the last close gets its badges, even one in
		// which nothing was written.
		for _, m := range w.monthsToClose(closed, curMonth) {
			if err := w.topOfMonthBadges(m); err != nil {
				return err
			}
		}
		if err := meta.Put(kClosedMonth, []byte(curMonth)); err != nil {
			return err
		}
	}
	return nil
}

// monthsToClose lists the months from the one that was current at the last
// close (or, the first time, the earliest month with a ranking) up to the
// month before cur.
func (w *writer) monthsToClose(lastCurrent, cur string) []string {
	start := lastCurrent
	if start == "" {
		k, _ := w.bucket(bBoard).Cursor().Seek([]byte("m"))
		if len(k) < 8 || k[0] != 'm' {
			return nil
		}
		start = string(k[:8])
	}
	t, err := time.Parse("m2006-01", start)
	if err != nil {
		return nil
	}
	var out []string
	for ; len(out) < 1200; t = t.AddDate(0, 1, 0) {
		m := monthKey(t)
		if m >= cur {
			break
		}
		out = append(out, m)
	}
	return out
}

// snapshotRanks records every ranked member's rank in a period, replacing
// an earlier snapshot of it. The bare period key marks that it exists.
func (w *writer) snapshotRanks(period string) error {
	if err := w.flushBoards(); err != nil {
		return err
	}
	ranks := w.bucket(bRanks)
	prefix := append([]byte(period), 0)
	c := ranks.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := ranks.Delete(k); err != nil {
			return err
		}
	}
	var puts [][2][]byte
	if err := w.walkBoard(period, func(rank int, _ int64, id uint32, _ model.Member) bool {
		e := enc{}
		e.u64(uint64(rank))
		puts = append(puts, [2][]byte{scoreKey(period, id), e.b})
		return true
	}); err != nil {
		return err
	}
	// In key order: the walk met them by rank, and bbolt inserting out of
	// order into one growing node shifts it each time.
	slices.SortFunc(puts, func(a, b [2][]byte) int { return bytes.Compare(a[0], b[0]) })
	for _, kv := range puts {
		if err := ranks.Put(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return ranks.Put(prefix, []byte{1})
}

// snapshotAllTime records the all-time ranks as they stood when the week
// began: each member's all-time score minus what they earned this week.
// The movement column of the all-time board compares with it.
func (w *writer) snapshotAllTime(week string) error {
	if err := w.flushBoards(); err != nil {
		return err
	}
	type standing struct {
		score int64
		id    uint32
	}
	var list []standing
	var err error
	if werr := w.walkBoard(allKey, func(_ int, score int64, id uint32, _ model.Member) bool {
		var earned int64
		if earned, err = w.periodScore(id, week); err != nil {
			return false
		}
		if score -= earned; score > 0 {
			list = append(list, standing{score, id})
		}
		return true
	}); werr != nil || err != nil {
		return cmp.Or(werr, err)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].score > list[j].score })
	ranks := w.bucket(bRanks)
	prefix := []byte(allKey + "\x00")
	c := ranks.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := ranks.Delete(k); err != nil {
			return err
		}
	}
	rank := 0
	byID := make([]standing, len(list)) // score now holds the rank
	for i, s := range list {
		if i == 0 || s.score != list[i-1].score {
			rank = i + 1
		}
		byID[i] = standing{int64(rank), s.id}
	}
	slices.SortFunc(byID, func(a, b standing) int { return cmp.Compare(a.id, b.id) })
	for _, s := range byID {
		e := enc{}
		e.u64(uint64(s.score))
		if err := ranks.Put(scoreKey(allKey, s.id), e.b); err != nil {
			return err
		}
	}
	return ranks.Put(prefix, []byte{1})
}

// periodScore reads a member's score in a period's ranking: from their
// record, or for an older period, from the scores bucket.
func (r *reader) periodScore(id uint32, period string) (int64, error) {
	st, err := decodeMemberState(r.bucket(bMembers).Get(u32key(id)))
	if err != nil {
		return 0, err
	}
	for _, p := range st.scores {
		if p.period == period {
			return p.score, nil
		}
	}
	if v := r.bucket(bScores).Get(scoreKey(period, id)); len(v) == 8 {
		return int64(be64(v)), nil
	}
	return 0, nil
}

// topOfMonthBadges gives each top-of-month badge to the members ranked
// within its limit in the month that closed.
func (w *writer) topOfMonthBadges(month string) error {
	for _, b := range w.prog.Badges {
		if b.Rule != model.TopOfMonth || b.N <= 0 {
			continue
		}
		var ids []uint32
		if err := w.walkBoard(month, func(rank int, _ int64, id uint32, _ model.Member) bool {
			if rank > b.N {
				return false
			}
			ids = append(ids, id)
			return true
		}); err != nil {
			return err
		}
		for _, id := range ids {
			ms, err := w.loadID(id)
			if err != nil {
				return err
			}
			if _, err := w.grant(ms, b, "", "top "+fmt.Sprint(b.N)+" of "+month[1:], w.now); err != nil {
				return err
			}
		}
	}
	return nil
}
