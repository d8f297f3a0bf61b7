package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// JSON Lines: each line holds one JSON object whose keys are the field
// names and whose values are strings ("tags" may also be an array of
// strings). Lines are read with a bounded buffer: a line longer than
// maxRecord is skipped up to its line break without being kept. Each line is
// walked token by token with encoding/json's Decoder, which is how repeated
// keys are caught (decoding into a struct or a map keeps the last one
// silently) and how every value is checked to be a string: a number, a
// boolean, an object, or null (leave the key out instead) is a Problem.

// readLine returns the next line without its line break, the line's
// number, and whether it was too large (then it is not returned).
func (r *Reader) readLine() (b []byte, line int, tooLarge bool, err error) {
	if r.eof {
		return nil, 0, false, io.EOF
	}
	if !r.started {
		r.started = true
		if skipBOM(r.br) {
			r.done = true
			return nil, 1, false, r.problem(1, "row", utf16Why)
		}
	}
	r.line++
	r.buf = r.buf[:0]
	for {
		chunk, e := r.br.ReadSlice('\n')
		if !tooLarge {
			if len(r.buf)+len(chunk) > maxRecord+2 {
				tooLarge = true
				r.buf = r.buf[:0]
			} else if e == nil && len(r.buf) == 0 {
				b = chunk // the whole line is in the read buffer
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e == io.EOF {
			r.eof = true
			if len(r.buf) == 0 && !tooLarge {
				return nil, 0, false, io.EOF
			}
		} else if e != nil {
			r.done = true
			return nil, r.line, false, r.problem(r.line, "input", "read error: "+e.Error())
		}
		break
	}
	if b == nil {
		b = r.buf
	}
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
	}
	if tooLarge || len(b) > maxRecord {
		return nil, r.line, true, nil
	}
	return b, r.line, false, nil
}

func (r *Reader) nextJSONL() (any, error) {
	for {
		b, line, tooLarge, err := r.readLine()
		if err != nil {
			r.done = true
			return nil, err
		}
		if tooLarge {
			return nil, r.problem(line, "row", tooLargeWhy)
		}
		if len(bytes.Trim(b, " \t\r")) == 0 {
			continue // a blank line
		}
		return r.parseJSON(line, b)
	}
}

// parseJSON checks one JSON line and returns its row.
func (r *Reader) parseJSON(line int, b []byte) (any, error) {
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, r.problem(line, "row", "contains NUL")
	}
	valid := utf8.Valid(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, r.jsonProblem(line, "row", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, r.problem(line, "row", "want a JSON object, got "+jsonType(tok))
	}
	var v values
	for dec.More() {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, r.jsonProblem(line, "row", err)
		}
		key, _ := tok.(string)
		if !valid && !utf8.Valid(b[off:dec.InputOffset()]) {
			return nil, r.problem(line, "row", "invalid UTF-8 in a key")
		}
		i := r.index(key)
		if i < 0 {
			return nil, r.problem(line, label(key), "unknown field (want "+r.fieldSet+")")
		}
		if v.has[i] {
			return nil, r.problem(line, key, "duplicate key")
		}
		v.has[i] = true
		off = dec.InputOffset()
		tok, err = dec.Token()
		if err != nil {
			return nil, r.jsonProblem(line, key, err)
		}
		switch t := tok.(type) {
		case string:
			if why := rawCheck(b[off:dec.InputOffset()], t, valid); why != "" {
				return nil, r.problem(line, key, why)
			}
			v.s[i] = t
		case json.Delim:
			if t != '[' || r.schema[i].typ != tTags {
				return nil, r.problem(line, key, "want a string, got "+jsonType(tok))
			}
			s, why, err := r.jsonTags(dec, b, valid)
			if err != nil {
				return nil, r.jsonProblem(line, key, err)
			}
			if why != "" {
				return nil, r.problem(line, key, why)
			}
			v.s[i] = s
		default:
			return nil, r.problem(line, key, "want a string, got "+jsonType(tok))
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, r.jsonProblem(line, "row", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, r.problem(line, "row", "unexpected data after the JSON object")
	}
	for i, f := range r.schema {
		if f.required && !v.has[i] {
			return nil, r.problem(line, f.name, "missing")
		}
	}
	return r.build(line, &v)
}

// jsonTags reads the rest of an array of tags, after its '[', and returns
// the tags joined with ';' for model.NormalizeTags, or why the array is bad.
func (r *Reader) jsonTags(dec *json.Decoder, b []byte, valid bool) (string, string, error) {
	var sb strings.Builder
	for dec.More() {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", "", err
		}
		s, ok := tok.(string)
		if !ok {
			return "", "want an array of strings, got " + jsonType(tok) + " in it", nil
		}
		if why := rawCheck(b[off:dec.InputOffset()], s, valid); why != "" {
			return "", why, nil
		}
		if strings.IndexByte(s, ';') >= 0 {
			return "", fmt.Sprintf("tag %s: contains the reserved separator ';'", quote(s)), nil
		}
		if sb.Len() > 0 {
			sb.WriteByte(';')
		}
		sb.WriteString(s)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return "", "", err
	}
	return sb.String(), "", nil
}

// rawCheck catches what encoding/json hides when it decodes a string: it
// turns invalid UTF-8, and an escaped unpaired UTF-16 surrogate ("\ud800"),
// into U+FFFD. raw is the string's JSON text, s its decoded value, valid
// whether the whole line is valid UTF-8.
func rawCheck(raw []byte, s string, valid bool) string {
	if !valid && !utf8.Valid(raw) {
		return "invalid UTF-8"
	}
	if strings.IndexRune(s, utf8.RuneError) >= 0 {
		// The U+FFFDs that were in the input, literally or escaped.
		in := bytes.Count(raw, []byte("\uFFFD")) + bytes.Count(bytes.ToLower(raw), []byte(`\ufffd`))
		if strings.Count(s, "\uFFFD") > in {
			return "invalid UTF-16 escape (an unpaired surrogate)"
		}
	}
	return ""
}

// jsonProblem explains a JSON syntax error.
func (r *Reader) jsonProblem(line int, field string, err error) Problem {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.problem(line, field, "truncated JSON (the line ends inside the object)")
	}
	return r.problem(line, field, "invalid JSON: "+err.Error())
}

// jsonType names the JSON type of a token.
func jsonType(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}
