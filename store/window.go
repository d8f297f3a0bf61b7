package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"steward/model"
)

// An import of events writes in windows of several batches. Each batch is
// one transaction that appends the batch's ledger entries and event records;
// what they change of the members — their records, activity, histories,
// badges, places in the rankings and indexes — stays in memory and is
// written once, when the window closes, in one more transaction. A member
// active all through a large file is then written once a window instead of
// once a batch, which was most of an import's cost.
//
// While a window is open the file carries its mark: the ledger entries from
// the mark's first sequence on belong to no member yet. Readers leave them
// out (a member's history, balance and rankings show none of them before the
// close; check and the ledger export stop before them), and other writers
// wait for the close as they wait for any writer. A window whose importer is
// gone — killed, crashed, failed — is rolled back by the next writer: its
// entries and event records are deleted, and running the import again
// writes them again, as after a crash between batches.

// windowMark is what the file says of an open window.
type windowMark struct {
	pid       int
	nonce     uint64
	heartbeat int64  // unix seconds of the window's latest batch
	firstSeq  uint64 // the window's first ledger entry
	path      string // the file as its importer named it, absolute
}

func (m windowMark) encode() []byte {
	e := enc{}
	e.u8(recordV1)
	e.u64(uint64(m.pid))
	e.u64(m.nonce)
	e.i64(m.heartbeat)
	e.u64(m.firstSeq)
	e.str(m.path)
	return e.b
}

func decodeWindowMark(b []byte) (windowMark, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "import window"); err != nil {
		return windowMark{}, err
	}
	m := windowMark{pid: int(d.u64()), nonce: d.u64(), heartbeat: d.i64(), firstSeq: d.u64(), path: d.str()}
	return m, d.err
}

// openWindows are this process's open windows, by nonce: a mark with this
// process's id and a nonce not in it was left by a window that failed.
var openWindows sync.Map

// windowStale is how long after its latest batch a window is taken for
// abandoned even if a process with its importer's id runs: that id may have
// been given to another process since.
const windowStale = 60 * time.Second

// alive says whether the window's importer is still at work on this file.
func (m windowMark) alive(path string, now time.Time) bool {
	if abs, err := filepath.Abs(path); err != nil || abs != m.path {
		return false // a copy of the file: a backup, or one moved
	}
	if m.pid == os.Getpid() {
		_, ok := openWindows.Load(m.nonce)
		return ok
	}
	if now.Sub(time.Unix(m.heartbeat, 0)) > windowStale {
		return false
	}
	p, err := os.FindProcess(m.pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// windowBusy is the error of a writer that met another process's open
// window; the write is tried again until --wait.
type windowBusy struct{ pid int }

func (e *windowBusy) Error() string {
	return fmt.Sprintf("an import (process %d) is writing to the file", e.pid)
}

// window is an open window, on the importer's side.
type window struct {
	mark                windowMark
	dirty               map[uint32]*mstate
	byHandle            map[string]*mstate
	held                indexOps // member index writes (badge grants) kept for the close
	opened              time.Time
	rows                int
	batches, maxBatches int
	// what the close's audit entry says
	from, to             int
	imported, duplicates int
	points               int64
}

// Window limits: a window closes after windowTime, so that a console's
// decision waits no longer than that and the console shows an import as it
// goes; or when it holds windowMembers members, for memory (a member in
// memory, with their activity, is about a kilobyte, and the close rewrites
// the pages of every member it holds).
const (
	windowTime    = 1500 * time.Millisecond
	windowMembers = 20000
)

func (s *Store) newWindow(batches int) (*window, error) {
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return nil, err
	}
	win := &window{mark: windowMark{pid: os.Getpid(), nonce: rand.Uint64(), path: abs}, maxBatches: batches}
	win.reset()
	openWindows.Store(win.mark.nonce, struct{}{})
	return win, nil
}

func (win *window) reset() {
	win.mark.firstSeq = 0
	win.dirty, win.byHandle = map[uint32]*mstate{}, map[string]*mstate{}
	win.held = indexOps{}
	win.rows, win.batches = 0, 0
	win.imported, win.duplicates, win.points, win.from, win.to = 0, 0, 0, 0, 0
}

func (win *window) open() bool { return win.mark.firstSeq != 0 }

func (win *window) full() bool {
	return win.open() && (time.Since(win.opened) >= windowTime || len(win.dirty) >= windowMembers ||
		(win.maxBatches > 0 && win.batches >= win.maxBatches))
}

// forget ends the window in this process: a mark it left is then rolled
// back by the next writer.
func (win *window) forget() { openWindows.Delete(win.mark.nonce) }

// settleWindow runs before a write: it lets through the window's own
// batches, turns other writers away while the window's importer works, and
// rolls back a window whose importer is gone.
func (w *writer) settleWindow() error {
	v := w.bucket(bMeta).Get(kWindow)
	if v == nil {
		return nil
	}
	m, err := decodeWindowMark(v)
	if err != nil {
		return err
	}
	if w.win != nil && m.nonce == w.win.mark.nonce {
		return nil
	}
	if m.alive(w.s.path, time.Now()) {
		return &windowBusy{pid: m.pid}
	}
	return w.rollbackWindow(m)
}

// markWindow starts a batch of the window: the first one opens it.
func (w *writer) markWindow() error {
	win := w.win
	if !win.open() {
		win.mark.firstSeq = w.bucket(bLedger).Sequence() + 1
		win.opened = time.Now()
	}
	win.mark.heartbeat = time.Now().Unix()
	return w.bucket(bMeta).Put(kWindow, win.mark.encode())
}

// closeWindow is the transaction that writes the window's members and
// removes its mark; finish writes the members.
func (w *writer) closeWindow(src Source) error {
	win := w.win
	w.closing = true
	w.idx.absorb(&win.held)
	if err := w.bucket(bMeta).Delete(kWindow); err != nil {
		return err
	}
	_, err := w.audit(importAudit(src, win.from, win.to, win.imported, win.duplicates, win.points), nil)
	return err
}

// rollbackWindow deletes what an abandoned window wrote: its ledger entries
// and the records of the events they priced.
func (w *writer) rollbackWindow(m windowMark) error {
	ledger, events := w.bucket(bLedger), w.bucket(bEvents)
	var seqs [][]byte
	var ids []string
	c := ledger.Cursor()
	for k, v := c.Seek(u64key(m.firstSeq)); k != nil; k, v = c.Next() {
		seq := binary.BigEndian.Uint64(k)
		_, e, err := decodeEntry(seq, v)
		if err != nil {
			return fmt.Errorf("ledger entry %d: %w", seq, err)
		}
		seqs = append(seqs, append([]byte(nil), k...))
		if e.Ref == "" {
			continue
		}
		if rec := events.Get([]byte(e.Ref)); rec != nil {
			if at, _, err := decodeEventRecord(rec); err == nil && at == seq {
				ids = append(ids, e.Ref)
			}
		}
	}
	for _, id := range ids {
		if err := events.Delete([]byte(id)); err != nil {
			return err
		}
	}
	for _, k := range seqs {
		if err := ledger.Delete(k); err != nil {
			return err
		}
	}
	if err := ledger.SetSequence(m.firstSeq - 1); err != nil {
		return err
	}
	if err := w.bucket(bMeta).Delete(kWindow); err != nil {
		return err
	}
	if len(seqs) == 0 {
		return nil
	}
	_, err := w.audit(rollbackAudit(len(seqs), m), nil)
	return err
}

func importAudit(src Source, from, to, imported, dups int, points int64) model.AuditEntry {
	return model.AuditEntry{
		Action: "import", Subject: src.Name,
		Summary: fmt.Sprintf("imported %s from %s (lines %d–%d): %d new, %d duplicates, %d points", src.Kind, src.Name, from, to, imported, dups, points),
	}
}

func rollbackAudit(entries int, m windowMark) model.AuditEntry {
	return model.AuditEntry{
		Action: "rollback", Subject: "import",
		Summary: fmt.Sprintf("rolled back an import that stopped part-way (process %d): %d ledger entries from #%d, and their events; importing the file again writes them again", m.pid, entries, m.firstSeq),
	}
}

// pendingFrom is the first ledger entry of an open window (none: 0): the
// entries from it on are left out of what readers count.
func (r *reader) pendingFrom() uint64 {
	if r.empty() {
		return 0
	}
	v := r.bucket(bMeta).Get(kWindow)
	if v == nil {
		return 0
	}
	m, err := decodeWindowMark(v)
	if err != nil {
		return 0
	}
	return m.firstSeq
}
