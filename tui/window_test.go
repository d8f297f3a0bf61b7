package tui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"steward/store"
)

// intPager pages through the numbers 0..n-1 the way the store pages an
// index: opaque keys, strictly after or before.
func intPager(n *int, reads *int) pager[int] {
	return func(from []byte, dir store.Direction, limit int) (store.Page[int], error) {
		*reads++
		var lo, hi int
		switch {
		case from == nil && dir == store.Forward:
			lo, hi = 0, min(*n, limit)
		case from == nil:
			lo, hi = max(0, *n-limit), *n
		case dir == store.Forward:
			lo = min(*n, posOf(from)+1)
			hi = min(*n, lo+limit)
		default:
			hi = min(*n, posOf(from))
			lo = max(0, hi-limit)
		}
		p := store.Page[int]{AtStart: lo == 0, AtEnd: hi >= *n}
		for i := lo; i < hi; i++ {
			p.Rows = append(p.Rows, i)
			p.Keys = append(p.Keys, posKey(i))
		}
		return p, nil
	}
}

func newIntWindow(n *int, reads *int) window[int] {
	w := newWindow(membersPane, intPager(n, reads), func(i int) string { return fmt.Sprint(i) })
	w.limit, w.keep = 50, 150
	w.setHeight(10)
	return w
}

// feed runs a window command and applies its page, as the pane does,
// following up on the commands apply returns.
func feed(t *testing.T, w *window[int], cmd tea.Cmd) {
	t.Helper()
	for cmd != nil {
		msgs := run(cmd)
		cmd = nil
		for _, m := range msgs {
			pm, ok := m.(pageMsg[int])
			if !ok {
				t.Fatalf("unexpected %T %+v", m, m)
			}
			cmd = w.apply(pm)
		}
	}
}

func TestWindowPagesForwardAndKeepsBounded(t *testing.T) {
	n, reads := 1000, 0
	w := newIntWindow(&n, &reads)
	feed(t, &w, w.reset(w.get))
	// The first page is the screen and a row: what the first frame needs.
	if len(w.rows) != w.height+1 || !w.atStart || w.atEnd || w.cursor != 0 || reads != 1 {
		t.Fatalf("first page: %d rows start=%v end=%v cursor=%d reads=%d", len(w.rows), w.atStart, w.atEnd, w.cursor, reads)
	}
	// Walk down the whole list one row at a time: pages arrive before the
	// cursor reaches the edge, and the window never holds more than keep
	// rows plus a page.
	for i := 1; i < n; i++ {
		feed(t, &w, w.move(1))
		if r, _ := w.selected(); r != i {
			t.Fatalf("after %d moves the cursor is on %d", i, r)
		}
		if len(w.rows) > w.keep+w.limit {
			t.Fatalf("window holds %d rows", len(w.rows))
		}
		if at, _, ok := w.position(); ok && at != i+1 {
			t.Fatalf("position %d, want %d", at, i+1)
		}
	}
	if !w.atEnd || w.atStart {
		t.Fatalf("at the last row: start=%v end=%v", w.atStart, w.atEnd)
	}
	// And back up again.
	for i := n - 2; i >= 0; i-- {
		feed(t, &w, w.move(-1))
		if r, _ := w.selected(); r != i {
			t.Fatalf("moving up: cursor on %d, want %d", r, i)
		}
	}
	if reads > 2*n/w.limit+4 {
		t.Fatalf("%d page reads for two walks over %d rows", reads, n)
	}
}

func TestWindowJumpsToTheEnds(t *testing.T) {
	n, reads := 1000, 0
	w := newIntWindow(&n, &reads)
	w.total = n
	feed(t, &w, w.reset(w.get))
	feed(t, &w, w.end())
	if r, _ := w.selected(); r != n-1 || !w.atEnd {
		t.Fatalf("end: cursor on %d, end=%v", r, w.atEnd)
	}
	if at, of, ok := w.position(); !ok || at != n || of != n {
		t.Fatalf("end: position %d/%d %v", at, of, ok)
	}
	if w.cursor-w.top != w.height-1 {
		t.Fatalf("end: the last row is not at the bottom of the screen (top %d cursor %d)", w.top, w.cursor)
	}
	feed(t, &w, w.home())
	if r, _ := w.selected(); r != 0 || w.top != 0 {
		t.Fatalf("home: cursor on %d top %d", r, w.top)
	}
}

func TestWindowDropsPagesOfAnOlderGeneration(t *testing.T) {
	n, reads := 1000, 0
	w := newIntWindow(&n, &reads)
	feed(t, &w, w.reset(w.get))
	stale := run(w.end())
	feed(t, &w, w.home()) // already at the start: no read, but…
	feed(t, &w, w.reset(w.get))
	for _, m := range stale {
		w.apply(m.(pageMsg[int]))
	}
	if r, _ := w.selected(); r != 0 {
		t.Fatalf("a page asked for before the reset moved the cursor to %d", r)
	}
}

func TestWindowReloadKeepsTheSelectedRowOrItsPlace(t *testing.T) {
	n, reads := 300, 0
	w := newIntWindow(&n, &reads)
	feed(t, &w, w.reset(w.get))
	for range 25 {
		feed(t, &w, w.move(1))
	}
	top, cursor := w.top, w.cursor
	feed(t, &w, w.reload())
	if r, _ := w.selected(); r != 25 || w.cursor-w.top != cursor-top {
		t.Fatalf("reload moved the cursor to %d (screen row %d, was %d)", r, w.cursor-w.top, cursor-top)
	}

	// The row under the cursor goes away (a decision): its successor takes
	// its place on the screen.
	ids := w.id
	w.id = func(i int) string {
		if i == 25 {
			return "gone"
		}
		return ids(i)
	}
	w.rows[w.cursor] = -1 // what was selected is no longer in the list
	feed(t, &w, w.reload())
	if w.cursor-w.top != cursor-top {
		t.Fatalf("after the selected row left, the cursor moved on the screen: %d, want %d", w.cursor-w.top, cursor-top)
	}
}

func TestWindowOnAnEmptyList(t *testing.T) {
	n, reads := 0, 0
	w := newIntWindow(&n, &reads)
	feed(t, &w, w.reset(w.get))
	if !w.loaded || len(w.rows) != 0 {
		t.Fatalf("empty list: loaded=%v rows=%d", w.loaded, len(w.rows))
	}
	feed(t, &w, w.move(1))
	feed(t, &w, w.end())
	if _, ok := w.selected(); ok {
		t.Fatal("an empty list has a selected row")
	}
	if got := w.visible(func(int, bool) string { return "x" }); len(got) != 0 {
		t.Fatalf("an empty list drew %d rows", len(got))
	}
}

func TestWindowDrawsOnlyWhatIsInView(t *testing.T) {
	n, reads := 1000, 0
	w := newIntWindow(&n, &reads)
	feed(t, &w, w.reset(w.get))
	draws := 0
	draw := func(i int, sel bool) string { draws++; return fmt.Sprint(i) }
	if got := w.visible(draw); len(got) != w.height || draws != w.height {
		t.Fatalf("drew %d rows for %d lines", draws, len(got))
	}
	draws = 0
	feed(t, &w, w.move(1))
	w.visible(draw)
	// The rows not selected come from the cache: only the newly selected
	// row and the one it left are drawn.
	if draws != 2 {
		t.Fatalf("after a move, %d rows were drawn again, want 2", draws)
	}
}

// A list asked for before the screen's size is known (a console's first
// moments) waits for it, then reads the screen and a row; a screen that
// grows past the rows held reads more.
func TestWindowWaitsForItsSizeAndFillsATallerScreen(t *testing.T) {
	n, reads := 1000, 0
	w := newWindow(membersPane, intPager(&n, &reads), func(i int) string { return fmt.Sprint(i) })
	if cmd := w.reset(w.get); cmd != nil || reads != 0 {
		t.Fatalf("before the size is known: a read (%d) or a command", reads)
	}
	w.setHeight(20)
	feed(t, &w, w.resized())
	if len(w.rows) != 21 || reads != 1 {
		t.Fatalf("after the size: %d rows in %d reads, want 21 in one", len(w.rows), reads)
	}
	if cmd := w.resized(); cmd != nil {
		t.Fatal("the same size again asks for more rows")
	}
	w.setHeight(35)
	feed(t, &w, w.resized())
	if len(w.rows) < 36 || reads != 2 {
		t.Fatalf("after the screen grew to 35 rows: %d rows held in %d reads", len(w.rows), reads)
	}
}
