package ingest

import (
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"steward/model"
)

// seDump is a real Stack Exchange data dump (History Meta). It is not in an
// import format; the test checks model.ParseTime takes its timestamps, such
// as 2011-10-11T19:42:20.713, as they are.
const seDump = "/work/shared/data/history-meta-stackexchange"

func openDump(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(seDump, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is not here", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// checkDumpTime parses one timestamp of the dump.
func checkDumpTime(t *testing.T, where, s string) {
	t.Helper()
	tm, err := model.ParseTime(s)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if err := model.CheckTime(tm, time.Now()); err != nil {
		t.Fatalf("%s: %s: %v", where, s, err)
	}
	if tm.Format("2006-01-02T15:04:05.000") != s && tm.Format(time.DateOnly) != s {
		t.Fatalf("%s: %s parsed as %v", where, s, tm)
	}
}

func TestStackExchangePostsTimes(t *testing.T) {
	cr := csv.NewReader(openDump(t, "Posts.csv"))
	head, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[int]string{}
	for i, h := range head {
		switch h {
		case "CreationDate", "LastActivityDate", "LastEditDate", "ClosedDate", "CommunityOwnedDate":
			cols[i] = h
		}
	}
	if len(cols) < 3 {
		t.Fatalf("no date columns in %q", head)
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range cols {
			if rec[i] != "" {
				line, _ := cr.FieldPos(i)
				checkDumpTime(t, "Posts.csv:"+itoa(line)+": "+name, rec[i])
				n++
			}
		}
	}
	if n < 2000 {
		t.Fatalf("only %d timestamps", n)
	}
	t.Logf("%d timestamps from Posts.csv", n)
}

func TestStackExchangeXMLTimes(t *testing.T) {
	for file, attrs := range map[string][]string{
		"Users.xml":    {"CreationDate", "LastAccessDate"},
		"Comments.xml": {"CreationDate"},
		"Votes.xml":    {"CreationDate"},
		"Badges.xml":   {"Date"},
	} {
		dec := xml.NewDecoder(openDump(t, file))
		n := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			el, ok := tok.(xml.StartElement)
			if !ok || el.Name.Local != "row" {
				continue
			}
			for _, a := range el.Attr {
				for _, want := range attrs {
					if a.Name.Local == want {
						line, _ := dec.InputPos()
						checkDumpTime(t, file+":"+itoa(line)+": "+want, a.Value)
						n++
					}
				}
			}
		}
		if n < 1000 {
			t.Fatalf("%s: only %d timestamps", file, n)
		}
		t.Logf("%d timestamps from %s", n, file)
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
