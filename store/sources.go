package store

import (
	"bufio"
	"io"
	"os"
	"time"

	"steward/ingest"
)

// FileSource reads an import file. The name "-" reads standard input,
// which is spooled to a temporary file first because an import reads its
// input twice; the returned cleanup removes it.
func FileSource(name string, kind ingest.Kind, format string, stdin io.Reader, now time.Time) (Source, func(), error) {
	f, err := ingest.FormatFor(name, format)
	if err != nil {
		return Source{}, func() {}, err
	}
	path, cleanup := name, func() {}
	if name == "-" {
		name = "stdin" // what problems are reported against
		tmp, err := os.CreateTemp("", "steward-stdin-*")
		if err != nil {
			return Source{}, cleanup, err
		}
		cleanup = func() { os.Remove(tmp.Name()) }
		_, err = io.Copy(tmp, stdin)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cleanup()
			return Source{}, func() {}, ingest.Problem{File: "-", Field: "input", Why: err.Error()}
		}
		path = tmp.Name()
	} else if fi, err := os.Stat(name); err != nil {
		return Source{}, cleanup, ingest.Problem{File: name, Field: "input", Why: statWhy(err)}
	} else if fi.IsDir() {
		return Source{}, cleanup, ingest.Problem{File: name, Field: "input", Why: "is a directory"}
	}
	src := Source{Name: name, Kind: kind, Open: func() (Rows, error) {
		fh, err := os.Open(path)
		if err != nil {
			return nil, ingest.Problem{File: name, Field: "input", Why: statWhy(err)}
		}
		r, err := ingest.NewReader(name, bufio.NewReaderSize(fh, 256<<10), f, kind, ingest.Options{Now: now})
		if err != nil {
			fh.Close()
			return nil, err
		}
		return fileRows{r, fh}, nil
	}}
	return src, cleanup, nil
}

func statWhy(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

type fileRows struct {
	*ingest.Reader
	f *os.File
}

func (r fileRows) Close() error { return r.f.Close() }

// SliceSource imports rows already in memory, for the demo and tests.
func SliceSource(name string, kind ingest.Kind, rows []any) Source {
	return Source{Name: name, Kind: kind, Open: func() (Rows, error) { return &sliceRows{rows: rows}, nil }}
}

type sliceRows struct {
	rows []any
	i    int
}

func (s *sliceRows) Next() (any, error) {
	if s.i >= len(s.rows) {
		return nil, io.EOF
	}
	s.i++
	return s.rows[s.i-1], nil
}

func (s *sliceRows) Close() error { return nil }
