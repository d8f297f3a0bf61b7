package termtext

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// tmuxWidth models how many cells tmux 3.3a on glibc 2.36 advances for s:
// every code point takes wcwidth(3) cells, zero-width ones (combining marks,
// Hangul vowel and final jamo) are hung onto the previous cell. For every
// code point that Inert lets through, the width ansi.StringWidth gives it
// alone equals glibc's wcwidth, except regional indicators (one cell for
// glibc) and the jamo; this was checked offline against wcwidth() of all
// 1,112,064 code points, and the model against tmux itself on 16,000
// random Inert/Fit outputs (see the table in inert.go).
func tmuxWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			w++
		case isMark(r) || isJamoVT(r):
		case isRegionalIndicator(r):
			w++
		default:
			w += ansi.StringWidth(string(r))
		}
	}
	return w
}

// checkInert reports every broken promise of Inert for the output out.
func checkInert(t testing.TB, in, out string) {
	t.Helper()
	checkSafe(t, "Inert("+strconv.Quote(in)+")", out)
	if got, want := Width(in), ansi.StringWidth(out); got != want {
		t.Errorf("Width(%q) = %d, want %d", in, got, want)
	}
}

// checkSafe reports output that is not inert or not honestly measured.
func checkSafe(t testing.TB, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s = %q: invalid UTF-8", what, out)
	}
	marks := 0
	for i, r := range out {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Errorf("%s = %q: %U at byte %d", what, out, r, i)
		}
		if isMark(r) {
			marks++
			if marks > maxMarks {
				t.Errorf("%s = %q: more than %d combining marks in a row", what, out, maxMarks)
			}
		} else {
			marks = 0
		}
		if i == 0 && isMark(r) {
			t.Errorf("%s = %q: starts with a combining mark", what, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\n\r") {
		t.Errorf("%s = %q: contains ESC or a line break", what, out)
	}
	if got, want := ansi.StringWidth(out), tmuxWidth(out); got != want {
		t.Errorf("%s = %q: ansi.StringWidth %d, tmux draws %d", what, out, got, want)
	}
}

// checkFit reports every broken promise of Fit, FitLeft and Cut.
func checkFit(t testing.TB, s string, w int) {
	t.Helper()
	want := max(w, 0)
	for name, f := range map[string]func(string, int) string{"Fit": Fit, "FitLeft": FitLeft} {
		out := f(s, w)
		what := fmt.Sprintf("%s(%q, %d)", name, s, w)
		if got := ansi.StringWidth(out); got != want {
			t.Errorf("%s = %q: width %d, want %d", what, out, got, want)
		}
		checkSafe(t, what, out)
	}
	out := Cut(s, w)
	what := fmt.Sprintf("Cut(%q, %d)", s, w)
	got, full := ansi.StringWidth(out), Width(s)
	switch {
	case full <= want && got != full:
		t.Errorf("%s = %q: width %d, want %d", what, out, got, full)
	case full > want && got != want && got != want-1:
		t.Errorf("%s = %q: width %d, want %d (or one less)", what, out, got, want)
	}
	checkSafe(t, what, out)
}

// checkWrap reports every broken promise of Wrap.
func checkWrap(t testing.TB, s string, w, n int) {
	t.Helper()
	lines := Wrap(s, w, n)
	if len(lines) > max(n, 0) {
		t.Errorf("Wrap(%q, %d, %d): %d lines", s, w, n, len(lines))
	}
	for _, l := range lines {
		what := fmt.Sprintf("Wrap(%q, %d, %d) line", s, w, n)
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("%s %q is %d cells", what, l, got)
		}
		checkSafe(t, what, l)
	}
}
