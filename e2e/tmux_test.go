package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The console tests drive the built binary in tmux, as a moderator's
// terminal would: keys go in with send-keys, the screen comes back with
// capture-pane, and every wait polls the screen instead of sleeping.

const (
	// screenPoll is how often a wait looks at the screen again.
	screenPoll = 50 * time.Millisecond
	// screenWait bounds a wait for something to appear on screen.
	screenWait = 10 * time.Second
)

// tmuxServer is one tmux server on a socket of its own, started without
// any configuration (-f /dev/null), so that neither the developer's tmux
// nor another test shares it. The server is killed when the test ends.
type tmuxServer struct {
	t    testing.TB
	sock string
	env  []string
}

// needTmux skips the test when tmux is not installed.
func needTmux(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: the end-to-end console test needs it; .ci/run installs it")
	}
}

// startTmux starts a server with one session of w×h cells whose only
// window waits on `cat` until the test opens its own windows. Every
// window of the server is w×h. Panes keep their last screen after their
// program ends (remain-on-exit), so that a test can read how it ended.
// env is the environment of the server and so of every program it runs.
func startTmux(t testing.TB, w, h int, env []string) *tmuxServer {
	t.Helper()
	needTmux(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	s := &tmuxServer{t: t, sock: "steward-e2e-" + hex.EncodeToString(b[:]), env: withoutTmux(env)}
	var socket string
	t.Cleanup(func() {
		s.run("kill-server") // the server may already be gone: ignore errors
		if socket != "" {
			os.Remove(socket) // tmux leaves its socket behind
		}
	})
	s.must("new-session", "-d", "-s", "e2e", "-n", "idle", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "--", "cat",
		";", "set-option", "-g", "remain-on-exit", "on",
		";", "set-option", "-g", "default-size", fmt.Sprintf("%dx%d", w, h))
	socket = strings.TrimSpace(s.must("display-message", "-p", "#{socket_path}"))
	return s
}

// withoutTmux drops the variables that would tell tmux it runs inside
// another tmux (when the tests themselves run in one).
func withoutTmux(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "TMUX=") || strings.HasPrefix(kv, "TMUX_PANE=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// run runs a tmux command on the server and returns its standard output.
func (s *tmuxServer) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", s.sock, "-f", os.DevNull}, args...)...)
	cmd.Env = s.env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// must runs a tmux command and stops the test if it fails.
func (s *tmuxServer) must(args ...string) string {
	s.t.Helper()
	out, err := s.run(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// window opens a window named name running argv (directly, no shell) and
// returns its pane.
func (s *tmuxServer) window(name string, argv ...string) *tmuxPane {
	s.t.Helper()
	args := append([]string{"new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "e2e:", "-n", name, "--"}, argv...)
	id := strings.TrimSpace(s.must(args...))
	if !strings.HasPrefix(id, "%") {
		s.t.Fatalf("new-window did not name its pane: %q", id)
	}
	return &tmuxPane{s: s, id: id}
}

// buffers lists the server's paste buffers, one line each.
func (s *tmuxServer) buffers() []string {
	s.t.Helper()
	return lines(s.must("list-buffers", "-F", "#{buffer_name}: #{buffer_sample}"))
}

// clearBuffers deletes every paste buffer.
func (s *tmuxServer) clearBuffers() {
	s.t.Helper()
	for range 100 {
		if len(s.buffers()) == 0 {
			return
		}
		s.must("delete-buffer")
	}
	s.t.Fatalf("paste buffers remain after 100 deletions: %q", s.buffers())
}

// tmuxPane is one pane of the server.
type tmuxPane struct {
	s  *tmuxServer
	id string
}

// info reads a tmux format about the pane, e.g. "#{pane_title}".
func (p *tmuxPane) info(format string) string {
	p.s.t.Helper()
	return strings.TrimSuffix(p.s.must("display-message", "-p", "-t", p.id, format), "\n")
}

// keys sends tmux key names ("Enter", "Escape", "C-u", "q"), each its own
// key press.
func (p *tmuxPane) keys(keys ...string) {
	p.s.t.Helper()
	p.s.must(append([]string{"send-keys", "-t", p.id}, keys...)...)
}

// text types text literally.
func (p *tmuxPane) text(s string) {
	p.s.t.Helper()
	p.s.must("send-keys", "-t", p.id, "-l", s)
}

// screen is what the pane shows now, one string per line (tmux drops the
// spaces at the end of each line).
func (p *tmuxPane) screen() []string {
	p.s.t.Helper()
	return strings.Split(strings.TrimSuffix(p.s.must("capture-pane", "-p", "-t", p.id), "\n"), "\n")
}

// waitUntil polls the screen every screenPoll until ok accepts it, and
// returns that screen; after screenWait it stops the test, showing what
// was on screen and what it waited for.
func (p *tmuxPane) waitUntil(what string, ok func(screen []string) bool) []string {
	p.s.t.Helper()
	deadline := time.Now().Add(screenWait)
	for {
		sc := p.screen()
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			p.s.t.Fatalf("waited %s for %s; %s; the pane shows:\n%s", screenWait, what, p.state(), framedScreen(sc))
		}
		time.Sleep(screenPoll)
	}
}

// state describes the pane for a failure: whether its program runs, and
// what an escape sequence that got through could have changed.
func (p *tmuxPane) state() string {
	p.s.t.Helper()
	f := strings.Split(p.info("#{pane_dead}\t#{pane_dead_status}\t#{pane_title}\t#{window_name}\t#{alternate_on}"), "\t")
	run := "the program runs"
	if f[0] == "1" {
		run = "the program exited (status " + f[1] + ")"
	}
	return fmt.Sprintf("%s; pane title %q, window name %q, alternate screen %s, paste buffers %q", run, f[2], f[3], f[4], p.s.buffers())
}

// waitFor waits until every one of texts is on screen.
func (p *tmuxPane) waitFor(texts ...string) []string {
	p.s.t.Helper()
	return p.waitUntil(fmt.Sprintf("%q on screen", texts), func(sc []string) bool {
		all := strings.Join(sc, "\n")
		for _, x := range texts {
			if !strings.Contains(all, x) {
				return false
			}
		}
		return true
	})
}

// waitGone waits until text is no longer on screen.
func (p *tmuxPane) waitGone(text string) []string {
	p.s.t.Helper()
	return p.waitUntil(fmt.Sprintf("%q to leave the screen", text), func(sc []string) bool {
		return !strings.Contains(strings.Join(sc, "\n"), text)
	})
}

// waitLine waits until line i (negative: from the bottom) contains every
// one of texts, e.g. the status line.
func (p *tmuxPane) waitLine(i int, texts ...string) []string {
	p.s.t.Helper()
	return p.waitUntil(fmt.Sprintf("line %d to show %q", i, texts), func(sc []string) bool {
		l := screenLine(sc, i)
		for _, x := range texts {
			if !strings.Contains(l, x) {
				return false
			}
		}
		return true
	})
}

func screenLine(sc []string, i int) string {
	if i < 0 {
		i += len(sc)
	}
	if i < 0 || i >= len(sc) {
		return ""
	}
	return sc[i]
}

// waitExit waits until the pane's program has ended and returns its exit
// status, or "signal N" when a signal killed it.
//
// tmux marks the pane dead when its terminal closes and learns the status
// when it reaps the process; the tmux 3.3a these tests were written on now
// and then leaves the process a zombie, unreaped. Its status is then read
// where the kernel keeps it for the parent: /proc/PID/stat.
func (p *tmuxPane) waitExit() string {
	p.s.t.Helper()
	pid, err := strconv.Atoi(p.info("#{pane_pid}"))
	if err != nil {
		p.s.t.Fatalf("no process for pane %s: %v", p.id, err)
	}
	deadline := time.Now().Add(screenWait)
	for {
		f := strings.Split(p.info("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}"), ":")
		dead, status, signal := f[0], f[1], f[2]
		switch {
		case dead == "1" && status != "":
			return status
		case dead == "1" && signal != "":
			return "signal " + signal
		case dead == "1":
			if ws, ok := zombieStatus(pid); ok {
				if ws.Signaled() {
					return fmt.Sprintf("signal %d", ws.Signal())
				}
				return strconv.Itoa(ws.ExitStatus())
			}
		}
		if time.Now().After(deadline) {
			p.s.t.Fatalf("the program in pane %s (process %d) still runs %s after it was asked to quit; it shows:\n%s", p.id, pid, screenWait, framedScreen(p.screen()))
		}
		time.Sleep(screenPoll)
	}
}

// zombieStatus reads the exit status of a process that has ended but not
// been reaped (field 52 of /proc/PID/stat, in wait(2) form).
func zombieStatus(pid int) (syscall.WaitStatus, bool) {
	state, fields, ok := procStat(pid)
	if !ok || state != "Z" || len(fields) < 50 {
		return 0, false
	}
	n, err := strconv.Atoi(fields[49]) // fields start at field 3
	if err != nil {
		return 0, false
	}
	return syscall.WaitStatus(n), true
}

// processEnded reports whether a process is gone or has ended (a zombie).
func processEnded(pid int) bool {
	state, _, ok := procStat(pid)
	return !ok || state == "Z" || state == "X"
}

// procStat reads /proc/PID/stat: the state, and the fields from the third
// on. ok is false when there is no such process.
func procStat(pid int) (state string, fields []string, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", nil, false
	}
	s := string(b)
	at := strings.LastIndexByte(s, ')') // the command name may hold anything
	if at < 0 {
		return "", nil, false
	}
	fields = strings.Fields(s[at+1:])
	if len(fields) == 0 {
		return "", nil, false
	}
	return fields[0], fields, true
}

// framedScreen shows a screen in a test failure with its edges visible.
func framedScreen(sc []string) string {
	var b strings.Builder
	for i, l := range sc {
		fmt.Fprintf(&b, "%2d|%s\n", i, l)
	}
	return b.String()
}
