package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"steward/model"
)

// ExportKinds are the tables `steward export` writes.
var ExportKinds = []string{"members", "ledger", "leaderboard", "redemptions", "reports", "audit"}

// ExportOptions shape an export.
type ExportOptions struct {
	Format string // "csv" (default) or "jsonl"
	Period Period // for the leaderboard
	Limit  int    // for the leaderboard; 0 means 100
	// Raw leaves cells that a spreadsheet would run as a formula as they
	// are; by default they are prefixed with ' (for machines, pass Raw).
	Raw bool
	// Text, when set, rewrites every cell of member text; the command line
	// makes it inert when the export goes to a terminal.
	Text func(string) string
}

// column is one column of an export; text columns hold member text and are
// neutralised against spreadsheet formulas, numeric ones are not.
type column struct {
	name string
	text bool
}

func cols(spec string) []column {
	var out []column
	for _, f := range strings.Split(spec, ",") {
		text := strings.HasSuffix(f, "$")
		out = append(out, column{strings.TrimSuffix(f, "$"), text})
	}
	return out
}

var exportColumns = map[string][]column{
	"members":     cols("handle$,name$,status,tier$,balance,held,lifetime_points,badges$,joined_at,last_active,tags$,referred_by$"),
	"ledger":      cols("seq,member$,at,type,points,held,qualifying,rule$,withheld,why$,ref$,by$"),
	"leaderboard": cols("rank,move,handle$,name$,points,tier$"),
	"redemptions": cols("id$,member$,reward$,at,cost,status,decided_by$,decided_at,reason$"),
	"reports":     cols("report$,case,content$,subject$,reporter$,guideline$,at,status,action,decided_by$,decided_at,reason$,excerpt$"),
	"audit":       cols("seq,at,actor$,action,subject$,summary$,before$,after$,undoes,prev_hash$,hash$"),
}

// exportChunk is how many rows one read transaction serves: a long export
// must not hold the file against writers for its whole length.
const exportChunk = 20000

// tableWriter writes rows as CSV or JSON Lines.
type tableWriter struct {
	cols []column
	raw  bool
	text func(string) string
	csv  *csv.Writer
	json *bufio.Writer
	buf  bytes.Buffer
}

func newTableWriter(w io.Writer, format string, cols []column, raw bool, text func(string) string) (*tableWriter, error) {
	t := &tableWriter{cols: cols, raw: raw, text: text}
	switch format {
	case "", "csv":
		t.csv = csv.NewWriter(w)
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.name
		}
		return t, t.csv.Write(names)
	case "jsonl", "ndjson":
		t.json = bufio.NewWriterSize(w, 64<<10)
		return t, nil
	}
	return nil, fmt.Errorf("%q is not an export format (want csv or jsonl)", format)
}

func (t *tableWriter) row(vals ...string) error {
	if t.text != nil {
		for i, c := range t.cols {
			if c.text {
				vals[i] = t.text(vals[i])
			}
		}
	}
	if t.csv != nil {
		if !t.raw {
			for i, c := range t.cols {
				if c.text {
					vals[i] = Neutralise(vals[i])
				}
			}
		}
		return t.csv.Write(vals)
	}
	t.buf.Reset()
	t.buf.WriteByte('{')
	for i, c := range t.cols {
		if i > 0 {
			t.buf.WriteByte(',')
		}
		k, _ := json.Marshal(c.name)
		t.buf.Write(k)
		t.buf.WriteByte(':')
		if !c.text && isNumber(vals[i]) {
			t.buf.WriteString(vals[i])
			continue
		}
		v, _ := json.Marshal(vals[i])
		t.buf.Write(v)
	}
	t.buf.WriteString("}\n")
	_, err := t.json.Write(t.buf.Bytes())
	return err
}

func (t *tableWriter) flush() error {
	if t.csv != nil {
		t.csv.Flush()
		return t.csv.Error()
	}
	return t.json.Flush()
}

// isNumber reports whether s can be written bare as a JSON number: an
// integer without a sign or leading zeros, or with a minus.
func isNumber(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// Neutralise makes a cell safe to open in a spreadsheet: a cell that starts
// with = + - @, a tab or a carriage return would run as a formula, so it is
// prefixed with a single quote.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Export writes one table to w. It returns the audit chain's head for an
// audit export ("" otherwise).
func (s *Store) Export(w io.Writer, kind string, opt ExportOptions) (string, error) {
	cs, ok := exportColumns[kind]
	if !ok {
		return "", fmt.Errorf("%q is not something to export (want %s)", kind, strings.Join(ExportKinds, ", "))
	}
	tw, err := newTableWriter(w, opt.Format, cs, opt.Raw, opt.Text)
	if err != nil {
		return "", err
	}
	head := ""
	switch kind {
	case "members":
		err = s.exportMembers(tw)
	case "ledger":
		err = s.exportLedger(tw)
	case "leaderboard":
		err = s.exportLeaderboard(tw, opt)
	case "redemptions":
		err = s.exportRequests(tw)
	case "reports":
		err = s.exportReports(tw)
	case "audit":
		head, err = s.exportAudit(tw)
	}
	if err != nil {
		return "", err
	}
	return head, tw.flush()
}

// chunked walks a bucket in key order, exportChunk keys per read
// transaction, resuming after the last key.
func (s *Store) chunked(bucket []byte, fn func(r *reader, k, v []byte) error) error {
	var after []byte
	for {
		n := 0
		var last []byte
		err := s.view(func(r *reader) error {
			if r.empty() {
				return nil
			}
			c := r.bucket(bucket).Cursor()
			var k, v []byte
			if after == nil {
				k, v = c.First()
			} else if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
			for ; k != nil && n < exportChunk; k, v = c.Next() {
				if err := fn(r, k, v); err != nil {
					return err
				}
				last = append(last[:0], k...)
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n < exportChunk {
			return nil
		}
		after = append([]byte(nil), last...)
	}
}

func (s *Store) exportMembers(tw *tableWriter) error {
	return s.chunked(bMembers, func(r *reader, k, v []byte) error {
		m, err := decodeMember(v)
		if err != nil {
			return err
		}
		var badges []string
		prefix := k
		c := r.bucket(bBadges).Cursor()
		for bk, bv := c.Seek(prefix); bk != nil && bytes.HasPrefix(bk, prefix); bk, bv = c.Next() {
			if g, err := decodeGrant(bv); err == nil && !g.Revoked {
				badges = append(badges, g.Badge)
			}
		}
		sort.Strings(badges)
		return tw.row(m.Handle, m.Name, m.StatusLabel(r.now), r.prog.TierName(m.Tier), itoa(m.Balance), itoa(m.Held),
			itoa(m.Qualifying), strings.Join(badges, ";"), ts(m.Joined), ts(m.LastActive), strings.Join(m.Tags, ";"), m.ReferredBy)
	})
}

func (s *Store) exportLedger(tw *tableWriter) error {
	handles := map[uint32]string{}
	return s.chunked(bLedger, func(r *reader, k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		id, e, err := decodeEntry(seq, v)
		if err != nil {
			return err
		}
		h, ok := handles[id]
		if !ok {
			m, err := r.memberByID(id)
			if err != nil {
				return err
			}
			h = m.Handle
			if len(handles) < 200000 {
				handles[id] = h
			}
		}
		return tw.row(itoa(int64(seq)), h, ts(e.At), e.Type.String(), itoa(e.Points), itoa(e.Held), itoa(e.Qualifying),
			e.Rule, itoa(e.Withheld), e.Why, e.Ref, e.By)
	})
}

func (s *Store) exportLeaderboard(tw *tableWriter, opt ExportOptions) error {
	limit := opt.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.Leaderboard(opt.Period, limit)
	if err != nil {
		return err
	}
	for _, st := range rows {
		move := itoa(int64(st.Move))
		if st.New {
			move = "new"
		} else if !st.Known {
			move = ""
		}
		if err := tw.row(itoa(int64(st.Rank)), move, st.Member.Handle, st.Member.Name, itoa(st.Points), st.Tier); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) exportRequests(tw *tableWriter) error {
	return s.chunked(bRequests, func(r *reader, k, v []byte) error {
		q, err := decodeRequest(v)
		if err != nil {
			return err
		}
		return tw.row(q.ID, q.Member, q.Reward, ts(q.At), itoa(q.Cost), q.Status.String(), q.DecidedBy, ts(q.DecidedAt), q.Reason)
	})
}

func (s *Store) exportReports(tw *tableWriter) error {
	return s.chunked(bCases, func(r *reader, k, v []byte) error {
		c, err := decodeCase(v)
		if err != nil {
			return err
		}
		action := ""
		if c.Status == model.Actioned {
			action = c.Action.String()
		}
		for _, rep := range c.Reports {
			if err := tw.row(rep.ID, itoa(int64(c.ID)), c.Content, c.Subject, rep.Reporter, rep.Guideline, ts(rep.At),
				c.Status.String(), action, c.DecidedBy, ts(c.DecidedAt), c.Reason, rep.Excerpt); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) exportAudit(tw *tableWriter) (string, error) {
	head := ""
	err := s.chunked(bAudit, func(r *reader, k, v []byte) error {
		a, err := decodeAudit(v)
		if err != nil {
			return err
		}
		undoes := ""
		if a.Undoes != 0 {
			undoes = itoa(int64(a.Undoes))
		}
		head = HashHex(a.Hash)
		return tw.row(itoa(int64(a.Seq)), ts(a.At), a.Actor, a.Action, a.Subject, a.Summary, a.Before, a.After, undoes, HashHex(a.PrevHash), head)
	})
	return head, err
}
