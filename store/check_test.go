package store

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"steward/model"
)

// Check against data damaged on purpose, through a raw bbolt handle on the
// file (the store holds none between operations).

// rtCorrupt runs fn in a write transaction on the store's file directly.
func rtCorrupt(t testing.TB, s *Store, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(s.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// rtCheckCommunity: three members, events, a pending request, a case, an
// award: eight audit entries or so.
func rtCheckCommunity(t testing.TB) *Store {
	t.Helper()
	s := rtExportCommunity(t)
	mustCheck(t, s)
	return s
}

func rtViolations(t testing.TB, s *Store) []string {
	t.Helper()
	rep, err := s.Check()
	rtOK(t, err)
	return rep.Violations
}

func rtWantViolations(t testing.TB, s *Store, want ...string) {
	t.Helper()
	got := rtViolations(t, s)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n got  %q\n want %q", got, want)
	}
}

func rtAuditLen(t testing.TB, s *Store) int {
	t.Helper()
	_, n := rtCounts(t, s)
	return n
}

func TestCheckCachedBalance(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		id := tx.Bucket(bHandles).Get([]byte("carol"))
		st, err := decodeMemberState(tx.Bucket(bMembers).Get(id))
		if err != nil {
			return err
		}
		st.m.Balance += 7
		return tx.Bucket(bMembers).Put(id, encodeMemberState(st))
	})
	rtWantViolations(t, s, "carol: balance 327 but the ledger sums to 320")
}

func TestCheckCachedHeldAndQualifying(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtRequests(t, s, "q9,carol,sticker-pack,2026-11-20T10:00:00Z")
	mustCheck(t, s)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		id := tx.Bucket(bHandles).Get([]byte("carol"))
		st, err := decodeMemberState(tx.Bucket(bMembers).Get(id))
		if err != nil {
			return err
		}
		st.m.Held, st.m.Qualifying = 0, 1000
		return tx.Bucket(bMembers).Put(id, encodeMemberState(st))
	})
	rtWantViolations(t, s,
		"carol: 0 points held but the ledger holds 150",
		"carol: 1000 qualifying points but the ledger sums to 320",
		"carol: tier Experienced but their points make Professional", // the cached points
		"carol stands at 320 on the all-time ranking but has 1000 qualifying points",
	)
}

func TestCheckMissingIndexEntry(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		id := tx.Bucket(bHandles).Get([]byte("bob"))
		m, err := decodeMember(tx.Bucket(bMembers).Get(id))
		if err != nil {
			return err
		}
		return tx.Bucket(bByName).Delete(cat(nameKey(m.Name, m.Handle), id))
	})
	rtWantViolations(t, s, "bob: missing from the name index", "the name index has 2 entries for 3 members")
}

func TestCheckMissingQueueEntry(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		c := tx.Bucket(bOpen).Cursor()
		k, _ := c.First()
		return tx.Bucket(bOpen).Delete(k)
	})
	rtWantViolations(t, s, "case #1 is open but not in the reports queue", "the reports queue has 0 entries for 1 open cases")
}

func TestCheckEditedAuditSummary(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		a, err := decodeAudit(b.Get(u64key(3)))
		if err != nil {
			return err
		}
		a.Summary = "nothing happened here"
		return b.Put(u64key(3), encodeAudit(a))
	})
	rtWantViolations(t, s, "audit entry 3: its content does not match its hash (edited)")
}

func TestCheckRemovedAuditEntry(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(u64key(3)) })
	rtWantViolations(t, s,
		"audit entry 4: expected entry 3 here (entries removed?)",
		"audit entry 4: does not follow the entry before it (removed, reordered or edited)",
	)
}

func TestCheckRemovedLastAuditEntry(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	n := rtAuditLen(t, s)
	rtCorrupt(t, s, func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(u64key(uint64(n))) })
	rtWantViolations(t, s, fmt.Sprintf("the audit log has given out %d entries but its last is entry %d (entries removed from the end?)", n, n-1))
}

func TestCheckSwappedAuditEntries(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		two := append([]byte(nil), b.Get(u64key(2))...)
		three := append([]byte(nil), b.Get(u64key(3))...)
		if err := b.Put(u64key(2), three); err != nil {
			return err
		}
		return b.Put(u64key(3), two)
	})
	rtWantViolations(t, s,
		"audit entry 2: it says it is entry 3 (moved?)",
		"audit entry 2: does not follow the entry before it (removed, reordered or edited)",
		"audit entry 3: it says it is entry 2 (moved?)",
		"audit entry 3: does not follow the entry before it (removed, reordered or edited)",
		"audit entry 4: does not follow the entry before it (removed, reordered or edited)",
	)
}

// Re-signing an edited entry does not help: the next one no longer follows.
func TestCheckResignedAuditEntry(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		a, err := decodeAudit(b.Get(u64key(3)))
		if err != nil {
			return err
		}
		a.Summary = "nothing happened here"
		a.Hash = sha256Sum(encodeAuditBody(a))
		return b.Put(u64key(3), encodeAudit(a))
	})
	rtWantViolations(t, s, "audit entry 4: does not follow the entry before it (removed, reordered or edited)")
}

func TestCheckLedgerEntryLeftOutOfTheHistory(t *testing.T) {
	t.Parallel()
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		b := tx.Bucket(bLedger)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		id := tx.Bucket(bHandles).Get([]byte("bob"))
		e := rtEntryOf(1, "bob")
		return b.Put(u64key(seq), encodeEntry(be32(id), e))
	})
	got := strings.Join(rtViolations(t, s), "\n")
	for _, want := range []string{"is in no member's history", "bob: balance 15 but the ledger sums to 16"} {
		if !strings.Contains(got, want) {
			t.Errorf("violations do not say %q:\n%s", want, got)
		}
	}
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// rtEntryOf is a stray ledger entry of points for handle.
func rtEntryOf(points int64, handle string) model.Entry {
	return model.Entry{Member: handle, At: t0, Type: model.Awarded, Points: points, Rule: "award", Why: "forged"}
}
