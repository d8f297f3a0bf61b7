package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bin is the steward binary TestMain builds once for every test; scratch
// is a folder every user can enter, for data shared between tests.
var bin, scratch string

// processTimeout bounds every process a test starts: a hang is a failure,
// not a stuck test run.
const processTimeout = 60 * time.Second

// The test binary doubles as a helper that holds the database, so a test
// can show what a command does when another process keeps the file.
const (
	holdEnv    = "STEWARD_E2E_HOLD"     // the database to hold
	holdForEnv = "STEWARD_E2E_HOLD_FOR" // for how long
)

func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		os.Exit(hold(path))
	}
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "steward-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	// The read-only tests run the binary as another user: let them in.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	scratch = dir
	bin = filepath.Join(dir, "steward")
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		fmt.Fprintf(os.Stderr, "e2e: cannot find the module root (go env GOMOD: %v)\n", err)
		return 2
	}
	build := exec.Command("go", "build", "-o", bin, "steward")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build steward: %v\n%s", err, out)
		return 2
	}
	return m.Run()
}

// hold opens the database read-write, so that it has it alone, says so on
// standard output and keeps it until its time is up or it is killed.
func hold(path string) int {
	d, err := time.ParseDuration(os.Getenv(holdForEnv))
	if err != nil {
		d = time.Minute
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hold:", err)
		return 1
	}
	fmt.Println("holding")
	time.Sleep(d)
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "hold:", err)
		return 1
	}
	return 0
}

// result is one finished process.
type result struct {
	args     []string
	code     int // the exit code; 128+n when killed by signal n
	signaled bool
	stdout   string
	stderr   string
	elapsed  time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("`steward %s` exited %d after %s\nstdout: %s\nstderr: %s",
		strings.Join(r.args, " "), r.code, r.elapsed.Round(time.Millisecond), clip(r.stdout), clip(r.stderr))
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:1000] + "\n…\n" + s[len(s)-1000:]
	}
	return s
}

// childEnv is the environment of every steward the tests start: nothing
// from the developer's own setup leaks in.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "STEWARD_") || strings.HasPrefix(kv, "XDG_DATA_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1")
}

// stewardCmd prepares a steward process without starting it.
func stewardCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv()
	return cmd
}

// steward runs the binary to the end.
func steward(t testing.TB, args ...string) result {
	t.Helper()
	return runCmd(t, stewardCmd(args...), args)
}

// must runs the binary and fails the test unless it exits 0.
func must(t testing.TB, args ...string) result {
	t.Helper()
	r := steward(t, args...)
	if r.code != 0 {
		t.Fatalf("setup failed: %v", r)
	}
	return r
}

// background starts steward and delivers its result when it ends.
func background(t testing.TB, args ...string) chan result {
	t.Helper()
	cmd := stewardCmd(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting steward: %v", err)
	}
	done := make(chan result, 1)
	go func() {
		timer := time.AfterFunc(processTimeout, func() { cmd.Process.Kill() })
		err := cmd.Wait()
		timer.Stop()
		r := finished(cmd, err, args, time.Since(start))
		r.stdout, r.stderr = out.String(), errb.String()
		done <- r
	}()
	return done
}

// runCmd runs a prepared command to the end, killing it if it hangs.
func runCmd(t testing.TB, cmd *exec.Cmd, args []string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	timer := time.AfterFunc(processTimeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	hung := !timer.Stop()
	r := finished(cmd, err, args, time.Since(start))
	r.stdout, r.stderr = out.String(), errb.String()
	if hung {
		t.Errorf("hung: killed after %s: %v", processTimeout, r)
	}
	return r
}

// finished reads a waited-for command's fate.
func finished(cmd *exec.Cmd, err error, args []string, elapsed time.Duration) result {
	r := result{args: args, elapsed: elapsed, code: -1}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.signaled = true
		r.code = 128 + int(ws.Signal())
		return r
	}
	r.code = cmd.ProcessState.ExitCode()
	return r
}

// trace matches what the Go runtime prints when a program dies of a panic
// or a fault: never what a user should see. (steward's own lines start
// with "steward: ", so a contained "panic: …" inside one is not a trace.)
var trace = regexp.MustCompile(`(?m)^(panic|fatal error): |goroutine \d+ \[|\[signal |\.go:\d+ \+0x`)

// clean fails the test when a process died of a signal, printed a stack
// trace, or wrote a line to stderr that is not one of steward's own.
func clean(t testing.TB, r result) {
	t.Helper()
	if r.signaled || r.code < 0 || r.code > 2 {
		t.Errorf("want exit 0, 1 or 2, got %d: %v", r.code, r)
	}
	if trace.MatchString(r.stderr) { // the runtime writes traces to stderr
		t.Errorf("a Go stack trace reached the user: %v", r)
	}
	for _, l := range lines(r.stderr) {
		if !strings.HasPrefix(l, "steward: ") && !strings.HasPrefix(l, "audit chain head: ") {
			t.Errorf("stderr line %q is not steward's own message: %v", l, r)
		}
	}
}

// oneLine asserts the shape of every failure a user can meet: exit code
// want, exactly one line on stderr, and no stack trace.
func oneLine(t testing.TB, r result, want int) {
	t.Helper()
	clean(t, r)
	if r.code != want {
		t.Errorf("want exit %d, got %d: %v", want, r.code, r)
	}
	if n := len(lines(r.stderr)); n != 1 {
		t.Errorf("want one line on stderr, got %d: %v", n, r)
	}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// checkPasses runs `steward check` on db and fails the test unless it
// passes; it returns what check counted.
func checkPasses(t testing.TB, db string) checkCounts {
	t.Helper()
	r := steward(t, "check", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "check passed") {
		t.Errorf("check failed on %s: %v", db, r)
	}
	return parseCheck(r.stdout)
}

// checkCounts are the numbers `steward check` prints.
type checkCounts struct{ members, entries, audit int }

var checkLine = regexp.MustCompile(`(\d+) members, (\d+) ledger entries, (\d+) audit entries`)

func parseCheck(stdout string) checkCounts {
	m := checkLine.FindStringSubmatch(stdout)
	if m == nil {
		return checkCounts{-1, -1, -1}
	}
	var c checkCounts
	fmt.Sscan(m[1], &c.members)
	fmt.Sscan(m[2], &c.entries)
	fmt.Sscan(m[3], &c.audit)
	return c
}

// needTool skips the test when a program it needs is not installed.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("needs %s, which is not installed", name)
	}
	return p
}
