package ingest

import (
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestFormatFor(t *testing.T) {
	cases := []struct {
		name, explicit string
		want           Format
		why            string
	}{
		{"events.csv", "", CSV, ""},
		{"EVENTS.CSV", "", CSV, ""},
		{"dir.d/events.jsonl", "", JSONL, ""},
		{"events.ndjson", "", JSONL, ""},
		{"events.txt", "csv", CSV, ""},
		{"events.csv", "jsonl", JSONL, ""},
		{"-", "csv", CSV, ""},
		{"-", "JSONL", JSONL, ""},
		{"-", "", 0, "-: format: standard input needs an explicit format (csv or jsonl)"},
		{"events.txt", "", 0, `events.txt: format: unknown file extension ".txt" (want .csv, .jsonl or .ndjson, or give the format explicitly)`},
		{"events.csv.gz", "", 0, `events.csv.gz: format: unknown file extension ".gz" (want .csv, .jsonl or .ndjson, or give the format explicitly)`},
		{"events", "", 0, "events: format: no file extension (want .csv, .jsonl or .ndjson, or give the format explicitly)"},
		{"events.csv", "xml", 0, `events.csv: format: unknown format "xml" (want csv or jsonl)`},
	}
	for _, c := range cases {
		got, err := FormatFor(c.name, c.explicit)
		if c.why == "" {
			if err != nil || got != c.want {
				t.Errorf("FormatFor(%q, %q) = %v, %v; want %v", c.name, c.explicit, got, err, c.want)
			}
			continue
		}
		var p Problem
		if err == nil || err.Error() != c.why || !errors.As(err, &p) {
			t.Errorf("FormatFor(%q, %q) = %v, %v; want error %q", c.name, c.explicit, got, err, c.why)
		}
	}
}

func TestNames(t *testing.T) {
	for k, want := range map[Kind]string{Members: "members", Events: "events", Redemptions: "redemptions", Reports: "reports", 9: "Kind(9)"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q; want %q", int(k), k.String(), want)
		}
	}
	for f, want := range map[Format]string{CSV: "csv", JSONL: "jsonl", 7: "Format(7)"} {
		if f.String() != want {
			t.Errorf("Format(%d).String() = %q; want %q", int(f), f.String(), want)
		}
	}
}

func TestProblemError(t *testing.T) {
	cases := []struct {
		p    Problem
		want string
	}{
		{Problem{"events.csv", 12, "at", `"yesterday" is not a date (want RFC 3339 or YYYY-MM-DD)`}, `events.csv:12: at: "yesterday" is not a date (want RFC 3339 or YYYY-MM-DD)`},
		{Problem{"events.csv", 0, "header", "file is empty"}, "events.csv: header: file is empty"},
		{Problem{"x.csv", 3, "", "odd"}, "x.csv:3: odd"},
	}
	for _, c := range cases {
		if got := c.p.Error(); got != c.want {
			t.Errorf("%#v.Error() = %q; want %q", c.p, got, c.want)
		}
	}
}

func TestNewReaderBadArguments(t *testing.T) {
	if _, err := NewReader("x", strings.NewReader(""), CSV, Kind(4), Options{}); err == nil || err.Error() != "x: kind: unknown kind 4" {
		t.Errorf("bad kind: %v", err)
	}
	if _, err := NewReader("x", strings.NewReader(""), Format(2), Events, Options{}); err == nil || err.Error() != "x: format: unknown format 2" {
		t.Errorf("bad format: %v", err)
	}
}

// TestNowDefault: the zero Options.Now means the current time.
func TestNowDefault(t *testing.T) {
	tomorrow := time.Now().Add(23 * time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(25 * time.Hour).UTC().Format(time.RFC3339)
	r, err := NewReader("e.csv", strings.NewReader("id,member,kind,at\ne1,bob,post,"+tomorrow+"\ne2,bob,post,"+later+"\n"), CSV, Events, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Errorf("23 hours ahead: %v", err)
	}
	if _, err := r.Next(); err == nil || err.Error() != "e.csv:3: at: more than a day in the future" {
		t.Errorf("25 hours ahead: %v", err)
	}
}

// TestSmallReads reads every table case one byte at a time, and in
// uneven pieces, and expects the same results.
func TestSmallReads(t *testing.T) {
	var cases []readCase
	cases = append(cases, csvEventCases...)
	cases = append(cases, jsonlCases...)
	for _, c := range cases {
		if c.format == CSV {
			c.kind = Events
		}
		wantHead, want := readAll(t, c.fileName(), strings.NewReader(c.in), c.format, c.kind)
		for name, in := range map[string]io.Reader{
			"one byte": iotest.OneByteReader(strings.NewReader(c.in)),
			"half":     iotest.HalfReader(strings.NewReader(c.in)),
			"data+EOF": iotest.DataErrReader(strings.NewReader(c.in)),
		} {
			head, got := readAll(t, c.fileName(), in, c.format, c.kind)
			if head != wantHead || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s: got %q %v\nwant %q %v", c.name, name, head, got, wantHead, want)
			}
		}
	}
}

// failReader returns its data, then an error.
type failReader struct {
	data string
	err  error
}

func (f *failReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	cases := []readCase{
		{
			name: "csv header",
			in:   "id,member,ki",
			head: "events.csv:1: input: read error: disk on fire",
		},
		{
			name: "csv rows",
			in:   evHead + "e1,bob,post,2024-05-01,\ne2,bob,po",
			want: []any{ev(2, "e1", "bob", "post", day(2024, 5, 1), ""), "events.csv:3: input: read error: disk on fire"},
		},
		{
			name: "csv inside a skipped record",
			in:   evHead + "e1,bob,post,2024-05-01,\"" + big(2<<20),
			want: []any{"events.csv:2: input: read error: disk on fire"},
		},
		{
			name:   "jsonl",
			format: JSONL,
			in:     `{"id":"e1","member":"bob","kind":"post","at":"2024-05-01"}` + "\n" + `{"id":"e2",`,
			want:   []any{ev(1, "e1", "bob", "post", day(2024, 5, 1), ""), "events.jsonl:2: input: read error: disk on fire"},
		},
	}
	for _, c := range cases {
		c.kind = Events
		head, got := readAll(t, c.fileName(), &failReader{c.in, boom}, c.format, c.kind)
		if head != c.head || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q %v\nwant %q %v", c.name, head, got, c.head, c.want)
		}
	}
}

// genReader produces a large input without holding it: head, then body
// repeated n times, then tail. It records the most heap in use it saw.
type genReader struct {
	head, body, tail string
	n                int
	part             string
	reads            int
	maxHeap          uint64
}

func (g *genReader) Read(p []byte) (int, error) {
	g.reads++
	if g.reads%64 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		g.maxHeap = max(g.maxHeap, m.HeapAlloc)
	}
	for g.part == "" {
		switch {
		case g.head != "":
			g.part, g.head = g.head, ""
		case g.n > 0:
			g.part = g.body
			g.n--
		case g.tail != "":
			g.part, g.tail = g.tail, ""
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.part)
	g.part = g.part[n:]
	return n, nil
}

// TestBoundedMemory feeds 256 MB records and checks the heap stays small.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1 GB")
	}
	chunk := big(64<<10 - 1)
	const n = 4096 // 256 MB
	cases := []struct {
		name string
		g    *genReader
		f    Format
		want []any
	}{
		{"csv unquoted", &genReader{head: evHead + "e1,bob,post,2024-05-01,", body: chunk, tail: "\ne2,bob,post,2024-05-01,\n", n: n}, CSV,
			[]any{"events.csv:2: row: record is larger than 1 MiB", ev(3, "e2", "bob", "post", day(2024, 5, 1), "")}},
		{"csv quoted, with line breaks", &genReader{head: evHead + "e1,bob,post,2024-05-01,\"", body: chunk + "\n", tail: "\"\ne2,bob,post,2024-05-01,\n", n: n}, CSV,
			[]any{"events.csv:2: row: record is larger than 1 MiB", ev(3+n, "e2", "bob", "post", day(2024, 5, 1), "")}},
		{"csv quote never closed", &genReader{head: evHead + "e1,bob,post,2024-05-01,\"", body: chunk + "\n", n: n}, CSV,
			[]any{"events.csv:2: row: record is larger than 1 MiB (a quoted field is never closed)"}},
		{"jsonl", &genReader{head: `{"id":"e1","ref":"`, body: chunk, tail: "\"}\n" + `{"id":"e2","member":"bob","kind":"post","at":"2024-05-01"}`, n: n}, JSONL,
			[]any{"events.jsonl:1: row: record is larger than 1 MiB", ev(2, "e2", "bob", "post", day(2024, 5, 1), "")}},
	}
	for _, c := range cases {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		base := m.HeapAlloc
		name := "events.csv"
		if c.f == JSONL {
			name = "events.jsonl"
		}
		_, got := readAll(t, name, c.g, c.f, Events)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
		grew := int64(c.g.maxHeap) - int64(base)
		t.Logf("%s: heap grew by at most %d KiB", c.name, grew>>10)
		if grew > 48<<20 {
			t.Errorf("%s: the heap grew by %d MB reading a 256 MB record", c.name, grew>>20)
		}
	}
}
