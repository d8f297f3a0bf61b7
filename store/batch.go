package store

import (
	"time"

	"steward/model"
)

// Batch is several decisions in one transaction: all of them are written,
// or none. Scripts and the demo use it to record many decisions at the cost
// of one.
type Batch struct{ w *writer }

// Batch runs fn in one write transaction.
func (s *Store) Batch(fn func(b *Batch) error) error {
	return s.update(func(w *writer) error {
		err := fn(&Batch{w})
		w.now = s.Now() // periods close by the real clock, whatever fn replayed
		return err
	})
}

// SetClock dates the batch's next decisions at t, for replaying history.
func (b *Batch) SetClock(t time.Time) { b.w.now = t.UTC() }

// Approve approves a pending request.
func (b *Batch) Approve(id string) (Done, error) { return b.w.approve(id) }

// Reject rejects a pending request.
func (b *Batch) Reject(id, reason string) (Done, error) { return b.w.reject(id, reason) }

// Decide settles an open case.
func (b *Batch) Decide(caseID uint64, v Verdict) (Done, error) { return b.w.decide(caseID, v) }

// Award gives or takes points.
func (b *Batch) Award(handle string, points int64, reason string) (Done, error) {
	return b.w.award(handle, points, reason)
}

// Grant gives a badge by hand.
func (b *Batch) Grant(handle, badge, note string) error {
	bd, ok := b.w.prog.Badge(badge)
	if !ok {
		return invalid("no badge %q", badge)
	}
	ms, err := b.w.load(handle)
	if err != nil {
		return err
	}
	if _, err = b.w.grant(ms, bd, b.w.actor, note, b.w.now); err != nil {
		return err
	}
	_, err = b.w.audit(model.AuditEntry{Action: "badge", Subject: handle, Summary: "gave " + handle + " the badge " + bd.Name, After: note},
		&undoPlan{Op: "badge", Member: handle, Badge: bd.ID})
	return err
}

// Note adds a moderator's note.
func (b *Batch) Note(handle, text string) error {
	ms, err := b.w.load(handle)
	if err != nil {
		return err
	}
	nb := b.w.bucket(bNotes)
	seq, err := nb.NextSequence()
	if err != nil {
		return err
	}
	if err := nb.Put(cat(u32key(ms.id), u64key(seq)), encodeNote(model.Note{At: b.w.now, By: b.w.actor, Text: text})); err != nil {
		return err
	}
	_, err = b.w.audit(model.AuditEntry{Action: "note", Subject: handle, Summary: "added a note to " + handle, After: text},
		&undoPlan{Op: "note", Member: handle, Note: seq})
	return err
}

// Sanction warns, deducts, suspends or bans a member outside any case.
func (b *Batch) Sanction(handle string, sc model.Sanction) (Done, error) {
	ms, err := b.w.load(handle)
	if err != nil {
		return Done{}, err
	}
	plan, summary, err := b.w.applySanction(ms, sc)
	if err != nil {
		return Done{}, err
	}
	seq, err := b.w.audit(model.AuditEntry{Action: sc.Kind.String(), Subject: handle, Summary: summary + ": " + sc.Reason,
		Before: ms.orig.StatusLabel(b.w.now), After: ms.m.StatusLabel(b.w.now)}, plan)
	return Done{seq, summary}, err
}

// Pending lists the ids of up to limit pending requests, oldest first.
func (b *Batch) Pending(limit int) []string {
	keys, _ := walkIndex(b.w.bucket(bPending), nil, false, nil, Forward, limit, nil)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = string(k[8:])
	}
	return out
}

// OpenCases lists the ids of up to limit open cases, in queue order.
func (b *Batch) OpenCases(limit int) []uint64 {
	keys, _ := walkIndex(b.w.bucket(bOpen), nil, false, nil, Forward, limit, nil)
	out := make([]uint64, len(keys))
	for i, k := range keys {
		out[i] = be64(k[12:])
	}
	return out
}

// Request reads a request.
func (b *Batch) Request(id string) (model.Request, error) { return b.w.request(id) }

// Case reads a case.
func (b *Batch) Case(id uint64) (model.Case, error) { return b.w.caseByID(id) }

// SetStock sets how many items of a limited reward are left.
func (b *Batch) SetStock(reward string, n int64) error {
	r, ok := b.w.prog.Reward(reward)
	if !ok {
		return invalid("no reward %q", reward)
	}
	if r.Stock == model.Unlimited {
		return invalid("%s has unlimited stock", reward)
	}
	return setStock(b.w.tx, reward, n)
}
