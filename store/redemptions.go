package store

import (
	"encoding/binary"
	"fmt"

	"steward/model"
)

func pendingKey(r model.Request) []byte { return cat(timeKey(r.At), []byte(r.ID)) }

func memberRequestKey(id uint32, r model.Request) []byte {
	return cat(u32key(id), timeKey(r.At), []byte(r.ID))
}

func (r *reader) request(id string) (model.Request, error) {
	v := r.bucket(bRequests).Get([]byte(id))
	if v == nil {
		return model.Request{}, notFound("request", id)
	}
	return decodeRequest(v)
}

func (w *writer) putRequest(req model.Request) error {
	return w.bucket(bRequests).Put([]byte(req.ID), encodeRequest(req))
}

// request records a member's request for a reward. It holds the points, or
// is recorded as rejected when the member cannot have it (not enough points,
// suspended) so that nothing a script sends is lost. Auto-approve rewards
// are approved at once when nothing gives a reason to hesitate.
func (w *writer) addRequest(req model.Request) (status model.RequestStatus, dup bool, err error) {
	if w.bucket(bRequests).Get([]byte(req.ID)) != nil {
		return 0, true, nil
	}
	reward, ok := w.prog.Reward(req.Reward)
	if !ok {
		return 0, false, invalid("no reward %q in the catalogue", req.Reward)
	}
	ms, err := w.load(req.Member)
	if err != nil {
		return 0, false, err
	}
	req.Cost, req.Status = reward.Cost, model.Pending
	if err := w.bucket(bMemReqs).Put(memberRequestKey(ms.id, req), nil); err != nil {
		return 0, false, err
	}
	if err := w.prog.CanRequest(reward, ms.m, w.now); err != nil {
		req.Status, req.DecidedBy, req.DecidedAt, req.Reason = model.Rejected, "steward", w.now, err.Error()
		return req.Status, false, w.putRequest(req)
	}
	if _, err := w.post(ms, model.Entry{At: req.At, Type: model.Hold, Held: req.Cost, Rule: "reward:" + reward.ID, Ref: req.ID}); err != nil {
		return 0, false, err
	}
	reward.Stock = stockOf(w.bucket(bStock).Get([]byte(reward.ID)))
	if w.prog.AutoApproves(req, reward, ms.m, w.openAbout(ms.id), w.now) {
		req.DecidedBy, req.Reason = "auto-approve", "the reward approves itself"
		if _, err := w.spend(ms, &req, reward); err != nil {
			return 0, false, err
		}
		return req.Status, false, w.putRequest(req)
	}
	if err := w.bucket(bPending).Put(pendingKey(req), nil); err != nil {
		return 0, false, err
	}
	if err := addCount(w.bucket(bMeta), kPending, 1); err != nil {
		return 0, false, err
	}
	return req.Status, false, w.putRequest(req)
}

// spend approves a request whose points are held: the hold becomes spent
// and one item leaves the stock.
func (w *writer) spend(ms *mstate, req *model.Request, reward model.Reward) (uint64, error) {
	// The stock as it is now in this transaction: an earlier decision of
	// the same batch may have taken the last item.
	reward.Stock = stockOf(w.bucket(bStock).Get([]byte(reward.ID)))
	if err := w.prog.CanApprove(*req, reward, ms.m); err != nil {
		return 0, invalid("%v", err)
	}
	if reward.Stock != model.Unlimited {
		if err := setStock(w.tx, reward.ID, reward.Stock-1); err != nil {
			return 0, err
		}
	}
	seq, err := w.post(ms, model.Entry{Type: model.Spent, Points: -req.Cost, Held: -req.Cost, Rule: "reward:" + reward.ID, Ref: req.ID, By: req.DecidedBy})
	if err != nil {
		return 0, err
	}
	req.Status, req.DecidedAt = model.Approved, w.now
	if req.DecidedBy == "" {
		req.DecidedBy = w.actor
	}
	return seq, nil
}

// openAbout counts the open cases about a member.
func (r *reader) openAbout(id uint32) int {
	n := 0
	c := r.bucket(bSubject).Cursor()
	prefix := u32key(id)
	for k, v := c.Seek(prefix); k != nil && string(k[:4]) == string(prefix); k, v = c.Next() {
		if len(v) == 1 && model.CaseStatus(v[0]) == model.Open {
			n++
		}
	}
	return n
}

// Outcome is the result of one decision among several.
type Outcome struct {
	ID   string
	Done Done
	Err  error
}

// Approve approves pending requests, each in its own transaction so that one
// that cannot be approved (out of stock, decided meanwhile by someone else)
// does not stop the others.
func (s *Store) Approve(ids ...string) []Outcome {
	out := make([]Outcome, 0, len(ids))
	for _, id := range ids {
		var done Done
		err := s.update(func(w *writer) error {
			var err error
			done, err = w.approve(id)
			return err
		})
		out = append(out, Outcome{ID: id, Done: done, Err: err})
	}
	return out
}

func (w *writer) pendingRequest(id string) (model.Request, *mstate, error) {
	req, err := w.request(id)
	if err != nil {
		return req, nil, err
	}
	if req.Status != model.Pending {
		return req, nil, invalid("request %s was already %s by %s at %s", id, req.Status, req.DecidedBy, req.DecidedAt.Format("2006-01-02 15:04"))
	}
	ms, err := w.load(req.Member)
	return req, ms, err
}

func (w *writer) approve(id string) (Done, error) {
	req, ms, err := w.pendingRequest(id)
	if err != nil {
		return Done{}, err
	}
	reward, ok := w.prog.Reward(req.Reward)
	if !ok {
		return Done{}, invalid("reward %q is no longer in the catalogue; reject the request", req.Reward)
	}
	req.DecidedBy = w.actor
	seq, err := w.spend(ms, &req, reward)
	if err != nil {
		return Done{}, err
	}
	if err := w.leaveQueue(req); err != nil {
		return Done{}, err
	}
	summary := fmt.Sprintf("approved %s for %s (%d points)", reward.Name, req.Member, req.Cost)
	a, err := w.audit(model.AuditEntry{Action: "approve", Subject: req.ID, Summary: summary, Before: "pending", After: "approved"},
		&undoPlan{Op: "approve", Member: req.Member, Request: req.ID, Entries: []uint64{seq}})
	return Done{a, summary}, err
}

func (w *writer) leaveQueue(req model.Request) error {
	if err := w.bucket(bPending).Delete(pendingKey(req)); err != nil {
		return err
	}
	if err := addCount(w.bucket(bMeta), kPending, -1); err != nil {
		return err
	}
	return w.putRequest(req)
}

// Reject rejects pending requests with a reason, releasing their points.
func (s *Store) Reject(reason string, ids ...string) []Outcome {
	out := make([]Outcome, 0, len(ids))
	for _, id := range ids {
		var done Done
		err := s.update(func(w *writer) error {
			var err error
			done, err = w.reject(id, reason)
			return err
		})
		out = append(out, Outcome{ID: id, Done: done, Err: err})
	}
	return out
}

func (w *writer) reject(id, reason string) (Done, error) {
	if err := needReason(reason); err != nil {
		return Done{}, err
	}
	req, ms, err := w.pendingRequest(id)
	if err != nil {
		return Done{}, err
	}
	seq, err := w.post(ms, model.Entry{Type: model.Released, Held: -req.Cost, Rule: "reward:" + req.Reward, Why: reason, Ref: req.ID, By: w.actor})
	if err != nil {
		return Done{}, err
	}
	req.Status, req.DecidedBy, req.DecidedAt, req.Reason = model.Rejected, w.actor, w.now, reason
	if err := w.leaveQueue(req); err != nil {
		return Done{}, err
	}
	name := req.Reward
	if r, ok := w.prog.Reward(req.Reward); ok {
		name = r.Name
	}
	summary := fmt.Sprintf("rejected %s for %s", name, req.Member)
	a, err := w.audit(model.AuditEntry{Action: "reject", Subject: req.ID, Summary: summary + ": " + reason, Before: "pending", After: "rejected"},
		&undoPlan{Op: "reject", Member: req.Member, Request: req.ID, Entries: []uint64{seq}})
	return Done{a, summary}, err
}

// Fulfil marks an approved request as delivered.
func (s *Store) Fulfil(id string) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		req, err := w.request(id)
		if err != nil {
			return err
		}
		if req.Status != model.Approved {
			return invalid("request %s is %s, not approved", id, req.Status)
		}
		req.Status = model.Fulfilled
		if err := w.putRequest(req); err != nil {
			return err
		}
		summary := fmt.Sprintf("fulfilled %s for %s", req.Reward, req.Member)
		seq, err := w.audit(model.AuditEntry{Action: "fulfil", Subject: id, Summary: summary, Before: "approved", After: "fulfilled"}, nil)
		done = Done{seq, summary}
		return err
	})
	return done, err
}

func stockOf(v []byte) int64 {
	if len(v) != 8 {
		return model.Unlimited
	}
	return int64(binary.BigEndian.Uint64(v))
}
