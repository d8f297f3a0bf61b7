package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// An events file comes in time order, and any 20,000 rows of it name nearly
// as many members of a community of 100,000: a transaction of rows taken in
// file order rewrote most of the members' pages, and the next transaction
// rewrote them again. So the import reads several transactions' worth of
// rows at once, a chunk, and regroups them by member: each transaction then
// covers a run of member ids, rewrites its share of the pages, and the
// chunk rewrites each page about once.
//
// A transaction still holds whole histories: a member's rows of the chunk
// are all in one, priced in time order, so caps, cooldowns and streaks come
// out as in file order. The one event that crosses from a member to another
// is a referral's payout, which a referee's first action adds to their
// referrer's history; a referee goes in the same transaction as their
// referrer, so that payout too comes in time order (up to a limit, see
// referralGroups). Every transaction leaves balances equal to their ledger.

// eventPart is the rows of one transaction of a chunk: indices into it, in
// the order to price them.
type eventPart struct {
	rows    []int32
	members []handleID // the part's members, in the order to read them
}

// handleID is a member as the regrouping found them. Handles are never
// renamed or deleted, so an id found in one transaction holds in the next.
type handleID struct {
	handle string
	id     uint32 // 0: not found, left for the writing transaction to report
}

// regroupEvents sorts a chunk of event rows by member and cuts it into
// parts of about size rows, never splitting a member's rows, nor a referee
// from their referrer. known are ids already found. It reads the database
// in a transaction of its own, which runs beside the import's writes, so it
// reads only what they do not change (ids, referrers): the parts, and thus
// the order of the ledger, are the same whenever it runs.
func (s *Store) regroupEvents(c *eventChunk, size int, known map[string]uint32) ([]eventPart, error) {
	index := map[string]int32{} // handle → its place in members
	var members []handleID
	who := make([]int32, len(c.rows)) // each row's member, a place in members
	var missing []int32
	for i := range c.rows {
		h := c.field(c.rows[i].member)
		k, ok := index[h]
		if !ok {
			k = int32(len(members))
			index[h] = k
			id, found := known[h]
			members = append(members, handleID{h, id})
			if !found {
				missing = append(missing, k)
			}
		}
		who[i] = k
	}
	// The lookups walk the handle index in order.
	slices.SortFunc(missing, func(a, b int32) int { return strings.Compare(members[a].handle, members[b].handle) })
	var groups *unionFind
	err := s.view(func(r *reader) error {
		for _, k := range missing {
			if id, ok := r.memberID(members[k].handle); ok {
				members[k].id = id
			}
		}
		rowsOf := make(map[uint32]int, len(members))
		for _, k := range who {
			rowsOf[members[k].id]++
		}
		groups = newUnionFind(rowsOf)
		return r.referralGroups(members, index, groups, 2*size)
	})
	if err != nil {
		return nil, err
	}
	return cutParts(c, who, members, groups, size), nil
}

// referralGroups joins each member of the chunk to their referrer, when the
// referrer has rows in the chunk too. Whether the referral is paid yet is
// not asked: the writes of the chunk before may be changing it, and a
// grouping that depended on when it ran would make the ledger's order
// depend on it too (an import interrupted and run again would not give the
// same file as one that never stopped). A group is
// kept to limit rows, so that a referrer of thousands (a founder's account
// named by a whole members file) does not make one transaction of the
// chunk: past the limit a referee goes alone, and their referrer's payout
// may come out of time order in the referrer's history, priced as a late
// event.
func (r *reader) referralGroups(members []handleID, index map[string]int32, groups *unionFind, limit int) error {
	if r.empty() {
		return nil
	}
	inChunk := make([]uint32, 0, len(members))
	for _, m := range members {
		if m.id != 0 {
			inChunk = append(inChunk, m.id)
		}
	}
	slices.Sort(inChunk) // the reads walk the members in order
	c := r.bucket(bMembers).Cursor()
	var key [4]byte
	for _, id := range inChunk {
		binary.BigEndian.PutUint32(key[:], id)
		k, v := c.Seek(key[:])
		if !bytes.Equal(k, key[:]) {
			continue
		}
		ref, err := referrerOf(v)
		if err != nil || len(ref) == 0 {
			continue // a bad record is for the writing transaction to report
		}
		at, ok := index[string(ref)]
		if !ok || members[at].id == 0 {
			continue
		}
		groups.join(id, members[at].id, limit)
	}
	return nil
}

// unionFind groups member ids; each group is named by its lowest id and
// knows how many rows of the chunk it holds.
type unionFind struct {
	parent map[uint32]uint32
	rows   map[uint32]int // under a group's name: its rows; a member alone: theirs
}

func newUnionFind(rows map[uint32]int) *unionFind {
	return &unionFind{parent: map[uint32]uint32{}, rows: rows}
}

func (u *unionFind) find(id uint32) uint32 {
	if u == nil {
		return id
	}
	root := id
	for {
		p, ok := u.parent[root]
		if !ok || p == root {
			break
		}
		root = p
	}
	for id != root { // shorten the path walked
		next := u.parent[id]
		u.parent[id] = root
		id = next
	}
	return root
}

// join puts a's and b's groups together, unless together they would hold
// more than limit rows.
func (u *unionFind) join(a, b uint32, limit int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb || u.rows[ra]+u.rows[rb] > limit {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[ra] = ra
	u.parent[rb] = ra
	u.rows[ra] += u.rows[rb]
}

// cutParts sorts the rows by group, then member, and cuts them into parts
// of about size rows at group boundaries; each part is then put in time
// order. who gives each row's member, as a place in members.
func cutParts(c *eventChunk, who []int32, members []handleID, groups *unionFind, size int) []eventPart {
	type keyed struct {
		group, id uint32
		member    int32
		row       int32
	}
	order := make([]keyed, len(who))
	for i, k := range who {
		id := members[k].id
		order[i] = keyed{id, id, k, int32(i)}
		if id != 0 {
			order[i].group = groups.find(id)
		}
	}
	// Members not found share id 0: their places in members keep each
	// one's rows together all the same.
	slices.SortFunc(order, func(a, b keyed) int {
		if d := cmp.Compare(a.group, b.group); d != 0 {
			return d
		}
		if d := cmp.Compare(a.id, b.id); d != 0 {
			return d
		}
		if d := cmp.Compare(a.member, b.member); d != 0 {
			return d
		}
		return cmp.Compare(a.row, b.row)
	})
	n := (len(order) + size - 1) / size
	target := (len(order) + n - 1) / n
	parts := make([]eventPart, 0, n)
	var cur eventPart
	for i, k := range order {
		newMember := i == 0 || k.member != order[i-1].member
		newGroup := i == 0 || k.group != order[i-1].group || newMember && k.id == 0
		if newGroup && len(cur.rows) >= target {
			parts = append(parts, cur)
			cur = eventPart{}
		}
		if newMember {
			cur.members = append(cur.members, members[k.member])
		}
		cur.rows = append(cur.rows, k.row)
	}
	if len(cur.rows) > 0 {
		parts = append(parts, cur)
	}
	for _, p := range parts {
		c.inTimeOrder(p.rows)
	}
	return parts
}

// preload reads the part's members, and their activity, before its rows
// are applied in time order: the reads then walk the pages once, from left
// to right. A member read ahead is marked unused until a row asks for them.
func (w *writer) preload(members []handleID) error {
	for _, m := range members {
		if m.id == 0 {
			continue
		}
		if _, ok := w.dirty[m.id]; ok {
			continue
		}
		ms, err := w.loadID(m.id)
		if err != nil {
			return err
		}
		ms.unused = true
		w.byHandle[m.handle] = ms
		if _, err := w.activityOf(ms); err != nil {
			return err
		}
	}
	return nil
}
