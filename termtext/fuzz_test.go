package termtext

import (
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// FuzzInert checks that the output never carries a control, format or
// separator character, invalid UTF-8 or ESC, that it measures what tmux
// draws, and that Fit of it is exactly as wide as asked.
func FuzzInert(f *testing.F) {
	for _, tc := range inertCases {
		f.Add(tc.in)
	}
	f.Add("\x1b]0;title")
	f.Add("\xf0\x9f\x91")
	f.Fuzz(func(t *testing.T, s string) {
		out := Inert(s)
		checkInert(t, s, out)
		if Inert(out) != out {
			t.Errorf("Inert is not idempotent on %q", out)
		}
		w := int(uint(len(s)*7+int(fnv(s))) % 200)
		if got := ansi.StringWidth(Fit(s, w)); got != w {
			t.Errorf("Fit(%q, %d) is %d cells", s, w, got)
		}
	})
}

// FuzzFit checks Fit, FitLeft, Cut and Wrap for widths derived from the
// input.
func FuzzFit(f *testing.F) {
	for _, tc := range inertCases {
		f.Add(tc.in, tc.width)
		f.Add(tc.in, tc.width-1)
	}
	f.Add("山田太郎", 7)
	f.Add("", -5)
	f.Fuzz(func(t *testing.T, s string, w int) {
		if !utf8.ValidString(s) && len(s) > 1<<16 {
			s = s[:1<<16]
		}
		w %= 200
		checkFit(t, s, w)
		n := 1 + int(uint(w)%5)
		checkWrap(t, s, max(w%40, 0), n)
	})
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
