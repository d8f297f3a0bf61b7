package ingest

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testNow is the Options.Now of every test.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// day returns midnight UTC of a date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// readCase is one table test: an input and everything reading it yields, in
// order: rows (values) and Problems (as their Error text). If the header is
// bad, head is NewReader's error text and there is nothing else.
type readCase struct {
	name   string
	file   string // default: kind name + extension
	kind   Kind
	format Format
	in     string
	head   string
	want   []any
}

func (c readCase) fileName() string {
	if c.file != "" {
		return c.file
	}
	if c.format == JSONL {
		return c.kind.String() + ".jsonl"
	}
	return c.kind.String() + ".csv"
}

// readAll reads everything from a Reader: rows, and Problems as strings.
func readAll(t testing.TB, file string, in io.Reader, f Format, k Kind) (head string, got []any) {
	t.Helper()
	r, err := NewReader(file, in, f, k, Options{Now: testNow})
	if err != nil {
		var p Problem
		if !errors.As(err, &p) {
			t.Fatalf("NewReader error %v (%T) is not a Problem", err, err)
		}
		return err.Error(), nil
	}
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("Next never returns io.EOF")
		}
		row, err := r.Next()
		if err == io.EOF {
			if row != nil {
				t.Fatalf("io.EOF with a row %v", row)
			}
			break
		}
		if err != nil {
			var p Problem
			if !errors.As(err, &p) {
				t.Fatalf("Next error %v (%T) is not a Problem", err, err)
			}
			if row != nil {
				t.Fatalf("Problem %v with a row %v", err, row)
			}
			got = append(got, err.Error())
			continue
		}
		got = append(got, row)
	}
	for i := 0; i < 3; i++ {
		if row, err := r.Next(); err != io.EOF || row != nil {
			t.Fatalf("Next after io.EOF = %v, %v", row, err)
		}
	}
	return "", got
}

func runCases(t *testing.T, cases []readCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			head, got := readAll(t, c.fileName(), strings.NewReader(c.in), c.format, c.kind)
			if head != c.head {
				t.Fatalf("NewReader error:\n got %q\nwant %q", head, c.head)
			}
			if len(got) != len(c.want) {
				t.Errorf("got %d results, want %d", len(got), len(c.want))
			}
			for i := 0; i < len(got) || i < len(c.want); i++ {
				var g, w any
				if i < len(got) {
					g = got[i]
				}
				if i < len(c.want) {
					w = c.want[i]
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("result %d:\n got %s\nwant %s", i, show(g), show(w))
				}
			}
		})
	}
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	s := fmt.Sprintf("%+v", v)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
