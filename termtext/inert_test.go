package termtext

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// inertCases are the table cases; FuzzInert and FuzzFit use them as seeds.
var inertCases = []struct {
	name, in, want string
	width          int
}{
	// Escape sequences are shown, never interpreted or swallowed.
	{"CSI clear screen", "\x1b[2J", "^[[2J", 5},
	{"CSI home", "\x1b[H", "^[[H", 4},
	{"CSI cursor up", "\x1b[10A", "^[[10A", 6},
	{"CSI SGR around text", "\x1b[31mred\x1b[0m", "^[[31mred^[[0m", 14},
	{"OSC 0 title BEL", "\x1b]0;evil\x07", "^[]0;evil^G", 11},
	{"OSC 2 title ST", "\x1b]2;evil\x1b\\", "^[]2;evil^[\\", 12},
	{"OSC 52 clipboard", "\x1b]52;c;aGVsbG8=\x07", "^[]52;c;aGVsbG8=^G", 18},
	{"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
		"^[]8;;https://evil.example/^[\\click^[]8;;^[\\", 44},
	{"unterminated OSC keeps the text", "\x1b]0;title then the rest", "^[]0;title then the rest", 24},
	{"unterminated CSI keeps the text", "name\x1b[", "name^[[", 7},
	{"DCS", "\x1bP1$r\x1b\\", "^[P1$r^[\\", 9},
	{"8-bit CSI", "\u009b31m", "<U+009B>31m", 11},
	{"8-bit OSC", "\u009d0;t\u009c", "<U+009D>0;t<U+009C>", 19},
	{"NEL", "a\u0085b", "a<U+0085>b", 10},

	// C0 controls and DEL.
	{"NUL", "a\x00b", "a^@b", 4},
	{"BEL", "\a", "^G", 2},
	{"backspace", "ab\bc", "ab^Hc", 5},
	{"DEL", "x\x7f", "x^?", 3},
	{"unit separator", "\x1f", "^_", 2},
	{"tab", "a\tb", "a b", 3},
	{"newline", "one\ntwo", "one↵two", 7},
	{"CRLF", "one\r\ntwo\r\n", "one↵two↵", 8},
	{"lone CR", "safe\rEVIL", "safe^MEVIL", 10},
	{"LF CR", "a\n\rb", "a↵^Mb", 5},

	// Format characters and separators.
	{"bidi override", "\u202Eevil", "<U+202E>evil", 12},
	{"bidi isolates", "\u2066x\u2069", "<U+2066>x<U+2069>", 17},
	{"LRM RLM ALM", "\u200e\u200f\u061c", "<U+200E><U+200F><U+061C>", 24},
	{"zero-width space", "ad\u200bmin", "ad<U+200B>min", 13},
	{"ZWNJ", "ad\u200cmin", "ad<U+200C>min", 13},
	{"ZWJ between letters", "ad\u200dmin", "ad<U+200D>min", 13},
	{"word joiner", "a\u2060b", "a<U+2060>b", 10},
	{"BOM", "\ufeffname", "<U+FEFF>name", 12},
	{"soft hyphen", "ad\u00admin", "ad<U+00AD>min", 13},
	{"line separator", "a\u2028b\u2029c", "a<U+2028>b<U+2029>c", 19},
	{"Arabic number sign", "\u0600", "<U+0600>", 8},
	{"stray tag", "a\U000E0041", "a<U+E0041>", 10},
	{"Hangul filler name", "\u3164", "<U+3164>", 8},
	{"blank Braille", "\u2800", "<U+2800>", 8},
	{"combining grapheme joiner", "ad\u034fmin", "ad<U+034F>min", 13},

	// Invalid UTF-8.
	{"invalid byte", "a\xffb", "a\uFFFDb", 3},
	{"truncated sequence", "\xe5\xb1", "\uFFFD\uFFFD", 2},
	{"overlong", "\xc0\xaf", "\uFFFD\uFFFD", 2},
	{"surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD", 3},

	// Combining marks.
	{"accent", "e\u0301", "e\u0301", 1},
	{"two marks kept", "a\u0300\u0301", "a\u0300\u0301", 1},
	{"zalgo", "Z" + strings.Repeat("\u0336\u0489", 40) + "a", "Z\u0336\u0489a", 2},
	{"mark without base", "\u0301abc", "\u25CC\u0301abc", 4},
	{"marks without base capped", "\u0301\u0302\u0303", "\u25CC\u0301\u0302", 1},
	{"marks after a newline", "a\n\u0301", "a↵\u0301", 2},

	// Wide characters and emoji.
	{"CJK", "山田太郎", "山田太郎", 8},
	{"Hangul", "김민준", "김민준", 6},
	{"kana", "やまだ タロウ", "やまだ タロウ", 13},
	{"halfwidth kana", "ｶﾀｶﾅ", "ｶﾀｶﾅ", 4},
	{"halfwidth voiced mark", "ｶﾞ", "ｶ\u3099", 1},
	{"emoji", "👍", "👍", 2},
	{"emoji in a name", "ann👍", "ann👍", 5},
	{"skin tone", "👍🏽", "👍", 2},
	{"two skin tones", "👋🏻🏼", "👋", 2},
	{"skin tone on a narrow emoji", "✌🏽", "✌", 1},
	{"modifier alone", "🏽", "🏽", 2},
	{"modifier after ASCII", "a🏽", "a🏽", 3},
	{"modifier glued to CJK", "山🏽", "山\uFFFD", 3},
	{"ZWJ family", "👨\u200d👩\u200d👧\u200d👦", "👨👩👧👦", 8},
	{"ZWJ technologist", "🧑🏻\u200d💻", "🧑💻", 4},
	{"ZWJ rainbow flag", "🏳\ufe0f\u200d🌈", "🏳🌈", 3},
	{"ZWJ with VS16 inside", "👁\ufe0f\u200d🗨\ufe0f", "👁🗨", 2},
	{"ZWJ at the end", "👍\u200d", "👍<U+200D>", 10},
	{"flag", "🇯🇵", "🇯🇵", 2},
	{"two flags", "🇺🇸🇬🇧", "🇺🇸🇬🇧", 4},
	{"lone regional indicator", "🇯", "\uFFFD", 1},
	{"odd regional indicators", "🇯🇵🇯", "🇯🇵\uFFFD", 3},
	{"regional indicator with a mark", "🇯\u0301🇵", "\uFFFD\u0301\uFFFD", 2},
	{"subdivision flag", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "🏴", 2},
	{"broken subdivision flag", "🏴\U000E0067x", "🏴<U+E0067>x", 12},
	{"keycap", "1\ufe0f\u20e3", "1\u20e3", 1},
	{"keycap without VS16", "#\u20e3", "#\u20e3", 1},
	{"heart VS16", "❤\ufe0f", "❤", 1},
	{"smiley VS16", "☺\ufe0f", "☺", 1},
	{"VS16 sequences", "✔\ufe0f⚠\ufe0f\u2139\ufe0f🅰\ufe0f", "✔⚠\u2139🅰", 4},
	{"VS15 on a wide emoji", "😀\ufe0e", "😀", 2},
	{"VS15 on a heart", "❤\ufe0e", "❤", 1},
	{"VS16 between letters", "ad\ufe0fmin", "ad<U+FE0F>min", 13},
	{"ideographic variation selector", "葛\U000E0100", "葛\U000E0100", 2},
	{"variation selector after ASCII", "a\ufe00", "a<U+FE00>", 9},
	{"Unicode 15 emoji", "🫨", "\uFFFD", 1},
	{"Unicode 15 emoji in a name", "x🩷y", "x\uFFFDy", 3},
	{"unassigned", "\u0378", "\uFFFD", 1},
	{"noncharacter", "\uFFFF", "\uFFFD", 1},
	{"private use", "\uE000", "\uE000", 1},
	{"trigram", "☰", "\uFFFD", 1},

	// Hangul jamo.
	{"jamo syllable", "\u1100\u1161\u11a8", "\u1100\u1161\u11a8", 2},
	{"orphan vowel jamo", "\u1161", "\uFFFD", 1},
	{"orphan final jamo after a syllable", "한\u1161", "한\uFFFD", 3},
	{"syllable with final jamo", "하\u11ab", "하\u11ab", 2},
	{"two initial jamo", "\u1100\u1100", "\u1100\uFFFD", 3},
	{"initial jamo and a syllable", "\u1100가", "\u1100\uFFFD", 3},

	// Scripts with spacing marks.
	{"Thai SARA AM", "กำ", "ก\u0e4d\u0e32", 2},
	{"Thai word", "น้ำ", "น\u0e49\u0e4d\u0e32", 2},
	{"Devanagari vowel sign", "कि", "क\uFFFD", 2},
	{"Devanagari conjunct", "क्ष", "क्\uFFFD", 2},
	{"spacing mark after ASCII", "aि", "aि", 2},
	{"prepended letter", "\u0d4ea", "\uFFFDa", 2},

	// Plain text.
	{"empty", "", "", 0},
	{"ASCII", "alice_1987", "alice_1987", 10},
	{"Latin", "José Müller", "José Müller", 11},
	{"Cyrillic", "Дмитрий", "Дмитрий", 7},
	{"Arabic", "محمد", "محمد", 4},
	{"our own markers", "…↵◌\uFFFD", "…↵◌\uFFFD", 4},
}

func TestInert(t *testing.T) {
	for _, tc := range inertCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Inert(tc.in)
			if got != tc.want {
				t.Errorf("Inert(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if w := ansi.StringWidth(got); w != tc.width {
				t.Errorf("ansi.StringWidth(Inert(%q)) = %d, want %d", tc.in, w, tc.width)
			}
			checkInert(t, tc.in, got)
			if again := Inert(got); again != got {
				t.Errorf("Inert is not idempotent: Inert(%q) = %q", got, again)
			}
		})
	}
}

func TestInertZeroWidthSpoof(t *testing.T) {
	for _, s := range []string{"ad\u200bmin", "ad\u200cmin", "ad\u200dmin", "ad\u2060min", "ad\ufeffmin", "ad\u00admin", "ad\u034fmin", "ad\ufe0fmin", "ad\u180emin"} {
		got := Inert(s)
		if got == "admin" || !strings.Contains(got, "<U+") {
			t.Errorf("Inert(%q) = %q: want a visible marker", s, got)
		}
	}
}

func TestInertLong(t *testing.T) {
	name := strings.Repeat("a", 10000)
	if got := Inert(name); got != name {
		t.Errorf("10,000-character ASCII name changed")
	}
	if got, want := Fit(name, 20), strings.Repeat("a", 19)+"…"; got != want {
		t.Errorf("Fit(10,000 a, 20) = %q, want %q", got, want)
	}
	mixed := strings.Repeat("山\x1b[2Jé\u0301\u0302\u0303👍🏽\u202e", 1000)
	out := Inert(mixed)
	checkSafe(t, "Inert(mixed ×1000)", out)
	if !strings.HasPrefix(out, "山^[[2Jé\u0301\u0302👍<U+202E>") {
		t.Errorf("Inert(mixed) starts %q", out[:40])
	}
}

func TestInertHuge(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB strings")
	}
	chunk := "name\x1b]0;x 山田 é\u0301 👍\u200d👍 🇯🇵🇯 \xff\u202e "
	huge := strings.Repeat(chunk, 10<<20/len(chunk))
	out := Inert(huge)
	if n := strings.Count(out, "^[]0;x"); n != 10<<20/len(chunk) {
		t.Errorf("Inert(10 MB) kept %d of the escapes", n)
	}
	if !strings.HasSuffix(out, "🇯🇵\uFFFD \uFFFD<U+202E> ") {
		t.Errorf("Inert(10 MB) ends %q", out[len(out)-40:])
	}
	for _, w := range []int{0, 1, 30, 1000} {
		checkFit(t, huge[:1<<16], w)
		if got := ansi.StringWidth(Fit(huge, w)); got != w {
			t.Errorf("Fit(10 MB, %d) is %d cells", w, got)
		}
	}
	if lines := Wrap(huge, 40, 5); len(lines) != 5 || !strings.HasSuffix(lines[4], "…") {
		t.Errorf("Wrap(10 MB, 40, 5) = %q", lines)
	}
	zalgo := "a" + strings.Repeat("\u0301", 1<<20)
	if got := Inert(zalgo); got != "a\u0301\u0301" {
		t.Errorf("Inert(a + 1M marks) = %q", got)
	}
	spacing := "क" + strings.Repeat("\u093f", 1<<18)
	if got, want := Width(spacing), 1+1<<18; got != want {
		t.Errorf("Width(क + spacing marks) = %d, want %d", got, want)
	}
	checkFit(t, spacing, 10)
}

// TestInertNoAlloc checks the fast path: text with nothing to replace is
// returned as is, without allocating.
func TestInertNoAlloc(t *testing.T) {
	for _, s := range []string{"alice_1987", "山田太郎", "José Müller", "👍 🇯🇵", strings.Repeat("x", 500)} {
		if n := testing.AllocsPerRun(100, func() { _ = Inert(s) }); n != 0 {
			t.Errorf("Inert(%q) allocates %v times", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = Width(s) }); n != 0 {
			t.Errorf("Width(%q) allocates %v times", s, n)
		}
	}
}

func TestAppendCodePoint(t *testing.T) {
	for r, want := range map[rune]string{0x9B: "<U+009B>", 0x202E: "<U+202E>", 0xE0041: "<U+E0041>", 0x10FFFF: "<U+10FFFF>"} {
		if got := string(appendCodePoint(nil, r)); got != want {
			t.Errorf("appendCodePoint(%U) = %q, want %q", r, got, want)
		}
	}
}
