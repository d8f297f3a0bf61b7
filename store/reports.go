package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"steward/model"
)

func openKey(c model.Case) []byte {
	return cat(binary.BigEndian.AppendUint32(nil, ^c.Priority), timeKey(c.FirstAt), u64key(c.ID))
}

func (r *reader) caseByID(id uint64) (model.Case, error) {
	v := r.bucket(bCases).Get(u64key(id))
	if v == nil {
		return model.Case{}, fmt.Errorf("%w: no report case #%d", ErrNotFound, id)
	}
	return decodeCase(v)
}

// weight is how much a reporter's voice counts, from their record.
func (r *reader) weight(handle string) float64 {
	id, ok := r.memberID(handle)
	if !ok {
		return model.ReporterWeight(0, 0)
	}
	a, err := r.activity(id)
	if err != nil {
		return model.ReporterWeight(0, 0)
	}
	return model.ReporterWeight(a.ReportsDecided, a.ReportsUpheld)
}

// weightIn reads a reporter's record through the transaction's changes.
func (w *writer) weightIn(handle string) float64 {
	id, ok := w.memberID(handle)
	if !ok {
		return model.ReporterWeight(0, 0)
	}
	if ms, ok := w.dirty[id]; ok && ms.act != nil {
		return model.ReporterWeight(ms.act.ReportsDecided, ms.act.ReportsUpheld)
	}
	return w.weight(handle)
}

// putCase writes a case and keeps the open queue in step: the old queue key
// is removed, and an open case is queued at its current priority.
func (w *writer) putCase(c model.Case, wasOpen bool, oldKey []byte) error {
	open := w.bucket(bOpen)
	if wasOpen {
		if err := open.Delete(oldKey); err != nil {
			return err
		}
	}
	if c.Status == model.Open {
		c.Priority = model.PriorityKey(model.Priority(c, w.weightIn))
		if err := open.Put(openKey(c), nil); err != nil {
			return err
		}
	}
	return w.bucket(bCases).Put(u64key(c.ID), encodeCase(c))
}

// addReport files a report: it joins the open case about the same content,
// or opens a new one.
func (w *writer) addReport(rep model.Report) (dup bool, err error) {
	ids := w.bucket(bReportID)
	if ids.Get([]byte(rep.ID)) != nil {
		return true, nil
	}
	if _, ok := w.prog.Guideline(rep.Guideline); !ok {
		return false, invalid("no guideline %q", rep.Guideline)
	}
	subject, ok := w.memberID(rep.Subject)
	if !ok {
		return false, notFound("member", rep.Subject)
	}
	reporter, ok := w.memberID(rep.Reporter)
	if !ok {
		return false, notFound("member", rep.Reporter)
	}
	contentKey := cat(u32key(subject), []byte(rep.Content))
	var c model.Case
	isNew := true
	if v := w.bucket(bContent).Get(contentKey); len(v) == 8 {
		old, err := w.caseByID(binary.BigEndian.Uint64(v))
		if err != nil {
			return false, err
		}
		if old.Status == model.Open {
			c, isNew = old, false
		}
	}
	oldKey := openKey(c)
	if isNew {
		seq, err := w.bucket(bCases).NextSequence()
		if err != nil {
			return false, err
		}
		c = model.Case{ID: seq, Content: rep.Content, Subject: rep.Subject, Guideline: rep.Guideline, FirstAt: rep.At, Status: model.Open}
		if err := w.bucket(bContent).Put(contentKey, u64key(seq)); err != nil {
			return false, err
		}
		if err := w.bucket(bSubject).Put(cat(u32key(subject), u64key(seq)), []byte{byte(model.Open)}); err != nil {
			return false, err
		}
		if err := addCount(w.bucket(bMeta), kOpen, 1); err != nil {
			return false, err
		}
	}
	if c.Excerpt == "" {
		c.Excerpt = rep.Excerpt
	}
	if rep.At.Before(c.FirstAt) {
		c.FirstAt = rep.At
	}
	c.Reports = append(c.Reports, rep)
	w.tally.day(model.Day(rep.At)).Reports++
	if err := w.bucket(bReporter).Put(cat(u32key(reporter), u64key(c.ID)), nil); err != nil {
		return false, err
	}
	if err := ids.Put([]byte(rep.ID), u64key(c.ID)); err != nil {
		return false, err
	}
	return false, w.putCase(c, !isNew, oldKey)
}

// Verdict is a moderator's decision on a case: dismiss (Action 0) or a
// sanction of its subject.
type Verdict struct {
	Action   model.SanctionKind // 0 dismisses
	Points   int64              // for a deduction
	Duration time.Duration      // for a suspension
	Reason   string
}

// Decide settles an open case. Its reporters' records learn whether their
// report was upheld, which re-ranks their other open cases.
func (s *Store) Decide(caseID uint64, v Verdict) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		var err error
		done, err = w.decide(caseID, v)
		return err
	})
	return done, err
}

func (w *writer) decide(caseID uint64, v Verdict) (Done, error) {
	if err := needReason(v.Reason); err != nil {
		return Done{}, err
	}
	c, err := w.caseByID(caseID)
	if err != nil {
		return Done{}, err
	}
	if c.Status != model.Open {
		return Done{}, invalid("case #%d was already %s by %s at %s", caseID, c.Status, c.DecidedBy, c.DecidedAt.Format("2006-01-02 15:04"))
	}
	oldKey := openKey(c)
	plan := &undoPlan{Op: "case", Case: caseID, Member: c.Subject}
	summary := fmt.Sprintf("dismissed the reports on %s", c.Content)
	if v.Action != 0 {
		ms, err := w.load(c.Subject)
		if err != nil {
			return Done{}, err
		}
		sp, what, err := w.applySanction(ms, model.Sanction{Kind: v.Action, Points: v.Points, Duration: v.Duration, Reason: v.Reason, Report: caseID})
		if err != nil {
			return Done{}, err
		}
		plan.Entries, plan.Sanction, plan.Prev, plan.After = sp.Entries, sp.Sanction, sp.Prev, sp.After
		summary = what
		c.Status, c.Action = model.Actioned, v.Action
	} else {
		c.Status = model.Dismissed
	}
	c.DecidedBy, c.DecidedAt, c.Reason = w.actor, w.now, v.Reason
	w.tally.day(model.Day(c.DecidedAt)).Add(model.CaseDecided(c.Status == model.Actioned, c.Waited()))
	plan.Upheld = c.Status == model.Actioned
	plan.Reporters = c.Reporters()
	if err := w.settleReporters(c, plan.Upheld, 1); err != nil {
		return Done{}, err
	}
	if err := w.putCase(c, true, oldKey); err != nil {
		return Done{}, err
	}
	if err := w.caseLeftQueue(c, -1); err != nil {
		return Done{}, err
	}
	a, err := w.audit(model.AuditEntry{Action: "decide", Subject: fmt.Sprintf("case #%d", caseID), Summary: summary + ": " + v.Reason,
		Before: "open", After: c.Status.String()}, plan)
	return Done{a, summary}, err
}

// caseLeftQueue updates the counters and the subject's index when a case
// leaves (delta -1) or re-enters (+1) the open queue.
func (w *writer) caseLeftQueue(c model.Case, delta int64) error {
	if err := addCount(w.bucket(bMeta), kOpen, delta); err != nil {
		return err
	}
	subject, ok := w.memberID(c.Subject)
	if !ok {
		return notFound("member", c.Subject)
	}
	return w.bucket(bSubject).Put(cat(u32key(subject), u64key(c.ID)), []byte{byte(c.Status)})
}

// settleReporters records (sign 1) or takes back (sign -1) a decision in
// each reporter's record, and re-ranks the other open cases they reported.
func (w *writer) settleReporters(c model.Case, upheld bool, sign int32) error {
	touched := map[uint64]bool{c.ID: true}
	var others []uint64
	for _, handle := range c.Reporters() {
		ms, err := w.load(handle)
		if err != nil {
			return err
		}
		act, err := w.activityOf(ms)
		if err != nil {
			return err
		}
		act.ReportsDecided += sign
		if upheld {
			act.ReportsUpheld += sign
		}
		idx := w.bucket(bReporter)
		prefix := u32key(ms.id)
		key := cat(prefix, u64key(c.ID))
		if sign > 0 {
			if err := idx.Delete(key); err != nil {
				return err
			}
		} else if err := idx.Put(key, nil); err != nil {
			return err
		}
		cur := idx.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && string(k[:4]) == string(prefix); k, _ = cur.Next() {
			id := binary.BigEndian.Uint64(k[4:])
			if !touched[id] {
				touched[id] = true
				others = append(others, id)
			}
		}
	}
	for _, id := range others {
		o, err := w.caseByID(id)
		if err != nil {
			return err
		}
		if o.Status != model.Open {
			continue
		}
		if err := w.putCase(o, true, openKey(o)); err != nil {
			return err
		}
	}
	return nil
}
