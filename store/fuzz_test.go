package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"steward/ingest"
)

// FuzzImport feeds arbitrary bytes to the whole import, as a CSV or a JSON
// Lines events file, into a community of two members. The property: the
// import is accepted and check passes, or it is rejected with problems that
// each name the file and a field, and nothing at all was written.
func FuzzImport(f *testing.F) {
	f.Add(false, []byte("id,member,kind,at\ne1,alice,post,2026-11-10T10:00:00Z\n"))
	f.Add(false, []byte("\xef\xbb\xbfid,member,kind,at,ref\r\ne1,alice,post,2026-11-10,\"a\nb\"\r\ne1,bob,reply,2026-11-10,x\r\n"))
	f.Add(false, []byte("id,member,kind,at\ne1,ad\u200bmin,post,2026-11-10\ne2,alice,nope,1969-12-31\n"))
	f.Add(false, []byte("id,member,kind\n\"unterminated"))
	f.Add(true, []byte(`{"id":"e1","member":"alice","kind":"post","at":"2026-11-10T10:00:00Z"}`+"\n"))
	f.Add(true, []byte(`{"id":"e1","id":"e2","member":"alice","kind":"post","at":"2026-11-10"}`+"\n{\"id\":"))
	f.Add(false, []byte("id,member,kind,at\ne1,bob,post,2026-11-10\ne2,alice,post,2026-11-10\ne1,alice,reply,2026-11-11\ne3,bob,reply,2026-11-09\ne4,alice,answer,2026-11-12\n"))
	f.Fuzz(func(t *testing.T, jsonl bool, data []byte) {
		s, _ := newStore(t)
		importText(t, s, ingest.Members, "handle\nalice\nbob\n")
		before := snapshot(t, s)
		name := "events.csv"
		if jsonl {
			name = "events.jsonl"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		src, cleanup, err := FileSource(path, ingest.Events, "", nil, s.Now())
		if err != nil {
			t.Fatal(err)
		}
		defer cleanup()
		// Small transactions in chunks of two: rows are regrouped by
		// member (see regroupEvents) as in a large file.
		rep, err := s.Import([]Source{src}, ImportOptions{BatchSize: 2, ChunkSize: 4})
		switch {
		case err == nil:
			mustCheck(t, s)
		case errors.Is(err, ErrRejected):
			if len(rep.Problems) == 0 {
				t.Fatal("rejected without a problem")
			}
			for _, p := range rep.Problems {
				if !strings.HasPrefix(p.Error(), path) {
					t.Fatalf("a problem that does not name the file: %q", p)
				}
			}
			if after := snapshot(t, s); !bytes.Equal(before, after) {
				t.Fatal("a rejected import changed the database")
			}
		default:
			var p ingest.Problem
			if !errors.As(err, &p) {
				t.Fatalf("import failed with %v", err)
			}
		}
	})
}

// snapshot is every export of the store, to compare before and after.
func snapshot(t *testing.T, s *Store) []byte {
	var b bytes.Buffer
	for _, kind := range ExportKinds {
		if _, err := s.Export(&b, kind, ExportOptions{Raw: true}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}
