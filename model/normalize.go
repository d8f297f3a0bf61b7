package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of the normalisers in this file.
const (
	normMaxHandleRunes = 64
	normMaxTagRunes    = 32
	normMaxTags        = 64
	normMaxPoints      = 1_000_000_000
	// normMaxKeyBytes bounds the input a handle or tag is normalised from, so
	// that a hostile multi-megabyte value is refused before any work is done
	// on it. No valid 64-rune handle comes anywhere near it.
	normMaxKeyBytes = 4096
	// normMaxQuote is how many bytes of a rejected input an error message
	// quotes before cutting it short.
	normMaxQuote = 64
)

// NormalizeHandle returns the canonical form of a member handle, the stable
// key a member is stored and looked up under.
//
// Handles are case-insensitive: "Admin", "ADMIN" and "admin" are the same
// member. The canonical form is the input with surrounding ASCII spaces
// (U+0020 only) trimmed, in Unicode Normalization Form C, lower-cased
// (simple Unicode case mapping, as strings.ToLower).
//
// Letters of any script are allowed ("josé", "山田"), and so is any other
// printable character except the list separators ';' and ','. A handle is
// rejected, with a short lower-case reason, if it is empty, longer than 64
// characters (runes, after normalisation), not valid UTF-8, or if it contains
// anything that is invisible or could make two different handles look the
// same: whitespace of any kind (there is no whitespace inside a handle),
// control characters (Cc), format characters (Cf: bidi controls, zero-width
// characters, the BOM, the soft hyphen, ...), line and paragraph separators,
// variation selectors and other default-ignorable code points (such as the
// Hangul fillers), private-use and unassigned code points. So "ad\u200bmin"
// is an error and can never pose as "admin". Unassigned code points are
// refused because their normalisation may change with a later Unicode
// version, and a key must never change.
func NormalizeHandle(s string) (string, error) {
	return normKey(s, normMaxHandleRunes)
}

// normKey implements the handle rules with a given maximum length in runes;
// tags follow the same rules with a shorter maximum.
func normKey(s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("invalid UTF-8")
	}
	s = strings.Trim(s, " ")
	if s == "" {
		return "", errors.New("is empty")
	}
	if len(s) > normMaxKeyBytes {
		return "", fmt.Errorf("longer than %d characters", maxRunes)
	}
	if normPlainASCII(s) {
		// The common case: nothing to normalise, nothing to refuse.
		if len(s) > maxRunes {
			return "", fmt.Errorf("longer than %d characters (%d)", maxRunes, len(s))
		}
		return strings.ToLower(s), nil
	}
	// Lower-casing an NFC string can leave it un-normalised (a lower-case
	// letter followed by a combining mark may have a precomposed form that
	// the upper-case one lacks), so normalise again afterwards.
	s = norm.NFC.String(strings.ToLower(norm.NFC.String(s)))
	for _, r := range s {
		if why := normBadKeyRune(r); why != "" {
			return "", errors.New(why)
		}
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return "", fmt.Errorf("longer than %d characters (%d)", maxRunes, n)
	}
	return s, nil
}

// normPlainASCII reports whether s is all printable ASCII other than space
// and the separators: valid in a handle as it is, but for letter case.
func normPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ';' || c == ',' {
			return false
		}
	}
	return true
}

// normBadKeyRune returns why r may not appear in a handle or a tag, or "" if
// it may.
func normBadKeyRune(r rune) string {
	switch {
	case r == ';' || r == ',':
		return fmt.Sprintf("contains the reserved separator %q", r)
	case r < 0x80 && r > 0x20 && r != 0x7f:
		return "" // printable ASCII: the common case
	case r == 0x200b || r == 0x200c || r == 0x200d || r == 0x2060 || r == 0xfeff:
		return fmt.Sprintf("contains a zero-width character U+%04X", r)
	case r == 0x061c || r == 0x200e || r == 0x200f ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("contains a bidi control character U+%04X", r)
	case r == 0x00ad:
		return "contains a soft hyphen U+00AD"
	case r == 0x2028:
		return "contains a line separator U+2028"
	case r == 0x2029:
		return "contains a paragraph separator U+2029"
	case unicode.Is(unicode.Cc, r):
		return fmt.Sprintf("contains a control character U+%04X", r)
	case unicode.IsSpace(r) || unicode.In(r, unicode.Z):
		return fmt.Sprintf("contains whitespace U+%04X", r)
	case unicode.Is(unicode.Cf, r):
		return fmt.Sprintf("contains an invisible format character U+%04X", r)
	case unicode.In(r, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
		return fmt.Sprintf("contains an invisible character U+%04X", r)
	case unicode.Is(unicode.Co, r):
		return fmt.Sprintf("contains a private-use character U+%04X", r)
	case !unicode.IsPrint(r):
		return fmt.Sprintf("contains an unassigned character U+%04X", r)
	}
	return ""
}

// NormalizeTags parses a ';'-separated tag list. Each tag is trimmed of
// surrounding ASCII spaces and normalised like a handle (NFC, lower-case,
// the same character rules, at most 32 characters); empty tags are dropped
// and repeated tags are kept once, in the order first seen. At most 64
// distinct tags are accepted. It returns nil when there are no tags.
func NormalizeTags(s string) ([]string, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("invalid UTF-8")
	}
	var tags []string
	for rest, more := s, true; more; {
		var t string
		t, rest, more = strings.Cut(rest, ";")
		if strings.Trim(t, " ") == "" {
			continue
		}
		n, err := normKey(t, normMaxTagRunes)
		if err != nil {
			return nil, fmt.Errorf("tag %s: %v", normQuote(strings.Trim(t, " ")), err)
		}
		dup := false
		for _, have := range tags {
			if have == n {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if len(tags) == normMaxTags {
			return nil, fmt.Errorf("more than %d tags", normMaxTags)
		}
		tags = append(tags, n)
	}
	return tags, nil
}

const normTimeWant = "(want RFC 3339 or YYYY-MM-DD)"

// ParseTime parses a timestamp in one of the forms found in exports:
//
//	2024-05-01                      midnight UTC
//	2024-05-01T13:45:00             UTC
//	2024-05-01T13:45:00.713         UTC (Stack Exchange dumps)
//	2024-05-01T13:45:00Z            RFC 3339
//	2024-05-01T13:45:00.5+02:00     RFC 3339 with fractional seconds
//
// A space may stand in for the 'T'. Fractional seconds have 1 to 9 digits.
// The result is always in UTC. Anything else (surrounding spaces, a lower-case
// 't' or 'z', a month 13, February 30) is an error saying what was expected.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("is empty")
	}
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%s is not a date %s", normQuote(s), normTimeWant)
	}
	zone, ok := normTimeShape(s)
	if !ok {
		return bad()
	}
	ts := s
	if len(ts) > 10 && ts[10] == ' ' {
		ts = ts[:10] + "T" + ts[11:]
	}
	var t time.Time
	var err error
	switch {
	case len(ts) == 10:
		t, err = time.Parse(time.DateOnly, ts)
	case zone:
		t, err = time.Parse(time.RFC3339Nano, ts)
	default:
		// The layout has no fraction: Parse accepts one after the seconds.
		t, err = time.Parse("2006-01-02T15:04:05", ts)
	}
	if err != nil {
		return bad()
	}
	return t.UTC(), nil
}

// normTimeShape reports whether s has the exact shape of one of the forms
// ParseTime accepts (ASCII digits only), and whether it ends in a zone.
// time.Parse alone is laxer (it takes a comma before fractional seconds, for
// one); it is still what checks the ranges.
func normTimeShape(s string) (zone, ok bool) {
	if len(s) < 10 || !normDigits(s[0:4]) || s[4] != '-' || !normDigits(s[5:7]) || s[7] != '-' || !normDigits(s[8:10]) {
		return false, false
	}
	if len(s) == 10 {
		return false, true
	}
	if len(s) < 19 || s[10] != 'T' && s[10] != ' ' ||
		!normDigits(s[11:13]) || s[13] != ':' || !normDigits(s[14:16]) || s[16] != ':' || !normDigits(s[17:19]) {
		return false, false
	}
	rest := s[19:]
	if rest != "" && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n < 2 || n > 10 { // 1 to 9 digits
			return false, false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "":
		return false, true
	case rest == "Z":
		return true, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && normDigits(rest[1:3]) && rest[3] == ':' && normDigits(rest[4:6]):
		return true, true
	}
	return false, false
}

// normDigits reports whether s is all ASCII digits.
func normDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CheckTime rejects a time that cannot be a real timestamp of community
// activity: one before 1970-01-01 UTC, or more than 24 hours after now.
func CheckTime(t, now time.Time) error {
	if t.Before(time.Unix(0, 0)) {
		return errors.New("before 1970")
	}
	if t.After(now.Add(24 * time.Hour)) {
		return errors.New("more than a day in the future")
	}
	return nil
}

// ParsePoints parses a points amount written as a plain decimal integer with
// an optional leading '-' or '+': ASCII digits only, no spaces, no digit
// separators, no exponent, no hex, no fraction. Its magnitude may not exceed
// 1,000,000,000. Leading zeros are allowed ("007" is 7).
func ParsePoints(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("is empty")
	}
	digits := s
	if digits[0] == '+' || digits[0] == '-' {
		digits = digits[1:]
	}
	if digits == "" {
		return 0, fmt.Errorf("%s has no digits", normQuote(s))
	}
	if !utf8.ValidString(s) {
		return 0, errors.New("invalid UTF-8")
	}
	for i, r := range digits {
		if r >= '0' && r <= '9' {
			continue
		}
		why := "want digits with an optional leading + or -"
		switch {
		case unicode.IsSpace(r):
			why = "contains whitespace"
		case r == '_' || r == ',' || r == '\'':
			why = "no digit separators"
		case r == '.':
			why = "no fractions"
		case (r == 'e' || r == 'E') && i > 0:
			why = "no exponents"
		case (r == 'x' || r == 'X') && i == 1 && digits[0] == '0':
			why = "no hex"
		case (r == 'o' || r == 'O' || r == 'b' || r == 'B') && i == 1 && digits[0] == '0':
			why = "decimal only"
		case unicode.IsDigit(r):
			why = fmt.Sprintf("non-ASCII digit U+%04X", r)
		}
		return 0, fmt.Errorf("%s is not a plain integer (%s)", normQuote(s), why)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > normMaxPoints || n < -normMaxPoints {
		return 0, fmt.Errorf("too large (max ±%d)", normMaxPoints)
	}
	return n, nil
}

// normQuote quotes s for an error message: Go-escaped (so control, format and
// invalid bytes are visible and inert) and cut short if long.
func normQuote(s string) string {
	if len(s) <= normMaxQuote {
		return strconv.Quote(s)
	}
	i := normMaxQuote
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strconv.Quote(s[:i]) + "…"
}
