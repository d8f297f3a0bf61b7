package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"steward/model"
)

// Undo compensates the newest action of this store's actor that is not
// undone yet. History is never deleted: undo appends reversing entries and
// an audit entry that names the one it undoes.
func (s *Store) Undo() (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		seq, ok := w.lastUndoable()
		if !ok {
			return invalid("nothing of yours to undo")
		}
		var err error
		done, err = w.undo(seq)
		return err
	})
	return done, err
}

// UndoSeq compensates one audit entry by its number.
func (s *Store) UndoSeq(seq uint64) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		var err error
		done, err = w.undo(seq)
		return err
	})
	return done, err
}

// lastUndoable walks the audit log back from its end to this actor's newest
// action not undone yet. Undo is a keystroke now and then; keeping a list
// of what can be undone instead would cost every decision a write.
func (w *writer) lastUndoable() (uint64, bool) {
	undone := w.bucket(bUndone)
	c := w.bucket(bAudit).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if len(k) != 8 {
			continue
		}
		a, err := decodeAudit(v)
		if err != nil || a.Actor != w.actor || !a.Undoable() {
			continue
		}
		if undone.Get(k) == nil {
			return be64(k), true
		}
	}
	return 0, false
}

func (w *writer) undo(seq uint64) (Done, error) {
	v := w.bucket(bAudit).Get(u64key(seq))
	if v == nil {
		return Done{}, fmt.Errorf("%w: no audit entry #%d", ErrNotFound, seq)
	}
	a, err := decodeAudit(v)
	if err != nil {
		return Done{}, err
	}
	key := u64key(seq)
	if !a.Undoable() || w.bucket(bUndone).Get(key) != nil {
		return Done{}, invalid("#%d (%s) cannot be undone, or was undone already", seq, a.Summary)
	}
	var plan undoPlan
	if err := json.Unmarshal(a.Undo, &plan); err != nil {
		return Done{}, fmt.Errorf("audit entry #%d: %w", seq, err)
	}
	if err := w.compensate(plan, seq); err != nil {
		return Done{}, err
	}
	if err := w.bucket(bUndone).Put(key, nil); err != nil {
		return Done{}, err
	}
	summary := "undid: " + a.Summary
	u, err := w.audit(model.AuditEntry{Action: "undo", Subject: a.Subject, Summary: summary, Before: a.After, After: a.Before, Undoes: seq}, nil)
	return Done{u, summary}, err
}

func (w *writer) compensate(p undoPlan, seq uint64) error {
	ms, err := w.load(p.Member)
	if err != nil {
		return err
	}
	switch p.Op {
	case "award":
		return w.reverse(ms, p.Entries, seq)
	case "approve":
		return w.unapprove(ms, p, seq)
	case "reject":
		return w.unreject(ms, p)
	case "badge":
		return w.revoke(ms, p.Badge)
	case "note":
		return w.hideNote(ms, p.Note)
	case "sanction":
		return w.unsanction(ms, p, seq)
	case "lift":
		restoreOver(&ms.m, p.Prev, p.After)
		return nil
	case "case":
		return w.reopen(ms, p, seq)
	}
	return invalid("unknown action %q", p.Op)
}

// reverse appends a reversal of each entry, dated like the entry so that
// the leaderboards of its period are corrected too.
func (w *writer) reverse(ms *mstate, seqs []uint64, auditSeq uint64) error {
	ledger := w.bucket(bLedger)
	var give int64
	var entries []model.Entry
	for _, s := range seqs {
		_, e, err := decodeEntry(s, ledger.Get(u64key(s)))
		if err != nil {
			return fmt.Errorf("ledger entry %d: %w", s, err)
		}
		give += -e.Points + e.Held
		entries = append(entries, e)
	}
	if ms.m.Available()+give < 0 {
		return invalid("%s has spent or holds those points since; undoing would overdraw them", ms.m.Handle)
	}
	for i, e := range entries {
		if _, err := w.post(ms, model.Entry{
			At: e.At, Type: model.Reversal, Points: -e.Points, Held: -e.Held, Qualifying: -e.Qualifying,
			Rule: e.Rule, Why: fmt.Sprintf("undo of #%d", auditSeq), Ref: fmt.Sprintf("ledger:%d", seqs[i]), By: w.actor,
		}); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) unapprove(ms *mstate, p undoPlan, seq uint64) error {
	req, err := w.request(p.Request)
	if err != nil {
		return err
	}
	if req.Status != model.Approved {
		return invalid("request %s is %s now; it cannot go back to pending", req.ID, req.Status)
	}
	if err := w.reverse(ms, p.Entries, seq); err != nil {
		return err
	}
	stock := w.bucket(bStock)
	if v := stock.Get([]byte(req.Reward)); v != nil {
		if err := setStock(w.tx, req.Reward, stockOf(v)+1); err != nil {
			return err
		}
	}
	return w.requeue(req)
}

func (w *writer) unreject(ms *mstate, p undoPlan) error {
	req, err := w.request(p.Request)
	if err != nil {
		return err
	}
	if req.Status != model.Rejected {
		return invalid("request %s is %s now; it cannot go back to pending", req.ID, req.Status)
	}
	if ms.m.Available() < req.Cost {
		return invalid("%s has %d points available; the request needs %d held again", ms.m.Handle, ms.m.Available(), req.Cost)
	}
	if _, err := w.post(ms, model.Entry{At: w.now, Type: model.Hold, Held: req.Cost, Rule: "reward:" + req.Reward, Ref: req.ID, Why: "undo of the rejection", By: w.actor}); err != nil {
		return err
	}
	return w.requeue(req)
}

func (w *writer) requeue(req model.Request) error {
	req.Status, req.DecidedBy, req.Reason = model.Pending, "", ""
	req.DecidedAt = zeroTime
	if err := w.bucket(bPending).Put(pendingKey(req), nil); err != nil {
		return err
	}
	if err := addCount(w.bucket(bMeta), kPending, 1); err != nil {
		return err
	}
	return w.putRequest(req)
}

func (w *writer) revoke(ms *mstate, badge string) error {
	key := cat(u32key(ms.id), []byte(badge))
	badges, err := w.badgesBucket()
	if err != nil {
		return err
	}
	v := badges.Get(key)
	if v == nil {
		return invalid("%s does not hold %s", ms.m.Handle, badge)
	}
	g, err := decodeGrant(v)
	if err != nil {
		return err
	}
	g.Revoked = true
	if i := slices.Index(ms.badges, badge); i >= 0 {
		ms.badges = slices.Delete(ms.badges, i, i+1)
	}
	return badges.Put(key, encodeGrant(g))
}

func (w *writer) hideNote(ms *mstate, seq uint64) error {
	key := cat(u32key(ms.id), u64key(seq))
	v := w.bucket(bNotes).Get(key)
	if v == nil {
		return invalid("no note #%d", seq)
	}
	n, err := decodeNote(seq, v)
	if err != nil {
		return err
	}
	n.Hidden = true
	return w.bucket(bNotes).Put(key, encodeNote(n))
}

func (w *writer) unsanction(ms *mstate, p undoPlan, seq uint64) error {
	if err := w.reverse(ms, p.Entries, seq); err != nil {
		return err
	}
	restoreOver(&ms.m, p.Prev, p.After)
	key := cat(u32key(ms.id), u64key(p.Sanction))
	v := w.bucket(bSanction).Get(key)
	if v == nil {
		return nil
	}
	s, err := decodeSanction(p.Sanction, v)
	if err != nil {
		return err
	}
	s.Lifted = true
	return w.bucket(bSanction).Put(key, encodeSanction(s))
}

func (w *writer) reopen(ms *mstate, p undoPlan, seq uint64) error {
	c, err := w.caseByID(p.Case)
	if err != nil {
		return err
	}
	if c.Status == model.Open {
		return invalid("case #%d is open already", c.ID)
	}
	if c.Action != 0 {
		if err := w.unsanction(ms, p, seq); err != nil {
			return err
		}
	}
	if err := w.settleReporters(c, p.Upheld, -1); err != nil {
		return err
	}
	w.tally.day(model.Day(c.DecidedAt)).Add(model.CaseDecided(c.Status == model.Actioned, c.Waited()).Negate())
	c.Status, c.Action, c.DecidedBy, c.Reason = model.Open, 0, "", ""
	c.DecidedAt = zeroTime
	if err := w.absorbNewer(&c); err != nil {
		return err
	}
	if err := w.putCase(c, false, nil); err != nil {
		return err
	}
	return w.caseLeftQueue(c, 1)
}

// absorbNewer folds into a reopened case the open case that new reports on
// the same content started meanwhile: one content is one item in the queue.
func (w *writer) absorbNewer(c *model.Case) error {
	subject, ok := w.memberID(c.Subject)
	if !ok {
		return notFound("member", c.Subject)
	}
	contentKey := cat(u32key(subject), []byte(c.Content))
	var newerID uint64
	if v := w.bucket(bContent).Get(contentKey); len(v) == 8 {
		newerID = be64(v)
	}
	// New reports on the content go to the reopened case from now on.
	if err := w.bucket(bContent).Put(contentKey, u64key(c.ID)); err != nil {
		return err
	}
	if newerID == 0 || newerID == c.ID {
		return nil
	}
	newer, err := w.caseByID(newerID)
	if err != nil || newer.Status != model.Open {
		return err
	}
	queued := openKey(newer)
	c.Reports = append(c.Reports, newer.Reports...)
	for _, rep := range newer.Reports {
		if err := w.bucket(bReportID).Put([]byte(rep.ID), u64key(c.ID)); err != nil {
			return err
		}
	}
	for _, h := range newer.Reporters() {
		if id, ok := w.memberID(h); ok {
			if err := w.bucket(bReporter).Delete(cat(u32key(id), u64key(newer.ID))); err != nil {
				return err
			}
			if err := w.bucket(bReporter).Put(cat(u32key(id), u64key(c.ID)), nil); err != nil {
				return err
			}
		}
	}
	newer.Status, newer.DecidedBy, newer.DecidedAt = model.Dismissed, w.actor, w.now
	newer.Reason = fmt.Sprintf("merged into case #%d when its decision was undone", c.ID)
	if err := w.putCase(newer, true, queued); err != nil {
		return err
	}
	return w.caseLeftQueue(newer, -1)
}

var zeroTime time.Time
