package termtext

import (
	"math/rand"
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		fit   string
		left  string
		cut   string
	}{
		{"alice", 8, "alice   ", "   alice", "alice"},
		{"alice", 5, "alice", "alice", "alice"},
		{"alice", 4, "ali…", "ali…", "ali…"},
		{"alice", 1, "…", "…", "…"},
		{"alice", 0, "", "", ""},
		{"alice", -3, "", "", ""},
		{"", 3, "   ", "   ", ""},
		{"", 0, "", "", ""},
		{"山田太郎", 8, "山田太郎", "山田太郎", "山田太郎"},
		{"山田太郎", 9, "山田太郎 ", " 山田太郎", "山田太郎"},
		{"山田太郎", 7, "山田太…", "山田太…", "山田太…"},
		{"山田太郎", 6, "山田 …", "山田 …", "山田…"}, // 太 would straddle the limit
		{"山田太郎", 2, " …", " …", "…"},
		{"山田太郎", 1, "…", "…", "…"},
		{"e\u0301e\u0301e\u0301", 2, "e\u0301…", "e\u0301…", "e\u0301…"}, // the accent stays with its letter
		{"👍🏽👍🏽", 3, "👍…", "👍…", "👍…"},
		{"\x1b[2Jhello", 6, "^[[2J…", "^[[2J…", "^[[2J…"},
		{"a\nb", 5, "a↵b  ", "  a↵b", "a↵b"},
		{"42", 6, "42    ", "    42", "42"},
	} {
		if got := Fit(tc.s, tc.width); got != tc.fit {
			t.Errorf("Fit(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.fit)
		}
		if got := FitLeft(tc.s, tc.width); got != tc.left {
			t.Errorf("FitLeft(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.left)
		}
		if got := Cut(tc.s, tc.width); got != tc.cut {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.cut)
		}
		checkFit(t, tc.s, tc.width)
	}
}

// samples returns the table inputs and random strings built from pieces
// that stress the width rules.
func samples(n int, seed int64) []string {
	pieces := []string{
		"a", "Z", "1", "#", " ", "  ", "-", "山", "田", "한", "ｶ", "ﾞ", "👍", "🏽", "\u200d", "\ufe0f", "\ufe0e",
		"🇯", "🇵", "\u1100", "\u1161", "\u11a8", "가", "क", "ष", "\u094d", "\u093f", "ก", "ำ", "\u0301", "\u20e3",
		"\x1b", "\x1b]0;", "\x1b[2J", "\a", "\n", "\r", "\r\n", "\t", "\x00", "\x7f", "\u009b", "\u202e", "\u200b",
		"🫨", "\u0d4e", "❤", "🏳", "🌈", "👨", "👩", "🏴", "\U000e0067", "\U000e007f", "\u0378", "☰", "\u00ad",
		"\ufe00", "\U000e0100", "é", "\xff", "\xe4\xb8", "…", "↵", "◌", "\ufffd", "\u3164", "\u2028", "\U0001F600",
	}
	var out []string
	for _, tc := range inertCases {
		out = append(out, tc.in)
	}
	r := rand.New(rand.NewSource(seed))
	for range n {
		var b strings.Builder
		for k := 1 + r.Intn(12); k > 0; k-- {
			if r.Intn(4) == 0 {
				b.WriteRune(rune(r.Intn(0x32000)))
			} else {
				b.WriteString(pieces[r.Intn(len(pieces))])
			}
		}
		out = append(out, b.String())
	}
	return out
}

func TestFitProperties(t *testing.T) {
	for _, s := range samples(2000, 1) {
		checkInert(t, s, Inert(s))
		for _, w := range []int{-1, 0, 1, 2, 3, 4, 5, 7, 10, 16, 40} {
			checkFit(t, s, w)
		}
	}
}

// TestFitLongPrefix checks that cutting a long string, which only makes a
// prefix of it inert, gives what cutting the whole inert string gives.
func TestFitLongPrefix(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	all := samples(500, 3)
	for range 300 {
		var b strings.Builder
		for b.Len() < 3000 {
			b.WriteString(all[r.Intn(len(all))])
		}
		s := b.String()
		full, fw := inert(s)
		for _, w := range []int{1, 5, 20, 80, 700} {
			want := full + spaces(max(w-fw, 0))
			if fw > w {
				want = cut(full, w, true)
			}
			if got := Fit(s, w); got != want {
				t.Fatalf("Fit(%q, %d) = %q, want %q", s, w, got, want)
			}
		}
		for _, w := range []int{1, 7, 30} {
			want, _ := wrapInert(full, w, 3)
			got := Wrap(s, w, 3)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("Wrap(%q, %d, 3) = %q, want %q", s, w, got, want)
			}
		}
	}
}

func TestWidth(t *testing.T) {
	for _, tc := range inertCases {
		if got := Width(tc.in); got != tc.width {
			t.Errorf("Width(%q) = %d, want %d", tc.in, got, tc.width)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		lines int
		want  []string
	}{
		{"the quick brown fox jumps", 10, 5, []string{"the quick", "brown fox", "jumps"}},
		{"the quick brown fox jumps", 10, 2, []string{"the quick", "brown fox…"}},
		{"the quick brown fox jumps over", 9, 2, []string{"the quick", "brown fo…"}},
		{"supercalifragilistic", 8, 5, []string{"supercal", "ifragili", "stic"}},
		{"supercalifragilistic", 8, 2, []string{"supercal", "ifragil…"}},
		{"ab cdefghijklmnop", 5, 5, []string{"ab", "cdefg", "hijkl", "mnop"}},
		{"line one\nline two", 20, 5, []string{"line one↵line two"}},
		{"line one\nline two", 9, 5, []string{"line one↵", "line two"}},
		{"  leading and   inner  ", 30, 5, []string{"leading and   inner"}},
		{"山田太郎山田太郎", 5, 5, []string{"山田", "太郎", "山田", "太郎"}},
		{"山田太郎", 1, 5, []string{"…", "…", "…", "…"}},
		{"\x1b[2J wipe", 10, 2, []string{"^[[2J wipe"}},
		{"", 10, 3, nil},
		{"   ", 10, 3, nil},
		{"text", 0, 3, nil},
		{"text", 10, 0, nil},
		{"text", -1, -1, nil},
	} {
		got := Wrap(tc.s, tc.width, tc.lines)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("Wrap(%q, %d, %d) = %q, want %q", tc.s, tc.width, tc.lines, got, tc.want)
		}
		checkWrap(t, tc.s, tc.width, tc.lines)
	}
}

func TestWrapProperties(t *testing.T) {
	for _, s := range samples(1000, 4) {
		for _, w := range []int{1, 2, 3, 8, 20} {
			for _, n := range []int{1, 2, 4} {
				checkWrap(t, s, w, n)
			}
		}
		// Without a line limit nothing but spaces at line breaks is lost.
		lines := Wrap(s, 7, 1<<20)
		joined := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
		if want := strings.ReplaceAll(Inert(s), " ", ""); joined != want {
			t.Errorf("Wrap(%q, 7, ∞) = %q lost text", s, lines)
		}
	}
}
