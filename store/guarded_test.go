package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A panic in steward's own code is a bug, reported as one; a panic bbolt
// raises is about the file. Both leave the operation unwritten.
func TestGuardedTellsABugFromADamagedFile(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "x.db"), Options{})

	var nilMap map[string]int
	err := s.classify(guarded(func() error {
		nilMap["x"]++
		return nil
	}))
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("a nil map write in steward's code gave %T %v, want an InternalError", err, err)
	}
	for _, want := range []string{"assignment to entry in nil map", "guarded_test.go", "bug in steward", "nothing of this operation was written"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}
	var fe *FileError
	if errors.As(err, &fe) {
		t.Fatalf("a bug was reported as a problem with the file: %v", err)
	}

	db, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var c *bolt.Cursor
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		c = b.Cursor()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = s.classify(guarded(func() error {
		c.First() // bbolt asserts that its transaction is still open
		return nil
	}))
	if !errors.As(err, &fe) || fe.Kind != Damaged {
		t.Fatalf("a panic raised by bbolt gave %T %v, want a FileError of kind Damaged", err, err)
	}
}

// A write that panics half way leaves nothing behind.
func TestABugInAWriteWritesNothing(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "x.db"), Options{})
	if _, err := s.Award("nobody", 1, "x"); err == nil {
		t.Fatal("awarding a member of an empty file worked")
	}
	var nilMap map[string]int
	err := s.update(func(w *writer) error {
		w.bucket(bMeta).Put([]byte("half"), []byte("written"))
		nilMap["x"]++
		return nil
	})
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("got %T %v, want an InternalError", err, err)
	}
	if err := s.view(func(r *reader) error {
		if v := r.bucket(bMeta).Get([]byte("half")); v != nil {
			t.Fatalf("the write before the panic was kept: %q", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
