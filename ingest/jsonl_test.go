package ingest

import (
	"strings"
	"testing"
	"time"
)

// jsonlCases are the JSON Lines table; they also seed FuzzJSONL.
var jsonlCases = []readCase{
	{
		name: "events: good",
		kind: Events,
		in: `{"id":"e1","member":"Alice","kind":"post","at":"2024-05-01T10:00:00Z","ref":"https://forum.example/p/1"}` + "\n" +
			`{ "at" : "2011-10-11T19:42:20.713" , "kind":"answer", "member":"山田", "id":"E2" }` + "\n",
		want: []any{
			ev(1, "e1", "alice", "post", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), "https://forum.example/p/1"),
			ev(2, "E2", "山田", "answer", time.Date(2011, 10, 11, 19, 42, 20, 713e6, time.UTC), ""),
		},
	},
	{
		name: "empty file",
		kind: Events,
		in:   "",
	},
	{
		name: "only a BOM and blank lines",
		kind: Events,
		in:   "\ufeff\n  \r\n\t\n",
	},
	{
		name: "BOM, CRLF, blank lines, no final newline",
		kind: Events,
		in:   "\ufeff" + `{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"}` + "\r\n\r\n \n" + `{"id":"e2","member":"bob","kind":"post","at":"2024-05-02"}`,
		want: []any{ev(1, "e1", "bob", "post", day(2024, 5, 1), ""), ev(4, "e2", "bob", "post", day(2024, 5, 2), "")},
	},
	{
		name: "events: structural problems",
		kind: Events,
		in: `{"id":"e1","id":"e2","member":"bob","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01","colour":"red"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01","\u202e\u001b[31m":"x"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01","ID":"x"}` + "\n" +
			`{"id":1,"member":"bob","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":1714557600}` + "\n" +
			`{"id":"e1","member":null,"kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":true,"at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":{"name":"bob"},"kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":["bob"],"kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post"}` + "\n" +
			`{}` + "\n" +
			`["e1","bob","post","2024-05-01"]` + "\n" +
			`"e1"` + "\n" +
			`null` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"} {}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"},` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01",}` + "\n" +
			`{'id':'e1'}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01",` + "\n",
		want: []any{
			"events.jsonl:1: id: duplicate key",
			"events.jsonl:2: colour: unknown field (want id, member, kind, at, ref)",
			`events.jsonl:3: "\u202e\x1b[31m": unknown field (want id, member, kind, at, ref)`,
			"events.jsonl:4: ID: unknown field (want id, member, kind, at, ref)",
			"events.jsonl:5: id: want a string, got number",
			"events.jsonl:6: at: want a string, got number",
			"events.jsonl:7: member: want a string, got null",
			"events.jsonl:8: kind: want a string, got boolean",
			"events.jsonl:9: member: want a string, got object",
			"events.jsonl:10: member: want a string, got array",
			"events.jsonl:11: at: missing",
			"events.jsonl:12: id: missing",
			"events.jsonl:13: row: want a JSON object, got array",
			"events.jsonl:14: row: want a JSON object, got string",
			"events.jsonl:15: row: want a JSON object, got null",
			"events.jsonl:16: row: unexpected data after the JSON object",
			"events.jsonl:17: row: unexpected data after the JSON object",
			"events.jsonl:18: row: invalid JSON: invalid character '}' looking for beginning of object key string",
			"events.jsonl:19: row: invalid JSON: invalid character '\\''",
			"events.jsonl:20: row: truncated JSON (the line ends inside the object)",
			"events.jsonl:21: at: truncated JSON (the line ends inside the object)",
			ev(22, "e1", "bob", "post", day(2024, 5, 1), ""),
			"events.jsonl:23: row: truncated JSON (the line ends inside the object)",
		},
	},
	{
		name: "a truncated last line",
		kind: Events,
		in:   `{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"}` + "\n" + `{"id":"e2","member":"bob","ki`,
		want: []any{ev(1, "e1", "bob", "post", day(2024, 5, 1), ""), "events.jsonl:2: row: truncated JSON (the line ends inside the object)"},
	},
	{
		name: "events: bad values",
		kind: Events,
		in: `{"id":"e1","member":"b\u0000ob","kind":"post","at":"2024-05-01"}` + "\n" +
			"{\"id\":\"e1\",\"member\":\"b\x00ob\",\"kind\":\"post\",\"at\":\"2024-05-01\"}\n" +
			"{\"id\":\"e1\",\"member\":\"b\xffob\",\"kind\":\"post\",\"at\":\"2024-05-01\"}\n" +
			"{\"id\":\"e1\",\"member\":\"bob\",\"kind\":\"post\",\"at\":\"2024-05-01\",\"r\xffef\":\"x\"}\n" +
			`{"id":"e1","member":"b\ud800ob","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"b\ufffdob\uFFFD�","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"\ud83d\ude42","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"ad\u200bmin","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"yesterday"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"1969-12-31"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2099-01-01"}` + "\n" +
			`{"id":"","member":"bob","kind":"post","at":"2024-05-01"}` + "\n" +
			`{"id":"e1","member":"bob","kind":"post","at":"2024-05-01","ref":"a\rb\r\nc"}` + "\n",
		want: []any{
			"events.jsonl:1: member: contains NUL",
			"events.jsonl:2: row: contains NUL",
			"events.jsonl:3: member: invalid UTF-8",
			"events.jsonl:4: row: invalid UTF-8 in a key",
			"events.jsonl:5: member: invalid UTF-16 escape (an unpaired surrogate)",
			ev(6, "e1", "b\ufffdob\ufffd\ufffd", "post", day(2024, 5, 1), ""),
			ev(7, "e1", "🙂", "post", day(2024, 5, 1), ""),
			"events.jsonl:8: member: contains a zero-width character U+200B",
			`events.jsonl:9: at: "yesterday" is not a date (want RFC 3339 or YYYY-MM-DD)`,
			"events.jsonl:10: at: before 1970",
			"events.jsonl:11: at: more than a day in the future",
			"events.jsonl:12: id: is empty",
			ev(13, "e1", "bob", "post", day(2024, 5, 1), "a\nb\nc"),
		},
	},
	{
		name: "members: tags as a string or an array",
		kind: Members,
		in: `{"handle":"Alice","tags":"Helper; trusted;helper"}` + "\n" +
			`{"handle":"bob","tags":["Helper"," trusted ","","helper"],"referred_by":"alice","name":" Bob ","joined_at":"2020-01-02"}` + "\n" +
			`{"handle":"carol","tags":[]}` + "\n" +
			`{"handle":"dave","tags":["a",1]}` + "\n" +
			`{"handle":"eve","tags":["a;b"]}` + "\n" +
			`{"handle":"fay","tags":["a b"]}` + "\n" +
			`{"handle":"gus","tags":[["a"]]}` + "\n" +
			`{"handle":"hal","tags":{"a":"b"}}` + "\n" +
			`{"handle":"ivy","referred_by":"IVY"}` + "\n" +
			`{"handle":"jo","tags":["a"` + "\n" +
			`{"name":"no handle"}` + "\n",
		want: []any{
			MemberRow{Line: 1, Handle: "alice", Tags: []string{"helper", "trusted"}},
			MemberRow{Line: 2, Handle: "bob", Name: "Bob", JoinedAt: day(2020, 1, 2), Tags: []string{"helper", "trusted"}, ReferredBy: "alice"},
			MemberRow{Line: 3, Handle: "carol"},
			"members.jsonl:4: tags: want an array of strings, got number in it",
			`members.jsonl:5: tags: tag "a;b": contains the reserved separator ';'`,
			`members.jsonl:6: tags: tag "a b": contains whitespace U+0020`,
			"members.jsonl:7: tags: want an array of strings, got array in it",
			"members.jsonl:8: tags: want a string, got object",
			"members.jsonl:9: referred_by: a member cannot refer themself",
			"members.jsonl:10: tags: truncated JSON (the line ends inside the object)",
			"members.jsonl:11: handle: missing",
		},
	},
	{
		name: "redemptions",
		kind: Redemptions,
		in: `{"id":"r1","member":"Bob","reward":"t-shirt","at":"2024-05-01 10:11:12"}` + "\n" +
			`{"id":"r2","member":"bob","reward":"mug","at":"2024-05-01","excerpt":"x"}` + "\n",
		want: []any{
			RedemptionRow{Line: 1, ID: "r1", Member: "bob", Reward: "t-shirt", At: time.Date(2024, 5, 1, 10, 11, 12, 0, time.UTC)},
			"redemptions.jsonl:2: excerpt: unknown field (want id, member, reward, at)",
		},
	},
	{
		name: "reports",
		kind: Reports,
		in: `{"id":"r1","reporter":"Ann","subject":"Bob","content":"https://x.example/p/1","guideline":"spam","excerpt":"buy now\r\n","at":"2024-05-01"}` + "\n" +
			`{"id":"r2","reporter":"ann","subject":"bob","content":"","guideline":"spam","at":"2024-05-01"}` + "\n" +
			`{"id":"r3","reporter":"ann","subject":"bob","content":"p","at":"2024-05-01"}` + "\n",
		want: []any{
			ReportRow{Line: 1, ID: "r1", Reporter: "ann", Subject: "bob", Content: "https://x.example/p/1", Guideline: "spam", Excerpt: "buy now", At: day(2024, 5, 1)},
			"reports.jsonl:2: content: is empty",
			"reports.jsonl:3: guideline: missing",
		},
	},
	{
		name: "UTF-16",
		kind: Members,
		in:   "\xfe\xff\x00{\x00\"",
		want: []any{"members.jsonl:1: row: file looks like UTF-16 (save it as UTF-8)"},
	},
}

func TestJSONL(t *testing.T) {
	for i := range jsonlCases {
		jsonlCases[i].format = JSONL
	}
	runCases(t, jsonlCases)
}

func TestJSONLLarge(t *testing.T) {
	good := func(id string) string {
		return `{"id":"` + id + `","member":"bob","kind":"post","at":"2024-05-01"}`
	}
	const mb = 1 << 20
	cases := []readCase{
		{
			name: "a 1 MB line",
			in:   good("e1") + "\n" + `{"id":"e2","member":"bob","kind":"post","at":"2024-05-01","ref":"` + big(mb) + `"}` + "\n" + good("e3") + "\n",
			want: []any{
				ev(1, "e1", "bob", "post", day(2024, 5, 1), ""),
				"events.jsonl:2: row: record is larger than 1 MiB",
				ev(3, "e3", "bob", "post", day(2024, 5, 1), ""),
			},
		},
		{
			name: "a 10 MB line with no end",
			in:   good("e1") + "\n" + `{"id":"e2","ref":"` + big(10*mb),
			want: []any{ev(1, "e1", "bob", "post", day(2024, 5, 1), ""), "events.jsonl:2: row: record is larger than 1 MiB"},
		},
		{
			name: "a line of exactly 1 MiB is read",
			in:   good("e1") + strings.Repeat(" ", mb-len(good("e1"))) + "\r\n" + good("e2") + strings.Repeat(" ", mb+1-len(good("e2"))) + "\n",
			want: []any{ev(1, "e1", "bob", "post", day(2024, 5, 1), ""), "events.jsonl:2: row: record is larger than 1 MiB"},
		},
		{
			name: "deep nesting",
			in:   `{"id":` + strings.Repeat("[", 500_000) + "\n" + strings.Repeat("[", 500_000) + "\n" + good("e3") + "\n",
			want: []any{
				"events.jsonl:1: id: want a string, got array",
				"events.jsonl:2: row: want a JSON object, got array",
				ev(3, "e3", "bob", "post", day(2024, 5, 1), ""),
			},
		},
		{
			name: "many keys",
			in:   "{" + strings.Repeat(`"ref":"",`, 100_000) + "}\n",
			want: []any{"events.jsonl:1: ref: duplicate key"},
		},
	}
	for i := range cases {
		cases[i].kind = Events
		cases[i].format = JSONL
	}
	runCases(t, cases)
}
