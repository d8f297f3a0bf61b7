package termtext

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

const ellipsis = "…"

// ellipsisWidth is one cell, unless RUNEWIDTH_EASTASIAN makes ansi count
// ambiguous-width characters as two.
var ellipsisWidth = ansi.StringWidth(ellipsis)

const spaceRun = "                                                                " // 64

func spaces(n int) string {
	if n <= len(spaceRun) {
		return spaceRun[:n]
	}
	return strings.Repeat(" ", n)
}

// Width returns the number of cells Inert(s) occupies.
func Width(s string) int {
	if isPlainASCII(s) {
		return len(s)
	}
	_, w := inert(s)
	return w
}

// Fit returns Inert(s) cut or padded to exactly width cells: when it is
// wider it is cut at a grapheme boundary and ends in "…" (with a space
// before the "…" when a wide character would straddle the limit), otherwise
// spaces are added on the right. ansi.StringWidth(Fit(s, w)) == w for every
// w >= 0; a negative width counts as 0 and gives "".
func Fit(s string, width int) string {
	t, tw, ok := measure(s, width)
	if !ok {
		return ""
	}
	if tw > width {
		return cut(t, width, true)
	}
	return t + spaces(width-tw)
}

// FitLeft is Fit with the padding on the left (right-aligned), for number
// columns.
func FitLeft(s string, width int) string {
	t, tw, ok := measure(s, width)
	if !ok {
		return ""
	}
	if tw > width {
		return cut(t, width, true)
	}
	return spaces(width-tw) + t
}

// Cut returns Inert(s) cut to at most width cells, ending in "…" when it was
// wider. Unlike Fit it never adds spaces, so the result can be one cell
// narrower than width when a wide character would straddle the limit.
func Cut(s string, width int) string {
	t, tw, ok := measure(s, width)
	if !ok {
		return ""
	}
	if tw > width {
		return cut(t, width, false)
	}
	return t
}

// measure returns Inert(s) (or a prefix of it that is wider than width) and
// its width. ok is false when width <= 0.
func measure(s string, width int) (string, int, bool) {
	if width <= 0 {
		return "", 0, false
	}
	if isPlainASCII(s) {
		return s, len(s), true
	}
	t, tw := inertWiderThan(s, width)
	return t, tw, true
}

// cut shortens the inert text t, which is wider than width > 0, to width
// cells including the trailing "…". With pad, a cell left free because a
// wide character did not fit is filled with a space before the "…".
func cut(t string, width int, pad bool) string {
	tail, tailW := ellipsis, ellipsisWidth
	if tailW > width {
		tail, tailW = "", 0
	}
	budget := width - tailW
	end, used := prefixCells(t, budget)
	if pad {
		return t[:end] + spaces(budget-used) + tail
	}
	return t[:end] + tail
}

// prefixCells returns the length in bytes and the width of the longest
// prefix of the inert text t that fits in budget cells and ends at a
// grapheme boundary: zero-width units (marks after an ASCII letter) stay
// with the unit before them.
func prefixCells(t string, budget int) (end, used int) {
	if budget <= 0 {
		return 0, 0
	}
	for end < len(t) {
		n, w := nextUnit(t, end)
		if used+w > budget {
			break
		}
		end += n
		used += w
	}
	return end, used
}

// nextUnit returns the length and width of the unit of the inert text t at
// i, a unit being what ansi.StringWidth measures in one step: one ASCII
// byte, or one grapheme cluster.
func nextUnit(t string, i int) (n, w int) {
	if t[i] < utf8.RuneSelf {
		return 1, 1
	}
	c, cw := ansi.FirstGraphemeCluster(t[i:], ansi.GraphemeWidth)
	if c == "" {
		return 1, 0
	}
	return len(c), cw
}

// inertWiderThan returns Inert(s) and its width, or, for a long s, the
// Inert form of a prefix of s when that is already wider than need cells.
// The prefix ends at a safe boundary (see safeBoundary), so its Inert form
// is exactly the beginning of Inert(s) and cutting it to need cells gives
// the same result. This keeps Fit on a 10 MB string proportional to width.
func inertWiderThan(s string, need int) (string, int) {
	if need < len(s)/8 {
		for limit := 4*need + 64; limit < len(s); limit *= 4 {
			p := safeBoundary(s, limit)
			if p <= 0 {
				break
			}
			if t, tw := inert(s[:p]); tw > need {
				return t, tw
			}
			if limit > len(s)/4 {
				break
			}
		}
	}
	return inert(s)
}

// safeBoundary returns the first index p >= from (and < len(s)) before
// which s can be cut without changing how Inert treats s[:p], or -1.
// That holds before printable ASCII (no rule of Inert looks ahead past a
// rune into printable ASCII with a different outcome, and ansi.StringWidth
// measures ASCII byte by byte) and between two plain letters (see
// plainRune).
func safeBoundary(s string, from int) int {
	for p := from; p < len(s); p++ {
		b := s[p]
		if b >= 0x20 && b < 0x7F {
			return p
		}
		if !utf8.RuneStart(b) || b < utf8.RuneSelf {
			continue
		}
		x, xn := utf8.DecodeLastRuneInString(s[:p])
		y, yn := utf8.DecodeRuneInString(s[p:])
		if xn > 1 && yn > 1 && plainRune(x) && plainRune(y) {
			return p
		}
	}
	return -1
}

// Wrap returns Inert(s) word-wrapped into at most maxLines lines of at most
// width cells each. Lines break at spaces and after "↵" (a newline of the
// input); a word longer than width is broken at grapheme boundaries. When
// text remains after maxLines lines, the last line is filled up and cut with
// "…". Spaces at line breaks are dropped and lines are not padded. It
// returns nil when width <= 0, maxLines <= 0, or s has nothing but spaces.
func Wrap(s string, width, maxLines int) []string {
	if width <= 0 || maxLines <= 0 {
		return nil
	}
	// For long text, wrap a prefix ending before a space; if the prefix
	// alone already overflows maxLines lines, the result is the same.
	if width < len(s) && maxLines+2 <= len(s)/(4*width) {
		for limit := 4*(maxLines+2)*width + 64; limit < len(s); limit *= 4 {
			p := wordEnd(s, limit)
			if p < 0 {
				break
			}
			t, _ := inert(s[:p])
			if lines, more := wrapInert(t, width, maxLines); more {
				return lines
			}
			if limit > len(s)/4 {
				break
			}
		}
	}
	t, _ := inert(s)
	lines, _ := wrapInert(t, width, maxLines)
	return lines
}

// markAt reports whether a combining mark starts at t[i]. A space that
// carries a mark is a visible character, not a break opportunity.
func markAt(t string, i int) bool {
	if i >= len(t) || t[i] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t[i:])
	return isMark(r)
}

// wordEnd returns the first index p >= from of a space that is followed by
// ASCII (so it carries no combining mark and ends a word), or -1.
func wordEnd(s string, from int) int {
	for p := from; p < len(s); p++ {
		if s[p] == ' ' && (p+1 == len(s) || s[p+1] < utf8.RuneSelf) {
			return p
		}
	}
	return -1
}

type span struct{ start, end, width int }

// wrapInert wraps the inert text t. more reports that text remained after
// maxLines lines (the last line then ends in "…").
func wrapInert(t string, width, maxLines int) (lines []string, more bool) {
	var spans []span
	cur := span{start: -1}
	// add closes a line; it reports false when the line limit is reached.
	add := func(l span) bool {
		spans = append(spans, l)
		return len(spans) < maxLines
	}
	i := 0
words:
	for {
		gap := 0
		for i < len(t) && t[i] == ' ' && !markAt(t, i+1) {
			i++
			gap++
		}
		if i >= len(t) {
			break
		}
		ws, ww := i, 0
		for i < len(t) && (t[i] != ' ' || markAt(t, i+1)) {
			n, w := nextUnit(t, i)
			isNewline := strings.HasPrefix(t[i:], "↵")
			i += n
			ww += w
			if isNewline {
				break
			}
		}
		if cur.start >= 0 && cur.width+gap+ww <= width {
			cur.end = i
			cur.width += gap + ww
			continue
		}
		if cur.start >= 0 {
			if !add(cur) {
				more = true
				break
			}
			cur = span{start: -1}
		}
		if ww <= width {
			cur = span{ws, i, ww}
			continue
		}
		// A word wider than a line: break it at unit boundaries.
		for j := ws; j < i; {
			cs, cw := j, 0
			for j < i {
				n, w := nextUnit(t, j)
				if cw > 0 && cw+w > width {
					break
				}
				j += n
				cw += w
			}
			if j == i {
				cur = span{cs, j, cw}
				break
			}
			if !add(span{cs, j, cw}) {
				more = true
				break words
			}
		}
	}
	if !more && cur.start >= 0 {
		spans = append(spans, cur)
	}
	lines = make([]string, len(spans))
	for k, l := range spans {
		switch {
		case more && k == len(spans)-1:
			lines[k] = cut(t[l.start:], width, false)
		case l.width > width: // a wide character on a one-cell line
			lines[k] = cut(t[l.start:l.end], width, false)
		default:
			lines[k] = t[l.start:l.end]
		}
	}
	if len(lines) == 0 {
		return nil, more
	}
	return lines, more
}
