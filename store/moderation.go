package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"steward/model"
)

// Done is what a decision did, for the status line and for scripts.
type Done struct {
	Seq     uint64 // its audit entry, which undo compensates
	Summary string
}

// ErrInvalid marks a request the data does not allow: a deduction larger
// than the balance, a badge that does not exist, a decision already made.
var ErrInvalid = errors.New("not allowed")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// grant gives a badge unless the member holds it already.
func (w *writer) grant(ms *mstate, b model.Badge, by, note string, at time.Time) (bool, error) {
	if w.holdsBadge(ms, b.ID) {
		return false, nil
	}
	ms.badges = append(ms.badges, b.ID)
	g := model.BadgeGrant{Badge: b.ID, At: at, By: by, Note: note}
	// In key order with the transaction's other index writes: an import
	// grants badges to members all over the file.
	w.idx.put(bBadges, cat(u32key(ms.id), []byte(b.ID)), encodeGrant(g))
	return true, nil
}

func (w *writer) addSanction(ms *mstate, s model.Sanction) (uint64, error) {
	b := w.bucket(bSanction)
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	s.Seq = seq
	if s.At.IsZero() {
		s.At = w.now
	}
	if s.By == "" {
		s.By = w.actor
	}
	return seq, b.Put(cat(u32key(ms.id), u64key(seq)), encodeSanction(s))
}

func snap(m model.Member) *statusSnap {
	s := &statusSnap{Status: m.Status}
	if !m.SuspendedUntil.IsZero() {
		s.Until = m.SuspendedUntil.UnixNano()
	}
	if !m.StatusSince.IsZero() {
		s.Since = m.StatusSince.UnixNano()
	}
	return s
}

// restoreOver puts back the status an action replaced, but only if nothing
// changed it since: undoing an old suspension must not lift a later ban.
func restoreOver(m *model.Member, prev, after *statusSnap) {
	if prev == nil || (after != nil && *snap(*m) != *after) {
		return
	}
	restore(m, prev)
}

func restore(m *model.Member, s *statusSnap) {
	m.Status = s.Status
	m.SuspendedUntil, m.StatusSince = time.Time{}, time.Time{}
	if s.Until != 0 {
		m.SuspendedUntil = time.Unix(0, s.Until).UTC()
	}
	if s.Since != 0 {
		m.StatusSince = time.Unix(0, s.Since).UTC()
	}
}

func needReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return invalid("a reason is required")
	}
	return nil
}

// Award gives points to a member, or takes them (negative points). A
// deduction never takes more than the member has available.
func (s *Store) Award(handle string, points int64, reason string) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		var err error
		done, err = w.award(handle, points, reason)
		return err
	})
	return done, err
}

func (w *writer) award(handle string, points int64, reason string) (Done, error) {
	if err := needReason(reason); err != nil {
		return Done{}, err
	}
	if points == 0 {
		return Done{}, invalid("an award of 0 points changes nothing")
	}
	ms, err := w.load(handle)
	if err != nil {
		return Done{}, err
	}
	if points < 0 && -points > ms.m.Available() {
		return Done{}, invalid("%s has %d points available; cannot deduct %d", handle, ms.m.Available(), -points)
	}
	before := ms.m.Balance
	seq, err := w.post(ms, model.Entry{Type: model.Awarded, Points: points, Qualifying: points, Rule: "award", Why: reason, By: w.actor})
	if err != nil {
		return Done{}, err
	}
	verb := fmt.Sprintf("awarded %d points to %s", points, handle)
	if points < 0 {
		verb = fmt.Sprintf("deducted %d points from %s", -points, handle)
	}
	a, err := w.audit(model.AuditEntry{
		Action: "award", Subject: handle, Summary: verb + ": " + reason,
		Before: fmt.Sprintf("balance %d", before), After: fmt.Sprintf("balance %d", ms.m.Balance),
	}, &undoPlan{Op: "award", Member: handle, Entries: []uint64{seq}})
	return Done{a, verb}, err
}

// GrantBadge gives a badge by hand, with a personal note.
func (s *Store) GrantBadge(handle, badge, note string) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		b, ok := w.prog.Badge(badge)
		if !ok {
			return invalid("no badge %q in the programme", badge)
		}
		ms, err := w.load(handle)
		if err != nil {
			return err
		}
		ok, err = w.grant(ms, b, w.actor, strings.TrimSpace(note), w.now)
		if err != nil {
			return err
		}
		if !ok {
			return invalid("%s already holds %s", handle, b.Name)
		}
		summary := fmt.Sprintf("gave %s the badge %s", handle, b.Name)
		seq, err := w.audit(model.AuditEntry{Action: "badge", Subject: handle, Summary: summary, After: note},
			&undoPlan{Op: "badge", Member: handle, Badge: b.ID})
		done = Done{seq, summary}
		return err
	})
	return done, err
}

// AddNote adds a moderator's note to a member.
func (s *Store) AddNote(handle, text string) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		text = strings.TrimSpace(text)
		if text == "" {
			return invalid("the note is empty")
		}
		ms, err := w.load(handle)
		if err != nil {
			return err
		}
		b := w.bucket(bNotes)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(cat(u32key(ms.id), u64key(seq)), encodeNote(model.Note{At: w.now, By: w.actor, Text: text})); err != nil {
			return err
		}
		summary := "added a note to " + handle
		a, err := w.audit(model.AuditEntry{Action: "note", Subject: handle, Summary: summary, After: text},
			&undoPlan{Op: "note", Member: handle, Note: seq})
		done = Done{a, summary}
		return err
	})
	return done, err
}

// Warn records a warning: a notice that does not move the member up the
// penalty ladder.
func (s *Store) Warn(handle, reason string) (Done, error) {
	return s.sanction(handle, model.Sanction{Kind: model.Warning, Reason: reason})
}

// Suspend suspends a member for d: they earn nothing and leave the
// leaderboards until it ends. Suspending a suspended member replaces the end.
func (s *Store) Suspend(handle string, d time.Duration, reason string) (Done, error) {
	return s.sanction(handle, model.Sanction{Kind: model.Suspension, Duration: d, Reason: reason})
}

// Ban bans a member.
func (s *Store) Ban(handle, reason string) (Done, error) {
	return s.sanction(handle, model.Sanction{Kind: model.Ban, Reason: reason})
}

// Deduct takes points as a penalty, at most what the member has available.
func (s *Store) Deduct(handle string, points int64, reason string) (Done, error) {
	return s.sanction(handle, model.Sanction{Kind: model.Deduction, Points: points, Reason: reason})
}

func (s *Store) sanction(handle string, sc model.Sanction) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		ms, err := w.load(handle)
		if err != nil {
			return err
		}
		plan, summary, err := w.applySanction(ms, sc)
		if err != nil {
			return err
		}
		seq, err := w.audit(model.AuditEntry{
			Action: sc.Kind.String(), Subject: handle, Summary: summary + ": " + sc.Reason,
			Before: ms.orig.StatusLabel(w.now), After: ms.m.StatusLabel(w.now),
		}, plan)
		done = Done{seq, summary}
		return err
	})
	return done, err
}

// applySanction changes the member and records the sanction; the caller
// audits it with the returned plan.
func (w *writer) applySanction(ms *mstate, sc model.Sanction) (*undoPlan, string, error) {
	if err := needReason(sc.Reason); err != nil {
		return nil, "", err
	}
	handle := ms.m.Handle
	plan := &undoPlan{Op: "sanction", Member: handle, Prev: snap(ms.m)}
	var summary string
	switch sc.Kind {
	case model.Warning:
		summary = "warned " + handle
	case model.Deduction:
		if sc.Points <= 0 {
			return nil, "", invalid("a deduction needs a positive number of points")
		}
		if sc.Points > ms.m.Available() {
			sc.Points = ms.m.Available()
		}
		if sc.Points == 0 {
			return nil, "", invalid("%s has no points available to deduct", handle)
		}
		seq, err := w.post(ms, model.Entry{Type: model.Penalty, Points: -sc.Points, Qualifying: -sc.Points, Rule: "penalty", Why: sc.Reason, By: w.actor})
		if err != nil {
			return nil, "", err
		}
		plan.Entries = []uint64{seq}
		summary = fmt.Sprintf("deducted %d points from %s", sc.Points, handle)
	case model.Suspension:
		if sc.Duration <= 0 {
			return nil, "", invalid("a suspension needs a duration")
		}
		if ms.m.Status == model.Banned {
			return nil, "", invalid("%s is banned", handle)
		}
		ms.m.Status, ms.m.StatusSince, ms.m.SuspendedUntil = model.Suspended, w.restrictedSince(ms), w.now.Add(sc.Duration)
		summary = fmt.Sprintf("suspended %s for %s", handle, model.FormatDuration(sc.Duration))
	case model.Ban:
		if ms.m.Status == model.Banned {
			return nil, "", invalid("%s is already banned", handle)
		}
		ms.m.Status, ms.m.StatusSince, ms.m.SuspendedUntil = model.Banned, w.restrictedSince(ms), time.Time{}
		summary = "banned " + handle
	default:
		return nil, "", invalid("unknown sanction")
	}
	seq, err := w.addSanction(ms, sc)
	if err != nil {
		return nil, "", err
	}
	plan.Sanction, plan.After = seq, snap(ms.m)
	return plan, summary, nil
}

// restrictedSince is when the member's restriction began: a suspension
// extended, or turned into a ban, keeps its start, so activity dated inside
// it and imported late still earns nothing.
func (w *writer) restrictedSince(ms *mstate) time.Time {
	if ms.m.StatusAt(w.now) != model.Active && !ms.m.StatusSince.IsZero() {
		return ms.m.StatusSince
	}
	return w.now
}

// Lift ends a suspension or a ban early.
func (s *Store) Lift(handle, reason string) (Done, error) {
	var done Done
	err := s.update(func(w *writer) error {
		if err := needReason(reason); err != nil {
			return err
		}
		ms, err := w.load(handle)
		if err != nil {
			return err
		}
		if ms.m.StatusAt(w.now) == model.Active {
			return invalid("%s is not suspended or banned", handle)
		}
		plan := &undoPlan{Op: "lift", Member: handle, Prev: snap(ms.m)}
		ms.m.Status, ms.m.StatusSince, ms.m.SuspendedUntil = model.Active, w.now, time.Time{}
		plan.After = snap(ms.m)
		summary := "lifted the " + ms.orig.Status.String() + " of " + handle
		seq, err := w.audit(model.AuditEntry{Action: "lift", Subject: handle, Summary: summary + ": " + reason,
			Before: ms.orig.StatusLabel(w.now), After: "active"}, plan)
		done = Done{seq, summary}
		return err
	})
	return done, err
}
