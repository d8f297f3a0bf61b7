package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"

	"steward/store"
)

// limited runs steward under a file size limit (ulimit -f, in KiB).
func limited(t *testing.T, kib int64, args ...string) result {
	t.Helper()
	bash := needTool(t, "bash")
	cmd := exec.Command(bash, append([]string{"-c", `ulimit -f "$1" && shift && exec "$@"`, "bash", fmt.Sprint(kib), bin}, args...)...)
	cmd.Env = childEnv()
	return runCmd(t, cmd, args)
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func digest(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return fmt.Sprintf("%x", sha256.Sum256(raw))
}

// TestFullDiskLeavesTheDatabaseAsItWas runs imports under a file size
// limit (ulimit -f) that the database outgrows: steward exits 2 with one
// line and no signal death (SIGXFSZ), a transaction that did not fit is
// wholly absent, `steward check` passes, and re-running the import without
// the limit gives the same database as an import that never failed.
func TestFullDiskLeavesTheDatabaseAsItWas(t *testing.T) {
	dir := t.TempDir()
	members, events := filepath.Join(dir, "members.csv"), filepath.Join(dir, "events.csv")
	writeMembers(t, members, corpusMembers)
	writeEvents(t, events, 20000, corpusMembers, 7)
	db := filepath.Join(dir, "full.db")
	must(t, "import", "--db", db, "--members", members, "--quiet")
	before := exports(t, db)
	size := fileSize(t, db)

	// All the events in one transaction, which needs more room than the
	// limit leaves: none of it is written.
	r := limited(t, size/1024+256, "import", "--db", db, "--events", events, "--batch", "1000000", "--quiet")
	oneLine(t, r, 2)
	if !strings.Contains(r.stderr, "no room to write") {
		t.Errorf("the message does not say the disk is full: %v", r)
	}
	checkPasses(t, db)
	sameExports(t, "after a transaction that did not fit", before, exports(t, db))

	// Many batches: those that fit are in, whole; the rest follow when the
	// import is run again with room.
	r = limited(t, 4*size/1024+256, "import", "--db", db, "--events", events, "--batch", "2000", "--quiet")
	oneLine(t, r, 2)
	n := checkPasses(t, db)
	if n.entries <= corpusMembers || n.entries >= corpusMembers+20000 {
		t.Errorf("the limit was meant to stop the import part-way; the ledger has %d entries", n.entries)
	}
	must(t, "import", "--db", db, "--events", events, "--batch", "2000", "--quiet")
	checkPasses(t, db)
	fresh := filepath.Join(dir, "fresh.db")
	must(t, "import", "--db", fresh, "--members", members, "--quiet")
	must(t, "import", "--db", fresh, "--events", events, "--batch", "2000", "--quiet")
	sameExports(t, "re-run after a full disk", exports(t, fresh), exports(t, db))
}

// damaged is a database file spoiled one way.
type damaged struct {
	name string
	// strict: the file is unusable, so every command must exit 2; else a
	// command may still work on the parts that are intact.
	strict bool
	// detect: `steward check` must not pass.
	detect bool
	spoil  func(raw []byte) []byte
}

// checkFaultBug was a defect this test found: bbolt's Tx.Check walks the
// pages in a goroutine of its own, where debug.SetPanicOnFault is not set,
// so a page id pointing past the end of the file killed `steward check`
// with a Go stack trace. check now walks every page in its guarded
// goroutine first.
const checkFaultBug = "`steward check` on a database whose page ids point past the end of the file dies " +
	"with a fatal fault in bbolt's Tx.Check goroutine (store/check.go), not a one-line message"

// checkDiedInBbolt recognises that defect.
func checkDiedInBbolt(r result) bool {
	return r.args[0] == "check" && strings.Contains(r.stderr, "fatal error: fault") && strings.Contains(r.stderr, "bbolt.(*Tx).check")
}

// TestDamagedFilesFailCleanly runs check, exports and an award on a
// database that is a folder, not a bbolt file, truncated, or has bytes
// flipped at seeded offsets (meta pages, the freelist, bucket roots, data
// pages): each command works or fails with exit 1 or 2 and one line —
// never a Go stack trace — and a write that fails leaves the file as it
// was.
func TestDamagedFilesFailCleanly(t *testing.T) {
	dir := t.TempDir()
	members, events := filepath.Join(dir, "members.csv"), filepath.Join(dir, "events.csv")
	writeMembers(t, members, 300)
	writeEvents(t, events, 10000, 300, 11)
	good := filepath.Join(dir, "good.db")
	must(t, "import", "--db", good, "--members", members, "--events", events, "--batch", "2000", "--quiet")
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	ps, roots, freelist, used, pages := layout(t, good)

	flip := func(offsets ...int) func([]byte) []byte {
		return func(b []byte) []byte {
			for _, o := range offsets {
				b[o] ^= 0xA5
			}
			return b
		}
	}
	cases := []damaged{
		{name: "not a database (text)", strict: true, detect: true, spoil: func([]byte) []byte { return []byte("handle,name\nalice,Alice\n") }},
		{name: "not a database (random bytes)", strict: true, detect: true, spoil: func([]byte) []byte {
			rng := rand.New(rand.NewPCG(crashSeed, 3))
			b := make([]byte, 256<<10)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}},
		{name: "truncated inside the meta pages", strict: true, detect: true, spoil: func(b []byte) []byte { return b[:1000] }},
		{name: "truncated after the meta pages", strict: true, detect: true, spoil: func(b []byte) []byte { return b[:2*ps] }},
		{name: "meta page 0 flipped", spoil: flip(16 + 48)},
		{name: "both meta pages flipped", strict: true, detect: true, spoil: flip(16+32, ps+16+32)},
	}
	if freelist*ps < len(raw) {
		cases = append(cases, damaged{name: "freelist page flipped", detect: true, spoil: flip(freelist*ps + 8)})
	}
	for _, name := range []string{"", "members", "ledger", "handles"} {
		id, ok := roots[name]
		if !ok {
			continue
		}
		what := "bucket " + name + "'s root page"
		if name == "" {
			what = "the root page of all buckets"
		}
		cases = append(cases,
			damaged{name: what + ": header flipped", detect: true, spoil: flip(id*ps + 8)},
			damaged{name: what + ": contents flipped", spoil: flip(id*ps + ps/2)})
	}
	for _, name := range []string{"ledger", "activity", "members", "handles"} {
		id, ok := roots[name]
		if !ok {
			continue
		}
		if flags := binary.LittleEndian.Uint16(raw[id*ps+8:]); flags&0x01 == 0 {
			continue // not a branch page
		}
		// The first child of a branch page, after its 16-byte header: pos,
		// key size (4 each), then the child's page id.
		at := id*ps + 16 + 8
		cases = append(cases, damaged{name: "bucket " + name + "'s root page points past the end of the file", detect: true, spoil: func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[at:], 1<<31)
			return b
		}})
		break
	}
	// A key whose offset points far outside its page: bbolt's check reads
	// it in a goroutine no guard reaches (check must find it first). One
	// on the first leaf page with data, one on the first branch page.
	for _, want := range []uint16{0x02, 0x01} {
		for _, id := range pages {
			flags, count := binary.LittleEndian.Uint16(raw[id*ps+8:]), binary.LittleEndian.Uint16(raw[id*ps+10:])
			if flags != want || count == 0 {
				continue
			}
			// Element 0 after the header: a leaf's flags come before its
			// offset; a branch element starts with it.
			at := id*ps + 16
			if want == 0x02 {
				at += 4
			}
			kind := map[uint16]string{0x01: "branch", 0x02: "leaf"}[want]
			cases = append(cases, damaged{name: fmt.Sprintf("a key of %s page %d points far outside the file", kind, id), detect: true, spoil: func(b []byte) []byte {
				binary.LittleEndian.PutUint32(b[at:], 0x7ffffff0)
				return b
			}})
			break
		}
	}
	rng := rand.New(rand.NewPCG(crashSeed, 4))
	for i := range 3 {
		// Short of the pages in use: missing pages are refused, never read.
		at := 2*ps + rng.IntN(used-2*ps)
		cases = append(cases, damaged{name: fmt.Sprintf("truncated at %d of %d bytes in use (seeded %d)", at, used, i), strict: true, detect: true,
			spoil: func(b []byte) []byte { return b[:at] }})
	}
	for i := range 6 {
		// In a page that holds data (most of a file is free pages), past
		// its header.
		id := pages[rng.IntN(len(pages))]
		at := id*ps + 16 + rng.IntN(ps-16)
		cases = append(cases, damaged{name: fmt.Sprintf("byte %d flipped (page %d, seeded %d)", at, id, i), spoil: flip(at)})
	}

	var outcomes []string
	for _, dc := range cases {
		t.Run(dc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "damaged.db")
			if err := os.WriteFile(db, dc.spoil(bytes.Clone(raw)), 0o600); err != nil {
				t.Fatal(err)
			}
			var got []string
			bug := false
			for _, args := range [][]string{
				{"check"},
				{"export", "members"},
				{"export", "ledger"},
				{"award", "--member", handle(1), "--points", "5", "--reason", "thanks"},
				{"import", "--members", members, "--quiet"},
			} {
				write := args[0] == "award" || args[0] == "import"
				was := digest(db)
				r := steward(t, append(args, "--db", db, "--wait", "2s")...)
				if checkDiedInBbolt(r) {
					got = append(got, "check=fatal fault (BUG)")
					t.Log(r)
					bug = true
					continue
				}
				label := args[0]
				if args[0] == "export" {
					label += " " + args[1]
				}
				got = append(got, fmt.Sprintf("%s=%d", label, r.code))
				clean(t, r)
				if r.code == 2 || (dc.strict && r.code != 0) {
					oneLine(t, r, 2)
				}
				if dc.strict && r.code != 2 {
					t.Errorf("an unusable file must give exit 2: %v", r)
				}
				if args[0] == "check" && dc.detect && r.code == 0 {
					t.Errorf("check passed on a damaged file: %v", r)
				}
				if args[0] == "check" && strings.Contains(dc.name, "points far outside") && !strings.Contains(r.stdout, "records were not read") {
					t.Errorf("check counted the records of a file whose pages are damaged: %v", r)
				}
				if write && r.code != 0 && digest(db) != was {
					t.Errorf("a failed write changed the file: %v", r)
				}
			}
			outcomes = append(outcomes, fmt.Sprintf("%s: %s", dc.name, strings.Join(got, " ")))
			if bug {
				t.Fatal(checkFaultBug)
			}
		})
	}

	t.Run("a folder", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "folder.db")
		if err := os.Mkdir(db, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"check"}, {"export", "members"}, {"award", "--member", "x", "--points", "5", "--reason", "r"}, {"import", "--members", members}, {"backup", "--out", db + ".bak"}} {
			r := steward(t, append(args, "--db", db)...)
			oneLine(t, r, 2)
			if !strings.Contains(r.stderr, "is a directory") {
				t.Errorf("the message does not say the path is a folder: %v", r)
			}
		}
	})
	t.Run("an empty file", func(t *testing.T) {
		// What a crash at the very creation of a database leaves.
		db := filepath.Join(t.TempDir(), "empty.db")
		writeFile(t, db, "")
		for _, args := range [][]string{{"check"}, {"export", "members"}} {
			r := steward(t, append(args, "--db", db)...)
			oneLine(t, r, 2)
			if !strings.Contains(r.stderr, "no database here yet") {
				t.Errorf("an empty file should read as no database yet: %v", r)
			}
		}
		must(t, "import", "--db", db, "--members", members, "--quiet")
		checkPasses(t, db)
	})
	sort.Strings(outcomes)
	t.Logf("exit codes per damage:\n  %s", strings.Join(outcomes, "\n  "))
}

// layout reads a database's page size, its buckets' root pages ("" is the
// root of all buckets), its freelist page, how many of its bytes are in
// use (its high-water mark) and the pages that hold data.
func layout(t *testing.T, path string) (ps int, roots map[string]int, freelist, used int, pages []int) {
	t.Helper()
	// Read-write, so that bbolt loads the freelist; nothing is written.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps = db.Info().PageSize
	roots = map[string]int{}
	err = db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return err
			}
			if info.Type == "leaf" || info.Type == "branch" {
				pages = append(pages, id)
			}
		}
	})
	if err != nil || len(pages) == 0 {
		t.Fatalf("reading the pages: %v (%d with data)", err, len(pages))
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if b.Root() != 0 { // 0: the bucket is inline in its parent
				roots[string(name)] = int(b.Root())
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The current meta page is the one with the higher transaction id;
	// after its 16-byte page header: magic, version, page size, flags (4
	// each), the root bucket (root page, sequence), freelist, pgid, txid.
	meta := func(i int) []byte { return raw[i*ps+16 : i*ps+16+64] }
	cur := meta(0)
	if binary.LittleEndian.Uint64(meta(1)[48:]) > binary.LittleEndian.Uint64(cur[48:]) {
		cur = meta(1)
	}
	roots[""] = int(binary.LittleEndian.Uint64(cur[16:]))
	freelist = int(binary.LittleEndian.Uint64(cur[32:]))
	used = int(binary.LittleEndian.Uint64(cur[40:])) * ps
	return ps, roots, freelist, used, pages
}

// TestNewerDatabaseIsRefused gives steward a database written by a newer
// steward (schema SchemaVersion+1): every command refuses it with exit 2
// and one line that says to upgrade, and none changes it.
func TestNewerDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, 3)
	raw, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		if meta == nil {
			return fmt.Errorf("no meta bucket")
		}
		return meta.Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, store.SchemaVersion+1))
	})
	if cerr := raw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	was := digest(db)
	members := writeFile(t, filepath.Join(dir, "more.csv"), "handle\nnewcomer\n")
	for _, args := range [][]string{
		{"check"},
		{"export", "members"},
		{"program", "--show"},
		{"award", "--member", handle(0), "--points", "5", "--reason", "thanks"},
		{"import", "--members", members},
		{"approve", "r1"},
	} {
		r := steward(t, append(args, "--db", db)...)
		oneLine(t, r, 2)
		if !strings.Contains(r.stderr, "newer steward") {
			t.Errorf("the message does not say a newer steward wrote it: %v", r)
		}
		if digest(db) != was {
			t.Fatalf("`steward %s` changed a newer database", strings.Join(args, " "))
		}
	}
}

// asOther makes cmd run as a user without privileges when the tests run as
// root (root ignores file permissions); it reports whether that works.
func asOther(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
}

const nobody = 65534

// runAs runs steward as a user that permissions apply to.
func runAs(t *testing.T, args ...string) result {
	t.Helper()
	cmd := stewardCmd(args...)
	asOther(t, cmd)
	return runCmd(t, cmd, args)
}

// permissionsApply skips the test when no user that permissions apply to
// can run steward here: root ignores them, and switching to nobody needs
// the right to.
func permissionsApply(t *testing.T) {
	t.Helper()
	r := runAs(t, "version")
	if r.code != 0 {
		t.Skipf("running as root and cannot run steward as user %d, so read-only files cannot be enforced: %v", nobody, r)
	}
}

// ownedByRunner hands paths to the user runAs runs as.
func ownedByRunner(t *testing.T, paths ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for _, p := range paths {
		if err := os.Chown(p, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// openDir makes a t.TempDir that another user can enter.
func openDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestReadOnlyDatabaseRefusesWrites covers a read-only file, a read-only
// folder and a read-only file system: writes that cannot be made exit 2
// with one line and change nothing; reads still work; a write that needs
// nothing but the file (an award in a read-only folder) still works.
func TestReadOnlyDatabaseRefusesWrites(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		permissionsApply(t)
		dir := openDir(t)
		db := newCommunity(t, dir, 3)
		ownedByRunner(t, db)
		if err := os.Chmod(db, 0o444); err != nil {
			t.Fatal(err)
		}
		was := digest(db)
		r := runAs(t, "award", "--db", db, "--member", handle(0), "--points", "5", "--reason", "thanks")
		oneLine(t, r, 2)
		if !strings.Contains(r.stderr, "permission denied") {
			t.Errorf("the message does not say why: %v", r)
		}
		if digest(db) != was {
			t.Errorf("a refused write changed the file")
		}
		if r := runAs(t, "export", "members", "--db", db); r.code != 0 || len(lines(r.stdout)) != 4 {
			t.Errorf("a read-only database should still be readable: %v", r)
		}
	})
	t.Run("folder", func(t *testing.T) {
		permissionsApply(t)
		dir := openDir(t)
		db := newCommunity(t, dir, 3)
		prog := filepath.Join(dir, "programme.toml")
		ownedByRunner(t, dir, db, prog)
		listing := func() string {
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			return strings.Join(names, " ")
		}
		before := listing()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if r := runAs(t, "award", "--db", db, "--member", handle(0), "--points", "5", "--reason", "thanks"); r.code != 0 {
			t.Errorf("an award needs only the file, not its folder: %v", r)
		}
		was := digest(db)
		// Applying a programme writes a backup beside the database first;
		// when it cannot, nothing is applied.
		r := runAs(t, "program", "--db", db, "--apply", prog)
		oneLine(t, r, 2)
		if !strings.Contains(r.stderr, "cannot write "+db+".") || !strings.Contains(r.stderr, ".bak: permission denied") {
			t.Errorf("the message does not say the backup beside the database could not be written: %v", r)
		}
		if digest(db) != was {
			t.Errorf("a programme was applied without its backup")
		}
		copied := filepath.Join(dir, "copy.db")
		r = runAs(t, "backup", "--db", db, "--out", copied)
		oneLine(t, r, 2)
		if !strings.Contains(r.stderr, "cannot write "+copied+": permission denied") {
			t.Errorf("the message does not name the backup that could not be written: %v", r)
		}
		fresh := filepath.Join(dir, "new.db")
		r = runAs(t, "import", "--db", fresh, "--members", filepath.Join(dir, "members.csv"))
		oneLine(t, r, 2)
		if strings.Count(r.stderr, "permission denied") != 1 {
			t.Errorf("the message should say permission denied, once: %v", r)
		}
		if _, err := os.Stat(fresh); !os.IsNotExist(err) {
			t.Errorf("a failed import left %s behind", fresh)
		}
		if after := listing(); after != before {
			t.Errorf("the failed writes left files behind: the folder held %q and now holds %q", before, after)
		}
	})
	t.Run("file system", func(t *testing.T) {
		unshare := needTool(t, "unshare")
		needTool(t, "mount")
		dir := t.TempDir()
		db := newCommunity(t, dir, 3)
		// A private mount namespace in which dir is mounted read-only:
		// enforced for root too, and needing no privilege on the host.
		ro := func(args ...string) result {
			cmd := exec.Command(unshare, append([]string{"--user", "--map-root-user", "--mount", "sh", "-c",
				`mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" || exit 99; shift; exec "$@"`, "sh", dir, bin}, args...)...)
			cmd.Env = childEnv()
			return runCmd(t, cmd, args)
		}
		if r := ro("version"); r.code != 0 {
			t.Skipf("cannot mount a read-only file system here (unprivileged user namespaces may be off): %v", r)
		}
		was := digest(db)
		r := ro("award", "--db", db, "--member", handle(0), "--points", "5", "--reason", "thanks")
		oneLine(t, r, 2)
		if !strings.Contains(r.stderr, "read-only") {
			t.Errorf("the message does not say the file system is read-only: %v", r)
		}
		if digest(db) != was {
			t.Errorf("a refused write changed the file")
		}
		if r := ro("export", "members", "--db", db); r.code != 0 || len(lines(r.stdout)) != 4 {
			t.Errorf("a database on a read-only file system should still be readable: %v", r)
		}
		checkPasses(t, db)
	})
}
