package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/model"
)

// ErrNotFound is returned for a member, request or case that does not exist.
var ErrNotFound = errors.New("not found")

// notFound names what was missing, keeping ErrNotFound for errors.Is.
func notFound(what, key string) error {
	return fmt.Errorf("%w: no %s %q", ErrNotFound, what, key)
}

// reader is one read transaction with the programme it runs under.
type reader struct {
	s    *Store
	tx   *bolt.Tx
	prog model.Programme
	now  time.Time
}

func (s *Store) newReader(tx *bolt.Tx) (*reader, error) {
	v := schemaOf(tx)
	if v > SchemaVersion {
		return nil, fileErr(TooNew, s.path, nil, "written by a newer steward (schema %d; this one reads up to %d): upgrade steward", v, SchemaVersion)
	}
	r := &reader{s: s, tx: tx, now: s.Now()}
	if v == 0 {
		r.prog = model.Default()
		return r, nil
	}
	p, err := s.programme(tx)
	if err != nil {
		return nil, err
	}
	r.prog = p
	return r, nil
}

// empty reports whether the file has no community yet.
func (r *reader) empty() bool { return r.tx.Bucket(bMembers) == nil }

func (r *reader) bucket(name []byte) *bolt.Bucket { return r.tx.Bucket(name) }

func (r *reader) memberID(handle string) (uint32, bool) {
	if r.empty() {
		return 0, false
	}
	v := r.bucket(bHandles).Get([]byte(handle))
	if len(v) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(v), true
}

func (r *reader) memberByID(id uint32) (model.Member, error) {
	v := r.bucket(bMembers).Get(u32key(id))
	if v == nil {
		return model.Member{}, fmt.Errorf("%w: no member #%d", ErrNotFound, id)
	}
	return decodeMember(v)
}

func (r *reader) member(handle string) (uint32, model.Member, error) {
	id, ok := r.memberID(handle)
	if !ok {
		return 0, model.Member{}, notFound("member", handle)
	}
	m, err := r.memberByID(id)
	return id, m, err
}

func (r *reader) activity(id uint32) (model.Activity, error) {
	a, _, err := decodeActivity(r.bucket(bActivity).Get(u32key(id)))
	return a, err
}

// count reads one of the counters kept so that tab counts never walk a
// bucket.
func (r *reader) count(k []byte) int {
	if r.empty() {
		return 0
	}
	return int(getU64(r.bucket(bMeta), k))
}

// writer is one write transaction. Member changes collect in memory and are
// written once, with their indexes, when the transaction finishes: an import
// batch that touches a member a thousand times rewrites them once.
type writer struct {
	reader
	actor    string
	dirty    map[uint32]*mstate
	byHandle map[string]*mstate
	// periods remembers the leaderboard keys of each UTC day met, so an
	// import does not format three period names per event.
	periods map[int32][3]string
	// keepMonth and keepWeek are the oldest periods whose boards are kept.
	keepMonth, keepWeek string
	idx                 indexOps // index changes waiting to be applied in key order
	// newEvents are the event ids recorded in this transaction, whose
	// records are written at its end, in id order.
	newEvents map[string]struct{}
	// deferClose leaves closing ended periods to the end of a multi-batch
	// import, so a month is ranked only once all of its events are in.
	deferClose bool
	// values holds what the transaction puts for its ledger entries and
	// event records; scratch is where one is encoded first.
	values  slab
	scratch []byte
	tally   tallyDelta // see flushTallies
}

// slab hands out the bytes of values a transaction writes. bbolt keeps a
// value, not a copy, until the commit, and an import batch writes tens of
// thousands of small ones: carved from large blocks, they cost the
// allocator and the collector a block each.
type slab struct{ b []byte }

const slabBlock = 64 << 10

// carve copies p into the slab.
func carve[T ~string | ~[]byte](s *slab, p T) []byte {
	if cap(s.b)-len(s.b) < len(p) {
		s.b = make([]byte, 0, max(slabBlock, len(p)))
	}
	n := len(s.b)
	s.b = append(s.b, p...)
	return s.b[n:len(s.b):len(s.b)]
}

// mstate is a member loaded for change in this transaction.
type mstate struct {
	id    uint32
	m     model.Member
	orig  model.Member
	isNew bool
	act   *model.Activity
	tail  []uint64 // the newest ledger positions, kept in the member's record
	seqs  []uint64 // ledger entries written for this member in this transaction
	// scores are the member's scores in the rankings of the periods still
	// kept, as their record holds them (see scoreOf).
	scores []periodScore
	// badges caches which badges the member holds, read once per
	// transaction: pricing asks for every event.
	badges       []string // a member holds a handful: a list beats a map
	badgesLoaded bool
	boards       []boardDelta // score changes not yet written to the boards
	// boardAll is the points at which the member stands on the all-time
	// board (onBoard: they have a place there yet).
	boardAll int64
	onBoard  bool
	// hist is what the member's ledger says of their past, read once a
	// late event has asked (see history).
	hist *memberHistory
	// hasBadge is holdsBadge for this member, made once: pricing asks
	// for every event.
	hasBadge func(id string) bool
	// unused marks a member read ahead (see preload) whom nothing has
	// asked for yet: all their rows were duplicates, say. They are not
	// written back.
	unused bool
}

// boardDelta is a change to one member's score on one leaderboard, summed
// over the transaction and written once.
type boardDelta struct {
	period string
	id     uint32
	delta  int64
}

// addBoard adds to the member's score on a period's board; a transaction
// touches few periods, so a short list beats a map.
func (ms *mstate) addBoard(period string, delta int64) {
	for i := range ms.boards {
		if ms.boards[i].period == period {
			ms.boards[i].delta += delta
			return
		}
	}
	ms.boards = append(ms.boards, boardDelta{period, ms.id, delta})
}

func (s *Store) newWriter(tx *bolt.Tx) (*writer, error) {
	if schemaOf(tx) == 0 {
		if err := initSchema(tx, s.Now()); err != nil {
			return nil, err
		}
		if err := putU64(tx.Bucket(bMeta), kSchema, SchemaVersion); err != nil {
			return nil, err
		}
	}
	r, err := s.newReader(tx)
	if err != nil {
		return nil, err
	}
	tx.Bucket(bLedger).FillPercent = 1.0 // append-only: full pages
	tx.Bucket(bAudit).FillPercent = 1.0
	return &writer{reader: *r, actor: s.opt.Actor, dirty: map[uint32]*mstate{}, byHandle: map[string]*mstate{}, periods: map[int32][3]string{}, newEvents: map[string]struct{}{}}, nil
}

// memberID finds a handle among the members created in this transaction,
// whose index entries wait in idx, then in the index.
func (w *writer) memberID(handle string) (uint32, bool) {
	if ms, ok := w.byHandle[handle]; ok {
		return ms.id, true
	}
	return w.reader.memberID(handle)
}

// load returns the member for change.
func (w *writer) load(handle string) (*mstate, error) {
	if ms, ok := w.byHandle[handle]; ok {
		ms.unused = false
		return ms, nil
	}
	id, ok := w.memberID(handle)
	if !ok {
		return nil, notFound("member", handle)
	}
	ms, err := w.loadID(id)
	if err == nil {
		w.byHandle[handle] = ms
	}
	return ms, err
}

func (w *writer) loadID(id uint32) (*mstate, error) {
	if ms, ok := w.dirty[id]; ok {
		ms.unused = false
		return ms, nil
	}
	v := w.bucket(bMembers).Get(u32key(id))
	if v == nil {
		return nil, fmt.Errorf("%w: no member #%d", ErrNotFound, id)
	}
	st, err := decodeMemberState(v)
	if err != nil {
		return nil, err
	}
	m := st.m
	ms := &mstate{id: id, m: m, orig: m, tail: st.tail, scores: st.scores, boardAll: m.Qualifying, onBoard: true}
	w.dirty[id] = ms
	return ms, nil
}

// activityOf loads the member's activity for change.
func (w *writer) activityOf(ms *mstate) (*model.Activity, error) {
	if ms.act == nil {
		a, _, err := decodeActivity(w.bucket(bActivity).Get(u32key(ms.id)))
		if err != nil {
			return nil, err
		}
		ms.act = &a
	}
	return ms.act, nil
}

// holdsBadge reads through the transaction's cache of the member's badges,
// filled once: pricing asks for every event. The grants still waiting in
// the index writes are all of members whose badges are cached already.
func (w *writer) holdsBadge(ms *mstate, badge string) bool {
	if !ms.badgesLoaded {
		ms.badgesLoaded = true
		prefix := u32key(ms.id)
		c := w.bucket(bBadges).Cursor()
		for k, v := c.Seek(prefix); k != nil && string(k[:4]) == string(prefix); k, v = c.Next() {
			if g, err := decodeGrant(v); err == nil && !g.Revoked {
				ms.badges = append(ms.badges, g.Badge)
			}
		}
	}
	return slices.Contains(ms.badges, badge)
}

// holds is the question NewBadgesAfter asks of a member.
func (w *writer) holds(ms *mstate) func(id string) bool {
	if ms.hasBadge == nil {
		ms.hasBadge = func(id string) bool { return w.holdsBadge(ms, id) }
	}
	return ms.hasBadge
}

// badgesBucket is the badges bucket with this transaction's grants in it:
// grants wait in the index writes, to go in in key order.
func (w *writer) badgesBucket() (*bolt.Bucket, error) {
	if ops := w.idx.byBucket[string(bBadges)]; ops != nil && len(ops.puts)+len(ops.dels) > 0 {
		if err := w.idx.applyTo(w, string(bBadges), ops); err != nil {
			return nil, err
		}
	}
	return w.bucket(bBadges), nil
}

// create adds a new member; the caller has checked the handle is free.
func (w *writer) create(m model.Member) (*mstate, error) {
	seq, err := w.bucket(bMembers).NextSequence()
	if err != nil {
		return nil, err
	}
	if seq > 1<<32-1 {
		return nil, errors.New("too many members")
	}
	id := uint32(seq)
	// The handle index goes in with the other index writes, in key order:
	// a members file lists handles in no order, and put one by one they
	// shifted a node growing through the batch. Until then byHandle finds
	// the member (see memberID).
	w.idx.put(bHandles, []byte(m.Handle), u32key(id))
	if err := addCount(w.bucket(bMeta), kMembers, 1); err != nil {
		return nil, err
	}
	w.tally.day(model.Day(m.Joined)).Joined++
	ms := &mstate{id: id, m: m, isNew: true, act: &model.Activity{}, badgesLoaded: true}
	w.dirty[id] = ms
	w.byHandle[m.Handle] = ms
	// Every member has a place in the all-time ranking, which is also the
	// members list sorted by points, even before they earn anything.
	ms.addBoard(allKey, 0)
	return ms, nil
}

// post appends a ledger entry for the member and applies it to their cached
// numbers and to the leaderboards of the entry's periods.
func (w *writer) post(ms *mstate, e model.Entry) (uint64, error) {
	seq, err := w.bucket(bLedger).NextSequence()
	if err != nil {
		return 0, err
	}
	if e.At.IsZero() {
		e.At = w.now
	}
	// bbolt copies the key, so one buffer serves every entry; it keeps the
	// value until the commit.
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], seq)
	w.scratch = appendEntry(w.scratch[:0], ms.id, e)
	if err := w.bucket(bLedger).Put(key[:], carve(&w.values, w.scratch)); err != nil {
		return 0, err
	}
	ms.m.Balance += e.Points
	ms.m.Held += e.Held
	ms.m.Qualifying += e.Qualifying
	ms.seqs = append(ms.seqs, seq)
	ms.noteEarned(e)
	w.tallyEntry(e)
	if e.Qualifying != 0 {
		for _, p := range boardsOf(e, w.periodsOf(e.At)) {
			if p != "" {
				ms.addBoard(p, e.Qualifying)
			}
		}
	}
	return seq, nil
}

// finish writes every changed member with their indexes, then the
// leaderboards. It runs once, at the end of the transaction.
func (w *writer) finish() error {
	ids := make([]uint32, 0, len(w.dirty))
	for id := range w.dirty {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// The boards first: a member's record keeps their scores.
	if err := w.flushBoards(); err != nil {
		return err
	}
	for _, id := range ids {
		if ms := w.dirty[id]; !ms.unused {
			if err := w.flushMember(ms); err != nil {
				return err
			}
		}
	}
	if err := w.idx.apply(w); err != nil {
		return err
	}
	if !w.deferClose {
		if err := w.closePeriods(); err != nil {
			return err
		}
		if err := w.idx.apply(w); err != nil { // the top-of-month badges it gave
			return err
		}
	}
	return w.flushTallies()
}

func (w *writer) flushMember(ms *mstate) error {
	key := u32key(ms.id)
	if len(ms.seqs) > 0 {
		ms.tail = append(ms.tail, ms.seqs...)
		ms.seqs = nil
		if len(ms.tail) >= tailSize {
			if err := w.putChunk(ms.id, ms.tail); err != nil {
				return err
			}
			ms.tail = nil
		}
	}
	tier, err := w.tierOf(ms)
	if err != nil {
		return err
	}
	ms.m.Tier, ms.m.TierAt = tier, w.now
	w.reindex(ms)
	w.settleScores(ms)
	if err := w.bucket(bMembers).Put(key, encodeMemberState(memberState{ms.m, ms.tail, ms.scores})); err != nil {
		return err
	}
	if ms.act != nil {
		if err := w.bucket(bActivity).Put(key, encodeActivity(ms.act)); err != nil {
			return err
		}
	}
	return nil
}

// tailSize is how many ledger positions a member's activity record keeps
// before they move to the chunks bucket.
const tailSize = 256

// putChunk files a full tail of a member's ledger positions under one key. A
// member's history is thus their chunks, then their tail: an index written
// per entry, in random member order, would cost ten times the ingest.
func (w *writer) putChunk(id uint32, seqs []uint64) error {
	e := enc{b: make([]byte, 0, 2*len(seqs))}
	prev := seqs[0]
	e.u64(uint64(len(seqs)))
	for i, s := range seqs {
		if i == 0 {
			continue
		}
		e.u64(s - prev)
		prev = s
	}
	return w.bucket(bChunks).Put(cat(u32key(id), u64key(seqs[0])), e.b)
}

// tierOf computes the member's tier from their qualifying points in the
// programme's window.
func (w *writer) tierOf(ms *mstate) (int, error) {
	if w.prog.TierWindow.Lifetime() {
		return w.prog.TierFor(ms.m.Qualifying), nil
	}
	from := w.now.AddDate(0, 0, -w.prog.TierWindow.Days)
	var q int64
	err := w.memberEntries(ms, func(e model.Entry) error {
		if !e.At.Before(from) {
			q += e.Qualifying
		}
		return nil
	})
	return w.prog.TierFor(q), err
}

// qualifyingSince sums a member's qualifying points dated at or after from.
func (r *reader) qualifyingSince(id uint32, from time.Time) (int64, error) {
	var sum int64
	err := r.eachEntry(id, func(e model.Entry) error {
		if !e.At.Before(from) {
			sum += e.Qualifying
		}
		return nil
	})
	return sum, err
}

// eachEntry walks a member's ledger entries in the order they were written.
func (r *reader) eachEntry(id uint32, fn func(model.Entry) error) error {
	ledger := r.bucket(bLedger)
	each := func(seqs []uint64) error {
		for _, seq := range seqs {
			_, e, err := decodeEntry(seq, ledger.Get(u64key(seq)))
			if err != nil {
				return fmt.Errorf("ledger entry %d: %w", seq, err)
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	c := r.bucket(bChunks).Cursor()
	prefix := u32key(id)
	for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
		seqs, err := decodeChunk(k, v)
		if err != nil {
			return err
		}
		if err := each(seqs); err != nil {
			return err
		}
	}
	tail, err := r.tailOf(id)
	if err != nil {
		return err
	}
	return each(tail)
}

// tailOf reads the newest ledger positions of a member from their record.
func (r *reader) tailOf(id uint32) ([]uint64, error) {
	st, err := decodeMemberState(r.bucket(bMembers).Get(u32key(id)))
	return st.tail, err
}

func decodeChunk(k, v []byte) ([]uint64, error) {
	if len(k) != 12 {
		return nil, errShort
	}
	first := binary.BigEndian.Uint64(k[4:])
	d := dec{b: v}
	n := d.u64()
	if n == 0 || n > uint64(len(v))+1 {
		return nil, errShort
	}
	seqs := make([]uint64, 0, n)
	seqs = append(seqs, first)
	for i := uint64(1); i < n && d.err == nil; i++ {
		first += d.u64()
		seqs = append(seqs, first)
	}
	return seqs, d.err
}

// reindex keeps the members' sort orders in step with the member.
func (w *writer) reindex(ms *mstate) {
	idk := u32key(ms.id)
	for _, ix := range [...]struct {
		bucket   []byte
		old, new []byte
	}{
		{bByName, nameKey(ms.orig.Name, ms.orig.Handle), nameKey(ms.m.Name, ms.m.Handle)},
		{bByJoined, timeKey(ms.orig.Joined), timeKey(ms.m.Joined)},
		{bByActive, timeKey(ms.orig.LastActive), timeKey(ms.m.LastActive)},
	} {
		if !ms.isNew && string(ix.old) == string(ix.new) {
			continue
		}
		if !ms.isNew {
			w.idx.del(ix.bucket, cat(ix.old, idk))
		}
		w.idx.put(ix.bucket, cat(ix.new, idk), nil)
	}
	was, is := !ms.isNew && ms.orig.Status == model.Banned, ms.m.Status == model.Banned
	switch {
	case is && !was:
		w.idx.put(bBanned, idk, nil)
	case was && !is:
		w.idx.del(bBanned, idk)
	}
}

// indexOps are the index changes of a transaction, applied together in key
// order. bbolt splits its nodes only at commit: keys inserted out of order
// into a node that grows through a large transaction shift it each time,
// which made an import batch quadratic in the members it touched.
type indexOps struct {
	byBucket map[string]*bucketOps
	order    []string // buckets in the order first met
}

type bucketOps struct {
	dels [][]byte
	puts []kv
}

type kv struct{ key, value []byte }

func (o *indexOps) of(bucket []byte) *bucketOps {
	if o.byBucket == nil {
		o.byBucket = map[string]*bucketOps{}
	}
	b, ok := o.byBucket[string(bucket)]
	if !ok {
		b = &bucketOps{}
		o.byBucket[string(bucket)] = b
		o.order = append(o.order, string(bucket))
	}
	return b
}

func (o *indexOps) del(bucket, key []byte) { b := o.of(bucket); b.dels = append(b.dels, key) }

func (o *indexOps) put(bucket, key, value []byte) {
	b := o.of(bucket)
	b.puts = append(b.puts, kv{key, value})
}

func (o *indexOps) apply(w *writer) error {
	for _, name := range o.order {
		if err := o.applyTo(w, name, o.byBucket[name]); err != nil {
			return err
		}
	}
	return nil
}

func (o *indexOps) applyTo(w *writer, name string, ops *bucketOps) error {
	b := w.bucket([]byte(name))
	if !slices.IsSortedFunc(ops.dels, bytes.Compare) {
		slices.SortFunc(ops.dels, bytes.Compare)
	}
	for _, k := range ops.dels {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	byKey := func(a, b kv) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(ops.puts, byKey) {
		slices.SortFunc(ops.puts, byKey)
	}
	for _, p := range ops.puts {
		if err := b.Put(p.key, p.value); err != nil {
			return err
		}
	}
	ops.dels, ops.puts = ops.dels[:0], ops.puts[:0]
	return nil
}

// nameKey orders members by name, case-folded, the handle standing in for
// an empty name. It is cut so that a 10,000-character name stays a short key.
func nameKey(name, handle string) []byte {
	if strings.TrimSpace(name) == "" {
		name = handle
	}
	k := strings.ToLower(name)
	if len(k) > 48 {
		k = k[:48]
	}
	return append([]byte(k), 0)
}

// flushBoards moves each changed score to its new place in the period's
// ranking, in key order.
func (w *writer) flushBoards() error {
	var keys []boardDelta
	for _, ms := range w.dirty {
		keys = append(keys, ms.boards...)
		ms.boards = ms.boards[:0]
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b boardDelta) int {
		if c := strings.Compare(a.period, b.period); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, k := range keys {
		ms := w.dirty[k.id]
		if k.period == allKey {
			w.moveAllTime(ms)
			continue
		}
		old, had := w.scoreOf(ms, k.period)
		if k.delta == 0 && had {
			continue
		}
		if had {
			w.idx.del(bBoard, boardEntryKey(k.period, old, k.id))
		}
		ms.setScore(k.period, old+k.delta)
		w.idx.put(bBoard, boardEntryKey(k.period, old+k.delta, k.id), nil)
	}
	return w.idx.apply(w)
}

// scoreOf is the member's score in a period's ranking: in their record, or
// for an older period of a long history, in the scores bucket, from where it
// moves into the record (settleScores sends it back if it must).
func (w *writer) scoreOf(ms *mstate, period string) (int64, bool) {
	for _, p := range ms.scores {
		if p.period == period {
			return p.score, true
		}
	}
	sk := scoreKey(period, ms.id)
	v := w.bucket(bScores).Get(sk)
	if len(v) != 8 {
		return 0, false
	}
	w.idx.del(bScores, sk)
	score := int64(binary.BigEndian.Uint64(v))
	ms.scores = append(ms.scores, periodScore{period, score})
	return score, true
}

func (ms *mstate) setScore(period string, score int64) {
	for i := range ms.scores {
		if ms.scores[i].period == period {
			ms.scores[i].score = score
			return
		}
	}
	ms.scores = append(ms.scores, periodScore{period, score})
}

// recordScores is how many months, and how many weeks, a member's record
// keeps scores for: this one and the last, which is what a decision
// touches and the closing of a period reads.
const recordScores = 2

// settleScores keeps in the member's record the scores of their newest
// ranked months and weeks; an older period still ranked (a long history
// imported before any month was closed) goes to the scores bucket, and a
// period no longer ranked is forgotten (its board stays as it was).
func (w *writer) settleScores(ms *mstate) {
	if len(ms.scores) == 0 {
		return
	}
	slices.SortFunc(ms.scores, func(a, b periodScore) int { return strings.Compare(b.period, a.period) })
	kept := ms.scores[:0]
	months, weeks := 0, 0
	for _, p := range ms.scores {
		if !w.ranked(p.period) {
			continue
		}
		n := &weeks
		if p.period[0] == 'm' {
			n = &months
		}
		if *n++; *n > recordScores {
			w.idx.put(bScores, scoreKey(p.period, ms.id), u64key(uint64(p.score)))
			continue
		}
		kept = append(kept, p)
	}
	ms.scores = kept
}

// moveAllTime moves the member's place on the all-time board. That board
// ranks qualifying points, which the member record holds, so it needs no
// score of its own: the old place is where the record's points were.
func (w *writer) moveAllTime(ms *mstate) {
	now := ms.m.Qualifying
	if ms.onBoard {
		if ms.boardAll == now {
			return
		}
		w.idx.del(bBoard, boardEntryKey(allKey, ms.boardAll, ms.id))
	}
	w.idx.put(bBoard, boardEntryKey(allKey, now, ms.id), nil)
	ms.boardAll, ms.onBoard = now, true
}

// periodsOf is periodsOf(t), remembered per day, with the month or week
// left blank when nothing will ever read its board: a week before last
// week, a month before last month that has already been closed. Importing
// ten years of history would otherwise write five hundred weekly rankings
// that no screen shows.
func (w *writer) periodsOf(t time.Time) [3]string {
	day := model.Day(t)
	if p, ok := w.periods[day]; ok {
		return p
	}
	p := periodsOf(t)
	for i := 1; i < len(p); i++ {
		if !w.ranked(p[i]) {
			p[i] = ""
		}
	}
	w.periods[day] = p
	return p
}

// ranked says whether a month's or a week's ranking is still kept up to
// date (see periodsOf).
func (w *writer) ranked(period string) bool {
	if w.keepMonth == "" {
		_, w.keepWeek = periodKeys(ThisWeek, w.now)
		_, w.keepMonth = periodKeys(ThisMonth, w.now)
		closed := string(w.bucket(bMeta).Get(kClosedMonth))
		switch {
		case closed == "":
			w.keepMonth = "m" // no month closed yet: each will be, so keep them all
		case closed < w.keepMonth:
			w.keepMonth = closed
		}
	}
	if strings.HasPrefix(period, "m") {
		return period >= w.keepMonth
	}
	return period >= w.keepWeek
}

func scoreKey(period string, id uint32) []byte {
	return cat([]byte(period), []byte{0}, u32key(id))
}

// boardEntryKey sorts the highest score first: the score is inverted (and
// offset so negative scores sort after every positive one).
func boardEntryKey(period string, score int64, id uint32) []byte {
	inv := ^(uint64(score) ^ (1 << 63))
	return cat([]byte(period), []byte{0}, u64key(inv), u32key(id))
}

func boardScore(k []byte, prefixLen int) (int64, uint32) {
	inv := binary.BigEndian.Uint64(k[prefixLen:])
	score := int64((^inv) ^ (1 << 63))
	return score, binary.BigEndian.Uint32(k[prefixLen+8:])
}
