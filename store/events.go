package store

import (
	"slices"
	"time"

	"steward/model"
)

// eventRecord is what the events bucket keeps under an event's id: the
// ledger entry that priced it (which has the member, kind and time) and the
// event's own reference.
func appendEventRecord(dst []byte, seq uint64, ref string) []byte {
	e := enc{b: dst}
	e.u64(seq)
	e.str(ref)
	return e.b
}

func decodeEventRecord(b []byte) (uint64, string, error) {
	d := dec{b: b}
	seq := d.u64()
	ref := d.str()
	return seq, ref, d.err
}

// applyEvent prices one activity event and records it. An id seen before
// changes nothing and reports dup.
func (w *writer) applyEvent(ev model.Event, fresh bool) (points int64, dup bool, err error) {
	if w.seenEvent(ev.ID, fresh) {
		return 0, true, nil
	}
	ms, err := w.load(ev.Member)
	if err != nil {
		return 0, false, err
	}
	act, err := w.activityOf(ms)
	if err != nil {
		return 0, false, err
	}
	w.tallyActive(ms, model.Day(ev.At), act.StreakDay, act.Events > 0)
	priced := w.prog.Price(ev, act, restrictedAt(ms.m, ev.At), w.usedOn(ms))
	seq, err := w.post(ms, model.Entry{
		At: ev.At, Type: model.Earned,
		Points: priced.Points, Qualifying: priced.Points,
		Rule: ev.Kind, Withheld: priced.Withheld, Why: priced.Why, Ref: ev.ID,
	})
	if err != nil {
		return 0, false, err
	}
	w.newEvents[ev.ID] = struct{}{}
	w.scratch = appendEventRecord(w.scratch[:0], seq, ev.Ref)
	w.idx.put(bEvents, carve(&w.values, ev.ID), carve(&w.values, w.scratch))
	if ev.At.After(ms.m.LastActive) {
		ms.m.LastActive = ev.At
	}
	for _, b := range w.prog.NewBadgesAfter(act, ev.Kind, w.holds(ms)) {
		if _, err := w.grant(ms, b, "", b.About, ev.At); err != nil {
			return 0, false, err
		}
	}
	total := priced.Points
	if ms.m.ReferredBy != "" && !act.ReferralPaid && ev.Kind != "referral" {
		act.ReferralPaid = true
		if _, ok := w.prog.Action("referral"); ok {
			if _, found := w.memberID(ms.m.ReferredBy); found {
				p, _, err := w.applyEvent(model.Event{
					ID: "referral:" + ms.m.Handle, Member: ms.m.ReferredBy,
					Kind: "referral", At: ev.At, Ref: ms.m.Handle,
				}, false)
				if err != nil {
					return 0, false, err
				}
				total += p
			}
		}
	}
	return total, false, nil
}

// usedOn answers, for a late event, the points the member earned by a rule
// on a day, from their history (see history).
func (w *writer) usedOn(ms *mstate) model.UsedOn {
	return func(kind string, day int32) int64 {
		return w.history(ms).earnedOn[kindDay{kind, day}]
	}
}

// memberHistory is what late events ask of a member's past: the points
// they earned per rule and day (a late event's daily cap) and the days they
// were active (whether a late event makes them active in a week or a month
// they were not yet counted in).
type memberHistory struct {
	earnedOn   map[kindDay]int64
	activeDays map[int32]bool
}

// history walks the member's ledger the first time a transaction asks,
// and keeps what it found, which post keeps up: walked for each late
// event, a referrer paid for thousands of referees out of time order made
// the import quadratic (64 s against 13 s for the bench's events, every
// member referred by one).
func (w *writer) history(ms *mstate) *memberHistory {
	if ms.hist == nil {
		ms.hist = &memberHistory{earnedOn: map[kindDay]int64{}, activeDays: map[int32]bool{}}
		_ = w.memberEntries(ms, func(e model.Entry) error {
			ms.noteEarned(e)
			return nil
		})
	}
	return ms.hist
}

// kindDay is a rule on one UTC day.
type kindDay struct {
	kind string
	day  int32
}

// noteEarned adds an entry to the member's history, once it is kept.
func (ms *mstate) noteEarned(e model.Entry) {
	if ms.hist != nil && e.Type == model.Earned {
		day := model.Day(e.At)
		ms.hist.earnedOn[kindDay{e.Rule, day}] += e.Points
		ms.hist.activeDays[day] = true
	}
}

// seenEvent reports whether an event id is known: recorded before, or
// earlier in this transaction (whose event records are written at its end,
// in id order). fresh says the bucket is known not to hold it (see
// expectEvents).
func (w *writer) seenEvent(id string, fresh bool) bool {
	if _, ok := w.newEvents[id]; ok {
		return true
	}
	return !fresh && w.bucket(bEvents).Get([]byte(id)) != nil
}

// expectEvents says whether the events bucket holds none of a batch's ids,
// found in one walk instead of a lookup per event. The walk covers the keys
// between the lowest and the highest id: none at all for a feed whose ids
// grow, imported in order, and the chunk's other parts for a regrouped
// chunk (see regroupEvents). A range crowded with older ids is left to the
// lookups. A run of new ids that nothing interleaves fills the pages it goes
// in instead of leaving them half empty; ids that go between others keep
// the default half-full split, which leaves the next part room (full pages
// gave the bench's file 277 MB instead of 268).
func (w *writer) expectEvents(ids []string) bool {
	if len(ids) == 0 {
		return false
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	lo, hi := sorted[0], sorted[len(sorted)-1]
	c := w.bucket(bEvents).Cursor()
	k, _ := c.Seek([]byte(lo))
	i, steps := 0, 0
	for ; k != nil && string(k) <= hi; k, _ = c.Next() {
		if steps++; steps > 8*len(ids) {
			return false
		}
		for i < len(sorted) && sorted[i] < string(k) {
			i++
		}
		if i < len(sorted) && sorted[i] == string(k) {
			return false
		}
	}
	if steps == 0 {
		w.bucket(bEvents).FillPercent = 1.0
	}
	return true
}

// restrictedAt says whether a member earned nothing at t: during their
// current suspension or after their ban. Earlier suspensions, already
// lifted, are not replayed.
func restrictedAt(m model.Member, t time.Time) bool {
	switch m.Status {
	case model.Suspended:
		return !t.Before(m.StatusSince) && t.Before(m.SuspendedUntil)
	case model.Banned:
		return !t.Before(m.StatusSince)
	}
	return false
}

// memberEntries walks the member's entries, including those this
// transaction wrote and has not filed yet.
func (w *writer) memberEntries(ms *mstate, fn func(model.Entry) error) error {
	ledger := w.bucket(bLedger)
	c := w.bucket(bChunks).Cursor()
	prefix := u32key(ms.id)
	var seqs []uint64
	for k, v := c.Seek(prefix); k != nil && string(k[:4]) == string(prefix); k, v = c.Next() {
		chunk, err := decodeChunk(k, v)
		if err != nil {
			return err
		}
		seqs = append(seqs, chunk...)
	}
	seqs = append(append(seqs, ms.tail...), ms.seqs...)
	for _, seq := range seqs {
		_, e, err := decodeEntry(seq, ledger.Get(u64key(seq)))
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
