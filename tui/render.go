package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"steward/termtext"
)

// fitLines makes text exactly width cells wide and height lines high: cut
// what overflows, pad what is short. Whatever a pane draws goes through it,
// so a resize never wraps a line.
func fitLines(lines []string, width, height int) []string {
	out := make([]string, height)
	for i := range out {
		var l string
		if i < len(lines) {
			l = lines[i]
		}
		out[i] = fitLine(l, width)
	}
	return out
}

// fitLine cuts or pads a styled line to width cells.
func fitLine(l string, width int) string {
	w := ansi.StringWidth(l)
	if w > width {
		l = ansi.Truncate(l, width, "")
		w = ansi.StringWidth(l)
	}
	return l + strings.Repeat(" ", max(0, width-w))
}

// overlay draws box (several lines) centred over the lines of bg.
func overlay(bg []string, box string, width int) []string {
	fg := strings.Split(box, "\n")
	bw := 0
	for _, l := range fg {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, width)
	x := max(0, (width-bw)/2)
	y := max(0, (len(bg)-len(fg))/2)
	out := append([]string(nil), bg...)
	for i, l := range fg {
		if y+i >= len(out) {
			break
		}
		left := fitLine(ansi.Cut(out[y+i], 0, x), x)
		right := ansi.Cut(out[y+i], x+bw, width)
		out[y+i] = left + fitLine(l, bw) + right
	}
	return out
}

// sideBySide joins a list and its detail with a rule between them; the
// rule is heavy when the detail has the keys, so focus shows without
// colour.
func sideBySide(st *Styles, left, right []string, lw, rw, height int, rightFocused bool) []string {
	left, right = fitLines(left, lw, height), fitLines(right, rw, height)
	bar := st.Rule.Render("│")
	if rightFocused {
		bar = st.Title.Render("┃")
	}
	out := make([]string, height)
	for i := range out {
		out[i] = left[i] + bar + right[i]
	}
	return out
}

// splitWidths divides a wide screen between a list and its detail: the
// list gets a little more than half, enough for its columns.
func splitWidths(width int) (list, detail int) {
	list = max(60, min(96, width*11/20))
	return list, width - list - 1
}

// titleLine is a pane's first line: a title and what qualifies it on the
// left, something short on the right.
func titleLine(st *Styles, title, sub, right string, width int) string {
	l := st.Title.Render(" "+title) + st.Subtitle.Render(sub)
	lw := lipgloss.Width(l)
	rw := termtext.Width(right)
	if lw+rw+2 > width {
		return fitLine(l, width)
	}
	return l + strings.Repeat(" ", width-lw-rw-1) + st.Subtitle.Render(termtext.Cut(right, rw)) + " "
}

// emptyState is what a list says when it has nothing: what to do next.
func emptyState(st *Styles, text string, width int) string {
	return st.Empty.Render(termtext.Fit("  "+text, width))
}

// ago says how long ago t was, for the lists: "today", "3d ago".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return "just now"
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dw ago", int(d.Hours()/24/7))
	case d < 730*24*time.Hour:
		return fmt.Sprintf("%dmo ago", int(d.Hours()/24/30))
	}
	return fmt.Sprintf("%dy ago", int(d.Hours()/24/365))
}

// age is ago without "ago", for narrow columns: "3d", "now".
func age(now, t time.Time) string {
	a := ago(now, t)
	if a == "just now" {
		return "now"
	}
	return strings.TrimSuffix(a, " ago")
}

func day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// signed writes points with their sign: "+5", "-20", "0".
func signed(n int64) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}

// progressBar draws done/total as a bar of width cells, with its numbers
// beside it so that it reads without colour.
func progressBar(st *Styles, done, total int64, width int) string {
	if total <= 0 || width <= 0 {
		return ""
	}
	full := int(min(done, total) * int64(width) / total)
	return st.Detail.BarFull.Render(strings.Repeat("█", full)) +
		st.Detail.BarEmpty.Render(strings.Repeat("░", width-full))
}

// paneView finishes a pane's screen: the open form, if any, drawn over its
// lines, and the lines fitted to exactly the pane's size.
func paneView(lines []string, form *prompt, w, h int) string {
	if form != nil {
		lines = overlay(fitLines(lines, w, h), form.View(w), w)
	}
	return strings.Join(fitLines(lines, w, h), "\n")
}

// memberPaneLines lays out a list of members and the detail of the one
// selected: side by side when wide, else the detail when it is open, else
// the list.
func memberPaneLines(st *Styles, w, h int, wide, showDetail bool, list func(width int) []string, detail func() string) []string {
	switch {
	case showDetail && !wide:
		return strings.Split(detail(), "\n")
	case wide:
		lw, dw := splitWidths(w)
		return sideBySide(st, list(lw), strings.Split(detail(), "\n"), lw, dw, h, showDetail)
	}
	return list(w)
}
