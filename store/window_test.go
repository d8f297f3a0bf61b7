package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"steward/ingest"
	"steward/model"
)

// Import windows: what readers see while one is open, what other writers
// do, and the rollback of one whose importer is gone.

// windowEvents are n events for members m0…m(k-1), a minute apart.
func windowEvents(n, k int) []any {
	rows := make([]any, n)
	for i := range rows {
		rows[i] = ingest.EventRow{Line: i + 2, ID: fmt.Sprintf("w%05d", i), Member: fmt.Sprintf("m%d", i%k),
			Kind: []string{"post", "reply", "answer"}[i%3], At: t0.Add(-time.Duration(n-i) * time.Minute)}
	}
	return rows
}

func windowMembersCSV(k int) string {
	var lines []string
	for i := 0; i < k; i++ {
		lines = append(lines, fmt.Sprintf("m%d,Member %d,2026-09-01,,", i, i))
	}
	return rtLines(rtMemberHeader, lines)
}

// While a window is open, readers see the community as it was before it:
// the members' numbers, their histories and check agree, the window's
// entries are counted apart, the ledger export stops before them; a write
// from elsewhere waits for the close, and gives up after its wait naming
// the importer.
func TestWindowIsInvisibleUntilItCloses(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, windowMembersCSV(5))
	other := Open(s.Path(), Options{Actor: "mod", Now: s.opt.Now, Wait: 50 * time.Millisecond})
	var seen []string
	batches := 0
	_, err := s.Import([]Source{SliceSource("events.csv", ingest.Events, windowEvents(60, 5))}, ImportOptions{
		BatchSize: 10, Window: 3,
		Progress: func(done, _ int) {
			batches++
			if batches != 2 {
				return // the window's second batch of three
			}
			rep := mustCheck(t, s)
			seen = append(seen, fmt.Sprintf("entries %d pending %d", rep.Entries, rep.Pending))
			seen = append(seen, fmt.Sprintf("m0 balance %d", member(t, s, "m0").Balance))
			var out strings.Builder
			_, err := s.Export(&out, "ledger", ExportOptions{})
			rtOK(t, err)
			seen = append(seen, fmt.Sprintf("ledger rows %d", strings.Count(out.String(), "\n")-1))
			start := time.Now()
			_, err = other.Award("m1", 5, "while importing")
			var fe *FileError
			if !errors.As(err, &fe) || fe.Kind != Busy || !strings.Contains(err.Error(), "an import (process") {
				t.Errorf("a write during the window: %v, want busy naming the import", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("the write gave up after %v, beyond its wait", d)
			}
		},
	})
	rtOK(t, err)
	// Five welcome bonuses; none of the 20 events of the open window.
	rtWant(t, "during the window", strings.Join(seen, "; "), "entries 5 pending 20; m0 balance 10; ledger rows 5")
	rep := mustCheck(t, s)
	if rep.Entries != 65 || rep.Pending != 0 {
		t.Errorf("after the import: %d entries, %d pending; want 65, 0", rep.Entries, rep.Pending)
	}
	// The write goes through once the import is done.
	_, err = other.Award("m1", 5, "after the import")
	rtOK(t, err)
	mustCheck(t, s)
}

// openAbandoned leaves a window open as a killed importer would: batches
// in, the window's mark in the file, its importer gone.
func openAbandoned(t *testing.T, s *Store, rows []any) {
	t.Helper()
	win, err := s.newWindow(0)
	rtOK(t, err)
	for i := 0; i < len(rows); i += 10 {
		batch := rows[i:min(i+10, len(rows))]
		rtOK(t, s.updateIn(win, func(w *writer) error {
			w.deferClose = true
			if err := w.markWindow(); err != nil {
				return err
			}
			iw := &importWriter{s: s, rep: &ImportReport{}}
			return iw.apply(w, SliceSource("events.csv", ingest.Events, nil), batch, 2)
		}))
	}
	win.forget()
}

// The next write to a file whose import window was abandoned rolls the
// window back — ledger entries, event records — and then does its own work;
// importing the file again gives what an import that was never stopped
// gives.
func TestAbandonedWindowIsRolledBackByTheNextWrite(t *testing.T) {
	t.Parallel()
	rows := windowEvents(40, 4)
	clean, _ := newStore(t)
	importText(t, clean, ingest.Members, windowMembersCSV(4))
	_, err := clean.Import([]Source{SliceSource("events.csv", ingest.Events, rows)}, ImportOptions{BatchSize: 10})
	rtOK(t, err)

	s, _ := newStore(t)
	importText(t, s, ingest.Members, windowMembersCSV(4))
	openAbandoned(t, s, rows[:30])
	if rep := mustCheck(t, s); rep.Pending != 30 || rep.Entries != 4 {
		t.Fatalf("an abandoned window: %d entries, %d pending; want 4, 30", rep.Entries, rep.Pending)
	}
	_, err = s.AddNote("m3", "first write after the crash")
	rtOK(t, err)
	if rep := mustCheck(t, s); rep.Pending != 0 || rep.Entries != 4 {
		t.Fatalf("after the rollback: %d entries, %d pending; want 4, 0", rep.Entries, rep.Pending)
	}
	var audit strings.Builder
	_, err = s.Export(&audit, "audit", ExportOptions{})
	rtOK(t, err)
	if !strings.Contains(audit.String(), "rolled back an import that stopped part-way") {
		t.Errorf("the rollback is not in the audit log:\n%s", audit.String())
	}
	rep, err := s.Import([]Source{SliceSource("events.csv", ingest.Events, rows)}, ImportOptions{BatchSize: 10})
	rtOK(t, err)
	if rep.Imported != 40 || rep.Duplicates != 0 {
		t.Errorf("the import run again: %s; want all 40 imported", rep.Summary())
	}
	mustCheck(t, s)
	for i := 0; i < 4; i++ {
		h := fmt.Sprintf("m%d", i)
		rtWant(t, h, rtNums(t, s, h), rtNums(t, clean, h))
	}
	for _, p := range []Period{AllTime, ThisMonth, ThisWeek} {
		rtWant(t, p.Label(), rtBoard(t, s, p), rtBoard(t, clean, p))
	}
}

// failingRows fails after some rows, on the pass that writes.
type failingRows struct {
	Rows
	left int
}

func (f *failingRows) Next() (any, error) {
	if f.left == 0 {
		return nil, errors.New("the disk went away")
	}
	f.left--
	return f.Rows.Next()
}

// An import that fails with a window open rolls the window back itself:
// the file is left with the windows closed before the failure.
func TestFailedImportRollsBackItsOpenWindow(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, windowMembersCSV(4))
	rows := windowEvents(50, 4)
	opens := 0
	src := Source{Name: "events.csv", Kind: ingest.Events, Open: func() (Rows, error) {
		opens++
		r := &sliceRows{rows: rows}
		if opens == 2 { // the writing pass
			return &failingRows{Rows: r, left: 35}, nil
		}
		return r, nil
	}}
	_, err := s.Import([]Source{src}, ImportOptions{BatchSize: 10, Window: 2})
	if err == nil || !strings.Contains(err.Error(), "the disk went away") {
		t.Fatalf("import: %v, want the source's error", err)
	}
	// Windows of two batches: the first (20 events) closed; the second
	// (10 events, the 5 after them never read whole) rolled back.
	rep := mustCheck(t, s)
	if rep.Entries != 4+20 || rep.Pending != 0 {
		t.Errorf("after the failed import: %d entries, %d pending; want 24, 0", rep.Entries, rep.Pending)
	}
}

// A window's mark names the file by its path: the mark in a backup, or in
// a copy, belongs to no importer of that file, and the first write to the
// copy rolls it back.
func TestWindowMarkInACopyIsRolledBack(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	importText(t, s, ingest.Members, windowMembersCSV(3))
	win, err := s.newWindow(0)
	rtOK(t, err)
	defer win.forget()
	rtOK(t, s.updateIn(win, func(w *writer) error {
		w.deferClose = true
		if err := w.markWindow(); err != nil {
			return err
		}
		_, _, err := w.applyEvent(model.Event{ID: "c1", Member: "m1", Kind: "post", At: *now})
		return err
	}))
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	_, err = s.Backup(copyPath)
	rtOK(t, err)
	cp := Open(copyPath, Options{Actor: "mod", Now: s.opt.Now, Wait: time.Second})
	if rep := mustCheck(t, cp); rep.Pending != 1 {
		t.Fatalf("the copy: %d pending, want 1", rep.Pending)
	}
	_, err = cp.Award("m2", 1, "on the copy")
	rtOK(t, err)
	if rep := mustCheck(t, cp); rep.Pending != 0 || rep.Entries != 4 {
		t.Errorf("the copy after a write: %d entries, %d pending; want 4, 0", rep.Entries, rep.Pending)
	}
}

// Between two windows an import lets go of the file for a moment: a writer
// waiting for the window to close gets its turn while the import goes on,
// instead of waiting for the whole import.
func TestWriterGetsInBetweenWindows(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, windowMembersCSV(5))
	other := Open(s.Path(), Options{Actor: "mod", Now: s.opt.Now, Wait: 5 * time.Second})
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		first := true
		_, err := s.Import([]Source{SliceSource("events.csv", ingest.Events, windowEvents(400, 5))}, ImportOptions{
			BatchSize: 10, Window: 1,
			Progress: func(int, int) {
				if first {
					first = false
					close(started)
				}
			},
		})
		done <- err
	}()
	<-started
	awards := 0
	var slowest time.Duration
	for running := true; running; {
		select {
		case err := <-done:
			rtOK(t, err)
			running = false
		case <-time.After(50 * time.Millisecond): // a busy moderator's pace
			start := time.Now()
			_, err := other.Award("m1", 1, "between windows")
			rtOK(t, err)
			slowest = max(slowest, time.Since(start))
			awards++
		}
	}
	t.Logf("%d awards during the import, the slowest %v", awards, slowest)
	if awards < 10 {
		t.Errorf("%d awards went in during an import of 40 windows; want one every 50 ms", awards)
	}
	if slowest > windowTime+time.Second {
		t.Errorf("an award waited %v: more than a window", slowest)
	}
	rep := mustCheck(t, s)
	if want := 5 + 400 + awards; rep.Entries != want {
		t.Errorf("%d ledger entries, want %d", rep.Entries, want)
	}
}
