package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The csvSource must split a file into records exactly where encoding/csv
// does, whatever the input, or line numbers and skipping go wrong. These
// tests compare the two: encoding/csv over the whole input is the
// reference, and the csvSource, with a small record limit, must report the
// same records on the same lines, and "too large" for exactly those larger
// than the limit.

// framingOutcome is what reading one record gives.
type framingOutcome struct {
	Line     int
	TooLarge bool
	Fields   []string
	Err      error // csv.ErrBareQuote, csv.ErrQuote or nil
	Column   int
	Open     bool // a quote open at the end of the file
}

// framingReference reads in with encoding/csv alone.
func framingReference(in []byte, limit int) []framingOutcome {
	in = bytes.TrimPrefix(in, []byte("\ufeff")) // the csvSource drops a BOM
	// lineStart[i] is the offset of line i+1.
	lineStart := []int{0}
	for i, c := range in {
		if c == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	cr := csv.NewReader(bytes.NewReader(in))
	cr.FieldsPerRecord = -1
	var out []framingOutcome
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		o := framingOutcome{}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			o.Line, o.Err, o.Column = pe.StartLine, pe.Err, pe.Column
			// encoding/csv reports a quote open at the end of the file as
			// ErrQuote at the column after the end of the last line; a
			// quote error inside a line has the quote's column.
			o.Open = pe.Err == csv.ErrQuote && pe.Column > framingLineLen(in, lineStart, pe.Line)
		} else {
			o.Line, _ = cr.FieldPos(0)
			o.Fields = append([]string(nil), rec...)
		}
		end := int(cr.InputOffset())
		size := end - lineStart[o.Line-1]
		switch {
		case end > 0 && in[end-1] == '\r':
			size-- // encoding/csv drops a CR at the end of the file
		case o.Open:
			// The last line break is inside the quotes: part of the field.
		case end > 0 && in[end-1] == '\n':
			size--
			if end > 1 && in[end-2] == '\r' {
				size--
			}
		}
		if size > limit {
			o = framingOutcome{Line: o.Line, TooLarge: true, Open: o.Open}
		}
		out = append(out, o)
	}
}

// framingLineLen is the length of line n (from 1) of in without its line
// break, as encoding/csv sees it.
func framingLineLen(in []byte, lineStart []int, n int) int {
	line := in[lineStart[n-1]:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return len(bytes.TrimSuffix(line, []byte("\r")))
}

// framingSource reads in through a csvSource with the given limit and
// read-buffer size.
func framingSource(in []byte, limit, bufSize int) ([]framingOutcome, error) {
	src := &csvSource{br: bufio.NewReaderSize(bytes.NewReader(in), bufSize), line: 1, limit: limit}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	var out []framingOutcome
	for len(out) <= len(in) {
		rec, err := cr.Read()
		if src.tooLarge {
			src.tooLarge = false
			out = append(out, framingOutcome{Line: src.recLine, TooLarge: true, Open: src.eofInQuote})
			continue
		}
		if err == io.EOF {
			return out, nil
		}
		o := framingOutcome{Line: src.recLine}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			o.Err, o.Column = pe.Err, pe.Column
			o.Open = src.eofInQuote
		case err != nil:
			return out, err
		default:
			o.Fields = append([]string(nil), rec...)
		}
		out = append(out, o)
	}
	return out, fmt.Errorf("no end")
}

func checkFraming(t *testing.T, in []byte, limit int) {
	t.Helper()
	want := framingReference(in, limit)
	for _, size := range []int{16, 4096} {
		got, err := framingSource(in, limit, size)
		if err != nil {
			t.Fatalf("%q (limit %d, buffer %d): %v", in, limit, size, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q (limit %d, buffer %d):\n got %+v\nwant %+v", in, limit, size, got, want)
		}
	}
}

// TestFramingExhaustive tries every input of up to 7 bytes from an
// alphabet of the bytes that matter to CSV.
func TestFramingExhaustive(t *testing.T) {
	alphabet := []byte("a,\"\n\r")
	max := 7
	if testing.Short() {
		max = 5
	}
	in := make([]byte, 0, max)
	var walk func()
	walk = func() {
		checkFraming(t, in, 1<<20)
		checkFraming(t, in, 3)
		if len(in) == max {
			return
		}
		for _, c := range alphabet {
			in = append(in, c)
			walk()
			in = in[:len(in)-1]
		}
	}
	walk()
}

// TestFramingRandom tries longer random inputs, with lines longer than the
// read buffer.
func TestFramingRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "bb", ",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		var b bytes.Buffer
		for range rng.IntN(60) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkFraming(t, b.Bytes(), 1+rng.IntN(80))
	}
}

func FuzzCSVFraming(f *testing.F) {
	for _, c := range csvEventCases {
		f.Add([]byte(c.in), uint16(1<<15))
	}
	f.Add([]byte("a,\"b\nc\"\r\nd\"e\nf\n"), uint16(3))
	f.Fuzz(func(t *testing.T, in []byte, limit uint16) {
		checkFraming(t, in, int(limit))
	})
}
