package ingest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Size limits. A record (a CSV record, which may span several lines inside
// quotes, or a JSON line) is measured in bytes without its final line break.
const (
	maxRecord  = 1 << 20  // a larger record is refused and skipped
	maxName    = 16 << 10 // member names
	maxExcerpt = 16 << 10 // report excerpts are cut to this, then "…" is added
	maxContent = 2 << 10  // report content: a URL or a post id
	maxRef     = 2 << 10  // event references
	maxID      = 128      // ids, in bytes
	maxIdent   = 40       // kinds, rewards, guidelines
	// cloneAbove is the record size above which the strings kept in a row are
	// copied, so that a small row does not pin a large record in memory.
	cloneAbove = 64 << 10
	// bufSize is the read buffer of a Reader. Memory per Reader is a small
	// multiple of maxRecord whatever the input.
	bufSize = 64 << 10
)

const tooLargeWhy = "record is larger than 1 MiB"

// Reader streams rows from one import file. It never reads the whole file
// into memory: it holds one record at a time, and a record larger than
// 1 MiB (1,048,576 bytes, not counting the line break that ends it) is
// refused with the Problem "record is larger than 1 MiB" and skipped without
// being buffered; reading goes on with the next record.
//
// Both formats: a UTF-8 byte order mark at the start is dropped (a UTF-16
// one is a fatal Problem); lines end in LF or CR LF; blank lines are
// skipped; Line numbers count every physical line from 1. Every field must
// be valid UTF-8 without NUL. Free text (name, content, excerpt, ref) is
// trimmed and its line breaks become LF: CR LF, and also a lone CR (the old
// Mac OS line break), so the stored text is the same whatever the format and
// platform of the export; in every other field a CR is refused by that
// field's character rules.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	file   string
	kind   Kind
	format Format
	now    time.Time
	schema []field
	done   bool // after io.EOF or a fatal problem

	// CSV
	src  *csvSource
	cr   *csv.Reader
	cols []int // CSV column -> schema index
	// JSON Lines
	br       *bufio.Reader
	buf      []byte // a JSON line being assembled from several reads
	line     int    // the last JSON line read, from 1
	started  bool
	eof      bool
	fieldSet string // "id, member, ..." for messages
}

// NewReader returns a Reader of f-formatted rows of kind k from r; file is
// the name Problems carry. For CSV it reads the header row, and returns a
// Problem if it is bad: the file is empty, a required column is missing, a
// column is unknown or repeated, or has no name. Header names are matched
// ignoring letter case and surrounding spaces and tabs; columns may come in
// any order, and optional ones may be left out.
func NewReader(file string, r io.Reader, f Format, k Kind, opt Options) (*Reader, error) {
	if k < 0 || int(k) >= len(schemas) {
		return nil, Problem{File: file, Field: "kind", Why: fmt.Sprintf("unknown kind %d", int(k))}
	}
	rd := &Reader{file: file, kind: k, format: f, now: opt.Now, schema: schemas[k]}
	if rd.now.IsZero() {
		rd.now = time.Now()
	}
	names := make([]string, len(rd.schema))
	for i, fd := range rd.schema {
		names[i] = fd.name
	}
	rd.fieldSet = strings.Join(names, ", ")
	switch f {
	case CSV:
		if err := rd.startCSV(r); err != nil {
			return nil, err
		}
	case JSONL:
		rd.br = bufio.NewReaderSize(r, bufSize)
	default:
		return nil, Problem{File: file, Field: "format", Why: fmt.Sprintf("unknown format %d", int(f))}
	}
	return rd, nil
}

// Next returns the next row: a MemberRow, EventRow, RedemptionRow or
// ReportRow (a value, not a pointer) according to the Reader's kind.
//
// At the end of the file it returns io.EOF. A bad record yields a Problem;
// the Reader has then skipped that record and the caller may go on calling
// Next to collect further problems. Blank lines are skipped. A fatal
// problem (a read error; a CSV quote left open at the end of the file) is a
// Problem too, after which Next returns io.EOF.
func (r *Reader) Next() (row any, err error) {
	if r.done {
		return nil, io.EOF
	}
	if r.format == CSV {
		return r.nextCSV()
	}
	return r.nextJSONL()
}

func (r *Reader) problem(line int, field, why string) Problem {
	return Problem{File: r.file, Line: line, Field: field, Why: why}
}

// fatal marks the Reader finished and returns p.
func (r *Reader) fatal(p Problem) (any, error) {
	r.done = true
	return nil, p
}

// quote quotes s for a message: Go-escaped, so that control, format and
// invalid bytes are visible and inert, and cut short if long.
func quote(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strconv.Quote(s[:i]) + "…"
}

// label is a field name fit for a message: a plain name as it is, anything
// else quoted.
func label(s string) string {
	if s == "" || len(s) > maxIdent {
		return quote(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return quote(s)
		}
	}
	return s
}
