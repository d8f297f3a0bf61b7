package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"steward/model"
)

// ProgrammeChange is what applying a programme does to the community.
type ProgrammeChange struct {
	Diff       []string // what changed in the rules
	Tiers      []string // "alice: Beginner → Experienced"
	BadgesWon  []string // "alice: helpful"
	BadgesLost []string
	// Points is what the last 30 days' events earn under the rules in
	// force and under the new ones.
	Points model.Repricing
	Backup string // where the database was copied first ("" on a dry run)
}

// ApplyProgramme replaces the programme and recomputes every member's tier
// and automatic badges under it; with dryRun it only reports what would
// change. Before a real change it writes a backup beside the database.
// Points already earned are not priced again: new rules price new events.
func (s *Store) ApplyProgramme(p model.Programme, dryRun bool) (ProgrammeChange, error) {
	var ch ProgrammeChange
	if err := p.Validate(); err != nil {
		return ch, err
	}
	if !dryRun {
		if _, err := s.Counts(); err == nil {
			ch.Backup = s.besideName("before-programme")
			if _, err := s.Backup(ch.Backup); err != nil {
				return ch, err
			}
		}
	}
	target := s
	if dryRun {
		var cleanup func()
		var err error
		if target, cleanup, err = s.scratch(); err != nil {
			return ch, err
		}
		defer cleanup()
	}
	err := target.update(func(w *writer) error {
		old := w.prog
		ch.Diff = model.DiffProgrammes(old, p)
		var err error
		if ch.Points, err = w.reprice(p); err != nil {
			return err
		}
		if err := putProgramme(w.tx, p); err != nil {
			return err
		}
		w.prog = p
		if err := w.reapply(old, &ch); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		summary := fmt.Sprintf("applied a programme: %d rule changes, %d tier changes, %d badges won, %d lost",
			len(ch.Diff), len(ch.Tiers), len(ch.BadgesWon), len(ch.BadgesLost))
		_, err = w.audit(model.AuditEntry{Action: "programme", Subject: "programme", Summary: summary, After: strings.Join(ch.Diff, "\n")}, nil)
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return ch, err
}

// reapply recomputes tiers and automatic badges for every member.
func (w *writer) reapply(old model.Programme, ch *ProgrammeChange) error {
	var ids []uint32
	if err := w.bucket(bMembers).ForEach(func(k, _ []byte) error {
		ids = append(ids, be32(k))
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		ms, err := w.loadID(id)
		if err != nil {
			return err
		}
		tier, err := w.tierOf(ms)
		if err != nil {
			return err
		}
		if from, to := old.TierName(ms.m.Tier), w.prog.TierName(tier); from != to {
			ch.Tiers = append(ch.Tiers, fmt.Sprintf("%s: %s → %s", ms.m.Handle, from, to))
		}
		act, err := w.activityOf(ms)
		if err != nil {
			return err
		}
		for _, b := range w.prog.NewBadges(act, func(id string) bool { return w.holdsBadge(ms, id) }) {
			if _, err := w.grant(ms, b, "", b.About, w.now); err != nil {
				return err
			}
			ch.BadgesWon = append(ch.BadgesWon, ms.m.Handle+": "+b.ID)
		}
		lost, err := w.unmetBadges(ms, act)
		if err != nil {
			return err
		}
		for _, b := range lost {
			if err := w.revoke(ms, b); err != nil {
				return err
			}
			ch.BadgesLost = append(ch.BadgesLost, ms.m.Handle+": "+b)
		}
	}
	sort.Strings(ch.Tiers)
	return nil
}

// unmetBadges lists the badges a member holds that the programme no longer
// has, or whose automatic rule they no longer meet. Top-of-month badges
// were won in their month and stay.
func (w *writer) unmetBadges(ms *mstate, act *model.Activity) ([]string, error) {
	var out []string
	prefix := u32key(ms.id)
	badges, err := w.badgesBucket()
	if err != nil {
		return nil, err
	}
	c := badges.Cursor()
	for k, v := c.Seek(prefix); k != nil && string(k[:4]) == string(prefix); k, v = c.Next() {
		g, err := decodeGrant(v)
		if err != nil {
			return nil, err
		}
		if g.Revoked {
			continue
		}
		b, ok := w.prog.Badge(g.Badge)
		met := true
		switch {
		case !ok:
			met = false
		case b.Rule == model.CountOf:
			met = act.Count(b.Kind) >= int64(b.N)
		case b.Rule == model.FirstOf:
			met = act.Count(b.Kind) >= 1
		case b.Rule == model.StreakOf:
			met = int(act.BestStreak) >= b.N
		}
		if !met {
			out = append(out, g.Badge)
		}
	}
	return out, nil
}
