package store

import (
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The reads of a burst — a console loading a page, its counts and the
// member it shows — share one read-only handle instead of opening the file
// each: an open costs more than the read itself. The handle is let go of
// soon after the burst (linger), and after maxHold at the latest, because
// while it is open no other process can write.
const (
	linger   = 25 * time.Millisecond
	maxHold  = 150 * time.Millisecond
	yieldFor = 5 * time.Millisecond
)

type sharedRead struct {
	mu      sync.Mutex
	cond    *sync.Cond
	db      *bolt.DB
	users   int       // reads using db now
	writers int       // writes of this process waiting or running
	opened  time.Time // when db was opened
	timer   *time.Timer
	yielded time.Time // when a held handle was last let go of for others
}

func (r *sharedRead) init() {
	if r.cond == nil {
		r.cond = sync.NewCond(&r.mu)
	}
}

// acquireRead returns the shared read-only handle, opening it if needed.
// Writes of this process go first: a read waits for them.
func (s *Store) acquireRead() (*bolt.DB, error) {
	r := &s.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	for r.writers > 0 {
		r.cond.Wait()
	}
	if r.db != nil && r.users == 0 && time.Since(r.opened) > maxHold {
		// Held long enough: let go, and leave a gap in which a writer
		// polling from another process can take the file.
		r.closeLocked()
		r.yielded = time.Now()
	}
	if r.db == nil {
		if gap := yieldFor - time.Since(r.yielded); gap > 0 {
			r.mu.Unlock()
			time.Sleep(gap)
			r.mu.Lock()
			for r.writers > 0 {
				r.cond.Wait()
			}
		}
	}
	if r.db == nil {
		db, err := s.handle(false)
		if err != nil {
			return nil, err
		}
		r.db, r.opened = db, time.Now()
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.users++
	return r.db, nil
}

// releaseRead ends one read; the handle closes after linger unless another
// read comes, at once if a write of this process waits.
func (s *Store) releaseRead() {
	r := &s.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.users--
	if r.users > 0 {
		return
	}
	if r.writers > 0 {
		r.closeLocked()
		r.cond.Broadcast()
		return
	}
	r.timer = time.AfterFunc(linger, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.users == 0 {
			r.closeLocked()
		}
	})
}

func (r *sharedRead) closeLocked() {
	if r.db != nil {
		r.db.Close()
		r.db = nil
	}
}

// beginWrite lets go of the shared read handle: a write needs the file to
// itself, even against this process's own reads.
func (s *Store) beginWrite() {
	r := &s.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.writers++
	for r.users > 0 {
		r.cond.Wait()
	}
	r.closeLocked()
}

func (s *Store) endWrite() {
	r := &s.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writers--
	r.cond.Broadcast()
}

// Release lets go of the file at once, for a caller about to hand it to
// something else (a test opening it raw, a backup restore).
func (s *Store) Release() {
	r := &s.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	for r.users > 0 {
		r.cond.Wait()
	}
	r.closeLocked()
}
