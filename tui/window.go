package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/keymap"
	"steward/store"
)

// A list pane never holds the whole community: it keeps a window of rows
// around the cursor, read from the store a page at a time, and asks for
// the next or previous page in a command when the cursor nears an edge.

// pager reads a page of an ordered list, strictly after (Forward) or before
// (Backward) an opaque position; nil is the start or the end. It runs in a
// command.
type pager[T any] func(from []byte, dir store.Direction, limit int) (store.Page[T], error)

// pageMode says what a page is for.
type pageMode int

const (
	pageFirst  pageMode = iota // the start of the list (home, or a new order)
	pageLast                   // the end of the list (end)
	pageNext                   // rows after the window
	pagePrev                   // rows before the window
	pageReload                 // the rows in view again, after a change
)

// pageMsg carries a page to the pane that asked for it. gen is the window's
// generation when it asked: a page for an older generation (the list was
// reordered or jumped since) is dropped.
type pageMsg[T any] struct {
	owner paneID
	gen   int
	mode  pageMode
	from  []byte
	page  store.Page[T]
}

func (m pageMsg[T]) target() paneID { return m.owner }

// fetchPage reads one page. A reload reads the rows from the first one in
// view on: the row before that position, then the page after it, so the
// view stays where it was even if that row itself moved.
func fetchPage[T any](owner paneID, gen int, mode pageMode, get pager[T], from []byte, limit int) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		var p store.Page[T]
		var err error
		switch mode {
		case pageFirst:
			p, err = get(nil, store.Forward, limit)
		case pageLast:
			p, err = get(nil, store.Backward, limit)
		case pageNext:
			p, err = get(from, store.Forward, limit)
		case pagePrev:
			p, err = get(from, store.Backward, limit)
		case pageReload:
			p, err = reloadFrom(get, from, limit)
		}
		if missing(err) {
			p, err = store.Page[T]{AtStart: true, AtEnd: true}, nil
		}
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		return pageMsg[T]{owner: owner, gen: gen, mode: mode, from: from, page: p}
	}
	return cmd
}

func reloadFrom[T any](get pager[T], from []byte, limit int) (store.Page[T], error) {
	if from == nil {
		return get(nil, store.Forward, limit)
	}
	before, err := get(from, store.Backward, 1)
	if err != nil || len(before.Keys) == 0 {
		if err != nil {
			return before, err
		}
		return get(nil, store.Forward, limit)
	}
	return get(before.Keys[0], store.Forward, limit)
}

// window is the rows of a list around the cursor.
type window[T any] struct {
	owner   paneID
	get     pager[T]
	id      func(T) string // identifies a row across reloads
	limit   int            // rows per page
	keep    int            // most rows held; the far end is dropped beyond it
	rows    []T
	keys    [][]byte
	atStart bool // the first row is the first of the list
	atEnd   bool // the last row is the last of the list
	loaded  bool

	cursor, top, height int
	gen                 int
	fetching            bool
	// sized is whether the screen's height is known; until it is, the
	// first page waits (deferred), since it is read to fill the screen.
	sized, deferred bool

	// base is the position in the whole list of rows[0], when known; total
	// is the length of the whole list, when the pane knows it (-1 if not).
	base      int
	baseKnown bool
	total     int

	// lines caches the rendered rows that are not selected; an empty
	// string is a row not rendered yet.
	lines []string
}

func newWindow[T any](owner paneID, get pager[T], id func(T) string) window[T] {
	return window[T]{owner: owner, get: get, id: id, limit: 40, keep: 400, height: 1, total: -1}
}

// reset starts the list again from its first row, in a new generation
// (pages still on their way are dropped). The rows in view stay until the
// new ones arrive, so typing a filter does not flash an empty list.
func (w *window[T]) reset(get pager[T]) tea.Cmd {
	w.get = get
	return w.fetch(pageFirst, nil)
}

func (w *window[T]) fetch(mode pageMode, from []byte) tea.Cmd {
	if mode == pageFirst || mode == pageLast {
		w.gen++
	}
	if !w.sized && mode == pageFirst {
		w.deferred = true
		return nil
	}
	w.fetching = true
	// Each row is a read from a different part of the file: the first page
	// of a list is what its screen shows and a row, so that the first frame
	// reads no more (and more, below, does not ask at once for the next).
	// The pages read as the cursor moves are two screens: a screen before
	// the cursor comes to them.
	n := max(w.limit, 2*w.height+1)
	if mode == pageFirst || mode == pageLast {
		n = w.height + 1
	}
	return fetchPage(w.owner, w.gen, mode, w.get, from, n)
}

// reload reads the rows in view again.
func (w *window[T]) reload() tea.Cmd {
	if !w.loaded {
		return w.fetch(pageFirst, nil)
	}
	var from []byte
	if w.top < len(w.keys) && !(w.atStart && w.top == 0) {
		from = w.keys[w.top]
	}
	w.gen++
	return w.fetch(pageReload, from)
}

// home and end jump to the ends of the list.
func (w *window[T]) home() tea.Cmd {
	if w.atStart {
		w.moveTo(0)
		return nil
	}
	return w.fetch(pageFirst, nil)
}

func (w *window[T]) end() tea.Cmd {
	if w.atEnd {
		w.moveTo(len(w.rows) - 1)
		return nil
	}
	return w.fetch(pageLast, nil)
}

// move moves the cursor by delta rows within the rows held, and asks for
// more when it comes within a screen of an edge.
func (w *window[T]) move(delta int) tea.Cmd {
	w.moveTo(w.cursor + delta)
	return w.more()
}

func (w *window[T]) moveTo(i int) {
	w.cursor = max(0, min(i, len(w.rows)-1))
	w.scroll()
}

// scroll keeps the cursor in view.
func (w *window[T]) scroll() {
	if w.cursor < w.top {
		w.top = w.cursor
	}
	if w.cursor >= w.top+w.height {
		w.top = w.cursor - w.height + 1
	}
	w.top = max(0, min(w.top, len(w.rows)-w.height))
}

func (w *window[T]) more() tea.Cmd {
	if w.fetching || !w.loaded || len(w.rows) == 0 {
		return nil
	}
	switch {
	case !w.atEnd && len(w.rows)-1-w.cursor < w.height:
		return w.fetch(pageNext, w.keys[len(w.keys)-1])
	case !w.atStart && w.cursor < w.height:
		return w.fetch(pagePrev, w.keys[0])
	}
	return nil
}

func (w *window[T]) setHeight(h int) {
	w.height = max(1, h)
	w.sized = true
	w.scroll()
}

// resized reads what a new size of the screen needs: the first page, if it
// waited for the size, or more rows, if the screen grew past those held.
func (w *window[T]) resized() tea.Cmd {
	if w.deferred {
		w.deferred = false
		return w.fetch(pageFirst, nil)
	}
	return w.more()
}

// apply takes a page in; it returns a command when the window wants more
// at once (the page left the cursor near an edge).
func (w *window[T]) apply(m pageMsg[T]) tea.Cmd {
	if m.gen != w.gen {
		return nil
	}
	w.fetching = false
	p := m.page
	// The lines drawn stay drawn when a page only adds rows at an end.
	cached := len(w.lines) == len(w.rows)
	if m.mode != pageNext && m.mode != pagePrev || !cached {
		w.lines = nil
	}
	switch m.mode {
	case pageFirst:
		w.replace(p)
		w.cursor, w.top = 0, 0
		w.base, w.baseKnown = 0, true
	case pageLast:
		w.replace(p)
		w.cursor = len(w.rows) - 1
		w.top = len(w.rows) - w.height
		w.base, w.baseKnown = w.total-len(w.rows), w.total >= 0
	case pageNext:
		w.rows, w.keys = append(w.rows, p.Rows...), append(w.keys, p.Keys...)
		if w.lines != nil {
			w.lines = append(w.lines, make([]string, len(p.Rows))...)
		}
		w.atEnd = p.AtEnd
		w.trimFront()
	case pagePrev:
		w.rows = append(append([]T(nil), p.Rows...), w.rows...)
		w.keys = append(append([][]byte(nil), p.Keys...), w.keys...)
		if w.lines != nil {
			w.lines = append(make([]string, len(p.Rows)), w.lines...)
		}
		w.cursor += len(p.Rows)
		w.top += len(p.Rows)
		w.base -= len(p.Rows)
		w.atStart = p.AtStart
		w.trimBack()
	case pageReload:
		w.reloaded(p, m.from == nil)
	}
	w.scroll()
	return w.more()
}

func (w *window[T]) replace(p store.Page[T]) {
	w.rows, w.keys = p.Rows, p.Keys
	w.atStart, w.atEnd, w.loaded = p.AtStart, p.AtEnd, true
}

// reloaded keeps the selected row selected when it is still there, and
// otherwise the same place on the screen: after a decision the next item
// slides under the cursor.
func (w *window[T]) reloaded(p store.Page[T], fromStart bool) {
	var selected string
	hadRow := w.cursor < len(w.rows)
	if hadRow {
		selected = w.id(w.rows[w.cursor])
	}
	onScreen := w.cursor - w.top
	if fromStart {
		w.base, w.baseKnown = 0, true
	} else {
		w.base += w.top
	}
	w.replace(p)
	w.cursor, w.top = onScreen, 0
	for i, r := range w.rows {
		if hadRow && w.id(r) == selected {
			w.cursor = i
			w.top = max(0, i-onScreen)
			break
		}
	}
	w.cursor = max(0, min(w.cursor, len(w.rows)-1))
}

func (w *window[T]) trimFront() {
	if d := len(w.rows) - w.keep; d > 0 && w.cursor-d >= w.height {
		w.rows, w.keys = w.rows[d:], w.keys[d:]
		if len(w.lines) > d {
			w.lines = w.lines[d:]
		}
		w.cursor -= d
		w.top -= d
		w.base += d
		w.atStart = false
	}
}

func (w *window[T]) trimBack() {
	if d := len(w.rows) - w.keep; d > 0 && len(w.rows)-d > w.cursor+w.height {
		w.rows, w.keys = w.rows[:len(w.rows)-d], w.keys[:len(w.keys)-d]
		if len(w.lines) > d {
			w.lines = w.lines[:len(w.lines)-d]
		}
		w.atEnd = false
	}
}

// selected is the row under the cursor.
func (w *window[T]) selected() (T, bool) {
	if w.cursor < len(w.rows) {
		return w.rows[w.cursor], true
	}
	var zero T
	return zero, false
}

// visible renders the rows in view: the cached line of each row, and the
// selected row fresh. The work is the height of the screen.
func (w *window[T]) visible(draw func(row T, selected bool) string) []string {
	if len(w.lines) != len(w.rows) {
		w.lines = make([]string, len(w.rows))
	}
	end := min(w.top+w.height, len(w.rows))
	out := make([]string, 0, max(0, end-w.top))
	for i := w.top; i < end; i++ {
		if i == w.cursor {
			out = append(out, draw(w.rows[i], true))
			continue
		}
		if w.lines[i] == "" {
			w.lines[i] = draw(w.rows[i], false)
		}
		out = append(out, w.lines[i])
	}
	return out
}

// invalidate forgets the rendered lines (a resize, a new programme, marks).
func (w *window[T]) invalidate() { w.lines = nil }

// position says where the cursor is in the whole list, "12/500", when it
// is known.
func (w *window[T]) position() (at, of int, ok bool) {
	if !w.baseKnown || w.total < 0 || len(w.rows) == 0 {
		return 0, 0, false
	}
	return w.base + w.cursor + 1, w.total, true
}

// navigate moves a list for a movement key; ok is false for any other key.
// Every list pane moves the same way.
func navigate[T any](k keymap.KeyMap, w *window[T], msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return w.move(-1), true
	case key.Matches(msg, k.Down):
		return w.move(1), true
	case key.Matches(msg, k.PageUp):
		return w.move(-w.height), true
	case key.Matches(msg, k.PageDown):
		return w.move(w.height), true
	case key.Matches(msg, k.Home):
		return w.home(), true
	case key.Matches(msg, k.End):
		return w.end(), true
	}
	return nil, false
}

// queue is what the approvals and reports panes share: a window of rows
// that loads when the pane comes into view and follows the data.
type queue[T any] struct {
	focused bool
	stale   bool // the data changed while the pane was out of view
	list    window[T]
}

// focus loads the rows when the pane comes into view, if they were never
// loaded or the data changed meanwhile.
func (q *queue[T]) focus() tea.Cmd {
	q.focused = true
	if q.stale || !q.list.loaded {
		q.stale = false
		return q.list.reload()
	}
	return q.list.resized()
}

// follow handles the messages every queue takes the same way — a page of
// rows, the counts (count picks its own), a new programme, data changed by
// an action or another process — and reports whether msg was one of them.
func (q *queue[T]) follow(msg tea.Msg, count func(store.Counts) int) (bool, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg[T]:
		return true, q.list.apply(msg)
	case countsLoadedMsg:
		q.list.total = count(msg.counts)
		return true, nil
	case programmeLoadedMsg:
		q.list.invalidate()
		return true, nil
	case resizedMsg:
		return true, q.list.resized()
	case dataChangedMsg:
		if !q.focused {
			q.stale = true
			return true, nil
		}
		return true, q.list.reload()
	}
	return false, nil
}
