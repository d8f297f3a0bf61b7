package ingest

import (
	"strings"
	"testing"
	"time"
)

func ev(line int, id, member, kind string, at time.Time, ref string) EventRow {
	return EventRow{Line: line, ID: id, Member: member, Kind: kind, At: at, Ref: ref}
}

const evHead = "id,member,kind,at,ref\n"

// big returns n bytes of filler.
func big(n int) string { return strings.Repeat("x", n) }

// csvEventCases are the events CSV table; they also seed FuzzCSV.
var csvEventCases = []readCase{
	{
		name: "good",
		in: evHead +
			"e1,Alice,post,2024-05-01T10:00:00Z,https://forum.example/p/1\n" +
			"e2,bob,answer,2024-05-02,\n" +
			"E2,山田,accepted_answer,2011-10-11T19:42:20.713,42\n",
		want: []any{
			ev(2, "e1", "alice", "post", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), "https://forum.example/p/1"),
			ev(3, "e2", "bob", "answer", day(2024, 5, 2), ""),
			ev(4, "E2", "山田", "accepted_answer", time.Date(2011, 10, 11, 19, 42, 20, 713e6, time.UTC), "42"),
		},
	},
	{
		name: "header only",
		in:   evHead,
	},
	{
		name: "header only, no final newline",
		in:   "id,member,kind,at",
	},
	{
		name: "empty file",
		in:   "",
		head: "events.csv: header: file is empty",
	},
	{
		name: "only a BOM",
		in:   "\ufeff",
		head: "events.csv: header: file is empty",
	},
	{
		name: "only blank lines",
		in:   "\n\r\n\n",
		head: "events.csv: header: file is empty",
	},
	{
		name: "BOM and CRLF",
		in:   "\ufeffid,member,kind,at\r\ne1,bob,post,2024-05-01\r\ne2,bob,post,2024-05-02\r\n",
		want: []any{ev(2, "e1", "bob", "post", day(2024, 5, 1), ""), ev(3, "e2", "bob", "post", day(2024, 5, 2), "")},
	},
	{
		name: "BOM only once",
		in:   "\ufeff\ufeffid,member,kind,at\n",
		head: `events.csv:1: header: unknown column "\ufeffid" (want id, member, kind, at, ref)`,
	},
	{
		name: "reordered columns, optional one left out",
		in:   "at,kind,member,id\n2024-05-01,post,bob,e1\n",
		want: []any{ev(2, "e1", "bob", "post", day(2024, 5, 1), "")},
	},
	{
		name: "header names in any case, with spaces",
		in:   " ID , Member,KIND,\tAt\n e1,bob,post,2024-05-01\n",
		want: []any{"events.csv:2: id: contains whitespace U+0020"},
	},
	{
		name: "blank lines are skipped and counted",
		in:   "\n\nid,member,kind,at\n\ne1,bob,post,2024-05-01\n\r\n\ne2,bob,post,bad\n\n",
		want: []any{ev(5, "e1", "bob", "post", day(2024, 5, 1), ""), `events.csv:8: at: "bad" is not a date (want RFC 3339 or YYYY-MM-DD)`},
	},
	{
		name: "no final newline",
		in:   evHead + "e1,bob,post,2024-05-01,r",
		want: []any{ev(2, "e1", "bob", "post", day(2024, 5, 1), "r")},
	},
	{
		name: "quoted fields with newlines; Line is where the record starts",
		in: evHead +
			"\"e1\",\"bob\",post,2024-05-01,\"line one\nline two\r\nline three\"\n" +
			"e2,bob,post,2024-05-01,\"a \"\"quoted\"\" ref, with a comma\"\n" +
			"e3,bob,post,nope,\n",
		want: []any{
			ev(2, "e1", "bob", "post", day(2024, 5, 1), "line one\nline two\nline three"),
			ev(5, "e2", "bob", "post", day(2024, 5, 1), `a "quoted" ref, with a comma`),
			`events.csv:6: at: "nope" is not a date (want RFC 3339 or YYYY-MM-DD)`,
		},
	},
	{
		name: "a lone CR is data, not a line break",
		in: evHead +
			"e1,bob,post,2024-05-01,\"one\rtwo\"\n" +
			"e2,bob,post,2024-05-01,one\rtwo\n" +
			"e3,bo\rb,post,2024-05-01,\n" +
			"e4,bob,post,2024-05-01\r,\n",
		want: []any{
			ev(2, "e1", "bob", "post", day(2024, 5, 1), "one\ntwo"),
			ev(3, "e2", "bob", "post", day(2024, 5, 1), "one\ntwo"),
			"events.csv:4: member: contains a control character U+000D",
			`events.csv:5: at: "2024-05-01\r" is not a date (want RFC 3339 or YYYY-MM-DD)`,
		},
	},
	{
		name: "classic Mac line breaks make one long record",
		in:   "id,member,kind,at\re1,bob,post,2024-05-01\r",
		head: `events.csv:1: header: unknown column "at\re1" (want id, member, kind, at, ref)`,
	},
	{
		name: "dates out of range and not dates",
		in: evHead +
			"e1,bob,post,1969-12-31T23:59:59Z,\n" +
			"e2,bob,post,2025-06-02T12:00:01Z,\n" +
			"e3,bob,post,yesterday,\n" +
			"e4,bob,post,2025-06-02T12:00:00Z,\n" +
			"e5,bob,post,1970-01-01,\n" +
			"e6,bob,post,,\n" +
			"e7,bob,post,2024-13-01,\n",
		want: []any{
			"events.csv:2: at: before 1970",
			"events.csv:3: at: more than a day in the future",
			`events.csv:4: at: "yesterday" is not a date (want RFC 3339 or YYYY-MM-DD)`,
			ev(5, "e4", "bob", "post", time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC), ""),
			ev(6, "e5", "bob", "post", day(1970, 1, 1), ""),
			"events.csv:7: at: is empty",
			`events.csv:8: at: "2024-13-01" is not a date (want RFC 3339 or YYYY-MM-DD)`,
		},
	},
	{
		name: "bad values",
		in: evHead +
			",bob,post,2024-05-01,\n" +
			"e 1,bob,post,2024-05-01,\n" +
			"e\u200b1,bob,post,2024-05-01,\n" +
			"e\t1,bob,post,2024-05-01,\n" +
			big(129) + ",bob,post,2024-05-01,\n" +
			"e1,,post,2024-05-01,\n" +
			"e1,ad\u200bmin,post,2024-05-01,\n" +
			"e1,bob,Post,2024-05-01,\n" +
			"e1,bob,,2024-05-01,\n" +
			"e1,bob," + big(41) + ",2024-05-01,\n" +
			"e1,bob,post,2024-05-01," + big(2049) + "\n" +
			"e1,b\xffob,post,2024-05-01,\n" +
			"e\x001,bob,post,2024-05-01,\n" +
			"e1,bob,post,2024-05-01,a\x00b\n",
		want: []any{
			"events.csv:2: id: is empty",
			"events.csv:3: id: contains whitespace U+0020",
			"events.csv:4: id: contains a format character U+200B",
			"events.csv:5: id: contains a control character U+0009",
			"events.csv:6: id: longer than 128 bytes (129)",
			"events.csv:7: member: is empty",
			"events.csv:8: member: contains a zero-width character U+200B",
			`events.csv:9: kind: "Post" is not a lower-case identifier (want a-z, 0-9, _ and -)`,
			"events.csv:10: kind: is empty",
			"events.csv:11: kind: longer than 40 characters (41)",
			"events.csv:12: ref: longer than 2 KiB (2049 bytes)",
			"events.csv:13: member: invalid UTF-8",
			"events.csv:14: id: contains NUL",
			"events.csv:15: ref: contains NUL",
		},
	},
	{
		name: "ids are kept as given",
		in:   evHead + "Ab-9/x:Y#é,bob,post,2024-05-01,\n",
		want: []any{ev(2, "Ab-9/x:Y#é", "bob", "post", day(2024, 5, 1), "")},
	},
	{
		name: "rows with too many or too few fields",
		in: evHead +
			"e1,bob,post,2024-05-01,,,\n" +
			"e2,bob,post\n" +
			"\"e3\nstill e3\",bob\n" +
			"e4,bob,post,2024-05-01,\n",
		want: []any{
			"events.csv:2: row: has 7 fields, the header has 5",
			"events.csv:3: row: has 3 fields, the header has 5",
			"events.csv:4: row: has 2 fields, the header has 5",
			ev(6, "e4", "bob", "post", day(2024, 5, 1), ""),
		},
	},
	{
		name: "quote errors",
		in: evHead +
			"e1,bo\"b,post,2024-05-01,\n" +
			"e2,\"bob\"x,post,2024-05-01,\n" +
			"e3,\"bob\nbob\"x,post,2024-05-01,\n" +
			"e4,bob,post,2024-05-01, \"r\"\n" +
			"e5,bob,post,2024-05-01,\"r\"\r\n" +
			"e6,bob,post,2024-05-01,\"r\"\rx\n" +
			"e7,bob,post,2024-05-01,\n",
		want: []any{
			`events.csv:2: row: bare " in an unquoted field at line 2, column 6 (quote the field and double the quote)`,
			`events.csv:3: row: extraneous " in a quoted field at line 3, column 8 (a quote inside a quoted field must be doubled)`,
			`events.csv:4: row: extraneous " in a quoted field at line 5, column 4 (a quote inside a quoted field must be doubled)`,
			`events.csv:6: row: bare " in an unquoted field at line 6, column 25 (quote the field and double the quote)`,
			ev(7, "e5", "bob", "post", day(2024, 5, 1), "r"),
			`events.csv:8: row: extraneous " in a quoted field at line 8, column 26 (a quote inside a quoted field must be doubled)`,
			ev(9, "e7", "bob", "post", day(2024, 5, 1), ""),
		},
	},
	{
		name: "a quote left open at the end of the file",
		in:   evHead + "e1,bob,post,2024-05-01,\ne2,bob,post,2024-05-01,\"open\ne3,bob,post,2024-05-01,\n",
		want: []any{
			ev(2, "e1", "bob", "post", day(2024, 5, 1), ""),
			"events.csv:3: row: quoted field is never closed (the file ends inside it)",
		},
	},
	{
		name: "a quote left open in the header",
		in:   "id,member,kind,\"at\n",
		head: "events.csv:1: header: quoted field is never closed (the file ends inside it)",
	},
	{
		name: "unknown column",
		in:   "id,member,kind,at,colour\n",
		head: `events.csv:1: header: unknown column "colour" (want id, member, kind, at, ref)`,
	},
	{
		name: "hostile unknown column",
		in:   "id,member,kind,at,\"\x1b[31mred\u202e\"\n",
		head: `events.csv:1: header: unknown column "\x1b[31mred\u202e" (want id, member, kind, at, ref)`,
	},
	{
		name: "missing column",
		in:   "id,member,kind\n",
		head: `events.csv:1: header: missing required column "at"`,
	},
	{
		name: "missing columns",
		in:   "member,ref\n",
		head: `events.csv:1: header: missing required columns "id", "kind", "at"`,
	},
	{
		name: "duplicate column",
		in:   "id,member,kind,at,Member\n",
		head: `events.csv:1: header: duplicate column "member"`,
	},
	{
		name: "empty column name",
		in:   "id,member,kind,at,\n",
		head: "events.csv:1: header: column 5 has no name",
	},
	{
		name: "bare quote in the header",
		in:   "id,mem\"ber,kind,at\n",
		head: `events.csv:1: header: bare " in an unquoted field at line 1, column 7 (quote the field and double the quote)`,
	},
	{
		name: "UTF-16",
		in:   "\xff\xfei\x00d\x00\n\x00",
		head: "events.csv:1: header: file looks like UTF-16 (save it as UTF-8)",
	},
	{
		name: "file name in problems",
		file: "exports/2024 events.csv",
		in:   evHead + "e1,bob,post,soon,\n",
		want: []any{`exports/2024 events.csv:2: at: "soon" is not a date (want RFC 3339 or YYYY-MM-DD)`},
	},
}

func TestCSVEvents(t *testing.T) {
	for i := range csvEventCases {
		csvEventCases[i].kind = Events
	}
	runCases(t, csvEventCases)
}

// Large inputs are built here, not in the table, to keep the fuzz seeds
// small.
func TestCSVLarge(t *testing.T) {
	const tenMB = 10 << 20
	e1 := ev(2, "e1", "bob", "post", day(2024, 5, 1), "")
	cases := []readCase{
		{
			name: "a 10 MB unquoted field",
			in:   evHead + "e1,bob,post,2024-05-01,\ne2,bob,post,2024-05-01," + big(tenMB) + "\ne3,bob,post,2024-05-01,\n",
			want: []any{e1, "events.csv:3: row: record is larger than 1 MiB", ev(4, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a 10 MB quoted field with line breaks, commas and quotes",
			in: evHead + "e1,bob,post,2024-05-01,\ne2,bob,post,2024-05-01,\"" +
				strings.Repeat("a,\"\"b\r\nc\n", tenMB/10) + "\"\ne3,bob,post,2024-05-01,\n",
			want: []any{e1, "events.csv:3: row: record is larger than 1 MiB", ev(3+2*tenMB/10+1, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a 10 MB field in the first column",
			in:   evHead + "\"" + big(tenMB) + "\",bob,post,2024-05-01,\ne3,bob,post,2024-05-01,\n",
			want: []any{"events.csv:2: row: record is larger than 1 MiB", ev(3, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a bare quote in an oversized line: the record ends at the line's end",
			in:   evHead + "e1,b\"ob,\"post" + big(tenMB) + "\ne3,bob,post,2024-05-01,\n",
			want: []any{"events.csv:2: row: record is larger than 1 MiB", ev(3, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a 10 MB quote left open",
			in:   evHead + "e1,bob,post,2024-05-01,\ne2,bob,post,2024-05-01,\"" + strings.Repeat(big(99)+"\n", tenMB/100),
			want: []any{e1, "events.csv:3: row: record is larger than 1 MiB (a quoted field is never closed)"},
		},
		{
			name: "a 10 MB header",
			in:   "id,member,kind,at," + big(tenMB) + "\n",
			head: "events.csv:1: header: record is larger than 1 MiB",
		},
		{
			name: "10 MB of blank lines",
			in:   evHead + strings.Repeat("\n", tenMB) + "e1,bob,post,2024-05-01,\n",
			want: []any{ev(2+tenMB, "e1", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a 100,000-column row",
			in:   evHead + "e1,bob,post,2024-05-01,\n" + strings.Repeat("x,", 99_999) + "x\ne3,bob,post,2024-05-01,\n",
			want: []any{e1, "events.csv:3: row: has 100000 fields, the header has 5", ev(4, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
		{
			name: "a 100,000-column header",
			in:   "id,member,kind,at" + strings.Repeat(",id", 99_996) + "\n",
			head: `events.csv:1: header: duplicate column "id"`,
		},
		{
			name: "a 1,100,000-column row is too large",
			in:   evHead + strings.Repeat(",", 1_100_000) + "\ne3,bob,post,2024-05-01,\n",
			want: []any{"events.csv:2: row: record is larger than 1 MiB", ev(3, "e3", "bob", "post", day(2024, 5, 1), "")},
		},
	}
	for i := range cases {
		cases[i].kind = Events
	}
	start := time.Now()
	runCases(t, cases)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("large inputs took %v", d)
	}
}

// TestCSVRecordLimit pins the limit: a record of exactly 1 MiB (without its
// line break) is read, one byte more is refused.
func TestCSVRecordLimit(t *testing.T) {
	const head = "id,reporter,subject,content,guideline,excerpt,at\n"
	row := func(size int, nl string) string {
		pre := "r1,ann,bob,https://x.example/1,spam,\""
		post := "\",2024-05-01"
		return pre + big(size-len(pre)-len(post)) + post + nl
	}
	excerpt := big(16<<10) + "…"
	rep := ReportRow{Line: 2, ID: "r1", Reporter: "ann", Subject: "bob", Content: "https://x.example/1",
		Guideline: "spam", Excerpt: excerpt, At: day(2024, 5, 1)}
	for _, nl := range []string{"\n", "\r\n", ""} {
		cases := []readCase{
			{name: "exactly 1 MiB " + nl, in: head + row(1<<20, nl), want: []any{rep}},
			{name: "1 MiB and a byte " + nl, in: head + row(1<<20+1, nl), want: []any{"reports.csv:2: row: record is larger than 1 MiB"}},
		}
		for i := range cases {
			cases[i].kind = Reports
		}
		runCases(t, cases)
	}
}

func TestCSVMembers(t *testing.T) {
	const head = "handle,name,joined_at,tags,referred_by\n"
	cases := []readCase{
		{
			name: "good",
			in: head +
				"Alice,Alice Liddell,2020-01-02,Helper; trusted;helper,\n" +
				"bob,\"  Bob\r\nthe Builder \",,,alice\n" +
				"jose\u0301,Jose\u0301,2021-03-04T05:06:07+01:00,,BOB\n" +
				"carol,,,,  \n",
			want: []any{
				MemberRow{Line: 2, Handle: "alice", Name: "Alice Liddell", JoinedAt: day(2020, 1, 2), Tags: []string{"helper", "trusted"}},
				MemberRow{Line: 3, Handle: "bob", Name: "Bob\nthe Builder", ReferredBy: "alice"},
				MemberRow{Line: 5, Handle: "josé", Name: "José", JoinedAt: time.Date(2021, 3, 4, 4, 6, 7, 0, time.UTC), ReferredBy: "bob"},
				MemberRow{Line: 6, Handle: "carol"},
			},
		},
		{
			name: "handle only",
			in:   "Handle\r\nDave\r\n\r\n  eve  \r\n",
			want: []any{MemberRow{Line: 2, Handle: "dave"}, MemberRow{Line: 4, Handle: "eve"}},
		},
		{
			name: "handle column required",
			in:   "name,tags\n",
			head: `members.csv:1: header: missing required column "handle"`,
		},
		{
			name: "bad values",
			in: head +
				"ad\u200bmin,,,,\n" +
				"admin,,,,Admin\n" +
				"a b,,,,\n" +
				"frank,,,a;b c,\n" +
				"gina,,1969-07-20,,\n" +
				"hal,,,,x\u202ey\n" +
				"ivy,\"" + big(16<<10+1) + "\",,,\n" +
				"jo,\"a\x00b\",,,\n" +
				"kim,\xff,,,\n" +
				"lee,,,a\xff,\n" +
				",,,,\n",
			want: []any{
				"members.csv:2: handle: contains a zero-width character U+200B",
				"members.csv:3: referred_by: a member cannot refer themself",
				"members.csv:4: handle: contains whitespace U+0020",
				`members.csv:5: tags: tag "b c": contains whitespace U+0020`,
				"members.csv:6: joined_at: before 1970",
				"members.csv:7: referred_by: contains a bidi control character U+202E",
				"members.csv:8: name: longer than 16 KiB (16385 bytes)",
				"members.csv:9: name: contains NUL",
				"members.csv:10: name: invalid UTF-8",
				"members.csv:11: tags: invalid UTF-8",
				"members.csv:12: handle: is empty",
			},
		},
		{
			name: "names may hold anything printable",
			in:   head + "mo,\"\u202eevil\u202c \x1b[31m<b>\",,,\n",
			want: []any{MemberRow{Line: 2, Handle: "mo", Name: "\u202eevil\u202c \x1b[31m<b>"}},
		},
	}
	for i := range cases {
		cases[i].kind = Members
	}
	runCases(t, cases)
}

func TestCSVRedemptions(t *testing.T) {
	cases := []readCase{
		{
			name: "good and bad",
			in: "id,member,reward,at\n" +
				"r1,Bob,t-shirt,2024-05-01 10:11:12\n" +
				"r2,bob,T-Shirt,2024-05-01\n" +
				"r3,bob,mug,\n",
			want: []any{
				RedemptionRow{Line: 2, ID: "r1", Member: "bob", Reward: "t-shirt", At: time.Date(2024, 5, 1, 10, 11, 12, 0, time.UTC)},
				`redemptions.csv:3: reward: "T-Shirt" is not a lower-case identifier (want a-z, 0-9, _ and -)`,
				"redemptions.csv:4: at: is empty",
			},
		},
		{
			name: "every column is required",
			in:   "id,member,at\n",
			head: `redemptions.csv:1: header: missing required column "reward"`,
		},
		{
			name: "no optional columns",
			in:   "id,member,reward,at,ref\n",
			head: `redemptions.csv:1: header: unknown column "ref" (want id, member, reward, at)`,
		},
	}
	for i := range cases {
		cases[i].kind = Redemptions
	}
	runCases(t, cases)
}

func TestCSVReports(t *testing.T) {
	long := strings.Repeat("é", 8192) + "z" // 16385 bytes
	cases := []readCase{
		{
			name: "good and bad",
			in: "at,id,reporter,subject,content,guideline,excerpt\n" +
				"2024-05-01,r1,Ann,Bob, https://x.example/p/1 ,harassment,\"  you are a\r\n  …  \"\n" +
				"2024-05-01,r2,ann,bob,post:42,spam,\n" +
				"2024-05-01,r3,ann,bob,p,spam," + long + "\n" +
				"2024-05-01,r4,ann,bob,  ,spam,\n" +
				"2024-05-01,r5,ann,bob," + big(2049) + ",spam,\n" +
				"2024-05-01,r6,ann,b\u00adob,p,spam,\n" +
				"2024-05-01,r7,ann,bob,p,,\n",
			want: []any{
				ReportRow{Line: 2, ID: "r1", Reporter: "ann", Subject: "bob", Content: "https://x.example/p/1", Guideline: "harassment", Excerpt: "you are a\n  …", At: day(2024, 5, 1)},
				ReportRow{Line: 4, ID: "r2", Reporter: "ann", Subject: "bob", Content: "post:42", Guideline: "spam", At: day(2024, 5, 1)},
				ReportRow{Line: 5, ID: "r3", Reporter: "ann", Subject: "bob", Content: "p", Guideline: "spam", Excerpt: strings.Repeat("é", 8192) + "…", At: day(2024, 5, 1)},
				"reports.csv:6: content: is empty",
				"reports.csv:7: content: longer than 2 KiB (2049 bytes)",
				"reports.csv:8: subject: contains a soft hyphen U+00AD",
				"reports.csv:9: guideline: is empty",
			},
		},
		{
			name: "excerpt is optional",
			in:   "id,reporter,subject,content,guideline,at\nr1,ann,bob,p,spam,2024-05-01\n",
			want: []any{ReportRow{Line: 2, ID: "r1", Reporter: "ann", Subject: "bob", Content: "p", Guideline: "spam", At: day(2024, 5, 1)}},
		},
	}
	for i := range cases {
		cases[i].kind = Reports
	}
	runCases(t, cases)
}
