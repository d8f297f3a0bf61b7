package store

import (
	"encoding/binary"
	"fmt"
	"time"

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
func dayTallyFields(t *model.DayTally) []*int64 {
	f := []*int64{&t.Joined, &t.Events}
	for i := range t.Points {
		f = append(f, &t.Points[i])
	}
	return append(f, &t.Reports, &t.Decided, &t.Upheld, (*int64)(&t.Waited), &t.InDay)
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
// 30 days ago, as long as the list of those members), and the span's
// tallies.
func (s *Store) Health(span HealthSpan) (model.Health, error) {
	var h model.Health
	err := s.view(func(r *reader) error {
		now := r.now
		t := model.Tallies{Days: map[int32]model.DayTally{}, Weeks: map[int32]int64{}, Months: map[int32]map[int32]int64{}}
		var members, pending, open int64
		var active7, active30 int64
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
		}
		h = model.HealthOf(now, t, span.Months, span.Weeks, span.Cohorts)
		h.Members, h.Pending, h.Open = members, pending, open
		h.Active7, h.Active30 = active7, active30
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
	firstMonth := curMonth - int32(max(span.Months, span.Cohorts, 1)) + 1
	firstWeek := curWeek - int32(max(span.Weeks, 1)) + 1
	firstDay := min(model.Day(model.MonthStart(firstMonth)), model.WeekStart(firstWeek))
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
