package ingest

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"steward/model"
)

// fuzzSeeds are small inputs for every kind, besides the table cases.
var fuzzSeeds = []struct {
	kind Kind
	csv  string
	json string
}{
	{Members, "handle,name,joined_at,tags,referred_by\nAlice,\"A\nL\",2020-01-02,a;B,bob\n",
		`{"handle":"Alice","name":"A","joined_at":"2020-01-02","tags":["a","B"],"referred_by":"bob"}` + "\n"},
	{Redemptions, "id,member,reward,at\nr1,bob,mug,2024-05-01T10:00:00Z\n",
		`{"id":"r1","member":"bob","reward":"mug","at":"2024-05-01T10:00:00Z"}` + "\n"},
	{Reports, "id,reporter,subject,content,guideline,excerpt,at\nr1,ann,bob,p,spam,\"x\"\"y\",2024-05-01\n",
		`{"id":"r1","reporter":"ann","subject":"bob","content":"p","guideline":"spam","excerpt":"x\"y","at":"2024-05-01"}` + "\n"},
}

func FuzzCSV(f *testing.F) {
	for _, c := range csvEventCases {
		f.Add([]byte(c.in), uint8(Events))
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.csv), uint8(s.kind))
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		fuzzRead(t, "fuzz.csv", data, CSV, Kind(kind%4))
	})
}

func FuzzJSONL(f *testing.F) {
	for _, c := range jsonlCases {
		f.Add([]byte(c.in), uint8(c.kind))
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.json), uint8(s.kind))
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		fuzzRead(t, "fuzz.jsonl", data, JSONL, Kind(kind%4))
	})
}

// fuzzRead reads data and checks the properties every input must have:
// no panic; every error a Problem naming the file; rows valid and
// normalised; lines positive, non-decreasing and within the input; the
// same results however the input is split into reads.
func fuzzRead(t *testing.T, file string, data []byte, f Format, k Kind) {
	results := fuzzResults(t, file, bytes.NewReader(data), f, k, data)
	again := fuzzResults(t, file, iotest.OneByteReader(bytes.NewReader(data)), f, k, data)
	if !reflect.DeepEqual(results, again) {
		t.Fatalf("reading one byte at a time differs:\n%v\n%v", results, again)
	}
}

func fuzzResults(t *testing.T, file string, in io.Reader, f Format, k Kind, data []byte) []any {
	lines := bytes.Count(data, []byte("\n")) + 1
	checkErr := func(err error) {
		t.Helper()
		var p Problem
		if !errors.As(err, &p) {
			t.Fatalf("error %v (%T) is not a Problem", err, err)
		}
		if !strings.HasPrefix(err.Error(), file+":") {
			t.Fatalf("error %q does not start with the file name", err)
		}
		if p.Line < 0 || p.Line > lines {
			t.Fatalf("error %q: line %d of %d", err, p.Line, lines)
		}
	}
	r, err := NewReader(file, in, f, k, Options{Now: testNow})
	if err != nil {
		checkErr(err)
		return []any{err.Error()}
	}
	var results []any
	last := 0
	for i := 0; ; i++ {
		if i > len(data)+2 {
			t.Fatalf("more results than bytes of input")
		}
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		line := 0
		if err != nil {
			checkErr(err)
			line = err.(Problem).Line
			results = append(results, err.Error())
		} else {
			line = fuzzCheckRow(t, k, row)
			results = append(results, row)
		}
		if line <= 0 || line < last || line > lines {
			t.Fatalf("result %d is on line %d after line %d (%d lines)", i, line, last, lines)
		}
		last = line
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after io.EOF: %v", err)
	}
	return results
}

// fuzzCheckRow checks a row is valid and normalised, and returns its line.
func fuzzCheckRow(t *testing.T, k Kind, row any) int {
	t.Helper()
	handle := func(h string, optional bool) {
		t.Helper()
		if optional && h == "" {
			return
		}
		if n, err := model.NormalizeHandle(h); err != nil || n != h {
			t.Fatalf("handle %q is not normalised: %q, %v", h, n, err)
		}
	}
	text := func(s string, max int) {
		t.Helper()
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || strings.IndexByte(s, '\r') >= 0 || len(s) > max {
			t.Fatalf("bad text %q", s)
		}
	}
	id := func(s string) {
		t.Helper()
		if why := checkID(s); why != "" {
			t.Fatalf("bad id %q: %s", s, why)
		}
	}
	ident := func(s string) {
		t.Helper()
		if why := checkIdent(s); why != "" {
			t.Fatalf("bad identifier %q: %s", s, why)
		}
	}
	at := func(tm time.Time, optional bool) {
		t.Helper()
		if optional && tm.IsZero() {
			return
		}
		if err := model.CheckTime(tm, testNow); err != nil || tm.Location() != time.UTC {
			t.Fatalf("time %v: %v", tm, err)
		}
	}
	var line int
	switch r := row.(type) {
	case MemberRow:
		if k != Members {
			t.Fatalf("%T from a %v reader", row, k)
		}
		line = r.Line
		handle(r.Handle, false)
		handle(r.ReferredBy, true)
		if r.ReferredBy == r.Handle {
			t.Fatalf("%q refers themself", r.Handle)
		}
		text(r.Name, maxName)
		at(r.JoinedAt, true)
		if tags, err := model.NormalizeTags(strings.Join(r.Tags, ";")); err != nil || !reflect.DeepEqual(tags, r.Tags) || r.Tags != nil && len(r.Tags) == 0 {
			t.Fatalf("tags %q are not normalised: %q, %v", r.Tags, tags, err)
		}
	case EventRow:
		if k != Events {
			t.Fatalf("%T from a %v reader", row, k)
		}
		line = r.Line
		id(r.ID)
		handle(r.Member, false)
		ident(r.Kind)
		at(r.At, false)
		text(r.Ref, maxRef)
	case RedemptionRow:
		if k != Redemptions {
			t.Fatalf("%T from a %v reader", row, k)
		}
		line = r.Line
		id(r.ID)
		handle(r.Member, false)
		ident(r.Reward)
		at(r.At, false)
	case ReportRow:
		if k != Reports {
			t.Fatalf("%T from a %v reader", row, k)
		}
		line = r.Line
		id(r.ID)
		handle(r.Reporter, false)
		handle(r.Subject, false)
		text(r.Content, maxContent)
		if r.Content == "" {
			t.Fatal("empty content")
		}
		ident(r.Guideline)
		text(r.Excerpt, maxExcerpt+len("…"))
		at(r.At, false)
	default:
		t.Fatalf("unexpected row type %T", row)
	}
	return line
}
