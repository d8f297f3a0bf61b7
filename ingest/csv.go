package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSV is read by encoding/csv (RFC 4180, strict quotes: LazyQuotes is off),
// fed by a csvSource that sits between it and the file.
//
// The csvSource hands encoding/csv one physical line at a time, so that it
// never reads ahead of the record it is parsing, and follows the quoting of
// each line with a small state machine that mirrors encoding/csv's strict
// rules. It therefore knows where every record starts (its line number) and
// how large it is. When a record grows past maxRecord, it stops feeding it,
// makes encoding/csv's Read fail, and discards the rest of the record (up to
// the line break that ends it outside quotes, exactly where encoding/csv
// would have ended it) without buffering it. Reading then goes on with the
// next record: an oversized record is an ordinary row Problem, not a fatal
// one. Only a quote left open at the end of the file is fatal, since the
// file ends inside it.
//
// Line breaks are LF or CR LF. A lone CR is not a line break: inside a field
// (quoted or not) it is data, and the field's checks decide (see text).

// errTooLarge is what a csvSource returns to encoding/csv to abandon a
// record; the Reader reports it as a Problem.
var errTooLarge = errors.New(tooLargeWhy)

// csvState is where a csvSource is in the CSV grammar.
type csvState uint8

const (
	stRecord  csvState = iota // at the start of a record, or between records
	stField                   // at the start of a field after a comma
	stBare                    // inside an unquoted field
	stQuoted                  // inside a quoted field
	stQuote                   // just after a '"' inside a quoted field
	stQuoteCR                 // just after '"' '\r' inside a quoted field
	stBadLine                 // after a quote error: encoding/csv drops the rest of the line
)

type csvSource struct {
	br      *bufio.Reader
	pending []byte // the part of the current line not yet handed over
	started bool
	eof     bool
	err     error // a read error; sticky

	st       csvState
	line     int  // the line the next byte is on, from 1
	recLine  int  // the line the current (or last) record started on
	recBytes int  // the size of the current record so far
	lastCR   bool // the last chunk ended with '\r'
	limit    int  // the largest record handed over: maxRecord

	utf16      bool // the file starts with a UTF-16 byte order mark
	tooLarge   bool // the current record was refused; cleared by the Reader
	eofInQuote bool // the file ended inside a quoted field
}

func (s *csvSource) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(s.pending) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		if s.eof {
			return 0, io.EOF
		}
		if !s.started {
			s.started = true
			s.utf16 = skipBOM(s.br)
		}
		chunk, err := s.br.ReadSlice('\n')
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			s.eof = true
		default:
			s.err = err
			return 0, err
		}
		if len(chunk) == 0 {
			s.end()
			continue
		}
		if !s.take(chunk) {
			s.tooLarge = true
			s.skip()
			if s.err != nil {
				return 0, s.err
			}
			return 0, errTooLarge
		}
		s.pending = chunk
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

// take accounts for the next chunk of input (a line, or part of a long one)
// and reports whether it may be handed over: false if it makes its record
// too large.
func (s *csvSource) take(b []byte) bool {
	if s.st == stRecord {
		if isBlank(b, s.eof) {
			// encoding/csv skips blank lines between records.
			s.line++
			s.lastCR = false
			return true
		}
		s.recLine = s.line
		s.recBytes = 0
	}
	s.recBytes += len(b)
	ended := s.scan(b)
	size := s.recBytes
	switch b[len(b)-1] {
	case '\n':
		s.line++
		if ended {
			size--
			if len(b) >= 2 && b[len(b)-2] == '\r' || len(b) == 1 && s.lastCR {
				size--
			}
		}
	case '\r':
		size-- // the first half of a CR LF, or dropped at the end of the file
	}
	s.lastCR = b[len(b)-1] == '\r'
	if s.eof {
		s.end()
	}
	return size <= s.limit
}

// end notes the end of the file, which ends any record.
func (s *csvSource) end() {
	s.eofInQuote = s.st == stQuoted
	s.st = stRecord
}

// skip discards the rest of a refused record.
func (s *csvSource) skip() {
	for s.st != stRecord && !s.eof {
		chunk, err := s.br.ReadSlice('\n')
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			s.eof = true
		default:
			s.err = err
			return
		}
		if len(chunk) > 0 {
			s.scan(chunk)
			if chunk[len(chunk)-1] == '\n' {
				s.line++
			}
		}
		if s.eof {
			s.end()
		}
	}
}

// scan follows the quoting through b, a line or the start of one, and
// reports whether the record ends with b. It mirrors encoding/csv with
// LazyQuotes off: a record ends at a line break outside quotes; a quote
// error ends it at the end of the line.
func (s *csvSource) scan(b []byte) bool {
	st := s.st
	if st <= stBare && bytes.IndexByte(b, '"') < 0 {
		// No quotes: the common case.
		switch b[len(b)-1] {
		case '\n':
			s.st = stRecord
			return true
		case ',':
			s.st = stField
		default:
			s.st = stBare
		}
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch st {
		case stRecord, stField:
			switch c {
			case '"':
				st = stQuoted
			case ',':
				st = stField
			case '\n':
				s.st = stRecord
				return true
			default:
				st = stBare
			}
		case stBare:
			switch c {
			case ',':
				st = stField
			case '\n':
				s.st = stRecord
				return true
			case '"':
				st = stBadLine // a bare quote
			}
		case stQuoted:
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				i = len(b)
				break
			}
			i += j
			st = stQuote
		case stQuote:
			switch c {
			case '"':
				st = stQuoted // an escaped quote
			case ',':
				st = stField
			case '\n':
				s.st = stRecord
				return true
			case '\r':
				st = stQuoteCR
			default:
				st = stBadLine
			}
		case stQuoteCR:
			if c == '\n' {
				s.st = stRecord
				return true
			}
			st = stBadLine
		case stBadLine:
			if b[len(b)-1] == '\n' {
				s.st = stRecord
				return true
			}
			i = len(b)
		}
	}
	s.st = st
	return false
}

// isBlank reports whether line is one encoding/csv skips.
func isBlank(line []byte, eof bool) bool {
	switch string(line) {
	case "\n", "\r\n":
		return true
	case "\r":
		return eof
	}
	return false
}

// skipBOM drops a UTF-8 byte order mark at the start of br, and reports
// whether br starts with a UTF-16 one instead.
func skipBOM(br *bufio.Reader) (utf16 bool) {
	b, _ := br.Peek(3)
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		return false
	}
	return bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff"))
}

const (
	utf16Why       = "file looks like UTF-16 (save it as UTF-8)"
	neverClosedWhy = "quoted field is never closed (the file ends inside it)"
)

func (r *Reader) startCSV(in io.Reader) error {
	r.src = &csvSource{br: bufio.NewReaderSize(in, bufSize), line: 1, limit: maxRecord}
	r.cr = csv.NewReader(r.src)
	r.cr.ReuseRecord = true
	// FieldsPerRecord 0: encoding/csv takes the header's width as the width
	// of every record.
	rec, err := r.cr.Read()
	src := r.src
	switch {
	case src.utf16:
		return r.problem(1, "header", utf16Why)
	case src.err != nil:
		return r.problem(src.line, "input", "read error: "+src.err.Error())
	case src.tooLarge:
		return r.problem(src.recLine, "header", tooLargeWhy)
	case err == io.EOF:
		return r.problem(0, "header", "file is empty")
	case src.eofInQuote:
		return r.problem(src.recLine, "header", neverClosedWhy)
	case err != nil:
		return r.problem(src.recLine, "header", r.csvWhy(err))
	}
	line := src.recLine
	r.cols = make([]int, len(rec))
	var seen [maxFields]bool
	for i, name := range rec {
		n := strings.ToLower(strings.Trim(name, " \t"))
		if n == "" {
			return r.problem(line, "header", fmt.Sprintf("column %d has no name", i+1))
		}
		j := r.index(n)
		if j < 0 {
			return r.problem(line, "header", fmt.Sprintf("unknown column %s (want %s)", quote(name), r.fieldSet))
		}
		if seen[j] {
			return r.problem(line, "header", fmt.Sprintf("duplicate column %s", quote(n)))
		}
		seen[j] = true
		r.cols[i] = j
	}
	var missing []string
	for j, f := range r.schema {
		if f.required && !seen[j] {
			missing = append(missing, quote(f.name))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return r.problem(line, "header", "missing required column "+missing[0])
	default:
		return r.problem(line, "header", "missing required columns "+strings.Join(missing, ", "))
	}
	return nil
}

func (r *Reader) nextCSV() (any, error) {
	rec, err := r.cr.Read()
	src := r.src
	line := src.recLine
	switch {
	case src.err != nil:
		return r.fatal(r.problem(src.line, "input", "read error: "+src.err.Error()))
	case src.tooLarge:
		src.tooLarge = false
		if src.eofInQuote {
			return r.fatal(r.problem(line, "row", tooLargeWhy+" (a quoted field is never closed)"))
		}
		return nil, r.problem(line, "row", tooLargeWhy)
	case err == io.EOF:
		r.done = true
		return nil, io.EOF
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) && pe.Err == csv.ErrFieldCount {
			return nil, r.problem(line, "row", fmt.Sprintf("has %d fields, the header has %d", len(rec), len(r.cols)))
		}
		if src.eofInQuote {
			return r.fatal(r.problem(line, "row", neverClosedWhy))
		}
		return nil, r.problem(line, "row", r.csvWhy(err))
	}
	var v values
	for i, j := range r.cols {
		v.s[j] = rec[i]
		v.has[j] = true
	}
	v.big = src.recBytes > cloneAbove
	return r.build(line, &v)
}

// csvWhy explains an error of encoding/csv. Its line numbers are turned
// into the file's (they differ once a record has been skipped).
func (r *Reader) csvWhy(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	line := r.src.recLine + pe.Line - pe.StartLine
	switch pe.Err {
	case csv.ErrBareQuote:
		return fmt.Sprintf(`bare " in an unquoted field at line %d, column %d (quote the field and double the quote)`, line, pe.Column)
	case csv.ErrQuote:
		return fmt.Sprintf(`extraneous " in a quoted field at line %d, column %d (a quote inside a quoted field must be doubled)`, line, pe.Column)
	}
	return pe.Err.Error()
}
