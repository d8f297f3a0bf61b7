package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// holdFile starts a process that holds db read-write for d (this test
// binary, in its holding role) and returns once it holds it.
func holdFile(t *testing.T, db string, d time.Duration) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(childEnv(), holdEnv+"="+db, holdForEnv+"="+d.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "holding\n" {
		t.Fatalf("the holder did not take the file: %q %v", line, err)
	}
	return cmd
}

// TestHeldFileGivesUpWithinWait holds the database in another process
// beyond --wait: a write and a read each exit 2 within --wait + 1 s with
// one line that names the holding process, and leave the holder's lock
// alone.
func TestHeldFileGivesUpWithinWait(t *testing.T) {
	db := newCommunity(t, t.TempDir(), 3)
	holder := holdFile(t, db, time.Minute)
	const wait = time.Second
	for _, args := range [][]string{
		{"award", "--member", handle(0), "--points", "5", "--reason", "thanks"},
		{"export", "members"},
		{"check"},
	} {
		r := steward(t, append(args, "--db", db, "--wait", wait.String())...)
		oneLine(t, r, 2)
		if r.elapsed < wait || r.elapsed > wait+time.Second {
			t.Errorf("`steward %s` gave up after %s; want between --wait (%s) and --wait + 1 s", args[0], r.elapsed.Round(time.Millisecond), wait)
		}
		want := fmt.Sprintf("process %d", holder.Process.Pid)
		if _, err := os.Stat("/proc/locks"); err != nil {
			want = "" // the holder can only be named where /proc/locks tells
		}
		if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "busy") {
			t.Errorf("the message does not say the file is busy and name the holder (%s): %v", want, r)
		}
	}
	if holder.ProcessState != nil {
		t.Fatalf("the holder ended while the others waited")
	}
	holder.Process.Kill()
	holder.Wait()
	must(t, "award", "--db", db, "--member", handle(0), "--points", "5", "--reason", "thanks")
}

// TestWaitingCommandGetsItsTurn holds the database for less than --wait:
// the command waits for the holder to let go, then succeeds.
func TestWaitingCommandGetsItsTurn(t *testing.T) {
	db := newCommunity(t, t.TempDir(), 3)
	const held = 700 * time.Millisecond
	holdFile(t, db, held)
	r := must(t, "award", "--db", db, "--member", handle(0), "--points", "5", "--reason", "thanks", "--wait", "10s")
	if r.elapsed > held+3*time.Second {
		t.Errorf("the award took %s after a hold of %s", r.elapsed, held)
	}
	checkPasses(t, db)
}

// TestScriptImportWhileConsoleIsOpen runs a script's import of 100,000
// events (default batches) while a console works on the same database — a
// short read every few milliseconds, an award now and then: the import,
// every read and every award succeed without anyone closing anything, and
// the awards are all in the ledger afterwards.
func TestScriptImportWhileConsoleIsOpen(t *testing.T) {
	c := theCorpus(t)
	db := filepath.Join(t.TempDir(), "shared.db")
	must(t, "import", "--db", db, "--members", c.members, "--quiet")
	done := background(t, "import", "--db", db, "--events", c.events, "--quiet")

	var (
		mu             sync.Mutex
		reads, awards  int
		slowest        time.Duration
		failures       []result
		consoleStopped = make(chan struct{})
	)
	stop := make(chan struct{})
	go func() {
		defer close(consoleStopped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			args := []string{"export", "members", "--db", db}
			if i%4 == 3 {
				args = []string{"award", "--db", db, "--by", "console", "--member", handle(i % corpusMembers), "--points", "1", "--reason", fmt.Sprintf("console-%d", i)}
			}
			cmd := stewardCmd(args...)
			start := time.Now()
			out, err := cmd.Output()
			r := finished(cmd, err, args, time.Since(start))
			mu.Lock()
			switch {
			case r.code != 0:
				if ee, ok := err.(*exec.ExitError); ok {
					r.stderr = string(ee.Stderr)
				}
				failures = append(failures, r)
			case args[0] == "export" && len(lines(string(out))) != corpusMembers+1:
				r.stdout = string(out)
				failures = append(failures, r)
			case args[0] == "export":
				reads++
			default:
				awards++
			}
			slowest = max(slowest, r.elapsed)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	imp := <-done
	close(stop)
	<-consoleStopped
	if imp.code != 0 {
		t.Errorf("the script's import failed while a console was open: %v", imp)
	}
	for _, f := range failures {
		t.Errorf("the console's command failed during the import: %v", f)
	}
	t.Logf("during a %s import: %d reads and %d awards, the slowest %s", imp.elapsed.Round(time.Millisecond), reads, awards, slowest.Round(time.Millisecond))
	if reads < 3 {
		t.Errorf("only %d reads ran during the import: the test proved little", reads)
	}
	checkPasses(t, db)
	got := 0
	for _, e := range exportTable(t, db, "ledger") {
		if e["type"] == "awarded" && strings.HasPrefix(e["why"], "console-") {
			got++
		}
	}
	if got != awards {
		t.Errorf("%d awards succeeded during the import, %d are in the ledger", awards, got)
	}
}
