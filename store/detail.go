package store

import (
	"bytes"
	"encoding/binary"
	"sort"

	"steward/model"
)

// Detail is everything the member screen shows about one member, except
// the points history, which is paged (History).
type Detail struct {
	Member      model.Member
	Activity    model.Activity
	Tier        model.Tier
	Next        *model.Tier // nil at the top tier
	TierPoints  int64       // the qualifying points the tier is computed from
	Badges      []model.BadgeGrant
	Notes       []model.Note
	Sanctions   []model.Sanction
	Cases       []model.Case
	Requests    []model.Request
	OpenReports int
	Suggested   int // prior penalties on the ladder
}

// Detail reads one member's screen.
func (s *Store) Detail(handle string) (Detail, error) {
	var d Detail
	err := s.view(func(r *reader) error {
		id, m, err := r.member(handle)
		if err != nil {
			return err
		}
		d.Member = m
		if d.Activity, err = r.activity(id); err != nil {
			return err
		}
		sort.Slice(d.Activity.Kinds, func(i, j int) bool { return d.Activity.Kinds[i].Points > d.Activity.Kinds[j].Points })
		d.TierPoints = m.Qualifying
		if !r.prog.TierWindow.Lifetime() {
			if d.TierPoints, err = r.qualifyingSince(id, r.now.AddDate(0, 0, -r.prog.TierWindow.Days)); err != nil {
				return err
			}
		}
		if len(r.prog.Tiers) > 0 {
			t := m.Tier
			if t >= len(r.prog.Tiers) {
				t = len(r.prog.Tiers) - 1
			}
			d.Tier = r.prog.Tiers[t]
			if t+1 < len(r.prog.Tiers) {
				next := r.prog.Tiers[t+1]
				d.Next = &next
			}
		}
		prefix := u32key(id)
		c := r.bucket(bBadges).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			g, err := decodeGrant(v)
			if err != nil {
				return err
			}
			if !g.Revoked {
				d.Badges = append(d.Badges, g)
			}
		}
		sort.Slice(d.Badges, func(i, j int) bool { return d.Badges[i].At.After(d.Badges[j].At) })
		c = r.bucket(bNotes).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			n, err := decodeNote(binary.BigEndian.Uint64(k[4:]), v)
			if err != nil {
				return err
			}
			if !n.Hidden {
				d.Notes = append(d.Notes, n)
			}
		}
		if d.Sanctions, err = r.sanctions(id); err != nil {
			return err
		}
		d.Suggested = r.prog.LadderCount(d.Sanctions, r.now)
		c = r.bucket(bSubject).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			cs, err := r.caseByID(binary.BigEndian.Uint64(k[4:]))
			if err != nil {
				return err
			}
			if len(v) == 1 && model.CaseStatus(v[0]) == model.Open {
				d.OpenReports++
			}
			d.Cases = append(d.Cases, cs)
		}
		c = r.bucket(bMemReqs).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			req, err := r.request(string(k[12:]))
			if err != nil {
				return err
			}
			d.Requests = append(d.Requests, req)
		}
		return nil
	})
	return d, err
}

// History reads a page of a member's points history, newest first: the
// entries written before the entry numbered before (0: the newest).
func (s *Store) History(handle string, before uint64, limit int) ([]model.Entry, bool, error) {
	var out []model.Entry
	more := false
	err := s.view(func(r *reader) error {
		id, _, err := r.member(handle)
		if err != nil {
			return err
		}
		ledger := r.bucket(bLedger)
		// Newest first: the tail kept in the member's record, then the
		// chunks from the last one back.
		emit := func(seqs []uint64) (bool, error) {
			for i := len(seqs) - 1; i >= 0; i-- {
				if before != 0 && seqs[i] >= before {
					continue
				}
				if len(out) == limit {
					more = true
					return false, nil
				}
				_, e, err := decodeEntry(seqs[i], ledger.Get(u64key(seqs[i])))
				if err != nil {
					return false, err
				}
				e.Member = handle
				out = append(out, e)
			}
			return true, nil
		}
		tail, err := r.tailOf(id)
		if err != nil {
			return err
		}
		if goOn, err := emit(tail); !goOn || err != nil {
			return err
		}
		prefix := u32key(id)
		c := r.bucket(bChunks).Cursor()
		k := seekLast(c, prefix)
		if before != 0 {
			// Start from the chunk that holds the entry before `before`.
			if k, _ = c.Seek(cat(prefix, u64key(before))); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			seqs, err := decodeChunk(k, c.Bucket().Get(k))
			if err != nil {
				return err
			}
			if goOn, err := emit(seqs); !goOn || err != nil {
				return err
			}
		}
		return nil
	})
	return out, more, err
}
