package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/model"
)

// Counts are the numbers the console's tabs show, kept as counters so that
// reading them never walks a bucket.
type Counts struct {
	Members int
	Pending int
	Open    int
}

// Counts reads the counters.
func (s *Store) Counts() (Counts, error) {
	var c Counts
	err := s.view(func(r *reader) error {
		c = Counts{Members: r.count(kMembers), Pending: r.count(kPending), Open: r.count(kOpen)}
		return nil
	})
	return c, err
}

// Programme returns the programme in force, with the stock as it is now.
func (s *Store) Programme() (model.Programme, error) {
	var p model.Programme
	err := s.view(func(r *reader) error { p = r.prog; return nil })
	if fe, ok := err.(*FileError); ok && fe.Kind == Missing {
		return model.Default(), nil
	}
	return p, err
}

// MemberOrder is a sort of the members list, each read from its own index.
type MemberOrder int

// The sorts of the members list.
const (
	ByPoints MemberOrder = iota // most qualifying points first
	ByName                      // A to Z, case-folded
	ByJoined                    // newest first
	ByActive                    // most recently active first
)

func (o MemberOrder) String() string {
	switch o {
	case ByName:
		return "name"
	case ByJoined:
		return "joined"
	case ByActive:
		return "last active"
	}
	return "points"
}

// Page is a window of an ordered list. Keys are opaque positions: pass the
// first or last one back to read the rows before or after.
type Page[T any] struct {
	Rows    []T
	Keys    [][]byte
	AtStart bool // nothing comes before the first row
	AtEnd   bool // nothing comes after the last row
}

// Direction says which way to read from a position.
type Direction int

// Forward reads the rows after the position in display order, Backward the
// rows before it (still returned in display order). A nil position means
// the start (Forward) or the end (Backward).
const (
	Forward Direction = iota
	Backward
)

// walkIndex reads up to limit keys of a bucket's part under prefix, in
// display order (descending when desc), strictly after (Forward) or before
// (Backward) from. It returns the keys in display order and whether the walk
// reached either end.
func walkIndex(b *bolt.Bucket, prefix []byte, desc bool, from []byte, dir Direction, limit int, keep func(k []byte) bool) (keys [][]byte, hitEnd bool) {
	c := b.Cursor()
	// Reading forward in display order on a descending list walks the keys
	// backwards, and so on.
	backwards := desc != (dir == Backward)
	inRange := func(k []byte) bool { return k != nil && bytes.HasPrefix(k, prefix) }
	var k []byte
	switch {
	case from == nil && !backwards:
		k, _ = c.Seek(prefix)
	case from == nil && backwards:
		k = seekLast(c, prefix)
	case !backwards:
		k, _ = c.Seek(from)
		if k != nil && bytes.Equal(k, from) {
			k, _ = c.Next()
		}
	default:
		k, _ = c.Seek(from)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	}
	for ; inRange(k); k = step(c, backwards) {
		if keep != nil && !keep(k) {
			continue
		}
		if len(keys) == limit {
			return orient(keys, dir), false
		}
		keys = append(keys, append([]byte(nil), k...))
	}
	return orient(keys, dir), true
}

func step(c *bolt.Cursor, backwards bool) []byte {
	if backwards {
		k, _ := c.Prev()
		return k
	}
	k, _ := c.Next()
	return k
}

// seekLast positions on the last key under prefix.
func seekLast(c *bolt.Cursor, prefix []byte) []byte {
	if len(prefix) == 0 {
		k, _ := c.Last()
		return k
	}
	end := append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	k, _ := c.Seek(end)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	return k
}

// orient puts keys read backwards into display order.
func orient(keys [][]byte, dir Direction) [][]byte {
	if dir == Backward {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
	return keys
}

func (o MemberOrder) index() (bucket, prefix []byte, desc bool) {
	switch o {
	case ByName:
		return bByName, nil, false
	case ByJoined:
		return bByJoined, nil, true
	case ByActive:
		return bByActive, nil, true
	}
	return bBoard, []byte(allKey + "\x00"), false
}

// Members reads a page of the members list in the given order. The work is
// the rows asked for, whatever the size of the community.
func (s *Store) Members(order MemberOrder, from []byte, dir Direction, limit int) (Page[model.Member], error) {
	var page Page[model.Member]
	err := s.view(func(r *reader) error {
		if r.empty() {
			page.AtStart, page.AtEnd = true, true
			return nil
		}
		bucket, prefix, desc := order.index()
		keys, hitEnd := walkIndex(r.bucket(bucket), prefix, desc, from, dir, limit, nil)
		members := r.bucket(bMembers)
		for _, k := range keys {
			id := binary.BigEndian.Uint32(k[len(k)-4:])
			m, err := decodeMember(members.Get(u32key(id)))
			if err != nil {
				return err
			}
			page.Rows = append(page.Rows, m)
			page.Keys = append(page.Keys, k)
		}
		switch dir {
		case Forward:
			page.AtEnd, page.AtStart = hitEnd, from == nil
		case Backward:
			page.AtStart, page.AtEnd = hitEnd, from == nil
		}
		return nil
	})
	return page, err
}

// Name is a member's handle and display name, what the / filter matches.
type Name struct {
	Handle string
	Name   string
}

// Names lists every member's handle and name, for the filter to match
// against. It walks the whole community, so the console calls it off the
// screen's path and keeps the result until the data changes.
func (s *Store) Names() ([]Name, error) {
	var out []Name
	err := s.view(func(r *reader) error {
		if r.empty() {
			return nil
		}
		out = make([]Name, 0, r.count(kMembers))
		return r.bucket(bMembers).ForEach(func(_, v []byte) error {
			d := dec{b: v}
			if _, err := checkVersionUpTo(&d, "member", recordV2); err != nil {
				return err
			}
			h := d.str()
			n := d.str()
			out = append(out, Name{Handle: h, Name: n})
			return d.err
		})
	})
	return out, err
}

// MembersByHandle reads the given members, in the order given; handles
// that are not found are left out.
func (s *Store) MembersByHandle(handles []string) ([]model.Member, error) {
	out := make([]model.Member, 0, len(handles))
	err := s.view(func(r *reader) error {
		for _, h := range handles {
			_, m, err := r.member(h)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// PendingRow is one line of the approvals queue.
type PendingRow struct {
	Request     model.Request
	Member      model.Member
	Reward      model.Reward
	Hesitations []model.Hesitation
}

// Pending reads a page of the approvals queue, oldest first.
func (s *Store) Pending(from []byte, dir Direction, limit int) (Page[PendingRow], error) {
	var page Page[PendingRow]
	err := s.view(func(r *reader) error {
		if r.empty() {
			page.AtStart, page.AtEnd = true, true
			return nil
		}
		keys, hitEnd := walkIndex(r.bucket(bPending), nil, false, from, dir, limit, nil)
		for _, k := range keys {
			req, err := r.request(string(k[8:]))
			if err != nil {
				return err
			}
			id, m, err := r.member(req.Member)
			if err != nil {
				return err
			}
			reward, _ := r.prog.Reward(req.Reward)
			page.Rows = append(page.Rows, PendingRow{
				Request: req, Member: m, Reward: reward,
				Hesitations: r.prog.Hesitations(req, m, r.openAbout(id), r.now),
			})
			page.Keys = append(page.Keys, k)
		}
		setEnds(&page.AtStart, &page.AtEnd, from, dir, hitEnd)
		return nil
	})
	return page, err
}

func setEnds(atStart, atEnd *bool, from []byte, dir Direction, hitEnd bool) {
	if dir == Forward {
		*atEnd, *atStart = hitEnd, from == nil
	} else {
		*atStart, *atEnd = hitEnd, from == nil
	}
}

// CaseRow is one line of the reports queue.
type CaseRow struct {
	Case      model.Case
	Subject   model.Member
	Priority  float64
	Explained string // "1.4 = 2 reporters (0.9 + 0.5)"
	Warnings  int    // the subject's warnings, not lifted
	Penalties int    // the subject's other sanctions, not lifted
	Suggested time.Duration
}

// OpenCases reads a page of the reports queue: highest priority first, then
// oldest.
func (s *Store) OpenCases(from []byte, dir Direction, limit int) (Page[CaseRow], error) {
	var page Page[CaseRow]
	err := s.view(func(r *reader) error {
		if r.empty() {
			page.AtStart, page.AtEnd = true, true
			return nil
		}
		keys, hitEnd := walkIndex(r.bucket(bOpen), nil, false, from, dir, limit, nil)
		for _, k := range keys {
			c, err := r.caseByID(binary.BigEndian.Uint64(k[12:]))
			if err != nil {
				return err
			}
			row, err := r.caseRow(c)
			if err != nil {
				return err
			}
			page.Rows = append(page.Rows, row)
			page.Keys = append(page.Keys, k)
		}
		setEnds(&page.AtStart, &page.AtEnd, from, dir, hitEnd)
		return nil
	})
	return page, err
}

func (r *reader) caseRow(c model.Case) (CaseRow, error) {
	id, m, err := r.member(c.Subject)
	if err != nil {
		return CaseRow{}, err
	}
	row := CaseRow{Case: c, Subject: m, Priority: model.Priority(c, r.weight), Explained: model.ExplainPriority(c, r.weight)}
	sanctions, err := r.sanctions(id)
	if err != nil {
		return row, err
	}
	for _, s := range sanctions {
		switch {
		case s.Lifted:
		case s.Kind == model.Warning:
			row.Warnings++
		default:
			row.Penalties++
		}
	}
	row.Suggested = r.prog.SuggestedSuspension(r.prog.LadderCount(sanctions, r.now))
	return row, nil
}

func (r *reader) sanctions(id uint32) ([]model.Sanction, error) {
	var out []model.Sanction
	c := r.bucket(bSanction).Cursor()
	prefix := u32key(id)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		s, err := decodeSanction(binary.BigEndian.Uint64(k[4:]), v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
