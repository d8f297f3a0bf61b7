package ingest

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"steward/model"
)

// fieldType says how a field is checked and normalised.
type fieldType uint8

const (
	tHandle    fieldType = iota // model.NormalizeHandle
	tOptHandle                  // a handle, or empty
	tName                       // display name
	tTime                       // model.ParseTime, model.CheckTime
	tOptTime                    // a time, or empty (the zero time)
	tTags                       // model.NormalizeTags
	tID                         // an id of the source system, kept as given
	tIdent                      // [a-z0-9_-]{1,40}
	tContent                    // what a report is about: required, 2 KiB
	tRef                        // optional reference, 2 KiB
	tExcerpt                    // report excerpt, cut at 16 KiB
)

type field struct {
	name     string
	required bool // CSV: the column must exist; JSONL: the key must be present
	typ      fieldType
}

// maxFields is the most fields a kind has.
const maxFields = 7

// schemas lists each kind's fields in their canonical order, which is also
// the order rows are checked in: a row's Problem is about its first bad
// field.
var schemas = [...][]field{
	Members: {
		{"handle", true, tHandle},
		{"name", false, tName},
		{"joined_at", false, tOptTime},
		{"tags", false, tTags},
		{"referred_by", false, tOptHandle},
	},
	Events: {
		{"id", true, tID},
		{"member", true, tHandle},
		{"kind", true, tIdent},
		{"at", true, tTime},
		{"ref", false, tRef},
	},
	Redemptions: {
		{"id", true, tID},
		{"member", true, tHandle},
		{"reward", true, tIdent},
		{"at", true, tTime},
	},
	Reports: {
		{"id", true, tID},
		{"reporter", true, tHandle},
		{"subject", true, tHandle},
		{"content", true, tContent},
		{"guideline", true, tIdent},
		{"excerpt", false, tExcerpt},
		{"at", true, tTime},
	},
}

// index returns the schema position of the field called name, or -1.
func (r *Reader) index(name string) int {
	for i, f := range r.schema {
		if f.name == name {
			return i
		}
	}
	return -1
}

// values are the raw field values of one record, by schema position.
type values struct {
	s   [maxFields]string
	has [maxFields]bool // the field is present (a JSON key, a CSV column)
	big bool            // the strings share a large record: copy what is kept
}

// build checks and normalises the values of a record that starts on line,
// and returns the row.
func (r *Reader) build(line int, v *values) (any, error) {
	var (
		s    [maxFields]string
		t    [maxFields]time.Time
		tags []string
	)
	for i, f := range r.schema {
		val := v.s[i]
		if !utf8.ValidString(val) {
			return nil, r.problem(line, f.name, "invalid UTF-8")
		}
		if strings.IndexByte(val, 0) >= 0 {
			return nil, r.problem(line, f.name, "contains NUL")
		}
		var err error
		why := ""
		switch f.typ {
		case tHandle:
			s[i], err = model.NormalizeHandle(val)
		case tOptHandle:
			if strings.Trim(val, " ") != "" {
				s[i], err = model.NormalizeHandle(val)
			}
		case tTime:
			t[i], err = r.time(val)
		case tOptTime:
			if val != "" {
				t[i], err = r.time(val)
			}
		case tTags:
			tags, err = model.NormalizeTags(val)
		case tID:
			s[i], why = val, checkID(val)
		case tIdent:
			s[i], why = val, checkIdent(val)
		case tName:
			s[i] = norm.NFC.String(text(val))
			if len(s[i]) > maxName {
				why = fmt.Sprintf("longer than 16 KiB (%d bytes)", len(s[i]))
			}
		case tContent:
			s[i] = text(val)
			switch {
			case s[i] == "":
				why = "is empty"
			case len(s[i]) > maxContent:
				why = fmt.Sprintf("longer than 2 KiB (%d bytes)", len(s[i]))
			}
		case tRef:
			s[i] = text(val)
			if len(s[i]) > maxRef {
				why = fmt.Sprintf("longer than 2 KiB (%d bytes)", len(s[i]))
			}
		case tExcerpt:
			s[i] = norm.NFC.String(text(val))
			if len(s[i]) > maxExcerpt {
				s[i] = cut(s[i], maxExcerpt) + "…"
			}
		}
		if err != nil {
			why = err.Error()
		}
		if why != "" {
			return nil, r.problem(line, f.name, why)
		}
		if v.big {
			s[i] = strings.Clone(s[i])
		}
	}
	switch r.kind {
	case Members:
		if s[4] != "" && s[4] == s[0] {
			return nil, r.problem(line, "referred_by", "a member cannot refer themself")
		}
		return MemberRow{Line: line, Handle: s[0], Name: s[1], JoinedAt: t[2], Tags: tags, ReferredBy: s[4]}, nil
	case Events:
		return EventRow{Line: line, ID: s[0], Member: s[1], Kind: s[2], At: t[3], Ref: s[4]}, nil
	case Redemptions:
		return RedemptionRow{Line: line, ID: s[0], Member: s[1], Reward: s[2], At: t[3]}, nil
	default:
		return ReportRow{Line: line, ID: s[0], Reporter: s[1], Subject: s[2], Content: s[3],
			Guideline: s[4], Excerpt: s[5], At: t[6]}, nil
	}
}

// time parses a timestamp and checks it is between 1970 and a day from now.
func (r *Reader) time(s string) (time.Time, error) {
	t, err := model.ParseTime(s)
	if err == nil {
		err = model.CheckTime(t, r.now)
	}
	return t, err
}

// text tidies a free-text value: line breaks become "\n" (a CR LF pair, and
// a lone CR, the line break of classic Mac OS files), and surrounding
// whitespace is trimmed. encoding/csv already turns CR LF inside quoted
// fields into LF; doing the same for lone CRs and in JSON Lines makes the
// stored text the same whatever the format and the platform of the export.
func text(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// cut returns the longest prefix of s of at most n bytes that ends on a rune
// boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// checkID says what is wrong with an id from the source system, or "".
// Ids are idempotency keys: they are kept exactly as given (case and all),
// so they must be 1 to 128 bytes of printable characters, with no
// whitespace, control or format characters.
func checkID(s string) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > maxID {
		return fmt.Sprintf("longer than %d bytes (%d)", maxID, len(s))
	}
	for _, c := range s {
		switch {
		case c > ' ' && c < 0x7f:
		case unicode.Is(unicode.Cc, c):
			return fmt.Sprintf("contains a control character U+%04X", c)
		case unicode.IsSpace(c) || unicode.In(c, unicode.Z):
			return fmt.Sprintf("contains whitespace U+%04X", c)
		case unicode.Is(unicode.Cf, c):
			return fmt.Sprintf("contains a format character U+%04X", c)
		case !unicode.IsPrint(c):
			return fmt.Sprintf("contains a non-printable character U+%04X", c)
		}
	}
	return ""
}

// checkIdent says what is wrong with a kind, reward or guideline id, or "".
func checkIdent(s string) string {
	if s == "" {
		return "is empty"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Sprintf("%s is not a lower-case identifier (want a-z, 0-9, _ and -)", quote(s))
		}
	}
	if len(s) > maxIdent {
		return fmt.Sprintf("longer than %d characters (%d)", maxIdent, len(s))
	}
	return ""
}
