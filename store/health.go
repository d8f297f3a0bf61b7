package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/model"
)

// The tallies behind the community's health (see model.Health) are kept by
// every write, so that reading a year of them is a few hundred gets:
//
//	'd' + day (4)                  → model.DayTally
//	'w' + week (4)                 → distinct members active that week
//	'm' + month (4) + cohort (4)   → distinct members who joined in the
//	                                 cohort month and were active in month
//
// Numbers are offset by 2³¹ so that keys sort like the signed numbers.
var bTallies = []byte("tallies")

func tallyKey(kind byte, nums ...int32) []byte {
	k := []byte{kind}
	for _, n := range nums {
		k = binary.BigEndian.AppendUint32(k, uint32(n)+1<<31)
	}
	return k
}

func tallyNum(b []byte) int32 { return int32(binary.BigEndian.Uint32(b) - 1<<31) }

// A day's tally is a version byte, a count of fields, then the fields as
// signed varints: a later steward may add fields at the end.
func encodeDayTally(t model.DayTally) []byte {
	f := dayTallyFields(&t)
	e := enc{b: make([]byte, 0, 2+len(f)*3)}
	e.u8(1)
	e.u64(uint64(len(f)))
	for _, p := range f {
		e.i64(*p)
	}
	return e.b
}

func decodeDayTally(b []byte) (model.DayTally, error) {
	var t model.DayTally
	if len(b) == 0 {
		return t, nil
	}
	d := dec{b: b}
	if v := d.u8(); v != 1 && d.err == nil {
		return t, fmt.Errorf("day tally version %d", v)
	}
	n := int(d.u64())
	f := dayTallyFields(&t)
	for i := 0; i < n && d.err == nil; i++ {
		v := d.i64()
		if i < len(f) {
			*f[i] = v
		}
	}
	return t, d.err
}

// dayTallyFields lists a tally's numbers in their stored order.
func dayTallyFields(t *model.DayTally) [7 + model.Flows]*int64 {
	var f [7 + model.Flows]*int64
	f[0], f[1] = &t.Joined, &t.Events
	for i := range t.Points {
		f[2+i] = &t.Points[i]
	}
	n := 2 + model.Flows
	f[n], f[n+1], f[n+2], f[n+3], f[n+4] = &t.Reports, &t.Decided, &t.Upheld, (*int64)(&t.Waited), &t.InDay
	return f
}

func encodeCount(n int64) []byte { return binary.AppendVarint(nil, n) }

func decodeCount(b []byte) int64 {
	n, _ := binary.Varint(b)
	return n
}

// HealthSpan is how far back Health looks.
type HealthSpan struct {
	Months, Weeks, Cohorts int
}

// DefaultSpan is a year by month, a quarter by week and half a year of
// cohorts.
var DefaultSpan = HealthSpan{Months: 12, Weeks: 13, Cohorts: 6}

// Health reads the community's health as of now: the counters, the members
// active in the last 7 and 30 days (a walk of the last-active index from
// 30 days ago, as long as there are such members), and the span's tallies.
func (s *Store) Health(span HealthSpan) (model.Health, error) {
	var h model.Health
	err := s.view(func(r *reader) error {
		now := r.now
		t := model.Tallies{Days: map[int32]model.DayTally{}, Weeks: map[int32]int64{}, Months: map[int32]map[int32]int64{}}
		var members, pending, open int64
		var active7, active30, banned int64
		if !r.empty() {
			if err := r.readTallies(now, span, &t); err != nil {
				return err
			}
			members, pending, open = int64(r.count(kMembers)), int64(r.count(kPending)), int64(r.count(kOpen))
			week, month := timeKey(now.Add(-7*24*time.Hour)), timeKey(now.Add(-30*24*time.Hour))
			c := r.bucket(bByActive).Cursor()
			for k, _ := c.Seek(month); k != nil; k, _ = c.Next() {
				active30++
				if string(k[:len(week)]) >= string(week) {
					active7++
				}
			}
			// The banned are few: each is taken off the counts above
			// rather than each active member looked up.
			err := r.bucket(bBanned).ForEach(func(k, _ []byte) error {
				m, err := r.memberByID(be32(k))
				if err != nil {
					return err
				}
				banned++
				at := timeKey(m.LastActive)
				if string(at) >= string(month) {
					active30--
				}
				if string(at) >= string(week) {
					active7--
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		h = model.HealthOf(now, t, span.Months, span.Weeks, span.Cohorts)
		h.Goals = r.prog.Goals
		h.Members, h.Banned, h.Pending, h.Open = members-banned, banned, pending, open
		h.Active7, h.Active30 = active7, active30
		h.Recent.Active = active30 // the last 30 days' distinct actives, which no tally can give
		if !r.empty() {
			slipping, err := r.slipping()
			if err != nil {
				return err
			}
			h.Slipping = slipping
		}
		return nil
	})
	return h, err
}

// readTallies reads the tallies the span needs: its days from the first
// day of the oldest month or week it shows, its weeks, and its months.
func (r *reader) readTallies(now time.Time, span HealthSpan, t *model.Tallies) error {
	b := r.tx.Bucket(bTallies)
	if b == nil {
		return nil
	}
	curMonth, curWeek := model.Month(now), model.Week(model.Day(now))
	// Three months at least: the goal of retention looks at the month
	// before last; and the last 30 days.
	firstMonth := curMonth - int32(max(span.Months, span.Cohorts, 3)) + 1
	firstWeek := curWeek - int32(max(span.Weeks, 1)) + 1
	firstDay := min(model.Day(model.MonthStart(firstMonth)), model.WeekStart(firstWeek), model.Day(now)-29)
	c := b.Cursor()
	for k, v := c.Seek(tallyKey('d', firstDay)); k != nil && k[0] == 'd'; k, v = c.Next() {
		day, err := decodeDayTally(v)
		if err != nil {
			return fmt.Errorf("tally of day %d: %w", tallyNum(k[1:]), err)
		}
		t.Days[tallyNum(k[1:])] = day
	}
	for k, v := c.Seek(tallyKey('w', firstWeek)); k != nil && k[0] == 'w'; k, v = c.Next() {
		t.Weeks[tallyNum(k[1:])] = decodeCount(v)
	}
	for k, v := c.Seek(tallyKey('m', firstMonth)); k != nil && k[0] == 'm'; k, v = c.Next() {
		m, cohort := tallyNum(k[1:5]), tallyNum(k[5:9])
		if t.Months[m] == nil {
			t.Months[m] = map[int32]int64{}
		}
		t.Months[m][cohort] = decodeCount(v)
	}
	return nil
}

// tallyDelta is what a transaction adds to the tallies, written once when
// it finishes: an import batch meets a few hundred days.
type tallyDelta struct {
	days   map[int32]*model.DayTally
	weeks  map[int32]int64
	months map[[2]int32]int64 // month, cohort month
}

func (t *tallyDelta) day(d int32) *model.DayTally {
	if t.days == nil {
		t.days = map[int32]*model.DayTally{}
		t.weeks = map[int32]int64{}
		t.months = map[[2]int32]int64{}
	}
	p := t.days[d]
	if p == nil {
		p = &model.DayTally{}
		t.days[d] = p
	}
	return p
}

// tallyEntry counts a ledger entry in its day's flows.
func (w *writer) tallyEntry(e model.Entry) {
	f, ok := e.Flow()
	if !ok {
		return
	}
	d := w.tally.day(model.Day(e.At))
	d.Points[f] += e.Points
	if e.Type == model.Earned {
		d.Events++
	}
}

// tallyActive counts the member as active in the week and the month of an
// event on day, unless they already were. prevDay is the newest day of
// their activity before it (had: they have some). An event in time order
// only has to look at that day; an older one asks their history, which a
// late event walks once per transaction anyway (see usedOn).
func (w *writer) tallyActive(ms *mstate, day, prevDay int32, had bool) {
	week, month := model.Week(day), model.MonthOfDay(day)
	newWeek, newMonth := true, true
	if had {
		if day >= prevDay {
			newWeek = model.Week(prevDay) != week
			newMonth = model.MonthOfDay(prevDay) != month
		} else {
			days := w.history(ms).activeDays
			ws := model.WeekStart(week)
			newWeek = !anyDayIn(days, ws, ws+7)
			newMonth = !anyDayIn(days, model.Day(model.MonthStart(month)), model.Day(model.MonthStart(month+1)))
		}
	}
	w.tally.day(day) // makes the maps
	if newWeek {
		w.tally.weeks[week]++
	}
	if newMonth {
		w.tally.months[[2]int32{month, model.Month(ms.m.Joined)}]++
	}
}

func anyDayIn(days map[int32]bool, from, to int32) bool {
	for d := from; d < to; d++ {
		if days[d] {
			return true
		}
	}
	return false
}

// flushTallies adds the transaction's tallies to the file's, in key order.
func (w *writer) flushTallies() error {
	t := &w.tally
	if t.days == nil {
		return nil
	}
	b, err := w.tx.CreateBucketIfNotExists(bTallies)
	if err != nil {
		return err
	}
	days := slices.Sorted(maps.Keys(t.days))
	for _, d := range days {
		k := tallyKey('d', d)
		cur, err := decodeDayTally(b.Get(k))
		if err != nil {
			return fmt.Errorf("tally of day %d: %w", d, err)
		}
		cur.Add(*t.days[d])
		if err := b.Put(k, encodeDayTally(cur)); err != nil {
			return err
		}
	}
	for _, wk := range slices.Sorted(maps.Keys(t.weeks)) {
		k := tallyKey('w', wk)
		if err := b.Put(k, encodeCount(decodeCount(b.Get(k))+t.weeks[wk])); err != nil {
			return err
		}
	}
	months := slices.SortedFunc(maps.Keys(t.months), func(a, b [2]int32) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	for _, m := range months {
		k := tallyKey('m', m[0], m[1])
		if err := b.Put(k, encodeCount(decodeCount(b.Get(k))+t.months[m])); err != nil {
			return err
		}
	}
	*t = tallyDelta{}
	return nil
}

// recountTallies counts the tallies again from the records: the ledger,
// the members and the cases. The migration to schema 3 writes what it
// finds; check compares it with what the writes kept. It returns each
// key's value, leaving out those that count nothing.
func recountTallies(tx *bolt.Tx) (map[string][]byte, error) {
	days := map[int32]*model.DayTally{}
	day := func(d int32) *model.DayTally {
		if days[d] == nil {
			days[d] = &model.DayTally{}
		}
		return days[d]
	}
	// The weeks and months each member was active in, sorted: few members
	// are active in many, and a member's entries come mostly in time order.
	type periods struct{ weeks, months []int32 }
	active := map[uint32]*periods{}
	note := func(list *[]int32, n int32) {
		if i, found := slices.BinarySearch(*list, n); !found {
			*list = slices.Insert(*list, i, n)
		}
	}
	err := tx.Bucket(bLedger).ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		id, e, err := decodeEntry(seq, v)
		if err != nil {
			return fmt.Errorf("ledger entry %d: %w", seq, err)
		}
		f, ok := e.Flow()
		if !ok {
			return nil
		}
		d := model.Day(e.At)
		day(d).Points[f] += e.Points
		if e.Type == model.Earned {
			day(d).Events++
			p := active[id]
			if p == nil {
				p = &periods{}
				active[id] = p
			}
			note(&p.weeks, model.Week(d))
			note(&p.months, model.MonthOfDay(d))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	weeks := map[int32]int64{}
	months := map[[2]int32]int64{}
	err = tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		m, err := decodeMember(v)
		if err != nil {
			return fmt.Errorf("member #%d: %w", be32(k), err)
		}
		day(model.Day(m.Joined)).Joined++
		p := active[be32(k)]
		if p == nil {
			return nil
		}
		for _, w := range p.weeks {
			weeks[w]++
		}
		cohort := model.Month(m.Joined)
		for _, mo := range p.months {
			months[[2]int32{mo, cohort}]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := tx.Bucket(bReportID)
	err = tx.Bucket(bCases).ForEach(func(k, v []byte) error {
		c, err := decodeCase(v)
		if err != nil {
			return fmt.Errorf("case #%d: %w", be64(k), err)
		}
		// A case whose decision was undone takes in the reports of a case
		// opened about the same content meanwhile (see absorbNewer); that
		// one is closed, its reports filed under the first, and was never
		// decided by anyone.
		own := 0
		for _, rep := range c.Reports {
			if string(ids.Get([]byte(rep.ID))) == string(k) {
				day(model.Day(rep.At)).Reports++
				own++
			}
		}
		if c.Status != model.Open && own > 0 {
			day(model.Day(c.DecidedAt)).Add(model.CaseDecided(c.Status == model.Actioned, c.Waited()))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for d, t := range days {
		if !t.Zero() {
			out[string(tallyKey('d', d))] = encodeDayTally(*t)
		}
	}
	for w, n := range weeks {
		out[string(tallyKey('w', w))] = encodeCount(n)
	}
	for m, n := range months {
		out[string(tallyKey('m', m[0], m[1]))] = encodeCount(n)
	}
	return out, nil
}

// keptTallies reads the tallies the writes kept, in recountTallies' form.
func keptTallies(tx *bolt.Tx) (map[string][]byte, error) {
	out := map[string][]byte{}
	b := tx.Bucket(bTallies)
	if b == nil {
		return out, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		if len(k) > 0 && k[0] == 'd' {
			t, err := decodeDayTally(v)
			if err != nil {
				return fmt.Errorf("tally %x: %w", k, err)
			}
			if !t.Zero() {
				out[string(k)] = encodeDayTally(t)
			}
		} else if n := decodeCount(v); n != 0 {
			out[string(k)] = encodeCount(n)
		}
		return nil
	})
	return out, err
}

// describeTally names a tally's key for a person.
func describeTally(k string) string {
	switch {
	case len(k) == 5 && k[0] == 'd':
		return "the tally of " + model.DayStart(tallyNum([]byte(k[1:]))).Format("2006-01-02")
	case len(k) == 5 && k[0] == 'w':
		return "the active members of the week of " + model.DayStart(model.WeekStart(tallyNum([]byte(k[1:])))).Format("2006-01-02")
	case len(k) == 9 && k[0] == 'm':
		return fmt.Sprintf("the active members of %s who joined in %s",
			model.MonthStart(tallyNum([]byte(k[1:5]))).Format("2006-01"), model.MonthStart(tallyNum([]byte(k[5:9]))).Format("2006-01"))
	}
	return fmt.Sprintf("tally %x", k)
}

// tallied is schema 3: the tallies behind the community's health, counted
// from what the file holds.
func tallied(tx *bolt.Tx, _ time.Time) error {
	if tx.Bucket(bTallies) != nil {
		if err := tx.DeleteBucket(bTallies); err != nil {
			return err
		}
	}
	b, err := tx.CreateBucket(bTallies)
	if err != nil {
		return err
	}
	counted, err := recountTallies(tx)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(counted)) {
		if err := b.Put([]byte(k), counted[k]); err != nil {
			return err
		}
	}
	return nil
}

// bannedListed is schema 4: the banned members are listed apart, so that
// the health read leaves them out of the members and the active counts
// at the cost of the few there are.
func bannedListed(tx *bolt.Tx, _ time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bBanned)
	if err != nil {
		return err
	}
	return tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		m, err := decodeMember(v)
		if err != nil {
			return fmt.Errorf("member #%d: %w", be32(k), err)
		}
		if m.Status != model.Banned {
			return nil
		}
		return b.Put(append([]byte(nil), k...), nil)
	})
}

// checkTallies proves the tallies the writes kept against a recount.
func (r *reader) checkTallies(rep *CheckReport) {
	want, err := recountTallies(r.tx)
	if err != nil {
		rep.add("tallies: cannot recount them: %v", err)
		return
	}
	kept, err := keptTallies(r.tx)
	if err != nil {
		rep.add("tallies: %v", err)
		return
	}
	keys := slices.Sorted(maps.Keys(want))
	for k := range kept {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if string(kept[k]) != string(want[k]) {
			rep.add("%s is %s, but the records count %s", describeTally(k), tallyText(k, kept[k]), tallyText(k, want[k]))
		}
	}
}

// tallyText writes a tally's value for a person.
func tallyText(k string, v []byte) string {
	if len(k) > 0 && k[0] == 'd' {
		t, _ := decodeDayTally(v)
		return fmt.Sprintf("%+v", t)
	}
	return fmt.Sprint(decodeCount(v))
}

// repriceDays is the window a change of the programme is tried on.
const repriceDays = 30

// reprice prices the events of the last repriceDays days (today
// included) under the programme in force and under p. Those events are
// found walking the ledger from its newest entry back, until as many as the
// tallies count for those days are found: an import writes mostly in time
// order, so the walk stops long before the start of a ten-year ledger.
func (r *reader) reprice(p model.Programme) (model.Repricing, error) {
	today := model.Day(r.now)
	first := today - repriceDays + 1
	var want int64
	if b := r.tx.Bucket(bTallies); b != nil {
		c := b.Cursor()
		for k, v := c.Seek(tallyKey('d', first)); k != nil && k[0] == 'd' && tallyNum(k[1:]) <= today; k, v = c.Next() {
			t, err := decodeDayTally(v)
			if err != nil {
				return model.Repricing{}, err
			}
			want += t.Events
		}
	}
	byMember := map[uint32][]model.Event{}
	var found int64
	c := r.bucket(bLedger).Cursor()
	for k, v := c.Last(); k != nil && found < want; k, v = c.Prev() {
		id, e, err := decodeEntry(be64(k), v)
		if err != nil {
			return model.Repricing{}, fmt.Errorf("ledger entry %d: %w", be64(k), err)
		}
		if d := model.Day(e.At); e.Type != model.Earned || d < first || d > today {
			continue
		}
		found++
		byMember[id] = append(byMember[id], model.Event{Kind: e.Rule, At: e.At})
	}
	members := make([][]model.Event, 0, len(byMember))
	for _, id := range slices.Sorted(maps.Keys(byMember)) {
		members = append(members, byMember[id])
	}
	return model.Reprice(&r.prog, &p, model.DayStart(first), model.DayStart(today+1), members), nil
}

// slipping walks the top of the all-time leaderboard (model.SlippingRule)
// for members gone quiet: a walk as long as that top, whatever the size of
// the community.
func (r *reader) slipping() ([]model.Slipping, error) {
	rule := model.SlippingRule
	var out []model.Slipping
	seen := 0
	err := r.walkBoard(allKey, func(rank int, score int64, _ uint32, m model.Member) bool {
		seen++
		if model.IsSlipping(m.LastActive, r.now) {
			out = append(out, model.Slipping{Rank: rank, Handle: m.Handle, Name: m.Name, Points: score, LastActive: m.LastActive})
		}
		return seen < rule.Top && len(out) < rule.Show
	})
	return out, err
}
