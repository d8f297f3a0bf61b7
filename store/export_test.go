package store

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"steward/ingest"
	"steward/model"
)

// Export: every table in CSV and JSON Lines, spreadsheet formulas in member
// text neutralised (unless Raw), numbers left alone.

// rtExportCommunity has a row of every kind, with text that a spreadsheet
// would run.
func rtExportCommunity(t testing.TB) *Store {
	t.Helper()
	s, _ := newStore(t)
	importText(t, s, ingest.Members, rtLines(rtMemberHeader, []string{
		"alice,=SUM(A1),2026-09-01,teacher;staff,",
		"bob,+1,2026-09-01,,alice",
		"carol,Carol,2026-09-01,,",
	}))
	rtEvents(t, s, "e1,bob,post,2026-11-10T10:00:00Z", "=HYPERLINK(x),carol,answer,2026-11-10T11:00:00Z")
	_, err := s.Award("carol", 300, "-x")
	rtOK(t, err)
	_, err = s.Award("bob", 5, "\t=cmd|' /C calc'!A0")
	rtOK(t, err)
	rtRequests(t, s, "q1,carol,sticker-pack,2026-11-20T09:00:00Z", "q2,bob,coffee-voucher,2026-11-20T09:00:00Z")
	rtOK(t, s.Reject("@cmd", "q1")[0].Err)
	rtReports(t, s, "p1,carol,bob,post-1,spam,@SUM(1+1),2026-11-20T09:00:00Z", "p2,alice,bob,post-1,spam,-2+3,2026-11-20T09:30:00Z")
	_, err = s.Deduct("bob", 5, "spam")
	rtOK(t, err)
	return s
}

func rtExport(t testing.TB, s *Store, kind string, opt ExportOptions) (string, string) {
	t.Helper()
	var b bytes.Buffer
	head, err := s.Export(&b, kind, opt)
	if err != nil {
		t.Fatalf("export %s: %v", kind, err)
	}
	return b.String(), head
}

func rtCSV(t testing.TB, text string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, text)
	}
	return recs
}

// rtColumn finds the row whose column key is keyVal and returns column col.
func rtCell(t testing.TB, recs [][]string, key, keyVal, col string) string {
	t.Helper()
	ki, ci := -1, -1
	for i, h := range recs[0] {
		if h == key {
			ki = i
		}
		if h == col {
			ci = i
		}
	}
	if ki < 0 || ci < 0 {
		t.Fatalf("no column %s or %s in %v", key, col, recs[0])
	}
	var found []string
	for _, r := range recs[1:] {
		if r[ki] == keyVal {
			found = append(found, r[ci])
		}
	}
	if len(found) == 0 {
		t.Fatalf("no row with %s = %q", key, keyVal)
	}
	return found[len(found)-1]
}

func TestExportEveryKindInCSVAndJSONL(t *testing.T) {
	t.Parallel()
	s := rtExportCommunity(t)
	rep := mustCheck(t, s)
	rows := map[string]int{
		// alice is staff: off the leaderboard.
		"members": 3, "ledger": rep.Entries, "leaderboard": 2, "redemptions": 2, "reports": 2, "audit": rep.Audit,
	}
	for _, kind := range ExportKinds {
		t.Run(kind, func(t *testing.T) {
			cols := exportColumns[kind]
			text, head := rtExport(t, s, kind, ExportOptions{})
			recs := rtCSV(t, text)
			if len(recs) != rows[kind]+1 {
				t.Errorf("csv: %d rows, want %d and a header", len(recs)-1, rows[kind])
			}
			var names []string
			for _, c := range cols {
				names = append(names, c.name)
			}
			rtWant(t, "csv header", strings.Join(recs[0], ","), strings.Join(names, ","))
			if kind == "audit" {
				if head != rep.Head || head == "" {
					t.Errorf("audit head %q, check says %q", head, rep.Head)
				}
				if got := recs[len(recs)-1][len(names)-1]; got != head {
					t.Errorf("last row's hash %q, head %q", got, head)
				}
			} else if head != "" {
				t.Errorf("%s export returned a head %q", kind, head)
			}

			text, _ = rtExport(t, s, kind, ExportOptions{Format: "jsonl"})
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			if len(lines) != rows[kind] {
				t.Errorf("jsonl: %d lines, want %d", len(lines), rows[kind])
			}
			for i, l := range lines {
				var obj map[string]any
				if err := json.Unmarshal([]byte(l), &obj); err != nil {
					if kind == "audit" && strings.Contains(l, `"prev_hash":0000`) {
						t.Fatalf("the audit export in JSON Lines is not JSON: the first entry's prev_hash (64 zeros) passes isNumber and is written bare, `\"prev_hash\":0000…` (store/export.go:107 writes any non-text cell that parses as an int unquoted; a hash of digits, or with leading zeros, breaks it)")
					}
					t.Fatalf("jsonl line %d is not JSON: %v: %s", i+1, err, l)
				}
				if len(obj) != len(cols) {
					t.Errorf("jsonl line %d has %d keys, want %d", i+1, len(obj), len(cols))
				}
				for j, c := range cols {
					v, ok := obj[c.name]
					if !ok {
						t.Errorf("jsonl line %d lacks %s", i+1, c.name)
						continue
					}
					// Text columns are strings; others are numbers when the
					// CSV cell is one.
					cell := recs[i+1][j]
					switch x := v.(type) {
					case string:
						if !c.text && isNumber(cell) {
							t.Errorf("jsonl line %d: %s = %q is a string, the number %s", i+1, c.name, x, cell)
						}
					case float64:
						if c.text || !isNumber(cell) {
							t.Errorf("jsonl line %d: %s = %v is a number", i+1, c.name, x)
						}
					default:
						t.Errorf("jsonl line %d: %s = %v (%T)", i+1, c.name, v, v)
					}
				}
			}
		})
	}
	_, err := s.Export(&bytes.Buffer{}, "sales", ExportOptions{})
	rtFails(t, err, `"sales" is not something to export`)
	_, err = s.Export(&bytes.Buffer{}, "members", ExportOptions{Format: "xlsx"})
	rtFails(t, err, `"xlsx" is not an export format`)
}

func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	s := rtExportCommunity(t)
	type cell struct {
		kind, key, keyVal, col string
		raw                    string
	}
	cells := []cell{
		{"members", "handle", "alice", "name", "=SUM(A1)"},
		{"members", "handle", "bob", "name", "+1"},
		{"ledger", "ref", "=HYPERLINK(x)", "ref", "=HYPERLINK(x)"},
		{"ledger", "why", "-x", "why", "-x"},
		{"redemptions", "id", "q1", "reason", "@cmd"},
		{"reports", "report", "p1", "excerpt", "@SUM(1+1)"},
		{"reports", "report", "p2", "excerpt", "-2+3"},
	}
	for _, c := range cells {
		safe, _ := rtExport(t, s, c.kind, ExportOptions{})
		raw, _ := rtExport(t, s, c.kind, ExportOptions{Raw: true})
		key := c.keyVal
		if c.key == c.col {
			key = "'" + c.keyVal
		}
		if got := rtCell(t, rtCSV(t, safe), c.key, key, c.col); got != "'"+c.raw {
			t.Errorf("%s %s: %q, want %q", c.kind, c.col, got, "'"+c.raw)
		}
		if got := rtCell(t, rtCSV(t, raw), c.key, c.keyVal, c.col); got != c.raw {
			t.Errorf("raw %s %s: %q, want %q", c.kind, c.col, got, c.raw)
		}
	}
	// A tab first is neutralised too.
	ledger := rtCSV(t, func() string { s, _ := rtExport(t, s, "ledger", ExportOptions{}); return s }())
	found := false
	for _, r := range ledger[1:] {
		if r[9] == "'\t=cmd|' /C calc'!A0" {
			found = true
		}
	}
	if !found {
		t.Errorf("the tab-led reason is not neutralised")
	}
	// Numbers are numbers: the penalty stays -5, and the points column
	// sums to the balances.
	var sum int64
	for _, r := range ledger[1:] {
		if strings.HasPrefix(r[4], "'") || strings.HasPrefix(r[5], "'") || strings.HasPrefix(r[6], "'") {
			t.Errorf("a number was neutralised: %v", r)
		}
		if r[3] == model.Penalty.String() && r[4] != "-5" {
			t.Errorf("penalty points %q, want -5", r[4])
		}
		n, err := strconv.ParseInt(r[4], 10, 64)
		rtOK(t, err)
		sum += n
	}
	var want int64
	for _, h := range []string{"alice", "bob", "carol"} {
		want += member(t, s, h).Balance
	}
	if sum != want {
		t.Errorf("ledger export sums to %d, balances to %d", sum, want)
	}
	// JSON Lines is for machines: text is kept exactly, Raw or not.
	text, _ := rtExport(t, s, "members", ExportOptions{Format: "jsonl"})
	if !strings.Contains(text, `"name":"=SUM(A1)"`) {
		t.Errorf("jsonl members:\n%s", text)
	}
	text, _ = rtExport(t, s, "ledger", ExportOptions{Format: "jsonl"})
	if !strings.Contains(text, `"type":"penalty","points":-5,`) {
		t.Errorf("jsonl ledger has no numeric penalty:\n%s", text)
	}
	mustCheck(t, s)
}

func TestNeutralise(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"": "", "=1": "'=1", "+1": "'+1", "-x": "'-x", "@cmd": "'@cmd", "\tx": "'\tx", "\rx": "'\rx",
		"plain": "plain", " =1": " =1", "1-2": "1-2", "'quoted": "'quoted",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}
