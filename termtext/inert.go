package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width honesty.
//
// The promise of this package is that ansi.StringWidth(Inert(s)) (which is
// what lipgloss.Width uses) is the number of cells the terminal really
// advances when it prints Inert(s). The reference terminal is tmux 3.3a
// (Debian 12) on glibc 2.36: tmux gives every code point wcwidth(3) cells,
// hangs zero-width ones onto the previous cell, glues anything that follows
// a ZWJ onto the previous cell, and silently drops code points for which
// wcwidth returns -1. ansi.StringWidth instead walks grapheme clusters and
// counts, per cluster, the width of its first code point (two when the
// second one is VS16). Measured by printing "|" + s + "|" in a tmux pane
// and reading the cursor column back with a DSR query:
//
//	case                                 input                tmux ansi  Inert output           cells
//	CJK                                  山田太郎                 8    8  kept                       8
//	Hangul syllables                     한국                     4    4  kept                       4
//	halfwidth kana                       ｶﾀｶﾅ                     4    4  kept                       4
//	halfwidth kana + voiced mark         ｶﾞ                       2    1  ｶ U+3099 (combining)       1
//	emoji                                👍                       2    2  kept                       2
//	emoji + skin tone                    👍🏽                       4    2  👍 (modifier dropped)       2
//	narrow emoji + skin tone             ✌🏽                       3    1  ✌                          1
//	modifier alone or after ASCII        a🏽                       3    3  kept                       3
//	modifier glued to a non-emoji        山🏽                       4    2  山 U+FFFD                   3
//	ZWJ family                           👨 ZWJ 👩 ZWJ 👧 ZWJ 👦   2    2  👨👩👧👦 (ZWJ dropped)         8
//	ZWJ sequence                         👩 ZWJ 💻                2    2  👩💻                        4
//	VS16 + ZWJ rainbow flag              🏳 VS16 ZWJ 🌈           1    2  🏳🌈                        3
//	flag (regional indicator pair)       🇯🇵                       2    2  kept                       2
//	lone regional indicator              🇯                       1    2  U+FFFD                     1
//	odd regional indicator run           🇯🇵🇯                     3    4  🇯🇵 U+FFFD                  3
//	subdivision flag (🏴 + tags)          🏴 E0067..E007F          2    2  🏴 (tags dropped)           2
//	keycap                               1 FE0F 20E3              1    1  1 U+20E3 (VS16 dropped)    1
//	text-default emoji + VS16            ❤ ☺ ✔ ⚠ ℹ 🅰 + VS16      1    2  base only (VS16 dropped)   1
//	wide emoji + VS15                    😀 FE0E                  2    2  😀 (VS15 dropped)          2
//	jamo L+V                             1100 1161                2    2  kept                       2
//	orphan V jamo                        1161                     0    1  U+FFFD                     1
//	jamo L+L, L+syllable                 1100 1100, 1100 가       4    2  1100 U+FFFD                3
//	combining mark                       e 0301                   1    1  kept                       1
//	mark without base                    0301                     0    0  U+25CC 0301                1
//	Unicode 15 emoji                     🫨 🩷 🛜 🪿              0    2  U+FFFD                     1
//	unassigned                           0378                     0    1  U+FFFD                     1
//	width changed in Unicode 16          ☰ (2630)                 1    2  U+FFFD                     1
//	ambiguous, wide in glibc             ㉈ (3248)                 2    1  U+FFFD                     1
//	Thai SARA AM (spacing mark)          กำ                       2    1  ก U+0E4D U+0E32            2
//	Devanagari spacing vowel sign        कि                       2    1  क U+FFFD                   2
//	Devanagari conjunct (rule GB9c)      क्ष                       2    1  क् U+FFFD                  2
//	prepended letter                     0D4E a                   2    1  U+FFFD a                   2
//	soft hyphen, prepended marks (Cf)    00AD, 0600               1    0  <U+00AD>                   8
//	markers this package inserts         … ↵ ◌ U+FFFD             1    1  -                          1
//
// Every row of the last column was checked in tmux; so were 16,000 random
// Inert, Fit and Wrap outputs built from these pieces, with no difference.
// Emoji ZWJ sequences measure the same in both before normalisation, but
// only because tmux 3.3a glues whatever follows a ZWJ (it does so for a
// letter after "a\u200d" too, and other terminals draw the parts apart);
// dropping the joiner makes every terminal draw the separate emoji alike,
// so the family emoji shows as its four people. Likewise VS16 is dropped
// because terminals disagree on whether it widens a text-default emoji; the
// emoji is then drawn narrow everywhere ("❤" + VS16 becomes a one-cell "❤").
//
// Known cost: in Indic and similar scripts the spacing vowel signs and the
// second consonant of a conjunct take a cell of their own in tmux but are
// glued into one grapheme cluster by ansi.StringWidth. No rewriting keeps
// both the text and the width honest, so those code points become U+FFFD
// ("क्षि" → "क्" U+FFFD U+FFFD, three cells as in tmux). Columns stay
// straight; callers that must show such text faithfully need the raw text.

const (
	replacementChar = '\uFFFD'
	dottedCircle    = '\u25CC'
	newlineMark     = '\u21B5' // ↵
	zwj             = '\u200D'

	// maxMarks is how many combining marks (Mn, Me) one base character may
	// carry; further marks are dropped so that "zalgo" stacks cannot draw
	// over neighbouring lines.
	maxMarks = 2

	// maxTags bounds the tag characters of an emoji subdivision flag
	// (🏴 + "gbeng" + cancel tag uses five).
	maxTags = 16
)

var replacementWidth = ansi.StringWidth(string(replacementChar))

// Inert returns s as a single line that is safe to print on a terminal and
// whose ansi.StringWidth is the number of cells the terminal really uses.
//
//   - No rune of category Cc, Cf, Zl or Zp and no invalid UTF-8 remains.
//   - ESC becomes "^[" and the rest of an escape sequence stays as visible
//     text ("\x1b[2J" → "^[[2J"); nothing is parsed, so an unterminated
//     sequence cannot hide what follows it.
//   - Other C0 controls and DEL use caret notation ("^@", "^G", "^?"); a tab
//     becomes one space, "\n" and "\r\n" become "↵", a lone "\r" becomes "^M".
//   - C1 controls, format characters (bidi controls, zero-width characters,
//     soft hyphen, ...), U+2028/U+2029 and blank fillers are shown as
//     "<U+202E>". A zero-width joiner between two emoji is dropped instead.
//   - Invalid UTF-8 bytes, unassigned code points and code points the
//     terminal cannot be trusted to draw at a known width become U+FFFD.
//   - A base character keeps at most two combining marks; a mark with no base
//     is put on U+25CC.
//   - VS15/VS16 after an emoji, skin-tone modifiers after an emoji and the
//     tags of a subdivision flag are dropped (see the table above).
//
// Plain printable ASCII is returned as is without allocating.
func Inert(s string) string {
	t, _ := inert(s)
	return t
}

// inert returns Inert(s) and its width in cells.
func inert(s string) (string, int) {
	if isPlainASCII(s) {
		return s, len(s)
	}
	return settle(sanitize(s))
}

// isPlainASCII reports whether every byte of s is printable ASCII.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b > 0x7E {
			return false
		}
	}
	return true
}

// sanitizer is the first pass of Inert: it replaces controls, format
// characters and invalid bytes, and drops presentation-only code points,
// rune by rune. Until dirty is set the output equals the input so far and
// b is empty.
type sanitizer struct {
	s     string
	b     strings.Builder
	dirty bool

	any          bool // something has been emitted
	prevNonASCII bool // the last emitted rune is not ASCII
	prev         rune // the last emitted rune
	base         rune // the last emitted rune that is not a combining mark
	marks        int  // combining marks emitted on base
}

func sanitize(s string) string {
	z := sanitizer{s: s}
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b >= 0x20 && b < 0x7F:
			z.keepASCII(i)
			i++
		case b < 0x80:
			i = z.control(i)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			i = z.nonASCII(i, r, n)
		}
	}
	if !z.dirty {
		return s
	}
	return z.b.String()
}

// change makes b hold the output, which up to now equals s[:i].
func (z *sanitizer) change(i int) {
	if !z.dirty {
		z.dirty = true
		z.b.Grow(len(z.s) + len(z.s)/4 + 16)
		z.b.WriteString(z.s[:i])
	}
}

func (z *sanitizer) emitted(r rune) {
	z.any = true
	z.prev = r
	z.prevNonASCII = r >= utf8.RuneSelf
	if isMark(r) {
		z.marks++
		return
	}
	z.base = r
	z.marks = 0
}

func (z *sanitizer) keepASCII(i int) {
	if z.dirty {
		z.b.WriteByte(z.s[i])
	}
	z.any = true
	z.prev = rune(z.s[i])
	z.prevNonASCII = false
	z.base = z.prev
	z.marks = 0
}

// keep emits the n source bytes at i, which encode r, unchanged.
func (z *sanitizer) keep(i, n int, r rune) {
	if z.dirty {
		z.b.WriteString(z.s[i : i+n])
	}
	z.emitted(r)
}

// put emits r in place of the source at i.
func (z *sanitizer) put(i int, r rune) {
	z.change(i)
	z.b.WriteRune(r)
	z.emitted(r)
}

// drop emits nothing for the source at i.
func (z *sanitizer) drop(i int) {
	z.change(i)
}

// caret emits "^c" in place of the control byte at i.
func (z *sanitizer) caret(i int, c byte) {
	z.change(i)
	z.b.WriteByte('^')
	z.b.WriteByte(c)
	z.emitted(rune(c))
}

// visible emits "<U+XXXX>" in place of the rune r at i.
func (z *sanitizer) visible(i int, r rune) {
	z.change(i)
	z.b.Write(appendCodePoint(make([]byte, 0, 12), r))
	z.emitted('>')
}

func appendCodePoint(b []byte, r rune) []byte {
	const hex = "0123456789ABCDEF"
	digits := 4
	for r>>(4*digits) != 0 {
		digits++
	}
	b = append(b, "<U+"...)
	for d := digits - 1; d >= 0; d-- {
		b = append(b, hex[(r>>(4*d))&0xF])
	}
	return append(b, '>')
}

// control handles the C0 control or DEL at i and returns the next index.
func (z *sanitizer) control(i int) int {
	switch b := z.s[i]; b {
	case '\t':
		z.change(i)
		z.b.WriteByte(' ')
		z.emitted(' ')
	case '\n':
		z.put(i, newlineMark)
	case '\r':
		if i+1 < len(z.s) && z.s[i+1] == '\n' {
			z.put(i, newlineMark)
			return i + 2
		}
		z.caret(i, 'M')
	case 0x7F:
		z.caret(i, '?')
	default:
		z.caret(i, b+0x40)
	}
	return i + 1
}

// nonASCII handles the rune r of n bytes at i and returns the next index.
func (z *sanitizer) nonASCII(i int, r rune, n int) int {
	// Common letters first, so that names in Latin, CJK and Hangul scripts
	// take few table lookups.
	switch {
	case r == utf8.RuneError && n == 1:
		z.put(i, replacementChar)
		return i + 1
	case r < 0xA0: // C1 controls, including U+009B (8-bit CSI)
		z.visible(i, r)
		return i + n
	case r < 0x300 && r != 0xAD, plainRune(r):
		if z.dirty {
			z.b.WriteString(z.s[i : i+n])
		}
		z.any, z.prev, z.prevNonASCII, z.base, z.marks = true, r, true, r, 0
		return i + n
	}

	switch {
	case r == zwj:
		if z.prevNonASCII && isExtPict(z.base) && nextIsExtPict(z.s, i+n) {
			z.drop(i) // inside an emoji ZWJ sequence
		} else {
			z.visible(i, r)
		}
	case r == 0xFE0E || r == 0xFE0F: // VS15, VS16
		if z.prevNonASCII || (z.any && isKeycapBase(z.prev)) {
			z.drop(i)
		} else {
			// After a letter or at the start it would only hide in
			// plain sight ("ad\uFE0Fmin").
			z.visible(i, r)
		}
	case r >= 0xFE00 && r <= 0xFE0D, r >= 0xE0100 && r <= 0xE01EF, r >= 0x180B && r <= 0x180D, r == 0x180F:
		// Other variation selectors (CJK ideographic variants, Mongolian):
		// invisible, so only kept where they can mean something.
		if z.prevNonASCII {
			z.mark(i, n, r, true)
		} else {
			z.visible(i, r)
		}
	case isEmojiModifier(r):
		switch {
		case !z.prevNonASCII:
			z.keep(i, n, r) // stands alone: two cells everywhere
		case isExtPict(z.base):
			z.drop(i) // skin tone: the emoji keeps its default colour
		default:
			z.put(i, replacementChar)
		}
	case r == 0x1F3F4: // 🏴, maybe with the tags of a subdivision flag
		z.keep(i, n, r)
		if end := tagRunEnd(z.s, i+n); end > 0 {
			z.drop(i + n)
			return end
		}
	case r == 0x0E33 || r == 0x0EB3:
		// Thai and Lao SARA AM are spacing marks glued to the previous
		// letter; their compatibility decomposition (NIKHAHIT + SARA AA)
		// draws the same and measures honestly.
		z.change(i)
		z.mark(i, 0, r+0x1A, false)
		z.put(i, r-1)
	case unicode.Is(invisibleLetters, r):
		z.visible(i, r)
	case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
		z.visible(i, r)
	case !assigned(r), unicode.Is(unknownToTerminal, r), unicode.Is(disputedWidth, r), unicode.Is(prependLetters, r):
		z.put(i, replacementChar)
	case isMark(r):
		z.mark(i, n, r, true)
	default:
		z.keep(i, n, r)
	}
	return i + n
}

// mark emits the combining mark r (verbatim from the n bytes at i when
// verbatim is set), on a dotted circle when there is no base, and drops it
// when the base already carries maxMarks marks.
func (z *sanitizer) mark(i, n int, r rune, verbatim bool) {
	if !z.any {
		z.put(i, dottedCircle)
	}
	if z.marks >= maxMarks {
		z.drop(i)
		return
	}
	if verbatim {
		z.keep(i, n, r)
	} else {
		z.put(i, r)
	}
}

func isKeycapBase(r rune) bool {
	return r >= '0' && r <= '9' || r == '#' || r == '*'
}

// isExtPict reports whether r is Extended_Pictographic, asking the grapheme
// segmenter that ansi.StringWidth uses: only such a rune is joined to a
// following emoji through a ZWJ (rule GB11).
func isExtPict(r rune) bool {
	if r < 0xA9 {
		return false
	}
	const tail = "\u200D\U0001F600"
	var b [utf8.UTFMax + len(tail)]byte
	n := utf8.EncodeRune(b[:], r)
	n += copy(b[n:], tail)
	s := string(b[:n])
	c, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	return len(c) == len(s)
}

func nextIsExtPict(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isExtPict(r)
}

// tagRunEnd returns the index after a well-formed emoji tag sequence tail
// (tag characters closed by CANCEL TAG) starting at i, or -1.
func tagRunEnd(s string, i int) int {
	for count := 0; i < len(s) && count <= maxTags; {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0xE007F:
			if count == 0 {
				return -1
			}
			return i + n
		case r >= 0xE0020 && r <= 0xE007E:
			count++
			i += n
		default:
			return -1
		}
	}
	return -1
}

// settle is the second pass of Inert. It walks t the way ansi.StringWidth
// does (ASCII bytes one by one, everything else by grapheme cluster) and
// rewrites each cluster whose measured width differs from the cells tmux
// draws for it. It returns the result and its width.
func settle(t string) (string, int) {
	var b strings.Builder
	dirty := false
	width := 0
	for i := 0; i < len(t); {
		if t[i] < utf8.RuneSelf {
			if dirty {
				b.WriteByte(t[i])
			}
			width++
			i++
			continue
		}
		c, cw := ansi.FirstGraphemeCluster(t[i:], ansi.GraphemeWidth)
		if c == "" { // cannot happen for valid UTF-8; never loop forever
			c, cw = t[i:i+1], 0
		}
		switch {
		case honest(c):
			if dirty {
				b.WriteString(c)
			}
			width += cw
		default:
			if !dirty {
				dirty = true
				b.Grow(len(t) + 16)
				b.WriteString(t[:i])
			}
			width += repair(&b, c, cw)
		}
		i += len(c)
	}
	if !dirty {
		return t, width
	}
	return b.String(), width
}

// honest reports whether tmux draws the grapheme cluster c in as many cells
// as ansi.StringWidth counts for it: every code point after the first must
// be zero-width for tmux (combining marks, or the vowel and final jamo of a
// Hangul syllable block), except the second half of a flag.
func honest(c string) bool {
	f, n := utf8.DecodeRuneInString(c)
	if isJamoVT(f) {
		return false
	}
	rest := c[n:]
	if isRegionalIndicator(f) {
		g, m := utf8.DecodeRuneInString(rest)
		if !isRegionalIndicator(g) {
			return false
		}
		rest = rest[m:]
	}
	for _, r := range rest {
		if !isMark(r) && !isJamoVT(r) {
			return false
		}
	}
	return true
}

// repair appends a rewrite of the dishonest cluster c (of measured width cw)
// to b and returns the rewrite's width. The first code point is
// kept when it measures honestly; after it, combining marks and properly
// joined jamo are kept and every other code point (spacing marks, conjunct
// consonants, glued modifiers, stray jamo) becomes U+FFFD, which always
// starts a grapheme cluster of its own.
func repair(b *strings.Builder, c string, cw int) int {
	f, n := utf8.DecodeRuneInString(c)
	rest := c[n:]
	width := 0
	prev := jamoNone
	pairOpen := false
	switch {
	case isRegionalIndicator(f):
		if g, _ := utf8.DecodeRuneInString(rest); rest != "" && isRegionalIndicator(g) {
			b.WriteString(c[:n])
			width = cw
			pairOpen = true
		} else {
			b.WriteRune(replacementChar)
			width = replacementWidth
		}
	case isJamoVT(f):
		b.WriteRune(replacementChar)
		width = replacementWidth
	default:
		b.WriteString(c[:n])
		width = cw
		prev = jamoClass(f)
	}
	marks := 0
	for rest != "" {
		r, m := utf8.DecodeRuneInString(rest)
		raw := rest[:m]
		rest = rest[m:]
		j := jamoClass(r)
		switch {
		case pairOpen && isRegionalIndicator(r):
			b.WriteString(raw)
			prev = jamoNone
		case isMark(r):
			if marks < maxMarks {
				b.WriteString(raw)
				marks++
			}
			prev = jamoNone
		case (r == 0xFF9E || r == 0xFF9F) && marks < maxMarks:
			// Halfwidth (semi-)voiced sound mark: use the combining form.
			b.WriteRune(r - 0xFF9E + 0x3099)
			marks++
			prev = jamoNone
		case j == jamoV && (prev == jamoL || prev == jamoV || prev == jamoLV),
			j == jamoT && (prev == jamoV || prev == jamoT || prev == jamoLV || prev == jamoLVT):
			b.WriteString(raw)
			prev = j
		default:
			b.WriteRune(replacementChar)
			width += replacementWidth
			marks = 0
			prev = jamoNone
		}
		pairOpen = false
	}
	return width
}
