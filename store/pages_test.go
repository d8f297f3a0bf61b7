package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"steward/ingest"
)

// rtFilePages reads a store's file and what checkPages needs to walk it.
func rtFilePages(t *testing.T, s *Store) (raw []byte, ps int, pages int64, txid uint64, roots map[string]uint64) {
	t.Helper()
	db, err := bolt.Open(s.Path(), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps = db.Info().PageSize
	roots = map[string]uint64{}
	if err := db.View(func(tx *bolt.Tx) error {
		pages, txid = tx.Size()/int64(ps), uint64(tx.ID())
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			roots[string(name)] = uint64(b.Root())
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if raw, err = os.ReadFile(s.Path()); err != nil {
		t.Fatal(err)
	}
	return raw, ps, pages, txid, roots
}

// pagedCommunity has n members and nothing else; from a few hundred, their
// buckets have pages of their own (a small bucket lives inline in its
// parent's page).
func pagedCommunity(t testing.TB, n int) *Store {
	t.Helper()
	s, _ := newStore(t)
	var b strings.Builder
	b.WriteString("handle,name\n")
	for i := range n {
		fmt.Fprintf(&b, "m%03d,Member %d\n", i, i)
	}
	importText(t, s, ingest.Members, b.String())
	mustCheck(t, s)
	return s
}

// TestCheckPagesFindsWhatWouldCrashBboltsCheck damages the page that the
// handles' tree starts from in each way checkPages must catch before
// bbolt's check reads it, and checks a sound file passes.
func TestCheckPagesFindsWhatWouldCrashBboltsCheck(t *testing.T) {
	s := pagedCommunity(t, 300)
	raw, ps, pages, txid, roots := rtFilePages(t, s)
	if got := checkPages(bytes.NewReader(raw), ps, pages, txid); len(got) != 0 {
		t.Fatalf("a sound file: %q", got)
	}
	root := int(roots["handles"])
	if root == 0 {
		t.Fatal("the handles are inline; the test needs a page of their own")
	}
	at := root * ps
	if flags := binary.NativeEndian.Uint16(raw[at+8:]); flags != branchPageFlag {
		t.Fatalf("the handles' root has flags %#x; the test expects a branch", flags)
	}
	put32 := func(off int, v uint32) func([]byte) {
		return func(b []byte) { binary.NativeEndian.PutUint32(b[off:], v) }
	}
	for _, tc := range []struct {
		name  string
		spoil func([]byte)
		want  string
	}{
		{"a key's offset far away", put32(at+16, 0x7ffffff0), "key 0 of branch page"},
		{"a key's size past the page", put32(at+16+4, uint32(ps)), "key 0 of branch page"},
		{"a child past the end", func(b []byte) { binary.NativeEndian.PutUint64(b[at+16+8:], uint64(pages)) }, "is outside the file"},
		{"more elements than the page holds", func(b []byte) { binary.NativeEndian.PutUint16(b[at+10:], 0xffff) }, "lists 65535 elements"},
		{"the page says it is another", func(b []byte) { binary.NativeEndian.PutUint64(b[at:], uint64(root+1)) }, "says it is page"},
		{"no type", func(b []byte) { binary.NativeEndian.PutUint16(b[at+8:], 0x40) }, "neither a branch nor a leaf"},
		// bbolt's cursor takes this for a branch, its check for neither.
		{"both types", func(b []byte) { binary.NativeEndian.PutUint16(b[at+8:], 0x03) }, "neither a branch nor a leaf"},
		{"a branch with no elements", func(b []byte) { binary.NativeEndian.PutUint16(b[at+10:], 0) }, "has no elements"},
		{"overflow past the end", put32(at+12, uint32(pages)), "pages past the file's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(raw)
			tc.spoil(b)
			got := checkPages(bytes.NewReader(b), ps, pages, txid)
			if len(got) == 0 || !strings.Contains(got[0], tc.want) || !strings.Contains(got[0], `bucket "handles"`) {
				t.Fatalf("got %q, want a problem with the handles saying %q", got, tc.want)
			}
		})
	}
}

// A freelist page whose overflow runs past the file would have bbolt's
// check count its pages for ever, and one that claims a trillion free
// pages would have it make room for them all.
func TestCheckPagesFindsAFreelistRunningPastTheFile(t *testing.T) {
	s := pagedCommunity(t, 300)
	raw, ps, pages, txid, _ := rtFilePages(t, s)
	var freelist uint64
	for i := range 2 {
		m := raw[i*ps+pageHeaderSize:]
		if binary.NativeEndian.Uint64(m[48:]) == txid {
			freelist = binary.NativeEndian.Uint64(m[32:])
		}
	}
	if freelist == 0 || freelist == noFreelist {
		t.Fatalf("no freelist page (%d)", freelist)
	}
	b := bytes.Clone(raw)
	binary.NativeEndian.PutUint32(b[int(freelist)*ps+12:], 0x30000000)
	got := checkPages(bytes.NewReader(b), ps, pages, txid)
	if len(got) == 0 || !strings.Contains(got[0], "the freelist") || !strings.Contains(got[0], "past the file") {
		t.Fatalf("got %q", got)
	}
	b = bytes.Clone(raw)
	binary.NativeEndian.PutUint16(b[int(freelist)*ps+10:], 0xffff)
	binary.NativeEndian.PutUint64(b[int(freelist)*ps+pageHeaderSize:], 1<<40)
	got = checkPages(bytes.NewReader(b), ps, pages, txid)
	if len(got) == 0 || !strings.Contains(got[0], "more than it holds") {
		t.Fatalf("got %q", got)
	}
	// A meta page whose checksum fails is not the one bbolt reads, even
	// with the transaction's id.
	b = bytes.Clone(raw)
	for i := range 2 {
		b[i*ps+pageHeaderSize+20] ^= 0xff // the root bucket's page, whose checksum then fails
	}
	if got := checkPages(bytes.NewReader(b), ps, pages, txid); len(got) != 1 || !strings.Contains(got[0], "neither meta page") {
		t.Fatalf("got %q", got)
	}
}

// An inline bucket whose page says it is a branch would send bbolt's
// cursor down into the same page for ever: bbolt has no other page to
// give it.
func TestCheckPagesFindsAnInlineBranch(t *testing.T) {
	s := pagedCommunity(t, 300)
	raw, ps, pages, txid, roots := rtFilePages(t, s)
	if roots["audit"] != 0 {
		t.Fatal("the audit bucket has a page of its own; the test needs it inline")
	}
	var root int
	for i := range 2 {
		m := raw[i*ps+pageHeaderSize:]
		if binary.NativeEndian.Uint64(m[48:]) == txid {
			root = int(binary.NativeEndian.Uint64(m[16:]))
		}
	}
	page := raw[root*ps : (root+1)*ps]
	// The bucket's name, then its value: root page 0 and a sequence (8
	// each), then the inline page, whose flags follow its id.
	i := bytes.Index(page, []byte("audit"))
	if i < 0 {
		t.Fatalf("the audit bucket is not on page %d", root)
	}
	flags := root*ps + i + len("audit") + bucketValueSize + 8
	if got := binary.NativeEndian.Uint16(raw[flags:]); got != leafPageFlag {
		t.Fatalf("the inline page's flags are %#x, not a leaf's", got)
	}
	b := bytes.Clone(raw)
	binary.NativeEndian.PutUint16(b[flags:], branchPageFlag)
	got := checkPages(bytes.NewReader(b), ps, pages, txid)
	if len(got) == 0 || !strings.Contains(got[0], `bucket "audit"`) || !strings.Contains(got[0], "not a leaf") {
		t.Fatalf("got %q", got)
	}
}

// A cycle in the tree would have bbolt's check recurse until the stack
// overflows; checkPages sees the page reached twice.
func TestCheckPagesFindsACycle(t *testing.T) {
	s := pagedCommunity(t, 300)
	raw, ps, pages, txid, roots := rtFilePages(t, s)
	// The handles' bucket record, on the page of the root of all buckets,
	// is made to name the members' root page: two buckets, one tree.
	b := bytes.Clone(raw)
	var handles, members [8]byte
	binary.NativeEndian.PutUint64(handles[:], roots["handles"])
	binary.NativeEndian.PutUint64(members[:], roots["members"])
	// Every copy: the pages of earlier transactions hold older ones.
	record := append([]byte("handles"), handles[:]...)
	if !bytes.Contains(b, record) || roots["members"] == 0 || roots["handles"] == 0 {
		t.Fatal("the handles' bucket record was not found")
	}
	b = bytes.ReplaceAll(b, record, append([]byte("handles"), members[:]...))
	got := checkPages(bytes.NewReader(b), ps, pages, txid)
	if len(got) == 0 || !strings.Contains(got[0], "reached twice") {
		t.Fatalf("got %q", got)
	}
}

// A key of the wrong width in a bucket of fixed-width keys is reported
// before the checks that would decode it.
func TestCheckFindsAKeyOfTheWrongWidth(t *testing.T) {
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		return tx.Bucket(bLedger).Put([]byte{1, 2, 3}, []byte("x"))
	})
	rtWantViolations(t, s, "the file is damaged: bucket ledger holds the key 010203 of 3 bytes, where every key has 8")
}

// A record no steward wrote is the file's damage, named as such.
func TestAnUnreadableRecordIsADamagedFile(t *testing.T) {
	s := rtCheckCommunity(t)
	rtCorrupt(t, s, func(tx *bolt.Tx) error {
		id := tx.Bucket(bHandles).Get([]byte("carol"))
		return tx.Bucket(bMembers).Put(id, []byte{0})
	})
	_, listErr := s.Members(ByName, nil, Forward, 10)
	_, byHandleErr := s.MembersByHandle([]string{"alice", "carol"})
	for _, err := range []error{listErr, byHandleErr} {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Kind != Damaged || !strings.Contains(err.Error(), "version 0, which no steward writes") {
			t.Fatalf("got %T %v, want a damaged file naming the record", err, err)
		}
	}
}

// A file bbolt made but no steward write finished in (a process killed at
// once) holds no bucket: check passes it, as before it read pages.
func TestCheckPassesAFileWithNoBucketsYet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	rep, err := Open(path, Options{}).Check()
	if err != nil || !rep.OK() || rep.Unread {
		t.Fatalf("check: %v %+v", err, rep)
	}
}
