package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"steward/ingest"
	"steward/model"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// newStore opens a store on a new file in a temporary folder, with a fixed
// clock the test can move.
func newStore(t testing.TB) (*Store, *time.Time) {
	t.Helper()
	now := t0
	s := Open(filepath.Join(t.TempDir(), "test.db"), Options{Actor: "mod", Now: func() time.Time { return now }, Wait: 2 * time.Second})
	return s, &now
}

// importText imports CSV text of one kind and fails the test on error.
func importText(t testing.TB, s *Store, kind ingest.Kind, text string) ImportReport {
	t.Helper()
	rep, err := importTextErr(t, s, kind, text, ImportOptions{})
	if err != nil {
		t.Fatalf("import %s: %v (%v)", kind, err, rep.Problems)
	}
	return rep
}

func importTextErr(t testing.TB, s *Store, kind ingest.Kind, text string, opt ImportOptions) (ImportReport, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), kind.String()+".csv")
	if err := os.WriteFile(path, []byte(strings.TrimLeft(text, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	src, cleanup, err := FileSource(path, kind, "", nil, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	return s.Import([]Source{src}, opt)
}

func mustCheck(t testing.TB, s *Store) CheckReport {
	t.Helper()
	rep, err := s.Check()
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("check found:\n%s", strings.Join(rep.Violations, "\n"))
	}
	return rep
}

func member(t testing.TB, s *Store, handle string) model.Member {
	t.Helper()
	ms, err := s.MembersByHandle([]string{handle})
	if err != nil || len(ms) != 1 {
		t.Fatalf("member %s: %v", handle, err)
	}
	return ms[0]
}

func TestImportPricesEventsWithCapsAndCooldowns(t *testing.T) {
	s, _ := newStore(t)
	importText(t, s, ingest.Members, `
handle,name,joined_at
alice,Alice,2026-11-01
bob,Bob,2026-11-01
`)
	// Six posts a minute apart: the 2-minute cooldown lets every other one
	// earn 5; five likes in a day at 1 point, cap 20: all count.
	rep := importText(t, s, ingest.Events, `
id,member,kind,at
p1,alice,post,2026-11-10T10:00:00Z
p2,alice,post,2026-11-10T10:01:00Z
p3,alice,post,2026-11-10T10:02:00Z
p4,alice,post,2026-11-10T10:03:00Z
p5,alice,post,2026-11-10T10:04:00Z
p6,alice,post,2026-11-10T10:05:00Z
`)
	if rep.Imported != 6 || rep.Points != 15 {
		t.Fatalf("report = %+v, want 6 imported and 15 points", rep)
	}
	a := member(t, s, "alice")
	if a.Balance != 10+15 {
		t.Fatalf("balance = %d, want 25 (welcome 10 + 3 posts)", a.Balance)
	}
	// The same file again changes nothing.
	rep = importText(t, s, ingest.Events, "id,member,kind,at\np1,alice,post,2026-11-10T10:00:00Z\n")
	if rep.Duplicates != 1 || rep.Imported != 0 {
		t.Fatalf("re-import = %+v, want 1 duplicate", rep)
	}
	hist, _, err := s.History("alice", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 7 {
		t.Fatalf("history has %d lines, want 7", len(hist))
	}
	withheld := 0
	for _, e := range hist {
		if e.Withheld > 0 {
			withheld++
			if !strings.Contains(e.Why, "cooldown") {
				t.Errorf("entry %+v withheld for %q, want cooldown", e, e.Why)
			}
		}
	}
	if withheld != 3 {
		t.Fatalf("%d entries withheld, want 3", withheld)
	}
	mustCheck(t, s)
}
