package store

import (
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
	setSchema(t, s.Path(), SchemaVersion-1)
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
