package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"steward/demo"
	"steward/keymap"
	"steward/store"
)

// key is a moderator's key pair, and its line for the moderators file.
type key struct {
	signer gossh.Signer
	line   string
}

func newKey(t *testing.T, name string) key {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	if name != "" {
		line += " " + name
	}
	return key{signer, line}
}

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a server on a small demo community, listening on a free port.
type fixture struct {
	dir, db, moderators, addr string
	srv                       *Server
	log                       *syncBuffer
}

func serveDemo(t *testing.T, moderators ...key) *fixture {
	t.Helper()
	return serveDemoWith(t, func(*Config) {}, moderators...)
}

// serveDemoWith is serveDemo with the server's configuration changed by
// set.
func serveDemoWith(t *testing.T, set func(*Config), moderators ...key) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{dir: dir, db: filepath.Join(dir, "community.db"), moderators: filepath.Join(dir, "moderators"), log: &syncBuffer{}}
	if _, err := demo.Write(store.Open(f.db, store.Options{Actor: "demo"}), demo.Options{Members: 40, Days: 30, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	f.writeModerators(t, moderators...)
	cfg := Config{DB: f.db, HostKey: filepath.Join(dir, "host_key"), Moderators: f.moderators, Keys: keymap.Default(), Log: f.log}
	set(&cfg)
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.addr = srv, l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close(5 * time.Second) })
	return f
}

func (f *fixture) writeModerators(t *testing.T, keys ...key) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# who may connect\n")
	for _, k := range keys {
		b.WriteString(k.line + "\n")
	}
	if err := os.WriteFile(f.moderators, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// waitLog waits until the server has logged text: it logs a refusal
// after the client has heard it.
func (f *fixture) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(f.log.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the server's log lacks %q:\n%s", text, f.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *fixture) dial(k key) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User:            "moderator",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(k.signer)},
		HostKeyCallback: gossh.FixedHostKey(f.srv.HostKey()),
		Timeout:         5 * time.Second,
	})
}

// terminal is a moderator's SSH session with a terminal, and what it has
// shown so far.
type terminal struct {
	sess *gossh.Session
	in   io.Writer
	out  *syncBuffer
}

func (f *fixture) open(t *testing.T, k key) *terminal {
	t.Helper()
	client, err := f.dial(k)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{sess: sess, out: &syncBuffer{}}
	sess.Stdout, sess.Stderr = term.out, term.out
	if term.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return term
}

// console opens a session as k's holder and waits for their console,
// answering the terminal questions it asks first.
func (f *fixture) console(t *testing.T, k key, name string) *terminal {
	t.Helper()
	term := f.open(t, k)
	term.answerProbe(t)
	term.waitFor(t, "as "+name)
	return term
}

// answerProbe answers the console's questions to the terminal as xterm
// does: a black background, then its attributes.
func (term *terminal) answerProbe(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(term.out.String(), probe) {
		if time.Now().After(deadline) {
			t.Fatalf("the console never asked the terminal for its colours; it sent %q", term.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	term.press(t, "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
}

// waitFor waits until the screen has shown text.
func (term *terminal) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ansi.Strip(term.out.String()), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it showed:\n%s", text, ansi.Strip(term.out.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (term *terminal) press(t *testing.T, keys string) {
	t.Helper()
	if _, err := io.WriteString(term.in, keys); err != nil {
		t.Fatal(err)
	}
}

func lastAudit(t *testing.T, db string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := store.Open(db, store.Options{}).Export(&b, "audit", store.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	return lines[len(lines)-1]
}

func TestAModeratorDecidesOverSSHUnderTheirName(t *testing.T) {
	alice := newKey(t, "alice")
	f := serveDemo(t, alice)
	term := f.console(t, alice, "alice")
	term.waitFor(t, "Members ·")
	term.press(t, "3")
	term.waitFor(t, "Approvals ·")
	term.press(t, "y")
	term.waitFor(t, "✓ approved")
	term.press(t, "q")
	if err := term.sess.Wait(); err != nil {
		t.Fatalf("the session did not end cleanly on q: %v", err)
	}
	if got := lastAudit(t, f.db); !strings.Contains(got, ",alice,approve,") {
		t.Errorf("the approval is recorded as %q, not under alice", got)
	}
	for _, want := range []string{"alice connected from 127.0.0.1:", "(xterm-256color, 120×40)", "alice left after"} {
		f.waitLog(t, want)
	}
}

func TestTwoModeratorsWorkAtOnceAndSeeEachOthersDecisions(t *testing.T) {
	alice, bob := newKey(t, "alice"), newKey(t, "bob")
	f := serveDemo(t, alice, bob)
	counts, err := store.Open(f.db, store.Options{}).Counts()
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.console(t, alice, "alice"), f.console(t, bob, "bob")
	before := "3 Approvals " + strconv.Itoa(counts.Pending)
	b.waitFor(t, before)
	a.press(t, "3")
	a.waitFor(t, "Approvals ·")
	a.press(t, "y")
	a.waitFor(t, "✓ approved")
	// Bob's console sees the change on the file within its poll.
	b.waitFor(t, "3 Approvals "+strconv.Itoa(counts.Pending-1))
	b.press(t, "4")
	b.waitFor(t, "Reports ·")
	if got := lastAudit(t, f.db); !strings.Contains(got, ",alice,approve,") {
		t.Errorf("last audit entry %q is not alice's approval", got)
	}
}

func TestAKeyNotInTheFileIsRefused(t *testing.T) {
	alice, mallory := newKey(t, "alice"), newKey(t, "mallory")
	f := serveDemo(t, alice)
	if _, err := f.dial(mallory); err == nil {
		t.Fatal("a key that is not in the moderators file was let in")
	}
	f.waitLog(t, "none of the keys it offered is in the moderators file")
}

func TestTheModeratorsFileIsReadAtEachLogin(t *testing.T) {
	alice, bob := newKey(t, "alice"), newKey(t, "bob")
	f := serveDemo(t, alice)
	if _, err := f.dial(bob); err == nil {
		t.Fatal("bob got in before he was added")
	}
	f.writeModerators(t, bob)
	c, err := f.dial(bob)
	if err != nil {
		t.Fatalf("bob, just added, was refused: %v", err)
	}
	c.Close()
	if _, err := f.dial(alice); err == nil {
		t.Fatal("alice, just removed, got in")
	}
}

func TestASessionWithoutATerminalIsTurnedAway(t *testing.T) {
	alice := newKey(t, "alice")
	f := serveDemo(t, alice)
	for _, tc := range []struct{ command, want string }{
		{"", "connect with `ssh -t`"},
		{"export audit", "run `steward export audit` on the server itself"},
	} {
		client, err := f.dial(alice)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := client.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		sess.Stdout, sess.Stderr = &out, &out
		if tc.command == "" {
			err = sess.Shell()
			if err == nil {
				err = sess.Wait()
			}
		} else {
			err = sess.Run(tc.command)
		}
		var exit *gossh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() != 2 {
			t.Errorf("%q: ended with %v, want exit status 2", tc.command, err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%q: said %q, want %q", tc.command, out.String(), tc.want)
		}
		client.Close()
	}
	f.waitLog(t, "alice from 127.0.0.1:")
	f.waitLog(t, "turned away: it has no terminal")
	f.waitLog(t, "turned away: it asked to run a command")
}

func TestTheServerWillNotStartWithNobodyToLetIn(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DB: filepath.Join(dir, "c.db"), HostKey: filepath.Join(dir, "hk"), Moderators: filepath.Join(dir, "moderators")}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "no moderators file at "+cfg.Moderators) {
		t.Errorf("missing file: got %v", err)
	}
	os.WriteFile(cfg.Moderators, []byte("# nobody yet\n\n"), 0o600)
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "lists no key") {
		t.Errorf("empty file: got %v", err)
	}
	os.WriteFile(cfg.Moderators, []byte("# one bad line\nssh-ed25519 nonsense alice\n"), 0o600)
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), cfg.Moderators+":2: not a public key") {
		t.Errorf("bad line: got %v", err)
	}
}

func TestHostKeyIsWrittenOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	alice := newKey(t, "alice")
	mods := filepath.Join(dir, "moderators")
	os.WriteFile(mods, []byte(alice.line+"\n"), 0o600)
	cfg := Config{DB: filepath.Join(dir, "c.db"), HostKey: filepath.Join(dir, "keys", "host"), Moderators: mods}
	first, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.HostKey().Marshal(), second.HostKey().Marshal()) {
		t.Error("a second start made a new host key: moderators would be warned of a changed host")
	}
	fi, err := os.Stat(cfg.HostKey)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the host key is readable by others: %v", fi.Mode().Perm())
	}
}

func TestStoppingTheServerEndsEachConsoleCleanly(t *testing.T) {
	alice := newKey(t, "alice")
	f := serveDemo(t, alice)
	term := f.console(t, alice, "alice")
	start := time.Now()
	if err := f.srv.Close(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stopping took %s with one console open", d)
	}
	if err := term.sess.Wait(); err != nil {
		t.Errorf("the session did not end cleanly: %v", err)
	}
	out := term.out.String()
	if !strings.Contains(out, "\x1b[?1049l") {
		t.Error("the console did not leave the alternate screen: the moderator's terminal is left as the console drew it")
	}
	if !strings.Contains(out, "the server was stopped; every decision you made is saved") {
		t.Errorf("the moderator is not told why the console ended:\n%q", out[max(0, len(out)-300):])
	}
	if _, err := f.dial(alice); err == nil {
		t.Error("a stopped server still takes connections")
	}
}

func TestAModeratorsFileBrokenWhileServingRefusesEveryoneAndSaysWhy(t *testing.T) {
	alice := newKey(t, "alice")
	f := serveDemo(t, alice)
	if err := os.WriteFile(f.moderators, []byte(alice.line+"\nnot a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.dial(alice); err == nil {
		t.Fatal("alice got in through a moderators file with a bad line")
	}
	f.waitLog(t, "refusing every key until the moderators file is fixed: "+f.moderators+":2: not a public key")
	f.writeModerators(t, alice)
	c, err := f.dial(alice)
	if err != nil {
		t.Fatalf("alice is still refused once the file is fixed: %v", err)
	}
	c.Close()
}

// TestTheServerServesAtMostMaxSessions: the session beyond the limit is
// told why and turned away; once a console closes, there is room again.
func TestTheServerServesAtMostMaxSessions(t *testing.T) {
	alice, bob := newKey(t, "alice"), newKey(t, "bob")
	f := serveDemoWith(t, func(c *Config) { c.MaxSessions = 1 }, alice, bob)
	first := f.console(t, alice, "alice")

	over := f.open(t, bob)
	err := over.sess.Wait()
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 2 {
		t.Errorf("the session over the limit ended with %v, want exit status 2", err)
	}
	if got := over.out.String(); !strings.Contains(got, "already serves 1 consoles, as many as it may (--max-sessions)") {
		t.Errorf("the session over the limit was told %q", got)
	}
	f.waitLog(t, "bob from 127.0.0.1:")
	f.waitLog(t, "turned away: 1 consoles are open, the most allowed")

	first.press(t, "q")
	if err := first.sess.Wait(); err != nil {
		t.Fatalf("alice's console ended with %v", err)
	}
	f.waitLog(t, "alice left after")
	f.console(t, bob, "bob")
}

// TestAnIdleConsoleIsEnded: keys keep a console open; silence for the
// idle limit ends it, cleanly, saying why.
func TestAnIdleConsoleIsEnded(t *testing.T) {
	alice := newKey(t, "alice")
	const idle = 600 * time.Millisecond
	f := serveDemoWith(t, func(c *Config) { c.Idle = idle }, alice)
	term := f.console(t, alice, "alice")
	ended := make(chan error, 1)
	go func() { ended <- term.sess.Wait() }()
	for range 6 { // 1.2 s of a key every 200 ms: twice the limit, and open
		time.Sleep(idle / 3)
		term.press(t, "j")
	}
	select {
	case err := <-ended:
		t.Fatalf("a console in use was ended (%v):\n%s", err, ansi.Strip(term.out.String()))
	default:
	}
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("the idle console ended with %v, want a clean end", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the console is still open 5 s after its last key")
	}
	out := ansi.Strip(term.out.String())
	if !strings.Contains(out, "the console ended after 600ms without a key; every decision you made is saved") {
		t.Errorf("the moderator was not told why:\n%s", out)
	}
	if !strings.Contains(term.out.String(), "\x1b[?1049l") {
		t.Error("the console did not leave the alternate screen")
	}
	f.waitLog(t, "alice's console ended after 600ms without a key")
}
