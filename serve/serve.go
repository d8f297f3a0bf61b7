// Package serve runs the console over SSH, with wish: each moderator who
// connects with a key the moderators file lists gets a console of their
// own on the community's file, and what they do is recorded in the audit
// log under the name the file gives their key.
//
// Each console is a store of its own on the same file, as separate
// processes would be (see store: a handle per burst of operations), so
// sessions, the admin's own console and scripts share the file alike.
package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"steward/keymap"
	"steward/store"
	"steward/termtext"
	"steward/tui"
)

// Config is what a server serves, and to whom.
type Config struct {
	DB         string        // the community's database file
	HostKey    string        // the server's private key; made on first start
	Moderators string        // who may connect: see readModerators
	Wait       time.Duration // how long a console waits for the file
	// MaxSessions is how many consoles may be open at once; a session
	// beyond is turned away (0: no limit).
	MaxSessions int
	// Idle ends a console whose moderator has typed nothing for that long
	// (0: never), so that a console left open on an unattended screen does
	// not stay open for whoever sits down at it.
	Idle time.Duration
	Keys keymap.KeyMap
	Log  io.Writer // a line per connection, departure and refusal
	Now  func() time.Time
}

// Server serves the console to the moderators.
type Server struct {
	cfg  Config
	ssh  *ssh.Server
	mods int // moderators listed at start

	mu       sync.Mutex // guards closing, open, consoles and the log
	closing  bool
	open     int                   // sessions past tracked's door
	consoles map[*tea.Program]bool // running now, to be ended by Close
	sessions sync.WaitGroup        // sessions in their handler; added to only before closing
}

// New checks the moderators file, loads the host key (writing a new one on
// first start) and prepares the server. It listens to nothing yet.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	mods, err := readModerators(cfg.Moderators)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no moderators file at %s: write there the public key of each moderator, one a line, followed by their name (`ssh-ed25519 AAAA… alice`), or name another file with --moderators", cfg.Moderators)
	}
	if err != nil {
		return nil, err
	}
	if len(mods) == 0 {
		return nil, fmt.Errorf("%s lists no key, so nobody could connect: add a moderator's public key followed by their name (`ssh-ed25519 AAAA… alice`)", cfg.Moderators)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.HostKey), 0o700); err != nil {
		return nil, fmt.Errorf("host key: %v", err)
	}
	s := &Server{cfg: cfg, mods: len(mods), consoles: map[*tea.Program]bool{}}
	s.ssh, err = wish.NewServer(
		wish.WithHostKeyPath(cfg.HostKey),
		wish.WithPublicKeyAuth(s.allow),
		// The last is the outermost: a session is told whose it is, is
		// turned away without a terminal, is counted and logged, then is
		// given a console.
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.console, termenv.Ascii),
			s.tracked,
			s.needTerminal,
			s.identified,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %v", cfg.HostKey, err)
	}
	s.ssh.ConnectionFailedCallback = func(conn net.Conn, err error) {
		var auth *gossh.ServerAuthError
		if errors.As(err, &auth) {
			s.logf("refused %s: none of the keys it offered is in the moderators file", conn.RemoteAddr())
			return
		}
		s.logf("refused %s: %v", conn.RemoteAddr(), err)
	}
	return s, nil
}

// HostKey is the server's public key, which moderators check the first
// time they connect.
func (s *Server) HostKey() gossh.PublicKey { return s.ssh.HostSigners[0].PublicKey() }

// Moderators is how many keys the moderators file listed at start.
func (s *Server) Moderators() int { return s.mods }

// Serve answers connections on l until Close.
func (s *Server) Serve(l net.Listener) error {
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Close ends every console — each leaves the moderator's terminal as it
// found it and says why — waits up to grace for them, then closes the
// listener and every connection. Nothing is lost:
// each decision a console makes is its own transaction, committed or not.
func (s *Server) Close(grace time.Duration) error {
	s.mu.Lock()
	s.closing = true
	for p := range s.consoles {
		// Quit waits for the console to take the message; one busy with
		// a keystroke must not hold up the others.
		go p.Quit()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		s.logf("hanging up on the consoles still running after %s", grace)
	}
	if err := s.ssh.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// allow says whether a key may log in. The file is read at each attempt,
// so that an admin adds or removes a moderator without a restart.
func (s *Server) allow(_ ssh.Context, key ssh.PublicKey) bool {
	mods, err := readModerators(s.cfg.Moderators)
	if err != nil {
		s.logf("refusing every key until the moderators file is fixed: %v", err)
		return false
	}
	_, ok := find(mods, key)
	return ok
}

// moderatorOf is who a session belongs to. It is looked up from the key
// the session was authenticated with, never from what was noted while the
// client was offering keys: a client may offer several before it signs
// with one.
func (s *Server) moderatorOf(sess ssh.Session) (string, bool) {
	key := sess.PublicKey()
	if key == nil {
		return "", false
	}
	mods, err := readModerators(s.cfg.Moderators)
	if err != nil {
		return "", false
	}
	m, ok := find(mods, key)
	return m.name, ok
}

// moderatorKey is where a session keeps its moderator's name.
type moderatorKey struct{}

// identified notes whose the session is, for the handlers after it.
func (s *Server) identified(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		name, ok := s.moderatorOf(sess)
		if !ok {
			// Removed from the file between the login and the session.
			fmt.Fprintln(sess.Stderr(), "steward: your key is no longer in the moderators file")
			_ = sess.Exit(1)
			return
		}
		sess.Context().SetValue(moderatorKey{}, name)
		next(sess)
	}
}

func nameOf(sess ssh.Session) string {
	name, _ := sess.Context().Value(moderatorKey{}).(string)
	return name
}

// tracked logs a session, turns it away once the server is closing, and
// says why a console ended when the server ended it.
func (s *Server) tracked(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			fmt.Fprintln(sess.Stderr(), "steward: the server is stopping")
			_ = sess.Exit(1)
			return
		}
		if most := s.cfg.MaxSessions; most > 0 && s.open >= most {
			s.mu.Unlock()
			fmt.Fprintf(sess.Stderr(), "steward: the server already serves %d consoles, as many as it may (--max-sessions); try again later\n", most)
			s.logf("%s from %s turned away: %d consoles are open, the most allowed", nameOf(sess), sess.RemoteAddr(), most)
			_ = sess.Exit(2)
			return
		}
		s.open++
		s.sessions.Add(1)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.open--
			s.mu.Unlock()
			s.sessions.Done()
		}()
		name := nameOf(sess)
		start := s.cfg.Now()
		pty, _, _ := sess.Pty()
		s.logf("%s connected from %s (%s, %d×%d)", name, sess.RemoteAddr(), termtext.Inert(pty.Term), pty.Window.Width, pty.Window.Height)
		next(sess)
		if idle, _ := sess.Context().Value(idleKey{}).(bool); idle {
			s.logf("%s's console ended after %s without a key", name, s.cfg.Idle)
			fmt.Fprintf(sess, "steward: the console ended after %s without a key; every decision you made is saved\n", s.cfg.Idle)
		}
		s.logf("%s left after %s", name, s.cfg.Now().Sub(start).Round(time.Second))
		if s.isClosing() {
			fmt.Fprintln(sess, "steward: the server was stopped; every decision you made is saved")
		}
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// needTerminal turns away a session that cannot show a console: a
// command to run, or no terminal (`ssh -T`). Scripts run steward's
// commands on the server itself.
func (s *Server) needTerminal(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		why := ""
		if len(sess.Command()) > 0 {
			why = "it asked to run a command"
			fmt.Fprintf(sess.Stderr(), "steward: this server only serves the console; run `steward %s` on the server itself\n", termtext.Inert(strings.Join(sess.Command(), " ")))
		} else if _, _, ok := sess.Pty(); !ok {
			why = "it has no terminal"
			fmt.Fprintln(sess.Stderr(), "steward: the console needs a terminal: connect with `ssh -t`")
		}
		if why == "" {
			next(sess)
			return
		}
		s.logf("%s from %s turned away: %s", nameOf(sess), sess.RemoteAddr(), why)
		_ = sess.Exit(2)
	}
}

// console makes a session's program: a console of its own, recording its
// actions under the session's moderator, drawn for the session's terminal.
func (s *Server) console(sess ssh.Session) *tea.Program {
	pty, _, _ := sess.Pty()
	kb := newKeyboard(sess)
	r := renderer(sess, pty.Term, kb.dark)
	noColor := hasNoColor(sess.Environ())
	if noColor {
		// As tui.Run does: no colours, but bold, underline and reverse.
		r.SetColorProfile(termenv.ANSI)
	}
	st := store.Open(s.cfg.DB, store.Options{Actor: nameOf(sess), Wait: s.cfg.Wait})
	app := tui.New(st, s.cfg.Keys, tui.Options{Renderer: r, NoColor: noColor})
	p := tea.NewProgram(app,
		tea.WithAltScreen(),
		// The server's signals are the server's: Close ends the consoles.
		tea.WithoutSignalHandler(),
		tea.WithInput(kb.r),
		tea.WithOutput(sess),
	)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil
	}
	s.consoles[p] = true
	go func() {
		// The session's context ends with its connection, after the
		// console.
		<-sess.Context().Done()
		s.mu.Lock()
		delete(s.consoles, p)
		s.mu.Unlock()
	}()
	if s.cfg.Idle > 0 {
		go s.endWhenIdle(sess, p, kb)
	}
	return p
}

// idleKey marks a session whose console endWhenIdle ended.
type idleKey struct{}

// endWhenIdle ends the console, as a quit key would (the terminal left as
// it was found), once its moderator has typed nothing for the idle limit.
func (s *Server) endWhenIdle(sess ssh.Session, p *tea.Program, kb *keyboard) {
	every := max(min(s.cfg.Idle/4, time.Second), 10*time.Millisecond)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-sess.Context().Done():
			return
		case now := <-tick.C:
			if kb.idleFor(now) >= s.cfg.Idle {
				sess.Context().SetValue(idleKey{}, true)
				p.Quit()
				return
			}
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.cfg.Log, "%s %s\n", s.cfg.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}
