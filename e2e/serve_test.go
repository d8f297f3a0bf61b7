package e2e

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// needSSH returns the OpenSSH client, or skips the test where it is missing.
func needSSH(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("ssh (the OpenSSH client) is not installed; the test of `steward serve` connects with it (apt-get install openssh-client)")
	}
	return path
}

// moderatorKey writes a new private key where ssh -i reads it and returns
// its line for the moderators file.
func moderatorKey(t *testing.T, path, name string) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))) + " " + name
}

// TestModeratorOverSSH starts `steward serve` and connects to it with the
// real ssh client in tmux, as a moderator would: the console shows, a
// decision is recorded under the name the moderators file gives the key,
// a script's import shows up in the open session, and the server stops
// cleanly on SIGTERM.
func TestModeratorOverSSH(t *testing.T) {
	needTmux(t)
	sshBin := needSSH(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	must(t, "demo", "--db", db, "--seed", "1")
	before := exportAll(t, db)
	pending := len(pendingOldestFirst(t, before.redemptions))
	members := len(before.members)

	key := filepath.Join(dir, "alice_key")
	mods := writeFile(t, filepath.Join(dir, "moderators"), "# the moderators\n"+moderatorKey(t, key, "alice")+"\n")
	hostKey := filepath.Join(dir, "host", "ssh_host_ed25519")

	srv := stewardCmd("serve", "--db", db, "--listen", "127.0.0.1:0", "--moderators", mods, "--host-key", hostKey)
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	logged := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged <- sc.Text()
		}
		close(logged)
	}()
	var log []string
	nextLine := func(what string) string {
		t.Helper()
		select {
		case l, ok := <-logged:
			if !ok {
				t.Fatalf("the server ended while the test waited for %s; it said:\n%s", what, strings.Join(log, "\n"))
			}
			log = append(log, l)
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("the server did not say %s; it said:\n%s", what, strings.Join(log, "\n"))
		}
		return ""
	}
	m := regexp.MustCompile(`over SSH on 127\.0\.0\.1:(\d+) to the 1 moderators of `).FindStringSubmatch(nextLine("where it listens"))
	if m == nil {
		t.Fatalf("the server's first line does not say where it listens: %q", log[0])
	}
	port := m[1]
	if l := nextLine("its host key"); !strings.HasPrefix(l, "steward: host key SHA256:") {
		t.Fatalf("the second line is not the host key's fingerprint: %q", l)
	}

	// The host key the server wrote is the one ssh must see: pin it.
	pub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatalf("the server wrote no public host key beside its key: %v", err)
	}
	known := writeFile(t, filepath.Join(dir, "known_hosts"), fmt.Sprintf("[127.0.0.1]:%s %s", port, pub))

	tm := startTmux(t, 120, 36, childEnv())
	sshArgv := []string{sshBin, "-F", "/dev/null", "-t", "-p", port, "-i", key,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + known,
		"moderator@127.0.0.1"}
	con := tm.window("alice", sshArgv...)
	con.waitFor("as alice", fmt.Sprintf("3 Approvals %d", pending), fmt.Sprintf("Members · %d", members))
	if l := nextLine("the connection"); !strings.Contains(l, "alice connected from 127.0.0.1:") || !strings.Contains(l, "120×36") {
		t.Errorf("the log line for the connection is %q", l)
	}

	con.keys("3")
	con.waitFor(fmt.Sprintf("Approvals · %d pending", pending))
	con.keys("y")
	con.waitFor("✓ approved", fmt.Sprintf("3 Approvals %d", pending-1))

	// A script imports a member while the session is open.
	newcomers := writeFile(t, filepath.Join(dir, "newcomer.csv"), "handle,name,joined_at,tags,referred_by\nnewcomer.over.ssh,New Comer,2026-01-01,,\n")
	must(t, "import", "--db", db, "--members", newcomers, "--quiet")
	con.keys("1")
	con.waitFor(fmt.Sprintf("Members · %d", members+1))

	con.keys("q")
	if l := nextLine("the departure"); !strings.Contains(l, "alice left after") {
		t.Errorf("the log line for the departure is %q", l)
	}
	after := exportAll(t, db)
	found := false
	for _, a := range after.audit[len(before.audit):] {
		if a["action"] == "approve" {
			found = true
			if a["actor"] != "alice" {
				t.Errorf("the approval over SSH is recorded as %q, not alice", a["actor"])
			}
		}
	}
	if !found {
		t.Error("the approval over SSH is not in the audit log")
	}

	// Stopping the server with a console open ends that console first:
	// the moderator's terminal leaves the console's screen and says why.
	// ssh runs under a shell that outlives it: tmux drops the last lines
	// of a pane whose program has just exited, and the line that says why
	// the console ended is one of them.
	var quoted []string
	for _, a := range sshArgv {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	again := tm.window("alice-again", "sh", "-c", strings.Join(quoted, " ")+"; echo ssh ended; sleep 60")
	again.waitFor("as alice", fmt.Sprintf("Members · %d", members+1))
	nextLine("the second connection")
	start := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	again.waitUntil("the console's screen gone and the reason shown", func(sc []string) bool {
		all := strings.Join(sc, "\n")
		return strings.Contains(all, "the server was stopped; every decision you made is saved\n") && strings.Contains(all, "ssh ended") && !strings.Contains(all, "as alice")
	})
	for l := range logged {
		log = append(log, l)
	}
	if err := srv.Wait(); err != nil {
		t.Errorf("the server did not exit 0 on SIGTERM: %v\n%s", err, strings.Join(log, "\n"))
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("the server took %s to stop", d)
	}
	if !strings.Contains(strings.Join(log, "\n"), "steward: stopping") {
		t.Errorf("the server did not say it was stopping:\n%s", strings.Join(log, "\n"))
	}
}

// TestServeRefusesToStartWithoutModerators: a missing moderators file is
// an error a script sees, with the file named, not a server nobody can use.
func TestServeRefusesToStartWithoutModerators(t *testing.T) {
	dir := t.TempDir()
	mods := filepath.Join(dir, "moderators")
	r := steward(t, "serve", "--db", filepath.Join(dir, "c.db"), "--listen", "127.0.0.1:0", "--moderators", mods, "--host-key", filepath.Join(dir, "hk"))
	if r.code != 2 || !strings.Contains(r.stderr, "no moderators file at "+mods) {
		t.Errorf("want exit 2 naming the file; got %v", r)
	}
}
