package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"

	"steward/model"
)

// CheckReport is what check found: every violation of bbolt's own
// consistency and of the domain's invariants, and the audit chain's head.
type CheckReport struct {
	Violations []string
	// Unread says that the file's pages or keys are too damaged for its
	// records to be read: the counts below are then not the community's.
	Unread  bool
	Members int
	Entries int
	Audit   int
	Head    string // the audit chain's head hash, hex
}

// OK reports whether nothing is wrong.
func (c CheckReport) OK() bool { return len(c.Violations) == 0 }

const maxViolations = 200

func (c *CheckReport) add(format string, args ...any) {
	if len(c.Violations) < maxViolations {
		c.Violations = append(c.Violations, fmt.Sprintf(format, args...))
	} else if len(c.Violations) == maxViolations {
		c.Violations = append(c.Violations, "… and more")
	}
}

// Check proves the file: bbolt's page consistency, then that every cached
// number equals what the ledger and the records say, that every index holds
// exactly what its data says, and that the audit chain is unbroken.
func (s *Store) Check() (CheckReport, error) {
	var rep CheckReport
	err := s.view(func(r *reader) error {
		// Read every page from the disk first (see pages.go): bbolt's own
		// check runs in a goroutine of its own, where a key or a page id
		// pointing past the end of the file would fault beyond the
		// store's guard, and a loop of pages would never end.
		if problems := r.checkPages(s.path); len(problems) > 0 {
			for _, p := range problems {
				rep.add("the file is damaged: %s", p)
			}
			rep.Unread = true
			return nil
		}
		if !r.checkKeyWidths(&rep) {
			rep.Unread = true
			return nil
		}
		for err := range r.tx.Check() {
			rep.add("bbolt: %v", err)
		}
		return r.checkRecords(&rep)
	})
	return rep, err
}

// checkRecords checks the domain's invariants. The pages and the key
// widths are sound by now, but a record can still hold what steward never
// writes — a count that outruns its record, a key of a ranking cut short —
// and a check that meets one where its reading assumes steward's own
// shapes stops there with a violation that says so, rather than with an
// internal error: check is the command run on a file suspected of damage.
func (r *reader) checkRecords(rep *CheckReport) (err error) {
	defer func() {
		if x := recover(); x != nil {
			p := caught(x)
			rep.add("the file is damaged, or this is a bug in steward: check stopped at a record it cannot read (%s in %s)", p.what, p.where)
			err = nil
		}
	}()
	if r.empty() {
		return nil
	}
	sums, err := r.checkLedger(rep)
	if err != nil {
		return err
	}
	if err := r.checkMembers(rep, sums); err != nil {
		return err
	}
	if err := r.checkRequests(rep, sums); err != nil {
		return err
	}
	if err := r.checkCases(rep); err != nil {
		return err
	}
	if err := r.checkBoards(rep, sums); err != nil {
		return err
	}
	r.checkTallies(rep)
	return r.checkAudit(rep)
}

// fixedKeys are the buckets whose keys have one width, which the checks
// after this one decode without asking.
var fixedKeys = []struct {
	bucket []byte
	width  int
}{{bMembers, 4}, {bActivity, 4}, {bLedger, 8}, {bChunks, 12}, {bCases, 8}, {bAudit, 8}}

// checkKeyWidths reports keys of the wrong width in the buckets that have
// fixed-width keys: a record steward never wrote, which the later checks
// would misread.
func (r *reader) checkKeyWidths(rep *CheckReport) bool {
	ok := true
	for _, f := range fixedKeys {
		b := r.bucket(f.bucket)
		if b == nil {
			continue // a file no write has finished yet
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != f.width {
				rep.add("the file is damaged: bucket %s holds the key %x of %d bytes, where every key has %d", f.bucket, k, len(k), f.width)
				ok = false
			}
		}
	}
	return ok
}

// checkPages checks the pages of the file the transaction reads (see
// pages.go).
func (r *reader) checkPages(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	ps := r.tx.DB().Info().PageSize
	return checkPages(f, ps, r.tx.Size()/int64(ps), uint64(r.tx.ID()))
}

// sums are what the ledger says of each member.
type sums struct {
	balance, held, qualifying int64
	entries                   int
	periods                   map[string]int64 // recent periods only
}

// checkLedger walks the ledger once, summing per member, and checks that
// each entry is listed in exactly one of its member's chunks.
func (r *reader) checkLedger(rep *CheckReport) (map[uint32]*sums, error) {
	out := map[uint32]*sums{}
	recent := map[string]bool{}
	for _, p := range []Period{ThisMonth, ThisWeek} {
		cur, prev := periodKeys(p, r.now)
		recent[cur], recent[prev] = true, true
	}
	owner := map[uint64]uint32{}
	// claim checks that a member's history lists only their own entries,
	// each once.
	claim := func(id uint32, seqs []uint64) {
		for _, seq := range seqs {
			o, ok := owner[seq]
			switch {
			case !ok:
				rep.add("member #%d's history lists ledger entry %d, which does not exist or is listed twice", id, seq)
			case o != id:
				rep.add("member #%d's history lists ledger entry %d of member #%d", id, seq, o)
			}
			delete(owner, seq)
		}
	}
	err := r.bucket(bLedger).ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		id, e, err := decodeEntry(seq, v)
		if err != nil {
			rep.add("ledger entry %d: %v", seq, err)
			return nil
		}
		s := out[id]
		if s == nil {
			s = &sums{periods: map[string]int64{}}
			out[id] = s
		}
		s.balance += e.Points
		s.held += e.Held
		s.qualifying += e.Qualifying
		s.entries++
		if e.Qualifying != 0 {
			for _, p := range boardsOf(e, periodsOf(e.At))[1:] {
				if recent[p] {
					s.periods[p] += e.Qualifying
				}
			}
		}
		owner[seq] = id
		rep.Entries++
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = r.bucket(bChunks).ForEach(func(k, v []byte) error {
		seqs, err := decodeChunk(k, v)
		if err != nil {
			rep.add("chunk %x: %v", k, err)
			return nil
		}
		claim(binary.BigEndian.Uint32(k[:4]), seqs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = r.bucket(bMembers).ForEach(func(k, v []byte) error {
		st, err := decodeMemberState(v)
		if err != nil {
			return nil // checkMembers says so
		}
		claim(be32(k), st.tail)
		return nil
	})
	for seq, id := range owner {
		rep.add("ledger entry %d of member #%d is in no member's history", seq, id)
	}
	return out, err
}

func (r *reader) checkMembers(rep *CheckReport, ledger map[uint32]*sums) error {
	handles := r.bucket(bHandles)
	activity := r.bucket(bActivity)
	byName, byJoined, byActive := r.bucket(bByName), r.bucket(bByJoined), r.bucket(bByActive)
	banned, listed := r.bucket(bBanned), 0
	err := r.bucket(bMembers).ForEach(func(k, v []byte) error {
		id := binary.BigEndian.Uint32(k)
		m, err := decodeMember(v)
		if err != nil {
			rep.add("member #%d: %v", id, err)
			return nil
		}
		rep.Members++
		h := m.Handle
		if got := handles.Get([]byte(h)); !bytes.Equal(got, k) {
			rep.add("%s: the handle index points to %x, not to #%d", h, got, id)
		}
		s := ledger[id]
		if s == nil {
			s = &sums{}
		}
		if m.Balance != s.balance {
			rep.add("%s: balance %d but the ledger sums to %d", h, m.Balance, s.balance)
		}
		if m.Held != s.held {
			rep.add("%s: %d points held but the ledger holds %d", h, m.Held, s.held)
		}
		if m.Qualifying != s.qualifying {
			rep.add("%s: %d qualifying points but the ledger sums to %d", h, m.Qualifying, s.qualifying)
		}
		if m.Balance-m.Held < 0 {
			rep.add("%s: balance %d minus held %d is negative", h, m.Balance, m.Held)
		}
		if want, err := r.tierAt(id, m); err != nil {
			return err
		} else if m.Tier != want {
			rep.add("%s: tier %s but their points make %s", h, r.prog.TierName(m.Tier), r.prog.TierName(want))
		}
		if _, _, err := decodeActivity(activity.Get(k)); err != nil {
			rep.add("%s: activity: %v", h, err)
		}
		for _, ix := range []struct {
			name string
			b    interface{ Get([]byte) []byte }
			key  []byte
		}{
			{"name", byName, cat(nameKey(m.Name, m.Handle), k)},
			{"joined", byJoined, cat(timeKey(m.Joined), k)},
			{"last active", byActive, cat(timeKey(m.LastActive), k)},
		} {
			if ix.b.Get(ix.key) == nil {
				rep.add("%s: missing from the %s index", h, ix.name)
			}
		}
		if is := banned.Get(k) != nil; is != (m.Status == model.Banned) {
			rep.add("%s: the list of banned members says %v, the member's status is %s", h, is, m.Status)
		}
		if m.Status == model.Banned {
			listed++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := banned.Stats().KeyN; n != listed {
		rep.add("the list of banned members has %d entries for %d banned members", n, listed)
	}
	if n := r.count(kMembers); n != rep.Members {
		rep.add("the member counter says %d, there are %d", n, rep.Members)
	}
	if n := handles.Stats().KeyN; n != rep.Members {
		rep.add("the handle index has %d entries for %d members", n, rep.Members)
	}
	for _, ix := range []struct {
		name   string
		bucket []byte
	}{{"name", bByName}, {"joined", bByJoined}, {"last active", bByActive}} {
		if n := r.bucket(ix.bucket).Stats().KeyN; n != rep.Members {
			rep.add("the %s index has %d entries for %d members", ix.name, n, rep.Members)
		}
	}
	return nil
}

// tierAt is the tier a member's points make, as of when it was computed.
func (r *reader) tierAt(id uint32, m model.Member) (int, error) {
	if r.prog.TierWindow.Lifetime() {
		return r.prog.TierFor(m.Qualifying), nil
	}
	at := m.TierAt
	if at.IsZero() {
		at = r.now
	}
	q, err := r.qualifyingSince(id, at.AddDate(0, 0, -r.prog.TierWindow.Days))
	return r.prog.TierFor(q), err
}

func (r *reader) checkRequests(rep *CheckReport, ledger map[uint32]*sums) error {
	held := map[string]int64{}
	pending := 0
	pendingIdx := r.bucket(bPending)
	err := r.bucket(bRequests).ForEach(func(k, v []byte) error {
		req, err := decodeRequest(v)
		if err != nil {
			rep.add("request %s: %v", k, err)
			return nil
		}
		inQueue := pendingIdx.Get(pendingKey(req)) != nil
		if req.Status == model.Pending {
			pending++
			held[req.Member] += req.Cost
			if !inQueue {
				rep.add("request %s is pending but not in the approvals queue", req.ID)
			}
		} else if inQueue {
			rep.add("request %s is %s but still in the approvals queue", req.ID, req.Status)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := pendingIdx.Stats().KeyN; n != pending {
		rep.add("the approvals queue has %d entries for %d pending requests", n, pending)
	}
	if n := r.count(kPending); n != pending {
		rep.add("the pending counter says %d, there are %d", n, pending)
	}
	for h, want := range held {
		id, ok := r.memberID(h)
		if !ok {
			rep.add("a pending request names %s, who does not exist", h)
			continue
		}
		if s := ledger[id]; s == nil || s.held != want {
			got := int64(0)
			if s != nil {
				got = s.held
			}
			rep.add("%s: pending requests hold %d points, the ledger holds %d", h, want, got)
		}
	}
	for id, s := range ledger {
		if s.held != 0 {
			m, err := r.memberByID(id)
			if err == nil && held[m.Handle] == 0 {
				rep.add("%s: the ledger holds %d points for no pending request", m.Handle, s.held)
			}
		}
	}
	return r.bucket(bStock).ForEach(func(k, v []byte) error {
		if n := stockOf(v); n < 0 {
			rep.add("reward %s: stock is negative (%d)", k, n)
		}
		return nil
	})
}

func (r *reader) checkCases(rep *CheckReport) error {
	open := 0
	openIdx := r.bucket(bOpen)
	err := r.bucket(bCases).ForEach(func(k, v []byte) error {
		c, err := decodeCase(v)
		if err != nil {
			rep.add("case %x: %v", k, err)
			return nil
		}
		queued := openIdx.Get(openKey(c)) != nil
		switch {
		case c.Status == model.Open && !queued:
			rep.add("case #%d is open but not in the reports queue", c.ID)
		case c.Status != model.Open && queued:
			rep.add("case #%d is %s but still in the reports queue", c.ID, c.Status)
		}
		if c.Status == model.Open {
			open++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := openIdx.Stats().KeyN; n != open {
		rep.add("the reports queue has %d entries for %d open cases", n, open)
	}
	if n := r.count(kOpen); n != open {
		rep.add("the open-reports counter says %d, there are %d", n, open)
	}
	return nil
}

// checkBoards checks that every member stands on the all-time board at
// their qualifying points, that the recent periods' scores agree with the
// ledger, and that each score has exactly one place in its ranking.
func (r *reader) checkBoards(rep *CheckReport, ledger map[uint32]*sums) error {
	scores, board := r.bucket(bScores), r.bucket(bBoard)
	recent := map[string]int{} // recent period → scores found for it
	for _, p := range []Period{ThisMonth, ThisWeek} {
		cur, prev := periodKeys(p, r.now)
		recent[cur], recent[prev] = 0, 0
	}
	kept := map[string]bool{} // period + member id, for scores kept twice
	score := func(period string, id uint32, score int64) {
		if board.Get(boardEntryKey(period, score, id)) == nil {
			rep.add("member #%d's %s score %d has no place in the ranking", id, period, score)
		}
		s := ledger[id]
		if s == nil {
			s = &sums{}
		}
		if n, ok := recent[period]; ok {
			recent[period] = n + 1
			if want := s.periods[period]; score != want {
				rep.add("member #%d's %s score is %d, the ledger says %d", id, period, score, want)
			}
		}
		k := string(scoreKey(period, id))
		if kept[k] {
			rep.add("member #%d's %s score is kept twice", id, period)
		}
		kept[k] = true
	}
	err := r.bucket(bMembers).ForEach(func(k, v []byte) error {
		st, err := decodeMemberState(v)
		if err != nil {
			return nil // checkMembers says so
		}
		for _, p := range st.scores {
			score(p.period, be32(k), p.score)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = scores.ForEach(func(k, v []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 || len(k) != i+5 || len(v) != 8 {
			rep.add("score key %x is malformed", k)
			return nil
		}
		score(string(k[:i]), binary.BigEndian.Uint32(k[i+1:]), int64(binary.BigEndian.Uint64(v)))
		return nil
	})
	if err != nil {
		return err
	}
	for period, n := range recent {
		places := 0
		prefix := []byte(period + "\x00")
		c := board.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			places++
		}
		if places != n {
			rep.add("the %s ranking holds %d places for %d scores", period, places, n)
		}
	}
	members := r.bucket(bMembers)
	allTime := 0
	c := board.Cursor()
	prefix := []byte(allKey + "\x00")
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		allTime++
		if len(k) != len(prefix)+12 {
			rep.add("the all-time ranking has a key of %d bytes: %x", len(k), k)
			continue
		}
		score, id := boardScore(k, len(prefix))
		m, err := decodeMember(members.Get(u32key(id)))
		if err != nil {
			rep.add("the all-time ranking has member #%d, who does not exist", id)
			continue
		}
		if m.Qualifying != score {
			rep.add("%s stands at %d on the all-time ranking but has %d qualifying points", m.Handle, score, m.Qualifying)
		}
	}
	if n := members.Stats().KeyN; allTime != n {
		rep.add("the all-time ranking has %d places for %d members", allTime, n)
	}
	return nil
}

// checkAudit verifies the hash chain: each entry's hash covers its content
// and the hash before it, and the numbers run without a gap.
func (r *reader) checkAudit(rep *CheckReport) error {
	var prev [32]byte
	var want uint64 = 1
	err := r.bucket(bAudit).ForEach(func(k, v []byte) error {
		pos := binary.BigEndian.Uint64(k)
		rep.Audit++
		a, err := decodeAudit(v)
		if err != nil {
			rep.add("audit entry %d: %v", pos, err)
			return nil
		}
		if pos != want {
			rep.add("audit entry %d: expected entry %d here (entries removed?)", pos, want)
		}
		if a.Seq != pos {
			rep.add("audit entry %d: it says it is entry %d (moved?)", pos, a.Seq)
		}
		if a.PrevHash != prev {
			rep.add("audit entry %d: does not follow the entry before it (removed, reordered or edited)", pos)
		}
		if sha256.Sum256(encodeAuditBody(a)) != a.Hash {
			rep.add("audit entry %d: its content does not match its hash (edited)", pos)
		}
		prev = a.Hash
		want = pos + 1
		return nil
	})
	if err != nil {
		return err
	}
	// Numbers are given out by the bucket's sequence, kept apart from the
	// entries: entries removed from the end leave it ahead of the last.
	if given := r.bucket(bAudit).Sequence(); given != want-1 {
		rep.add("the audit log has given out %d entries but its last is entry %d (entries removed from the end?)", given, want-1)
	}
	rep.Head = HashHex(prev)
	return nil
}
