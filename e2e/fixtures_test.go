package e2e

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The corpus of the crash, backup and sharing tests: a real-sized import,
// the same bytes on every run.
const (
	corpusMembers = 1000
	corpusEvents  = 100_000
	corpusBatch   = 2000 // small, so an import is many transactions
	corpusSeed    = 20240601
)

// compared are the exports that must be byte for byte the same after an
// interrupted and an uninterrupted import.
var compared = []string{"members", "ledger", "leaderboard", "redemptions", "reports"}

// writeMembers writes n members as CSV: some tagged, some referred by an
// earlier member, some with names from outside ASCII.
func writeMembers(t testing.TB, path string, n int) {
	t.Helper()
	names := []string{"Ana", "Zoë", "José", "Łukasz", "Mei", "Oluwaseun", "Søren", "Priya"}
	tags := []string{"", "teacher", "student", "teacher;student", ""}
	writeLines(t, path, "handle,name,joined_at,tags,referred_by", n, func(i int) string {
		ref := ""
		if i%7 == 3 {
			ref = handle(i - 1)
		}
		joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%30)
		return fmt.Sprintf("%s,%s %d,%s,%s,%s", handle(i), names[i%len(names)], i, joined.Format("2006-01-02"), tags[i%len(tags)], ref)
	})
}

func handle(i int) string { return fmt.Sprintf("m%04d", i) }

// writeEvents writes n activity events of the given members as CSV,
// heavy-tailed (a few members do most), slightly out of time order as real
// exports are.
func writeEvents(t testing.TB, path string, n, members int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	kinds := []string{"post", "reply", "reply", "answer", "answer_accepted", "like_received", "like_received", "share", "follow", "content_fix", "event_attended"}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / time.Duration(n)
	writeLines(t, path, "id,member,kind,at,ref", n, func(i int) string {
		m := rng.IntN(rng.IntN(members) + 1)
		at := base.Add(time.Duration(i)*step + time.Duration(rng.IntN(600))*time.Second)
		return fmt.Sprintf("ev%06d,%s,%s,%s,https://forum.example/t/%d", i, handle(m), kinds[rng.IntN(len(kinds))], at.Format(time.RFC3339), i/5)
	})
}

func writeLines(t testing.TB, path, header string, n int, line func(int) string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header)
	for i := range n {
		fmt.Fprintln(w, line(i))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a small file for a test.
func writeFile(t testing.TB, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// corpus is the big import and what an uninterrupted run of it gives.
type corpus struct {
	members, events string // the files
	db              string // imported without interruption
	exports         map[string]string
	importTime      time.Duration // the uninterrupted import
	dryTime         time.Duration // the validating pass alone, on a full database
	oneEntryPerRow  bool          // each row wrote exactly one ledger entry
}

var shared struct {
	once sync.Once
	c    *corpus
	err  error
}

// theCorpus writes the corpus and imports it once, for all the tests that
// need it.
func theCorpus(t testing.TB) *corpus {
	t.Helper()
	shared.once.Do(func() {
		// Stays the error if makeCorpus stops the test that called it.
		shared.err = errors.New("making the corpus failed in the first test that needed it")
		shared.c, shared.err = makeCorpus(t)
	})
	if shared.err != nil {
		t.Fatalf("making the corpus: %v", shared.err)
	}
	return shared.c
}

func makeCorpus(t testing.TB) (*corpus, error) {
	dir := filepath.Join(scratch, "corpus")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &corpus{
		members: filepath.Join(dir, "members.csv"),
		events:  filepath.Join(dir, "events.csv"),
		db:      filepath.Join(dir, "uninterrupted.db"),
	}
	writeMembers(t, c.members, corpusMembers)
	writeEvents(t, c.events, corpusEvents, corpusMembers, corpusSeed)
	r := steward(t, c.importArgs(c.db)...)
	if r.code != 0 {
		return nil, fmt.Errorf("uninterrupted import: %v", r)
	}
	c.importTime = r.elapsed
	dry := steward(t, append(c.importArgs(c.db), "--dry-run")...)
	if dry.code != 0 {
		return nil, fmt.Errorf("dry run: %v", dry)
	}
	c.dryTime = dry.elapsed
	n := checkPasses(t, c.db)
	c.oneEntryPerRow = n.entries == corpusMembers+corpusEvents
	c.exports = exports(t, c.db)
	return c, nil
}

// importArgs is the corpus's import into db.
func (c *corpus) importArgs(db string) []string {
	return []string{"import", "--db", db, "--members", c.members, "--events", c.events, "--batch", fmt.Sprint(corpusBatch), "--quiet"}
}

// exports runs every compared export on db.
func exports(t testing.TB, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, kind := range compared {
		args := []string{"export", kind, "--db", db}
		if kind == "leaderboard" {
			args = append(args, "--limit", "100000")
		}
		out[kind] = must(t, args...).stdout
	}
	return out
}

// sameExports fails the test for each export of got that differs from
// want, naming the first line that differs.
func sameExports(t testing.TB, what string, want, got map[string]string) {
	t.Helper()
	for _, kind := range compared {
		if want[kind] == got[kind] {
			continue
		}
		wl, gl := strings.Split(want[kind], "\n"), strings.Split(got[kind], "\n")
		for i := 0; i < len(wl) || i < len(gl); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("%s: export %s differs at line %d (of %d vs %d):\n  want %q\n  got  %q", what, kind, i+1, len(wl), len(gl), w, g)
				break
			}
		}
	}
}

// table parses a CSV export into rows keyed by column name.
func table(t testing.TB, text string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("reading an export: %v\n%s", err, clip(text))
	}
	if len(recs) == 0 {
		t.Fatalf("an export without a header")
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

// exportTable runs an export and parses it.
func exportTable(t testing.TB, db, kind string) []map[string]string {
	t.Helper()
	return table(t, must(t, "export", kind, "--db", db).stdout)
}

// byKey indexes rows by one column.
func byKey(rows []map[string]string, col string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range rows {
		out[r[col]] = r
	}
	return out
}

// Members of the small communities get this welcome bonus, exactly ten
// coffee vouchers' worth: the races count in vouchers.
const (
	welcome     = 3000
	voucher     = "coffee-voucher"
	voucherCost = 300
	lastOnes    = 10 // rewards last-one-1… with a stock of one each
)

// newCommunity writes a small community of n members, each with exactly
// welcome points available, under a programme that adds lastOnes rewards
// with a stock of one.
func newCommunity(t testing.TB, dir string, n int) string {
	t.Helper()
	db := filepath.Join(dir, "community.db")
	prog := must(t, "program", "--show", "--db", db).stdout
	if !strings.Contains(prog, "\nwelcome_bonus = 10\n") {
		t.Fatalf("the default programme no longer has welcome_bonus = 10:\n%s", clip(prog))
	}
	prog = strings.Replace(prog, "\nwelcome_bonus = 10\n", fmt.Sprintf("\nwelcome_bonus = %d\n", welcome), 1)
	var b strings.Builder
	b.WriteString(prog)
	for i := 1; i <= lastOnes; i++ {
		fmt.Fprintf(&b, "\n[[rewards]]\nid = \"last-one-%d\"\nname = \"The last mug #%d\"\ncost = 50\nstock = 1\n", i, i)
	}
	must(t, "program", "--db", db, "--apply", writeFile(t, filepath.Join(dir, "programme.toml"), b.String()))
	members := filepath.Join(dir, "members.csv")
	writeLines(t, members, "handle,name,joined_at,tags,referred_by", n, func(i int) string {
		return fmt.Sprintf("%s,Member %d,2024-01-01,,", handle(i), i)
	})
	must(t, "import", "--db", db, "--members", members, "--quiet")
	return db
}

// requestsFile writes reward requests: id, member, reward.
func requestsFile(t testing.TB, path string, reqs [][3]string) string {
	t.Helper()
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	writeLines(t, path, "id,member,reward,at", len(reqs), func(i int) string {
		return fmt.Sprintf("%s,%s,%s,%s", reqs[i][0], reqs[i][1], reqs[i][2], base.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	})
	return path
}
