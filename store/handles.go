package store

import (
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The operations of a burst — a console loading a page, its counts and the
// member it shows; a moderator deciding several marked requests — share one
// handle on the file instead of opening it each: on a large file an open
// costs more than the operation (bbolt reads the free-page list of a
// writable file). The handle is let go of soon after the burst (linger),
// and after maxHold at the latest, because while it is open other
// processes wait: all of them while it is writable, their writers while it
// is read-only.
const (
	linger   = 25 * time.Millisecond
	maxHold  = 150 * time.Millisecond
	yieldFor = 5 * time.Millisecond
)

type sharedHandle struct {
	mu      sync.Mutex
	cond    *sync.Cond
	db      *bolt.DB
	rw      bool      // db is writable
	users   int       // operations using db now
	opened  time.Time // when db was opened
	timer   *time.Timer
	yielded time.Time // when a held handle was last let go of for others
	broken  bool      // an operation failed on the file: do not reuse db
}

// acquire returns the shared handle, writable if write, opening it if
// needed. A read-only handle is reopened writable for a write once the
// reads using it are done. bbolt serialises the writes on a handle and lets
// reads run beside them.
func (s *Store) acquire(write bool) (*bolt.DB, error) {
	h := &s.handles
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cond == nil {
		h.cond = sync.NewCond(&h.mu)
	}
	for {
		if h.db != nil && write && !h.rw {
			if h.users > 0 {
				h.cond.Wait()
				continue
			}
			h.closeLocked()
		}
		if h.db != nil && h.users == 0 && time.Since(h.opened) > maxHold {
			// Held long enough: let go, and leave a gap in which another
			// process waiting for the file can take it.
			h.closeLocked()
			h.yielded = time.Now()
		}
		break
	}
	if h.db == nil {
		if gap := yieldFor - time.Since(h.yielded); gap > 0 {
			h.mu.Unlock()
			time.Sleep(gap)
			h.mu.Lock()
			if h.db != nil && (!write || h.rw) {
				return h.use(), nil
			}
			for h.db != nil && h.users > 0 {
				h.cond.Wait()
			}
			h.closeLocked()
		}
		db, err := s.handle(write)
		if err != nil {
			return nil, err
		}
		h.db, h.rw, h.opened = db, write, time.Now()
	}
	return h.use(), nil
}

func (h *sharedHandle) use() *bolt.DB {
	if h.timer != nil {
		h.timer.Stop()
	}
	h.users++
	return h.db
}

// releaseAfter ends one operation; the handle closes after linger unless
// another operation comes, and as soon as it is free after an operation
// that failed on the file.
func (s *Store) releaseAfter(opErr error) {
	h := &s.handles
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users--
	var fe *FileError
	if errors.As(opErr, &fe) {
		h.broken = true
	}
	if h.users > 0 {
		return
	}
	if h.broken {
		h.closeLocked()
		h.broken = false
		h.cond.Broadcast()
		return
	}
	h.cond.Broadcast()
	h.timer = time.AfterFunc(linger, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.users == 0 {
			h.closeLocked()
		}
	})
}

func (h *sharedHandle) closeLocked() {
	if h.db != nil {
		h.db.Close()
		h.db = nil
	}
}

// Release lets go of the file at once, for a caller about to hand it to
// something else (a test opening it raw, a backup restore).
func (s *Store) Release() {
	h := &s.handles
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cond == nil {
		h.cond = sync.NewCond(&h.mu)
	}
	for h.users > 0 {
		h.cond.Wait()
	}
	h.closeLocked()
}
