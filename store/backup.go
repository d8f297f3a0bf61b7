package store

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database to out while other
// consoles and scripts keep working: it reads one snapshot (a read
// transaction), writes it to a temporary file beside out, syncs it and
// renames it into place, so out is never half written.
func (s *Store) Backup(out string) (int64, error) {
	db, err := s.acquire(false)
	if err != nil {
		return 0, err
	}
	defer func() { s.releaseAfter(err) }()
	var n int64
	err = guarded(func() error {
		var werr error
		n, werr = writeSnapshot(db, out)
		return werr
	})
	return n, s.classify(err)
}

func backupTo(db *bolt.DB, out string) error {
	_, err := writeSnapshot(db, out)
	return err
}

func writeSnapshot(db *bolt.DB, out string) (int64, error) {
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		// Name the file asked for, not the temporary one.
		return 0, fmt.Errorf("cannot write %s: %w", out, unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	var n int64
	err = db.View(func(tx *bolt.Tx) error {
		var werr error
		n, werr = tx.WriteTo(tmp)
		return werr
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("cannot write %s: %w", out, unwrapPath(err))
	}
	return n, nil
}

// scratch is where a dry run may write: the store itself when its file
// exists (the dry run's transaction is rolled back), or a throwaway file
// when it does not, so that a dry run never creates the database.
func (s *Store) scratch() (*Store, func(), error) {
	if _, err := os.Stat(s.path); err == nil {
		return s, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "steward-dry-run-")
	if err != nil {
		return nil, nil, err
	}
	return Open(filepath.Join(dir, "dry-run.db"), s.opt), func() { os.RemoveAll(dir) }, nil
}

// besideName is a backup's name beside the database: the database's name,
// what the backup is before, and the time; a second backup in the same
// second gets a number, so no backup ever replaces another.
func (s *Store) besideName(what string) string {
	base := fmt.Sprintf("%s.%s-%s", s.path, what, s.Now().Format("20060102T150405"))
	name := base + ".bak"
	for i := 2; ; i++ {
		if _, err := os.Stat(name); os.IsNotExist(err) {
			return name
		}
		name = fmt.Sprintf("%s-%d.bak", base, i)
	}
}
