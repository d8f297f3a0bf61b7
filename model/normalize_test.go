package model

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normHandleCases are the table for NormalizeHandle and the seeds of its
// fuzz target. want == "" means an error is expected, with text why.
var normHandleCases = []struct {
	in, want, why string
}{
	{"admin", "admin", ""},
	{"Admin", "admin", ""},
	{"ADMIN", "admin", ""},
	{"  admin  ", "admin", ""},
	{"josé", "josé", ""},
	{"JOSÉ", "josé", ""},
	{"jose\u0301", "josé", ""}, // decomposed é composes under NFC
	{"山田", "山田", ""},
	{"Ωmega", "ωmega", ""},
	{"\u2126", "ω", ""}, // OHM SIGN is canonically Ω
	{"İstanbul", "istanbul", ""},
	{"STRASSE", "strasse", ""},
	{"ǅemal", "ǆemal", ""}, // title-case digraph
	{"mod.bot-1_x", "mod.bot-1_x", ""},
	{"@user!#$%&*+=?^`|~", "@user!#$%&*+=?^`|~", ""},
	{"a\"b'c", "a\"b'c", ""},
	{"émoji🙂", "émoji🙂", ""},
	{"\uFFFD", "\uFFFD", ""},
	{strings.Repeat("a", 64), strings.Repeat("a", 64), ""},
	{strings.Repeat("é", 64), strings.Repeat("é", 64), ""},
	{strings.Repeat("e\u0301", 64), strings.Repeat("é", 64), ""}, // 128 runes in, 64 out

	{"", "", "is empty"},
	{"   ", "", "is empty"},
	{strings.Repeat("a", 65), "", "longer than 64 characters (65)"},
	{strings.Repeat("a", 5000), "", "longer than 64 characters"},
	{"ad\u200bmin", "", "contains a zero-width character U+200B"},
	{"admin\u200d", "", "contains a zero-width character U+200D"},
	{"\ufeffadmin", "", "contains a zero-width character U+FEFF"},
	{"ad\u2060min", "", "contains a zero-width character U+2060"},
	{"admin\u202egpj", "", "contains a bidi control character U+202E"},
	{"\u200fadmin", "", "contains a bidi control character U+200F"},
	{"admin\u2066", "", "contains a bidi control character U+2066"},
	{"ad\u00admin", "", "contains a soft hyphen U+00AD"},
	{"ad min", "", "contains whitespace U+0020"},
	{"ad\u00a0min", "", "contains whitespace U+00A0"},
	{"ad\u3000min", "", "contains whitespace U+3000"},
	{"ad\tmin", "", "contains a control character U+0009"},
	{"admin\n", "", "contains a control character U+000A"},
	{"ad\rmin", "", "contains a control character U+000D"},
	{"ad\x00min", "", "contains a control character U+0000"},
	{"ad\x1b[31mmin", "", "contains a control character U+001B"},
	{"ad\u0085min", "", "contains a control character U+0085"},
	{"ad\x7fmin", "", "contains a control character U+007F"},
	{"ad\u2028min", "", "contains a line separator U+2028"},
	{"ad\u2029min", "", "contains a paragraph separator U+2029"},
	{"admin\ufe0f", "", "contains an invisible character U+FE0F"},
	{"ad\u034fmin", "", "contains an invisible character U+034F"},
	{"\u3164admin", "", "contains an invisible character U+3164"},
	{"ad\u180emin", "", "contains an invisible format character U+180E"},
	{"ad\U000E0041min", "", "contains an invisible format character U+E0041"},
	{"ad\ue000min", "", "contains a private-use character U+E000"},
	{"ad\u0378min", "", "contains an unassigned character U+0378"},
	{"a;b", "", `contains the reserved separator ';'`},
	{"a,b", "", `contains the reserved separator ','`},
	{"ad\xffmin", "", "invalid UTF-8"},
	{"\xed\xa0\x80", "", "invalid UTF-8"}, // a UTF-8-encoded surrogate
}

func TestNormalizeHandle(t *testing.T) {
	for _, c := range normHandleCases {
		got, err := NormalizeHandle(c.in)
		if c.why == "" {
			if err != nil || got != c.want {
				t.Errorf("NormalizeHandle(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || err.Error() != c.why || got != "" {
			t.Errorf("NormalizeHandle(%q) = %q, %v; want error %q", c.in, got, err, c.why)
		}
	}
}

func TestNormalizeHandleCaseInsensitive(t *testing.T) {
	a, _ := NormalizeHandle("Admin")
	b, _ := NormalizeHandle("admin")
	if a != b {
		t.Fatalf("Admin and admin normalise differently: %q %q", a, b)
	}
	if _, err := NormalizeHandle("ad\u200bmin"); err == nil {
		t.Fatal("a zero-width space must not be able to pose as admin")
	}
}

func FuzzNormalizeHandle(f *testing.F) {
	for _, c := range normHandleCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormalizeHandle(s)
		if err != nil {
			if out != "" {
				t.Fatalf("error %v with output %q", err, out)
			}
			if msg := err.Error(); msg == "" || strings.ToLower(msg[:1]) != msg[:1] {
				t.Fatalf("reason %q is not a short lower-case reason", msg)
			}
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("output %q is not UTF-8", out)
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("output %q is not NFC", out)
		}
		if strings.ToLower(out) != out {
			t.Fatalf("output %q is not lower-case", out)
		}
		if n := utf8.RuneCountInString(out); n == 0 || n > 64 {
			t.Fatalf("output %q has %d runes", out, n)
		}
		for _, r := range out {
			if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Z) || unicode.IsSpace(r) || r == ';' || r == ',' {
				t.Fatalf("output %q contains %U", out, r)
			}
		}
		again, err := NormalizeHandle(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, out, again, err)
		}
	})
}

func TestNormalizeTags(t *testing.T) {
	many := make([]string, 65)
	for i := range many {
		many[i] = "t" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	cases := []struct {
		in   string
		want []string
		why  string
	}{
		{"", nil, ""},
		{" ; ;;", nil, ""},
		{"a", []string{"a"}, ""},
		{"Helper;  trusted ;HELPER;new", []string{"helper", "trusted", "new"}, ""},
		{"b;a;b;a", []string{"b", "a"}, ""},
		{"café;cafe\u0301", []string{"café"}, ""},
		{"日本;語", []string{"日本", "語"}, ""},
		{";a;", []string{"a"}, ""},
		{strings.Repeat("x", 32), []string{strings.Repeat("x", 32)}, ""},
		{strings.Join(many[:64], ";"), many[:64], ""},
		{strings.Join(many[:64], ";") + ";" + many[0], many[:64], ""},

		{strings.Repeat("x", 33), nil, `tag "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": longer than 32 characters (33)`},
		{"a;b c", nil, `tag "b c": contains whitespace U+0020`},
		{"a,b", nil, `tag "a,b": contains the reserved separator ','`},
		{"ok;x\u200by", nil, `tag "x\u200by": contains a zero-width character U+200B`},
		{"ok;x\ty", nil, `tag "x\ty": contains a control character U+0009`},
		{"a;\xff", nil, "invalid UTF-8"},
		{strings.Join(many, ";"), nil, "more than 64 tags"},
	}
	for _, c := range cases {
		got, err := NormalizeTags(c.in)
		if c.why == "" {
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("NormalizeTags(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || err.Error() != c.why || got != nil {
			t.Errorf("NormalizeTags(%q) = %q, %v; want error %q", c.in, got, err, c.why)
		}
	}
}

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	const want = " is not a date (want RFC 3339 or YYYY-MM-DD)"
	cases := []struct {
		in   string
		want time.Time
		why  string
	}{
		{"2024-05-01", utc(2024, 5, 1, 0, 0, 0, 0), ""},
		{"2024-02-29", utc(2024, 2, 29, 0, 0, 0, 0), ""},
		{"2024-05-01T13:45:00Z", utc(2024, 5, 1, 13, 45, 0, 0), ""},
		{"2024-05-01 13:45:00Z", utc(2024, 5, 1, 13, 45, 0, 0), ""},
		{"2024-05-01T13:45:00.5Z", utc(2024, 5, 1, 13, 45, 0, 500_000_000), ""},
		{"2024-05-01T13:45:00.123456789Z", utc(2024, 5, 1, 13, 45, 0, 123456789), ""},
		{"2024-05-01T13:45:00+02:00", utc(2024, 5, 1, 11, 45, 0, 0), ""},
		{"2024-05-01T00:15:00-05:30", utc(2024, 5, 1, 5, 45, 0, 0), ""},
		{"2024-05-01T13:45:00.250+02:00", utc(2024, 5, 1, 11, 45, 0, 250_000_000), ""},
		{"2024-05-01T13:45:00", utc(2024, 5, 1, 13, 45, 0, 0), ""},
		{"2024-05-01 13:45:00", utc(2024, 5, 1, 13, 45, 0, 0), ""},
		{"2011-10-11T19:42:20.713", utc(2011, 10, 11, 19, 42, 20, 713_000_000), ""}, // Stack Exchange
		{"2011-10-11 19:42:20.713", utc(2011, 10, 11, 19, 42, 20, 713_000_000), ""},
		{"1969-12-31", utc(1969, 12, 31, 0, 0, 0, 0), ""}, // parses; CheckTime refuses it

		{"", time.Time{}, "is empty"},
		{"yesterday", time.Time{}, `"yesterday"` + want},
		{"2024-13-01", time.Time{}, `"2024-13-01"` + want},
		{"2023-02-29", time.Time{}, `"2023-02-29"` + want},
		{"2024-04-31", time.Time{}, `"2024-04-31"` + want},
		{"2024-05-01T24:00:00Z", time.Time{}, `"2024-05-01T24:00:00Z"` + want},
		{"2024-05-01T23:59:60Z", time.Time{}, `"2024-05-01T23:59:60Z"` + want},
		{"2024-05-01T13:45:00+25:00", time.Time{}, `"2024-05-01T13:45:00+25:00"` + want},
		{"2024-5-1", time.Time{}, `"2024-5-1"` + want},
		{"24-05-01", time.Time{}, `"24-05-01"` + want},
		{"2024/05/01", time.Time{}, `"2024/05/01"` + want},
		{"01/05/2024", time.Time{}, `"01/05/2024"` + want},
		{" 2024-05-01", time.Time{}, `" 2024-05-01"` + want},
		{"2024-05-01 ", time.Time{}, `"2024-05-01 "` + want},
		{"2024-05-01T13:45", time.Time{}, `"2024-05-01T13:45"` + want},
		{"2024-05-01t13:45:00z", time.Time{}, `"2024-05-01t13:45:00z"` + want},
		{"2024-05-01T13:45:00,713", time.Time{}, `"2024-05-01T13:45:00,713"` + want},
		{"2024-05-01T13:45:00.", time.Time{}, `"2024-05-01T13:45:00."` + want},
		{"2024-05-01T13:45:00.1234567890Z", time.Time{}, `"2024-05-01T13:45:00.1234567890Z"` + want},
		{"2024-05-01T13:45:00+0200", time.Time{}, `"2024-05-01T13:45:00+0200"` + want},
		{"2024-05-01T13:45:00 UTC", time.Time{}, `"2024-05-01T13:45:00 UTC"` + want},
		{"１９７０-01-01", time.Time{}, `"１９７０-01-01"` + want},
		{"1714571100", time.Time{}, `"1714571100"` + want},
		{"2024-05-01\x00", time.Time{}, `"2024-05-01\x00"` + want},
		{"2024-05-01\u202e", time.Time{}, `"2024-05-01\u202e"` + want},
		{strings.Repeat("9", 100), time.Time{}, `"` + strings.Repeat("9", 64) + `"…` + want},
	}
	for _, c := range cases {
		got, err := ParseTime(c.in)
		if c.why == "" {
			if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || err.Error() != c.why || !got.IsZero() {
			t.Errorf("ParseTime(%q) = %v, %v; want error %q", c.in, got, err, c.why)
		}
	}
}

func TestCheckTime(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		t   time.Time
		why string
	}{
		{time.Unix(0, 0), ""},
		{now, ""},
		{now.Add(24 * time.Hour), ""},
		{now.Add(-50 * 365 * 24 * time.Hour), ""},
		{time.Unix(0, -1), "before 1970"},
		{time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), "before 1970"},
		{time.Time{}, "before 1970"},
		{now.Add(24*time.Hour + time.Nanosecond), "more than a day in the future"},
		{time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), "more than a day in the future"},
	}
	for _, c := range cases {
		err := CheckTime(c.t, now)
		if got := normErrText(err); got != c.why {
			t.Errorf("CheckTime(%v) = %q; want %q", c.t, got, c.why)
		}
	}
}

func TestParsePoints(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		why  string
	}{
		{"0", 0, ""},
		{"5", 5, ""},
		{"+5", 5, ""},
		{"-5", -5, ""},
		{"-0", 0, ""},
		{"007", 7, ""},
		{"1000000000", 1_000_000_000, ""},
		{"-1000000000", -1_000_000_000, ""},

		{"", 0, "is empty"},
		{"-", 0, `"-" has no digits`},
		{"+", 0, `"+" has no digits`},
		{"1000000001", 0, "too large (max ±1000000000)"},
		{"-1000000001", 0, "too large (max ±1000000000)"},
		{"99999999999999999999999", 0, "too large (max ±1000000000)"},
		{"1e3", 0, `"1e3" is not a plain integer (no exponents)`},
		{"1E3", 0, `"1E3" is not a plain integer (no exponents)`},
		{"0x10", 0, `"0x10" is not a plain integer (no hex)`},
		{"0b101", 0, `"0b101" is not a plain integer (decimal only)`},
		{" 5", 0, `" 5" is not a plain integer (contains whitespace)`},
		{"5 ", 0, `"5 " is not a plain integer (contains whitespace)`},
		{"5\n", 0, `"5\n" is not a plain integer (contains whitespace)`},
		{"５", 0, `"５" is not a plain integer (non-ASCII digit U+FF15)`},
		{"٥", 0, `"٥" is not a plain integer (non-ASCII digit U+0665)`},
		{"1_000", 0, `"1_000" is not a plain integer (no digit separators)`},
		{"1,000", 0, `"1,000" is not a plain integer (no digit separators)`},
		{"1.5", 0, `"1.5" is not a plain integer (no fractions)`},
		{"--5", 0, `"--5" is not a plain integer (want digits with an optional leading + or -)`},
		{"+-5", 0, `"+-5" is not a plain integer (want digits with an optional leading + or -)`},
		{"five", 0, `"five" is not a plain integer (want digits with an optional leading + or -)`},
		{"e5", 0, `"e5" is not a plain integer (want digits with an optional leading + or -)`},
		{"5\x00", 0, `"5\x00" is not a plain integer (want digits with an optional leading + or -)`},
		{"5\xff", 0, "invalid UTF-8"},
	}
	for _, c := range cases {
		got, err := ParsePoints(c.in)
		if c.why == "" {
			if err != nil || got != c.want {
				t.Errorf("ParsePoints(%q) = %d, %v; want %d", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || err.Error() != c.why || got != 0 {
			t.Errorf("ParsePoints(%q) = %d, %v; want error %q", c.in, got, err, c.why)
		}
	}
}

func normErrText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
