package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBackupDuringImportIsConsistentSnapshot takes backups at seeded
// moments while another process imports 100,000 events: every backup
// passes `steward check` and its ledger is a prefix of the final ledger —
// a snapshot between two batches, never a mix.
func TestBackupDuringImportIsConsistentSnapshot(t *testing.T) {
	c := theCorpus(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	must(t, "import", "--db", db, "--members", c.members, "--quiet")
	rng := rand.New(rand.NewPCG(crashSeed, 5))
	done := background(t, "import", "--db", db, "--events", c.events, "--batch", fmt.Sprint(corpusBatch), "--quiet")

	var backups []string
	running := true
	for i := 0; running && i < 8; i++ {
		select {
		case r := <-done:
			running = false
			done <- r
		case <-time.After(time.Duration(rng.Int64N(int64(c.importTime / 4)))):
			out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
			r := steward(t, "backup", "--db", db, "--out", out)
			if r.code != 0 || !strings.Contains(r.stdout, "backup written to "+out) {
				t.Errorf("a backup during an import failed: %v", r)
				continue
			}
			backups = append(backups, out)
		}
	}
	if r := <-done; r.code != 0 {
		t.Fatalf("the import failed: %v", r)
	}
	final := must(t, "export", "ledger", "--db", db).stdout
	mid := 0
	for _, b := range backups {
		checkPasses(t, b)
		ledger := must(t, "export", "ledger", "--db", b).stdout
		if !strings.HasPrefix(final, ledger) {
			t.Errorf("%s: its ledger (%d lines) is not a prefix of the final ledger", b, len(lines(ledger)))
		}
		n := len(lines(ledger)) - 1
		if n > corpusMembers && n < corpusMembers+corpusEvents {
			mid++
		}
		if c.oneEntryPerRow && (n-corpusMembers)%corpusBatch != 0 {
			t.Errorf("%s: %d ledger entries: not a whole number of batches", b, n)
		}
	}
	t.Logf("%d backups, %d of them taken part-way through the import", len(backups), mid)
	if mid == 0 {
		t.Errorf("no backup was taken part-way through the import: the test proved nothing about snapshots")
	}
}

// apply applies a programme file and returns the backup it says it wrote.
func apply(t *testing.T, db, file string) string {
	t.Helper()
	r := must(t, "program", "--db", db, "--apply", file)
	m := regexp.MustCompile(`backup of the database before the change: (.+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("`program --apply` does not say where its backup is: %v", r)
	}
	return strings.TrimSpace(m[1])
}

// TestProgramApplyWritesBackupFirst applies a new programme and finds the
// backup it says it wrote: beside the database, passing `steward check`,
// holding the programme and ledger from before the change.
func TestProgramApplyWritesBackupFirst(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, 20)
	oldProg := must(t, "program", "--show", "--db", db).stdout
	oldLedger := must(t, "export", "ledger", "--db", db).stdout
	newProg := strings.Replace(oldProg, "\nwelcome_bonus = 3000\n", "\nwelcome_bonus = 25\n", 1)
	backup := apply(t, db, writeFile(t, filepath.Join(dir, "new.toml"), newProg))
	if filepath.Dir(backup) != filepath.Dir(db) {
		t.Errorf("the backup %s is not beside the database %s", backup, db)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatalf("the backup it names is not there: %v", err)
	}
	checkPasses(t, backup)
	if got := must(t, "program", "--show", "--db", backup).stdout; got != oldProg {
		t.Errorf("the backup does not hold the programme from before the change")
	}
	if got := must(t, "export", "ledger", "--db", backup).stdout; got != oldLedger {
		t.Errorf("the backup's ledger differs from the ledger before the change")
	}
	if got := must(t, "program", "--show", "--db", db).stdout; !strings.Contains(got, "\nwelcome_bonus = 25\n") {
		t.Errorf("the programme was not applied")
	}
}

// programmeBackupBug was a defect this test found: the backup's name had
// the time to the second, so a second apply within that second replaced
// the first one's backup. A later backup now gets a number.
const programmeBackupBug = "two `program --apply` within a second write the same backup name " +
	"(store/programme.go: <db>.before-programme-<second>.bak); the second overwrites the first's backup"

// TestEveryProgramApplyKeepsItsOwnBackup applies two programmes one right
// after the other, as a script would: each keeps its own backup, holding
// the programme from before it.
func TestEveryProgramApplyKeepsItsOwnBackup(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, 5)
	p0 := must(t, "program", "--show", "--db", db).stdout
	p1 := strings.Replace(p0, "\nwelcome_bonus = 3000\n", "\nwelcome_bonus = 25\n", 1)
	p2 := strings.Replace(p0, "\nwelcome_bonus = 3000\n", "\nwelcome_bonus = 40\n", 1)
	b1 := apply(t, db, writeFile(t, filepath.Join(dir, "p1.toml"), p1))
	b2 := apply(t, db, writeFile(t, filepath.Join(dir, "p2.toml"), p2))
	if b1 == b2 {
		t.Fatal(programmeBackupBug)
	}
	if got := must(t, "program", "--show", "--db", b1).stdout; got != p0 {
		t.Errorf("the first backup (%s) no longer holds the programme from before the first change", b1)
	}
	if got := must(t, "program", "--show", "--db", b2).stdout; got != p1 {
		t.Errorf("the second backup (%s) does not hold the programme from before the second change", b2)
	}
}
