package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"steward/termtext"
)

func TestLayout(t *testing.T) {
	cols := []column{
		{title: "A", width: 10, flex: 1},
		{title: "B", width: 5},
		{title: "C", width: 10, flex: 3},
		{title: "D", width: 8, optional: true},
	}
	for _, tc := range []struct {
		width int
		want  []int
	}{
		// 2 + 10+5+10+8 + 3 gaps = 38: 42 leaves 4, one for A, three for C.
		{42, []int{11, 5, 13, 8}},
		{38, []int{10, 5, 10, 8}},
		// Too narrow for D: it goes, and its room goes to the others.
		{37, []int{12, 5, 16, 0}},
		{20, []int{10, 5, 10, 0}},
	} {
		got := layout(cols, tc.width, -1)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("layout(%d) = %v, want %v", tc.width, got, tc.want)
			}
		}
	}
}

func TestLayoutKeepsTheSortedColumn(t *testing.T) {
	cols := []column{
		{title: "A", width: 10, flex: 1},
		{title: "B", width: 6, optional: true},
		{title: "C", width: 6, optional: true},
		{title: "D", width: 6, optional: true},
	}
	// 2 + 10+6+6+6 + 3 gaps = 33. At 25 two optional columns must go
	// (and A takes the room left):
	// the rightmost ones, unless one is kept.
	for _, tc := range []struct {
		keep int
		want []int
	}{
		{-1, []int{16, 6, 0, 0}},
		{3, []int{16, 0, 0, 6}},
		{2, []int{16, 0, 6, 0}},
		{1, []int{16, 6, 0, 0}},
	} {
		got := layout(cols, 25, tc.keep)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("layout(25, keep %d) = %v, want %v", tc.keep, got, tc.want)
			}
		}
	}
}

// hostile are member texts that must neither move the cursor nor break a
// column.
var hostile = []string{
	"plain",
	"\x1b[2J\x1b[Hclear",
	"\x1b]0;pwned\x07title",
	"evil\u202Egnp.exe",
	"山田太郎",
	"👍🏽👨‍👩‍👧‍👦 family",
	"tab\there\nnewline\r",
	"e\u0301\u0301\u0301\u0301 zalgo",
	strings.Repeat("long", 2500),
}

func TestRowsAreAlwaysTheTableWidth(t *testing.T) {
	st := NewStyles(DefaultTheme())
	tb := newTable(&st, []column{
		{title: "HANDLE", width: 8, flex: 1},
		{title: "NAME", width: 8, flex: 2},
		{title: "N", width: 4, right: true},
	})
	for _, w := range []int{30, 61, 80, 140} {
		tb.setWidth(w)
		if got := ansi.StringWidth(tb.header()); got != w {
			t.Fatalf("header is %d cells at width %d", got, w)
		}
		for _, s := range hostile {
			for _, sel := range []bool{false, true} {
				row := tb.row([]cell{{text: s}, {text: s, match: []int{0}}, {text: s}}, sel)
				if got := ansi.StringWidth(row); got != w {
					t.Fatalf("row of %q is %d cells at width %d", s, got, w)
				}
				if strings.ContainsAny(ansi.Strip(row), "\x1b\x07\r\n\t\u202E") {
					t.Fatalf("row of %q lets a control character through: %q", s, row)
				}
			}
		}
	}
}

func TestMatchedCharactersAreHighlighted(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	plain := r.NewStyle()
	match := r.NewStyle().Underline(true)
	got := fitCell(cell{text: "annabel", match: []int{0, 4}}, 10, false, plain, match)
	if ansi.Strip(got) != "annabel   " {
		t.Fatalf("text changed: %q", ansi.Strip(got))
	}
	if !strings.Contains(got, match.Render("a")) || !strings.Contains(got, match.Render("b")) {
		t.Fatalf("matched characters are not underlined: %q", got)
	}
	// A match cut off by the column is not drawn past it.
	got = fitCell(cell{text: "annabel.iyer", match: []int{0, 11}}, 6, false, plain, match)
	if ansi.Strip(got) != "annab…" {
		t.Fatalf("cut cell = %q", ansi.Strip(got))
	}
	// A match that would split a grapheme cluster falls back to no
	// highlight rather than drawing it wrong.
	got = fitCell(cell{text: "e\u0301x", match: []int{1}}, 5, false, plain, match)
	if got != plain.Render(termtext.Fit("e\u0301x", 5)) {
		t.Fatalf("split cluster = %q", got)
	}
}

func TestFitLinesAndOverlayKeepTheSize(t *testing.T) {
	bg := fitLines([]string{"山田太郎 " + strings.Repeat("x", 100), "short"}, 40, 6)
	if len(bg) != 6 {
		t.Fatalf("%d lines, want 6", len(bg))
	}
	for _, l := range bg {
		if ansi.StringWidth(l) != 40 {
			t.Fatalf("line %q is %d cells", l, ansi.StringWidth(l))
		}
	}
	out := overlay(bg, "╭──╮\n│hi│\n╰──╯", 40)
	for _, l := range out {
		if ansi.StringWidth(l) != 40 {
			t.Fatalf("overlaid line %q is %d cells", l, ansi.StringWidth(l))
		}
	}
	if !strings.Contains(out[2], "│hi│") {
		t.Fatalf("the box is not in the middle: %q", out)
	}
}

func TestInertIsStableSoHighlightsLineUp(t *testing.T) {
	for _, s := range hostile {
		once := termtext.Inert(s)
		if twice := termtext.Inert(once); twice != once {
			t.Fatalf("Inert is not idempotent on %q: %q then %q", s, once, twice)
		}
	}
}
