package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/model"
)

// SchemaVersion is the layout of the file this steward writes. A file with
// a higher version was written by a newer steward and is refused; a lower
// one is migrated after a backup.
const SchemaVersion = 4

// The buckets. Keys are fixed-width big-endian where order matters, so a
// cursor walk is the index scan the screens need.
var (
	bMeta     = []byte("meta")
	bMembers  = []byte("members")  // member id (4) → member
	bHandles  = []byte("handles")  // handle → member id (4)
	bActivity = []byte("activity") // member id (4) → activity
	bEvents   = []byte("events")   // event id → ledger seq, ref: the idempotency key
	bLedger   = []byte("ledger")   // seq (8) → entry, append-only
	bChunks   = []byte("chunks")   // member id (4) + first seq (8) → the member's seqs of one transaction
	bScores   = []byte("scores")   // period + 0 + member id (4) → score
	bBoard    = []byte("board")    // period + 0 + ^score (8) + member id (4) → ∅
	bRanks    = []byte("ranks")    // period + 0 + member id (4) → rank when the period closed
	bByName   = []byte("by_name")  // folded name + 0 + member id (4) → ∅
	bByJoined = []byte("by_joined")
	bByActive = []byte("by_active")
	bRequests = []byte("requests")        // request id → request
	bPending  = []byte("pending")         // time (8) + request id → ∅: the approvals queue
	bMemReqs  = []byte("member_requests") // member id (4) + time (8) + request id → ∅
	bStock    = []byte("stock")           // reward id → items left (absent: unlimited)
	bCases    = []byte("cases")           // case id (8) → case
	bOpen     = []byte("open_cases")      // ^priority (4) + first time (8) + case id (8) → ∅: the reports queue
	bContent  = []byte("case_by_content") // subject id (4) + content → case id (8)
	bReportID = []byte("report_ids")      // report id → case id (8): the idempotency key
	bReporter = []byte("reporter_open")   // reporter id (4) + case id (8) → ∅, open cases only
	bSubject  = []byte("subject_cases")   // subject id (4) + case id (8) → status
	bNotes    = []byte("notes")           // member id (4) + seq (8) → note
	bBadges   = []byte("badges")          // member id (4) + badge id → grant
	bSanction = []byte("sanctions")       // member id (4) + seq (8) → sanction
	bAudit    = []byte("audit")           // seq (8) → entry, hash-chained
	bUndone   = []byte("undone")          // audit seq (8) → ∅: the actions undone
	bBanned   = []byte("banned")          // member id (4) → ∅: the banned members, few
)

var allBuckets = [][]byte{bMeta, bMembers, bHandles, bActivity, bEvents, bLedger, bChunks,
	bScores, bBoard, bRanks, bByName, bByJoined, bByActive, bRequests, bPending, bMemReqs,
	bStock, bCases, bOpen, bContent, bReportID, bReporter, bSubject, bNotes, bBadges,
	bSanction, bAudit, bUndone, bTallies, bBanned}

// bUndoable was schema 1's list of the actions not undone yet, by actor:
// actor + 0 + seq (8) → ∅. Every decision wrote to it.
var bUndoable = []byte("undoable")

// Keys of the meta bucket.
var (
	kSchema      = []byte("schema")
	kProgramme   = []byte("programme")
	kProgRev     = []byte("programme_rev")
	kStockRev    = []byte("stock_rev")
	kMembers     = []byte("count_members")
	kPending     = []byte("count_pending")
	kOpen        = []byte("count_open")
	kAuditHead   = []byte("audit_head") // schema 1 only
	kClosedMonth = []byte("closed_month")
	kClosedWeek  = []byte("closed_week")
	kCreated     = []byte("created")
)

func getU64(b *bolt.Bucket, k []byte) uint64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func putU64(b *bolt.Bucket, k []byte, v uint64) error {
	return b.Put(k, u64key(v))
}

func addCount(b *bolt.Bucket, k []byte, delta int64) error {
	return putU64(b, k, uint64(int64(getU64(b, k))+delta))
}

// schemaOf reads the version of an open file: 0 for a file no steward has
// written yet.
func schemaOf(tx *bolt.Tx) uint64 {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return 0
	}
	return getU64(meta, kSchema)
}

// migrations take a file from version k to k+1. Version 0 is an empty file.
var migrations = map[uint64]func(tx *bolt.Tx, now time.Time) error{
	0: initSchema,
	1: decisionsWriteLess,
	2: tallied,
	3: bannedListed,
}

func initSchema(tx *bolt.Tx, now time.Time) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bMeta)
	if meta.Get(kProgramme) == nil {
		if err := putProgramme(tx, model.Default()); err != nil {
			return err
		}
		if err := meta.Put(kCreated, timeKey(now)); err != nil {
			return err
		}
	}
	return nil
}

// decisionsWriteLess is schema 2: a member's newest ledger positions move
// from their activity record to their member record (and their scores in
// the current rankings join them there, as they are next written); the
// audit chain's head is no longer copied into the meta bucket (it is the
// newest entry's hash); and instead of listing every action not undone
// yet, the file lists the few that were. An award then writes the member's
// record alone, not their activity, their scores, the meta bucket and an
// index besides: each page a transaction dirties costs about as much to
// write as the raw put it is measured against.
func decisionsWriteLess(tx *bolt.Tx, _ time.Time) error {
	members, activity := tx.Bucket(bMembers), tx.Bucket(bActivity)
	type rewrite struct{ key, member, activity []byte }
	var out []rewrite
	err := members.ForEach(func(k, v []byte) error {
		st, err := decodeMemberState(v)
		if err != nil {
			return fmt.Errorf("member #%d: %w", be32(k), err)
		}
		a, tail, err := decodeActivity(activity.Get(k))
		if err != nil {
			return fmt.Errorf("activity of member #%d: %w", be32(k), err)
		}
		if tail != nil {
			st.tail = tail
		}
		out = append(out, rewrite{append([]byte(nil), k...), encodeMemberState(st), encodeActivity(&a)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range out {
		if err := members.Put(r.key, r.member); err != nil {
			return err
		}
		if err := activity.Put(r.key, r.activity); err != nil {
			return err
		}
	}
	undone, err := tx.CreateBucketIfNotExists(bUndone)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
		a, err := decodeAudit(v)
		if err != nil {
			return fmt.Errorf("audit entry %d: %w", be64(k), err)
		}
		if a.Undoes != 0 {
			return undone.Put(u64key(a.Undoes), nil)
		}
		return nil
	}); err != nil {
		return err
	}
	if tx.Bucket(bUndoable) != nil {
		if err := tx.DeleteBucket(bUndoable); err != nil {
			return err
		}
	}
	return tx.Bucket(bMeta).Delete(kAuditHead)
}

// prepare brings a freshly opened writable file to SchemaVersion, writing a
// backup beside it first when there is data to migrate.
func (s *Store) prepare(db *bolt.DB) error {
	var version uint64
	var hasData bool
	if err := db.View(func(tx *bolt.Tx) error {
		version = schemaOf(tx)
		hasData = tx.Bucket(bMeta) != nil
		return nil
	}); err != nil {
		return err
	}
	if version > SchemaVersion {
		return fileErr(TooNew, s.path, nil, "written by a newer steward (schema %d; this one reads up to %d): upgrade steward", version, SchemaVersion)
	}
	if version == SchemaVersion {
		return nil
	}
	if hasData {
		backup := s.besideName(fmt.Sprintf("schema%d", version))
		if err := backupTo(db, backup); err != nil {
			return fileErr(Unusable, s.path, err, "cannot write the backup before migrating: %v", err)
		}
		s.notice("migrating %s from schema %d to %d; backup written to %s", s.path, version, SchemaVersion, backup)
	}
	return db.Update(func(tx *bolt.Tx) error {
		for v := schemaOf(tx); v < SchemaVersion; v++ {
			step, ok := migrations[v]
			if !ok {
				return fmt.Errorf("no migration from schema %d", v)
			}
			if err := step(tx, s.Now()); err != nil {
				return fmt.Errorf("migrating from schema %d: %w", v, err)
			}
			if err := putU64(tx.Bucket(bMeta), kSchema, v+1); err != nil {
				return err
			}
		}
		return nil
	})
}

// notice tells the person at the terminal about something the store did on
// its own, such as a migration.
func (s *Store) notice(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "steward: "+format+"\n", args...)
}

// programmeFile is how the programme is kept in the file: JSON of the model
// type, read once per change (the revision counter says when).
func putProgramme(tx *bolt.Tx, p model.Programme) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	meta := tx.Bucket(bMeta)
	if err := meta.Put(kProgramme, raw); err != nil {
		return err
	}
	stock := tx.Bucket(bStock)
	for _, r := range p.Rewards {
		if r.Stock == model.Unlimited {
			if err := stock.Delete([]byte(r.ID)); err != nil {
				return err
			}
			continue
		}
		if err := putU64(stock, []byte(r.ID), uint64(r.Stock)); err != nil {
			return err
		}
	}
	if err := putU64(meta, kStockRev, getU64(meta, kStockRev)+1); err != nil {
		return err
	}
	return putU64(meta, kProgRev, getU64(meta, kProgRev)+1)
}

// programme returns the file's programme with the stock as it is now,
// parsing it again only when another process changed it: the programme
// and the stock each carry a revision counter, so a reader's start costs
// two reads of the meta bucket.
func (s *Store) programme(tx *bolt.Tx) (model.Programme, error) {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return model.Default(), nil
	}
	rev, stockRev := getU64(meta, kProgRev), getU64(meta, kStockRev)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.progOK && s.progRev == rev && s.stockRev == stockRev {
		return s.prog, nil
	}
	var p model.Programme
	if err := json.Unmarshal(meta.Get(kProgramme), &p); err != nil {
		return p, fileErr(Damaged, s.path, err, "the stored programme is damaged: %v", err)
	}
	stock := tx.Bucket(bStock)
	for i, r := range p.Rewards {
		if v := stock.Get([]byte(r.ID)); len(v) == 8 {
			p.Rewards[i].Stock = int64(binary.BigEndian.Uint64(v))
		} else if v != nil {
			return p, fileErr(Damaged, s.path, nil, "the stock of reward %q is damaged (%d bytes, not 8)", r.ID, len(v))
		} else {
			p.Rewards[i].Stock = model.Unlimited
		}
	}
	s.prog, s.progRev, s.stockRev, s.progOK = p, rev, stockRev, true
	return p, nil
}

// setStock changes a reward's stock and tells every process's cached
// programme so.
func setStock(tx *bolt.Tx, reward string, n int64) error {
	if err := putU64(tx.Bucket(bStock), []byte(reward), uint64(n)); err != nil {
		return err
	}
	meta := tx.Bucket(bMeta)
	return putU64(meta, kStockRev, getU64(meta, kStockRev)+1)
}
