package ingest

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Kind is what an import file holds.
type Kind int

// The kinds of import file.
const (
	Members Kind = iota
	Events
	Redemptions
	Reports
)

var kindNames = [...]string{"members", "events", "redemptions", "reports"}

// String returns the kind's name: "members", "events", "redemptions" or
// "reports".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Format is the syntax of an import file.
type Format int

// The import formats.
const (
	CSV   Format = iota // comma-separated values with a header row (RFC 4180)
	JSONL               // JSON Lines: one JSON object per line
)

// String returns "csv" or "jsonl", the names FormatFor accepts.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// FormatFor decides the format of the file called name. A non-empty
// explicit format ("csv" or "jsonl", as given with --format; letter case is
// ignored and "ndjson" is taken as "jsonl") wins; otherwise
// the extension decides: .csv is CSV, .jsonl and .ndjson are JSON Lines (in
// any letter case). Standard input, named "-", has no extension and needs an
// explicit format. Errors are Problems naming the file.
func FormatFor(name string, explicit string) (Format, error) {
	switch strings.ToLower(explicit) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson":
		return JSONL, nil
	case "":
	default:
		return 0, Problem{File: name, Field: "format", Why: fmt.Sprintf("unknown format %s (want csv or jsonl)", quote(explicit))}
	}
	if name == "-" {
		return 0, Problem{File: name, Field: "format", Why: "standard input needs an explicit format (csv or jsonl)"}
	}
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case "":
		return 0, Problem{File: name, Field: "format", Why: "no file extension (want .csv, .jsonl or .ndjson, or give the format explicitly)"}
	default:
		return 0, Problem{File: name, Field: "format", Why: fmt.Sprintf("unknown file extension %s (want .csv, .jsonl or .ndjson, or give the format explicitly)", quote(ext))}
	}
}

// MemberRow is one member from a members file.
type MemberRow struct {
	Line       int       // where the record starts, from 1
	Handle     string    // normalised (model.NormalizeHandle)
	Name       string    // display name: NFC, trimmed, may be empty
	JoinedAt   time.Time // UTC; zero if empty
	Tags       []string  // normalised (model.NormalizeTags); nil if none
	ReferredBy string    // normalised handle, or ""
}

// EventRow is one activity event from an events file.
type EventRow struct {
	Line   int
	ID     string // the source system's id, as given
	Member string // normalised handle
	Kind   string // [a-z0-9_-]{1,40}; whether the programme knows it is checked later
	At     time.Time
	Ref    string // optional reference (a URL, a post id), trimmed
}

// RedemptionRow is one reward redemption from a redemptions file.
type RedemptionRow struct {
	Line   int
	ID     string
	Member string
	Reward string // [a-z0-9_-]{1,40}
	At     time.Time
}

// ReportRow is one guideline report from a reports file.
type ReportRow struct {
	Line      int
	ID        string
	Reporter  string // normalised handle
	Subject   string // normalised handle
	Content   string // what is reported: a URL or a post id, trimmed
	Guideline string // [a-z0-9_-]{1,40}
	Excerpt   string // NFC, trimmed, at most 16 KiB plus "…" if it was cut
	At        time.Time
}

// Problem is something wrong with an import file: a bad header, a bad row, a
// read error. Field is the column (or JSON key) at fault, or "header", "row",
// "format" or "input" when no single field is.
type Problem struct {
	File  string
	Line  int // where the record starts, from 1; 0 if not about a line
	Field string
	Why   string
}

// Error returns "FILE:LINE: field: why", or "FILE: field: why" when Line is 0.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Why)
	return b.String()
}

// Options tune a Reader.
type Options struct {
	// Now is the time the future-date check is made against: a time more
	// than a day after Now is refused. The zero value means time.Now().
	Now time.Time
}
