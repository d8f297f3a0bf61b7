package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"steward/model"
)

// Options are how a Store opens its file.
type Options struct {
	// Wait is how long an operation waits for another process to let go of
	// the file before it gives up with a *FileError of kind Busy.
	Wait time.Duration
	// Actor is who the writes are recorded as in the audit log.
	Actor string
	// Now is the clock; tests and the demo fix it.
	Now func() time.Time
}

// Store is a community kept in one bbolt file. It holds no handle on the
// file between operations: each one opens it, runs one transaction and
// closes it, so several consoles and scripts share the file, each waiting
// at most Options.Wait for its turn.
type Store struct {
	path string
	opt  Options

	mu       sync.Mutex // guards the cached programme
	prog     model.Programme
	progRev  uint64
	stockRev uint64
	progOK   bool

	ranks rankCache

	handles sharedHandle
}

// Open prepares a store on path. It touches nothing: the file is created by
// the first write, and a missing file reads as an empty community.
func Open(path string, opt Options) *Store {
	if opt.Wait <= 0 {
		opt.Wait = 10 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	return &Store{path: path, opt: opt}
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Actor is who this store's writes are recorded as.
func (s *Store) Actor() string { return s.opt.Actor }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.opt.Now().UTC() }

// FileErrorKind says what went wrong with the file, not with the input.
type FileErrorKind int

// The ways a database file can fail to open.
const (
	Busy     FileErrorKind = iota + 1 // another process holds it
	Missing                           // no database at that path
	Damaged                           // not a bbolt file, or corrupt
	TooNew                            // written by a newer steward
	Unusable                          // a directory, no permission, disk full…
)

// FileError is a problem with the database file itself. Commands exit 2 on
// it; its message is one line that says what to do.
type FileError struct {
	Kind FileErrorKind
	Path string
	Msg  string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Msg }

func (e *FileError) Unwrap() error { return e.Err }

func fileErr(kind FileErrorKind, path string, err error, format string, args ...any) *FileError {
	return &FileError{Kind: kind, Path: path, Msg: fmt.Sprintf(format, args...), Err: err}
}

// InternalError is a bug in steward met during an operation on the file:
// a panic that bbolt did not raise over a damaged page. The operation's
// transaction was rolled back, so nothing of it was written.
type InternalError struct{ p *caughtPanic }

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %s in %s; nothing of this operation was written. This is most likely a bug in steward: please report it with this message (`steward check` says whether the file itself is sound)", e.p.what, e.p.where)
}

// handle opens the file for one operation. Readers share the file; a writer
// has it alone. bbolt's own wait polls every 50 ms, which a busy importer
// can starve, so we poll more often ourselves and the importer leaves a gap
// between its batches.
func (s *Store) handle(write bool) (*bolt.DB, error) {
	if fi, err := os.Stat(s.path); err == nil && fi.IsDir() {
		return nil, fileErr(Unusable, s.path, nil, "is a directory, not a database file")
	} else if !write && (errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0)) {
		// An empty file is what a crash at the database's creation leaves:
		// a reader cannot open it (bbolt would have to write), a writer
		// makes it a database.
		return nil, fileErr(Missing, s.path, err, "no database here yet (create one with `steward demo` or `steward import`)")
	}
	deadline := time.Now().Add(s.opt.Wait)
	opts := &bolt.Options{
		Timeout:      time.Nanosecond, // one try: we do the waiting
		ReadOnly:     !write,
		FreelistType: bolt.FreelistArrayType,
	}
	for {
		db, err := openContained(s.path, opts)
		var schema uint64
		if err == nil {
			if schema, err = inspect(db, s.path); err != nil {
				db.Close()
				return nil, s.classify(err)
			}
		}
		if err == nil && write {
			if err := s.prepare(db); err != nil {
				db.Close()
				return nil, s.classify(err)
			}
		}
		if err == nil && !write && schema > 0 && schema < SchemaVersion {
			// This steward reads only its own layout: the first reader
			// of an older file migrates it, as a writer would.
			db.Close()
			wdb, err := s.handle(true)
			if err != nil {
				return nil, err
			}
			wdb.Close()
			continue
		}
		if err == nil {
			return db, nil
		}
		if !errors.Is(err, berrors.ErrTimeout) {
			return nil, classifyOpenError(s.path, err)
		}
		if time.Now().After(deadline) {
			return nil, fileErr(Busy, s.path, err, "busy: %s has held it for more than %s (try again, or raise --wait)", holder(s.path), s.opt.Wait)
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// Upgrade migrates a file written by an older steward now rather than at
// its first read: the console calls it before it takes the screen, so that
// the migration's notice and its wait show on the terminal as it is. A
// problem with the file is left for the console to meet and show.
func (s *Store) Upgrade() {
	if fi, err := os.Stat(s.path); err != nil || fi.Size() == 0 {
		return
	}
	if _, err := s.acquire(false); err == nil {
		s.releaseAfter(nil)
	}
}

// openContained opens the file, turning bbolt's panics and memory faults on
// a damaged file into errors.
func openContained(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	err = guarded(func() error {
		var oerr error
		db, oerr = bolt.Open(path, 0o600, opts)
		return oerr
	})
	return db, err
}

// inspect refuses a file shorter than its meta page says it is, and reads
// its schema version. Reading the missing pages of a truncated file would
// fault, and not always where the fault can be contained: bbolt's own check
// walks the pages in a goroutine of its own. While the file is open no
// other process writes it, so its size is the one the meta page speaks of.
func inspect(db *bolt.DB, path string) (schema uint64, err error) {
	err = guarded(func() error {
		return db.View(func(tx *bolt.Tx) error {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			if need := tx.Size(); fi.Size() < need {
				return fileErr(Damaged, path, nil, "the file is truncated (%d of its %d bytes); restore it from a backup", fi.Size(), need)
			}
			schema = schemaOf(tx)
			return nil
		})
	})
	return schema, err
}

// guarded runs fn, turning a panic or a fault on the memory-mapped file (a
// truncated or damaged file) into an error: bbolt panics on some
// corruptions, and reading past the end of a truncated map faults. A panic
// that neither bbolt raised nor a fault caused is steward's own bug, and
// is told apart (see caught): calling it a damaged file would send an
// admin to restore a backup of a sound one.
func guarded(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = caught(r)
		}
	}()
	return fn()
}

// caughtPanic is a panic guarded contained: what it said, where it came
// from, and whether it speaks of the file (bbolt's own checks, a fault
// reading the map) or of a bug.
type caughtPanic struct {
	what  string
	where string // package-qualified function, file and line
	file  bool
}

func (e *caughtPanic) Error() string {
	if e.file {
		return "damaged: " + e.what
	}
	return "internal error: " + e.what + " in " + e.where
}

// caught describes a recovered panic. It is called by guarded's deferred
// function, so the panicking frames are still on the stack, below
// runtime.gopanic: the panic is the file's when bbolt raised it or a read
// of the map faulted, and otherwise a bug in the first of steward's
// functions on the way (a library's panic, such as binary.BigEndian's on a
// short slice, is the bug of whoever called it).
func caught(r any) *caughtPanic {
	p := &caughtPanic{what: fmt.Sprint(r)}
	if _, fault := r.(interface{ Addr() uintptr }); fault {
		// SetPanicOnFault's error: a read of the map past the file's end.
		p.file = true
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case !panicking || strings.HasPrefix(f.Function, "runtime."):
		case strings.HasPrefix(f.Function, "go.etcd.io/bbolt"):
			p.where, p.file = frame(f), true
			return p
		case strings.HasPrefix(f.Function, "steward/"):
			p.where = frame(f)
			return p
		case p.where == "":
			p.where = frame(f)
		}
		if !more {
			return p
		}
	}
}

func frame(f runtime.Frame) string {
	return fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
}

func classifyOpenError(path string, err error) error {
	var d *caughtPanic
	var errno syscall.Errno
	switch {
	case errors.As(err, &d) && !d.file:
		return &InternalError{d}
	case errors.As(err, &d):
		return fileErr(Damaged, path, err, "the file is damaged (%s); restore it from a backup", d.what)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return fileErr(Damaged, path, err, "not a steward database, or a damaged one (%v); restore it from a backup", err)
	case errors.Is(err, fs.ErrPermission):
		if why := unwrapPath(err).Error(); why != "permission denied" {
			return fileErr(Unusable, path, err, "permission denied (%s)", why)
		}
		return fileErr(Unusable, path, err, "permission denied")
	case errors.As(err, &errno) && errno == syscall.EROFS:
		return fileErr(Unusable, path, err, "the file system is read-only")
	case errors.As(err, &errno) && (errno == syscall.ENOSPC || errno == syscall.EFBIG):
		return fileErr(Unusable, path, err, "no room to write (%v)", errno)
	}
	msg := err.Error()
	if strings.Contains(msg, "file size too small") || strings.Contains(msg, "invalid") {
		return fileErr(Damaged, path, err, "not a steward database, or a damaged one (%v)", err)
	}
	return fileErr(Unusable, path, err, "cannot open: %v", unwrapPath(err))
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// view runs fn in a read transaction on a freshly opened handle.
func (s *Store) view(fn func(r *reader) error) (err error) {
	db, err := s.acquire(false)
	if err != nil {
		return err
	}
	defer func() { s.releaseAfter(err) }()
	err = guarded(func() error {
		return db.View(func(tx *bolt.Tx) error {
			r, err := s.newReader(tx)
			if err != nil {
				return err
			}
			return fn(r)
		})
	})
	return s.classify(err)
}

// update runs fn in one write transaction: all of it is written, or none.
func (s *Store) update(fn func(w *writer) error) (err error) {
	db, err := s.acquire(true)
	if err != nil {
		return err
	}
	defer func() {
		// After a failed write the handle is not trusted again: the next
		// operation opens the file afresh.
		s.releaseAfter(err)
	}()
	err = guarded(func() error {
		return db.Update(func(tx *bolt.Tx) error {
			w, err := s.newWriter(tx)
			if err != nil {
				return err
			}
			if err := fn(w); err != nil {
				return err
			}
			return w.finish()
		})
	})
	return s.classify(classifyWriteError(s.path, err))
}

// classify turns a contained panic into a FileError, or an InternalError
// when it was a bug, and a record steward cannot read into a FileError;
// other errors pass.
func (s *Store) classify(err error) error {
	var d *caughtPanic
	var u *unreadableError
	switch {
	case errors.As(err, &d):
		return classifyOpenError(s.path, err)
	case errors.As(err, &u):
		return fileErr(Damaged, s.path, err, "the file is damaged (%v); `steward check` lists what else is, and a backup restores it", err)
	}
	return err
}

// classifyWriteError names disk problems met while committing; other
// errors (the caller's own) pass through.
func classifyWriteError(path string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOSPC, syscall.EFBIG, syscall.EDQUOT:
			return fileErr(Unusable, path, err, "no room to write: %v (nothing of this operation was written)", errno)
		case syscall.EROFS, syscall.EACCES, syscall.EPERM:
			return fileErr(Unusable, path, err, "cannot write: %v", errno)
		case syscall.EIO:
			return fileErr(Unusable, path, err, "the disk reported an error: %v", errno)
		}
	}
	// bbolt reports a file it could not grow as text ("file resize error:
	// … file too large"), without the errno.
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EFBIG, syscall.EDQUOT} {
		if strings.Contains(err.Error(), errno.Error()) {
			return fileErr(Unusable, path, err, "no room to write: %v (nothing of this operation was written)", errno)
		}
	}
	return err
}

// Stamp identifies the file's current state without opening it: it changes
// whenever any process commits a write. The console polls it to notice a
// script's import.
type Stamp struct {
	Size    int64
	ModTime time.Time
}

// Stamp reads the file's stamp; a missing file has the zero stamp.
func (s *Store) Stamp() Stamp {
	fi, err := os.Stat(s.path)
	if err != nil {
		return Stamp{}
	}
	return Stamp{Size: fi.Size(), ModTime: fi.ModTime()}
}
