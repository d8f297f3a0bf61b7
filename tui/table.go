package tui

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"steward/termtext"
)

// The lists draw their rows themselves rather than through bubbles/table:
// a bubbles table renders every row it is given on each View and measures
// them with lipgloss, so it would need the whole list (100,000 members) or
// a copy of the window re-set on every cursor move. Here a row is drawn
// from its cells once, cached by the window, and only the rows in view are
// drawn at all; the cells go through termtext, which makes member text
// inert and measures it in cells.

// column is one column of a list.
type column struct {
	title string
	width int  // fixed width, or the least width of a flexible column
	flex  int  // share of the room left over; 0 for a fixed column
	right bool // numbers are aligned right
	// optional columns are dropped, rightmost first, when the screen is
	// too narrow for every column.
	optional bool
}

// markerWidth is the "> " in front of the selected row.
const markerWidth = 2

// layout gives each column its width for a screen width: fixed columns
// their width, flexible ones the room left in proportion to their flex. A
// dropped column gets 0. Columns are separated by one space. The column
// at keep (the one the list is sorted by; -1 for none) is never dropped:
// a list said to be sorted by a number must show that number.
func layout(cols []column, width, keep int) []int {
	widths := make([]int, len(cols))
	shown := make([]bool, len(cols))
	for i := range cols {
		shown[i] = true
	}
	need := func() int {
		n, k := markerWidth, 0
		for i, c := range cols {
			if shown[i] {
				n += c.width
				k++
			}
		}
		return n + max(0, k-1)
	}
	for i := len(cols) - 1; i >= 0 && need() > width; i-- {
		if cols[i].optional && i != keep {
			shown[i] = false
		}
	}
	room := width - need()
	flex := 0
	for i, c := range cols {
		if shown[i] {
			flex += c.flex
		}
	}
	given := 0
	for i, c := range cols {
		if !shown[i] {
			continue
		}
		widths[i] = c.width
		if c.flex > 0 && room > 0 {
			extra := room * c.flex / flex
			widths[i] += extra
			given += extra
		}
	}
	// The rounding remainder goes to the first flexible column.
	for i, c := range cols {
		if shown[i] && c.flex > 0 && room > 0 {
			widths[i] += room - given
			break
		}
	}
	return widths
}

// cell is one cell of a row. text is shown through termtext (inert, cut
// to the column); match lists the byte offsets of text the filter matched.
type cell struct {
	text  string
	kind  cellKind
	match []int
}

// table draws rows of cells in columns.
type table struct {
	styles *Styles
	cols   []column
	widths []int
	width  int
	keep   int // the column never dropped, or -1
}

func newTable(s *Styles, cols []column) table {
	return table{styles: s, cols: cols, keep: -1}
}

func (t *table) setWidth(w int) {
	t.width = w
	t.widths = layout(t.cols, w, t.keep)
}

// setKeep names, by its title, the column that stays however narrow the
// screen ("": none), and lays the columns out again.
func (t *table) setKeep(title string) {
	t.keep = slices.IndexFunc(t.cols, func(c column) bool { return title != "" && c.title == title })
	t.setWidth(t.width)
}

// header is the line of column titles.
func (t *table) header() string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	first := true
	for i, c := range t.cols {
		if t.widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		if c.right {
			b.WriteString(termtext.FitLeft(c.title, t.widths[i]))
		} else {
			b.WriteString(termtext.Fit(c.title, t.widths[i]))
		}
	}
	return t.styles.Table.Header.Render(t.pad(b.String()))
}

// row draws one row. The selected row carries a ">" so that it shows
// without colour or reverse video.
func (t *table) row(cells []cell, selected bool) string {
	st := &t.styles.Table
	styles, match := st.Cell, st.Match
	marker := "  "
	if selected {
		styles, match = st.Selected, st.SelectedMatch
		marker = "> "
	}
	var b strings.Builder
	b.WriteString(styles[cellNormal].Render(marker))
	used := markerWidth
	first := true
	for i, c := range t.cols {
		w := t.widths[i]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(styles[cellNormal].Render(" "))
			used++
		}
		first = false
		var x cell
		if i < len(cells) {
			x = cells[i]
		}
		b.WriteString(fitCell(x, w, c.right, styles[x.kind], match))
		used += w
	}
	if used < t.width {
		b.WriteString(styles[cellNormal].Render(strings.Repeat(" ", t.width-used)))
	}
	return b.String()
}

func (t *table) pad(s string) string {
	if w := lipgloss.Width(s); w < t.width {
		return s + strings.Repeat(" ", t.width-w)
	}
	return s
}

// fitCell makes a cell's text inert, fits it to width cells and styles it,
// with the characters the filter matched in the match style. Numbers
// (right-aligned) are never highlighted.
func fitCell(c cell, width int, right bool, style, match lipgloss.Style) string {
	if right {
		return style.Render(termtext.FitLeft(c.text, width))
	}
	if len(c.match) == 0 {
		return style.Render(termtext.Fit(c.text, width))
	}
	t, spans, ok := inertSpans(c.text, c.match)
	if !ok {
		return style.Render(termtext.Fit(c.text, width))
	}
	f := termtext.Fit(t, width)
	// The fitted text is t's first `keep` bytes, then padding or "…".
	keep := 0
	for keep < len(f) && keep < len(t) && f[keep] == t[keep] {
		keep++
	}
	for keep < len(f) && keep > 0 && !utf8.RuneStart(f[keep]) {
		keep-- // "…" and a character of t can share their first bytes
	}
	var b strings.Builder
	at := 0
	for _, s := range spans {
		lo, hi := s[0], min(s[1], keep)
		if lo >= hi {
			break
		}
		b.WriteString(style.Render(f[at:lo]))
		b.WriteString(match.Render(f[lo:hi]))
		at = hi
	}
	b.WriteString(style.Render(f[at:]))
	return b.String()
}

// inertSpans makes text inert piece by piece, cut at the matched
// characters, and returns the inert text with the byte spans of the matched
// pieces in it. ok is false when cutting the text changed how it is made
// inert (a match inside a grapheme cluster): the cell is then drawn without
// highlights rather than with wrong ones.
func inertSpans(text string, match []int) (string, [][2]int, bool) {
	var b strings.Builder
	var spans [][2]int
	at := 0
	for _, m := range match {
		if m < at || m >= len(text) {
			return "", nil, false
		}
		n := runeLen(text[m:])
		b.WriteString(termtext.Inert(text[at:m]))
		lo := b.Len()
		b.WriteString(termtext.Inert(text[m : m+n]))
		spans = append(spans, [2]int{lo, b.Len()})
		at = m + n
	}
	b.WriteString(termtext.Inert(text[at:]))
	out := b.String()
	if out != termtext.Inert(text) {
		return "", nil, false
	}
	return out, spans, true
}

func runeLen(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}
