package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"steward/ingest"
)

// An older file is migrated by the first write, after a backup beside it;
// the data survives and check passes.
func TestOlderSchemaMigratesAfterABackup(t *testing.T) {
	s, _ := newStore(t)
	importText(t, s, ingest.Members, "handle\nalice\nbob\n")
	if _, err := s.Award("alice", 40, "welcome party"); err != nil {
		t.Fatal(err)
	}
	s.Release()
	downgradeToSchema1(t, s.Path())
	if _, err := s.Award("bob", 5, "thanks"); err != nil {
		t.Fatalf("the write on an older file: %v", err)
	}
	s.Release()
	backups, _ := filepath.Glob(s.Path() + ".schema*.bak")
	if len(backups) != 1 {
		t.Fatalf("backups beside the database: %v, want one", backups)
	}
	if got := readSchema(t, s.Path()); got != SchemaVersion {
		t.Fatalf("schema after the write: %d, want %d", got, SchemaVersion)
	}
	if m := member(t, s, "alice"); m.Balance != 50 {
		t.Fatalf("alice's balance after the migration: %d, want 50", m.Balance)
	}
	mustCheck(t, s)
	old := Open(backups[0], Options{})
	if m := member(t, old, "alice"); m.Balance != 50 {
		t.Fatalf("the backup holds balance %d, want 50", m.Balance)
	}
}

// A newer file is refused by readers and writers alike, and left as it is.
func TestNewerSchemaIsRefused(t *testing.T) {
	s, _ := newStore(t)
	importText(t, s, ingest.Members, "handle\nalice\n")
	s.Release()
	setSchema(t, s.Path(), SchemaVersion+1)
	before, _ := os.ReadFile(s.Path())
	for name, op := range map[string]func() error{
		"read":  func() error { _, err := s.Counts(); return err },
		"write": func() error { _, err := s.Award("alice", 1, "x"); return err },
	} {
		err := op()
		fe, ok := err.(*FileError)
		if !ok || fe.Kind != TooNew || !strings.Contains(err.Error(), "newer steward") {
			t.Errorf("%s: %v, want a TooNew file error", name, err)
		}
	}
	s.Release()
	if after, _ := os.ReadFile(s.Path()); string(after) != string(before) {
		t.Error("the newer file was changed")
	}
}

func setSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return putU64(tx.Bucket(bMeta), kSchema, v) }); err != nil {
		t.Fatal(err)
	}
}

func readSchema(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint64
	db.View(func(tx *bolt.Tx) error { v = schemaOf(tx); return nil })
	return v
}

// A file of schema 1 — the members' newest ledger positions in their
// activity records, the audit chain's head in the meta bucket — is migrated
// by the first reader: histories, balances and the chain come through, and
// the next decision chains on.
func TestSchema1IsMigratedOnFirstRead(t *testing.T) {
	s, _ := newStore(t)
	importText(t, s, ingest.Members, "handle\nalice\nbob\n")
	rtEvents(t, s, "e1,alice,post,2026-11-10T10:00:00Z", "e2,alice,answer,2026-11-11T10:00:00Z", "e3,bob,post,2026-11-12T10:00:00Z")
	if _, err := s.Award("alice", 40, "welcome party"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Award("alice", 7, "typo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	want := rtHistory(t, s, "alice")
	s.Release()
	downgradeToSchema1(t, s.Path())
	if got := rtHistory(t, s, "alice"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("alice's history after the migration:\n%v\nwant\n%v", got, want)
	}
	s.Release()
	if got := readSchema(t, s.Path()); got != SchemaVersion {
		t.Fatalf("schema after the first read: %d, want %d", got, SchemaVersion)
	}
	if backups, _ := filepath.Glob(s.Path() + ".schema1*.bak"); len(backups) != 1 {
		t.Fatalf("backups beside the database: %v, want one", backups)
	}
	// What was undone before stays undone: the next undo is the award of 40.
	if d, err := s.Undo(); err != nil || !strings.Contains(d.Summary, "awarded 40 points") {
		t.Fatalf("undo after the migration: %+v, %v; want the award of 40", d, err)
	}
	if d, err := s.Undo(); err == nil {
		t.Fatalf("a second undo after the migration did %+v; nothing was left to undo", d)
	}
	if _, err := s.Award("bob", 5, "thanks"); err != nil {
		t.Fatal(err)
	}
	if h := rtHistory(t, s, "bob"); len(h) != 3 {
		t.Fatalf("bob's history after the migration and an award: %v, want welcome, post and award", h)
	}
	mustCheck(t, s)
}

// downgradeToSchema1 rewrites a file in the layout of schema 1.
func downgradeToSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		members, activity := tx.Bucket(bMembers), tx.Bucket(bActivity)
		var keys [][]byte
		members.ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil })
		for _, k := range keys {
			st, err := decodeMemberState(members.Get(k))
			if err != nil {
				return err
			}
			a, _, err := decodeActivity(activity.Get(k))
			if err != nil {
				return err
			}
			m := encodeMemberState(memberState{m: st.m})
			m = append([]byte{recordV1}, m[1:len(m)-2]...) // no positions, no scores
			act := encodeActivity(&a)
			e := enc{b: append([]byte{recordV1}, act[1:]...)}
			e.seqs(st.tail)
			if err := members.Put(k, m); err != nil {
				return err
			}
			for _, p := range st.scores {
				if err := tx.Bucket(bScores).Put(scoreKey(p.period, be32(k)), u64key(uint64(p.score))); err != nil {
					return err
				}
			}
			if err := activity.Put(k, e.b); err != nil {
				return err
			}
		}
		undoable, err := tx.CreateBucket(bUndoable)
		if err != nil {
			return err
		}
		undone := tx.Bucket(bUndone)
		if err := tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
			a, err := decodeAudit(v)
			if err != nil || !a.Undoable() || undone.Get(k) != nil {
				return err
			}
			return undoable.Put(cat([]byte(a.Actor), []byte{0}, k), nil)
		}); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bUndone); err != nil {
			return err
		}
		_, last := tx.Bucket(bAudit).Cursor().Last()
		if err := tx.Bucket(bMeta).Put(kAuditHead, last[len(last)-32:]); err != nil {
			return err
		}
		return putU64(tx.Bucket(bMeta), kSchema, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Upgrade migrates an older file at once (the console calls it before it
// takes the screen), and does nothing to a missing one.
func TestUpgradeMigratesBeforeAnyRead(t *testing.T) {
	s, _ := newStore(t)
	s.Upgrade()
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Fatalf("Upgrade on no database made one: %v", err)
	}
	importText(t, s, ingest.Members, "handle\nalice\n")
	s.Release()
	downgradeToSchema1(t, s.Path())
	s.Upgrade()
	s.Release()
	if got := readSchema(t, s.Path()); got != SchemaVersion {
		t.Fatalf("schema after Upgrade: %d, want %d", got, SchemaVersion)
	}
}
