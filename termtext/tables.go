package termtext

import "unicode"

// unknownToTerminal lists code points that Go's unicode tables (Unicode 15.0)
// call assigned but that the reference terminal does not know: tmux 3.3a asks
// wcwidth(3) of glibc 2.36 (Unicode 14 data), gets -1, and then draws nothing
// at all while ansi.StringWidth counts 1 or 2 cells. They are the Unicode 15.0
// additions (new emoji such as 🫨 U+1FAE8, 🩷 U+1FA77, 🛜 U+1F6DC, scripts
// such as Kawi, CJK Extension H). Code points unassigned even in Unicode 15.0
// (including everything Unicode 16 and 17 added) are caught separately.
// Generated offline by comparing wcwidth() of every code point with the
// unicode package; see the table in inert.go.
var unknownToTerminal = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0CF3, Hi: 0x0CF3, Stride: 1},
		{Lo: 0x0ECE, Hi: 0x0ECE, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x10EFD, Hi: 0x10EFF, Stride: 1},
		{Lo: 0x1123F, Hi: 0x11241, Stride: 1},
		{Lo: 0x11B00, Hi: 0x11B09, Stride: 1},
		{Lo: 0x11F00, Hi: 0x11F10, Stride: 1},
		{Lo: 0x11F12, Hi: 0x11F3A, Stride: 1},
		{Lo: 0x11F3E, Hi: 0x11F59, Stride: 1},
		{Lo: 0x1342F, Hi: 0x1342F, Stride: 1},
		{Lo: 0x13439, Hi: 0x13455, Stride: 1},
		{Lo: 0x1B132, Hi: 0x1B132, Stride: 1},
		{Lo: 0x1B155, Hi: 0x1B155, Stride: 1},
		{Lo: 0x1D2C0, Hi: 0x1D2D3, Stride: 1},
		{Lo: 0x1DF25, Hi: 0x1DF2A, Stride: 1},
		{Lo: 0x1E030, Hi: 0x1E06D, Stride: 1},
		{Lo: 0x1E08F, Hi: 0x1E08F, Stride: 1},
		{Lo: 0x1E4D0, Hi: 0x1E4F9, Stride: 1},
		{Lo: 0x1F6DC, Hi: 0x1F6DC, Stride: 1},
		{Lo: 0x1F774, Hi: 0x1F776, Stride: 1},
		{Lo: 0x1F77B, Hi: 0x1F77F, Stride: 1},
		{Lo: 0x1F7D9, Hi: 0x1F7D9, Stride: 1},
		{Lo: 0x1FA75, Hi: 0x1FA77, Stride: 1},
		{Lo: 0x1FA87, Hi: 0x1FA88, Stride: 1},
		{Lo: 0x1FAAD, Hi: 0x1FAAF, Stride: 1},
		{Lo: 0x1FABB, Hi: 0x1FABD, Stride: 1},
		{Lo: 0x1FABF, Hi: 0x1FABF, Stride: 1},
		{Lo: 0x1FACE, Hi: 0x1FACF, Stride: 1},
		{Lo: 0x1FADA, Hi: 0x1FADB, Stride: 1},
		{Lo: 0x1FAE8, Hi: 0x1FAE8, Stride: 1},
		{Lo: 0x1FAF7, Hi: 0x1FAF8, Stride: 1},
		{Lo: 0x2B739, Hi: 0x2B739, Stride: 1},
		{Lo: 0x31350, Hi: 0x323AF, Stride: 1},
	},
}

// disputedWidth lists assigned code points whose width glibc 2.36 (and so
// tmux 3.3a) and ansi.StringWidth disagree on when they stand alone. Newer
// Unicode made the trigram/digram symbols and the Tai Xuan Jing symbols wide;
// glibc treats the circled numbers on black squares as wide, ansi as narrow.
var disputedWidth = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x2630, Hi: 0x2637, Stride: 1}, // ☰..☷ trigrams: tmux 1, ansi 2
		{Lo: 0x268A, Hi: 0x268F, Stride: 1}, // ⚊..⚏ digrams: tmux 1, ansi 2
		{Lo: 0x3248, Hi: 0x324F, Stride: 1}, // ㉈..㉏: tmux 2, ansi 1
	},
	R32: []unicode.Range32{
		{Lo: 0x1D300, Hi: 0x1D356, Stride: 1}, // Tai Xuan Jing: tmux 1, ansi 2
		{Lo: 0x1D360, Hi: 0x1D376, Stride: 1}, // counting rods: tmux 1, ansi 2
	},
}

// prependLetters are the letters (not format characters) with
// Grapheme_Cluster_Break=Prepend. The grapheme segmenter glues them to
// whatever follows, even an ASCII letter, so ansi.StringWidth counts the pair
// as one cell while tmux draws two. They are replaced with U+FFFD.
var prependLetters = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0D4E, Hi: 0x0D4E, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x111C2, Hi: 0x111C3, Stride: 1},
		{Lo: 0x1193F, Hi: 0x1193F, Stride: 1},
		{Lo: 0x11941, Hi: 0x11941, Stride: 1},
		{Lo: 0x11A84, Hi: 0x11A89, Stride: 1},
		{Lo: 0x11D46, Hi: 0x11D46, Stride: 1},
	},
}

// invisibleLetters are characters that are not format characters (Cf) by
// category but draw nothing or only a blank: the combining grapheme joiner,
// the Hangul fillers (U+3164 is the classic "invisible user name"), the
// deprecated Khmer inherent vowels and the blank Braille pattern (also used
// for blank-looking names). They are shown in <U+XXXX> form like Cf.
var invisibleLetters = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x034F, Hi: 0x034F, Stride: 1},
		{Lo: 0x115F, Hi: 0x1160, Stride: 1},
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1},
		{Lo: 0x2800, Hi: 0x2800, Stride: 1},
		{Lo: 0x3164, Hi: 0x3164, Stride: 1},
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1},
	},
}

// isMark reports whether r is a combining mark (categories Mn and Me).
func isMark(r rune) bool {
	if r < 0x300 {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Me)
}

// assigned reports whether r is assigned in Go's unicode tables, for the
// categories that can reach the check (C0/C1, Cf, Zl and Zp are handled
// before it).
func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs, unicode.Co)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

func isEmojiModifier(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// Hangul conjoining jamo classes, as the grapheme cluster rules see them.
type jamo uint8

const (
	jamoNone jamo = iota
	jamoL
	jamoV
	jamoT
	jamoLV
	jamoLVT
)

func jamoClass(r rune) jamo {
	switch {
	case r < 0x1100:
		return jamoNone
	case r <= 0x115F, r >= 0xA960 && r <= 0xA97C:
		return jamoL
	case r <= 0x11A7, r >= 0xD7B0 && r <= 0xD7C6:
		return jamoV
	case r <= 0x11FF, r >= 0xD7CB && r <= 0xD7FB:
		return jamoT
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return jamoLV
		}
		return jamoLVT
	}
	return jamoNone
}

// isJamoVT reports whether r is a medial vowel or final consonant jamo:
// zero cells for tmux (glibc), one cell for ansi.StringWidth when alone.
func isJamoVT(r rune) bool {
	c := jamoClass(r)
	return c == jamoV || c == jamoT
}

// plainRune reports whether r is a common letter that never looks ahead in
// Inert and never joins a following plain letter in one grapheme cluster, so
// that the text may be cut between two of them without changing what Inert
// produces for the part before the cut.
func plainRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF: // CJK ideographs
		return true
	case r >= 0xAC00 && r <= 0xD7A3: // Hangul syllables
		return true
	case r >= 0x3041 && r <= 0x3096, r >= 0x30A1 && r <= 0x30FA: // kana
		return true
	case r >= 0xC0 && r <= 0x24F: // Latin-1 and Latin Extended letters
		return true
	case r >= 0x391 && r <= 0x3A1, r >= 0x3A3 && r <= 0x3C9: // Greek
		return true
	case r >= 0x410 && r <= 0x44F: // Cyrillic
		return true
	}
	return false
}
