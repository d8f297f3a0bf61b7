package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// FuzzCheckDamagedFile flips bytes of a sound file, anywhere (meta pages,
// the freelist, branch and leaf pages, records), and runs check on it. The
// property: check returns — a report, or an error about the file — within
// seconds, and the process lives. A fault in bbolt's own check, which runs
// in a goroutine no guard reaches (see pages.go), or a cursor sent round a
// loop of pages, would end the fuzzing run with the input that caused it.
func FuzzCheckDamagedFile(f *testing.F) {
	s := pagedCommunity(f, 200)
	sound, err := os.ReadFile(s.Path())
	if err != nil {
		f.Fatal(err)
	}
	// An input is flips of five bytes each: an offset (4, big-endian, taken
	// modulo the file's size) and the bits to flip.
	flip := func(off uint32, bits byte) []byte {
		return []byte{byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), bits}
	}
	f.Add(flip(4096*3+16+4, 0x7f)) // a key's offset on an early page
	f.Add(flip(4096*5+8, 0x03))    // a page's type
	f.Add(flip(16+32, 0x01))       // meta 0's root
	f.Add(append(flip(4096*4+24, 0xff), flip(4096*6+20, 0x80)...))
	f.Fuzz(func(t *testing.T, flips []byte) {
		damaged := bytes.Clone(sound)
		for i := 0; i+5 <= len(flips); i += 5 {
			off := int(uint32(flips[i])<<24|uint32(flips[i+1])<<16|uint32(flips[i+2])<<8|uint32(flips[i+3])) % len(damaged)
			damaged[off] ^= flips[i+4]
		}
		path := filepath.Join(t.TempDir(), "damaged.db")
		if err := os.WriteFile(path, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		d := Open(path, Options{Now: s.opt.Now, Wait: time.Second})
		done := make(chan error, 1)
		go func() {
			_, err := d.Check()
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			if dir := os.Getenv("STEWARD_FUZZ_HANGS"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("hang-%x", flips[:min(len(flips), 16)])), damaged, 0o600)
			}
			t.Fatal("check still runs after 10 s on a file of 200 members")
		}
		if err != nil {
			var fe *FileError
			var ie *InternalError
			if errors.As(err, &ie) || !errors.As(err, &fe) {
				t.Fatalf("check on a damaged file: %T %v, want a report or a FileError", err, err)
			}
		}
	})
}
