// Command steward is a keyboard-driven console, and a command line for
// scripts, with which the moderators of a community triage and recognise
// their members. Run `steward -h` for the commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"steward/ingest"
	"steward/model"
	"steward/store"
	"steward/termtext"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// env is what a command runs with: its streams, so tests can run commands
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e env) errorf(format string, args ...any) {
	fmt.Fprintln(e.stderr, "steward: "+termtext.Inert(fmt.Sprintf(format, args...)))
}

type command struct {
	name    string
	summary string
	run     func(e env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "write a demo community", runDemo},
		{"import", "import members, events, redemptions and reports from CSV or JSON Lines", runImport},
		{"export", "export members, ledger, leaderboard, redemptions, reports or audit", runExport},
		{"award", "award points to a member, or deduct them", runAward},
		{"approve", "approve pending reward requests", runApprove},
		{"reject", "reject pending reward requests with a reason", runReject},
		{"decide", "settle an open report case", runDecide},
		{"program", "show the programme, or apply a programme file", runProgram},
		{"stats", "print the community's health: engagement, actives, newcomers, retention, points, reports", runStats},
		{"check", "check the database's consistency and invariants", runCheck},
		{"backup", "write a consistent copy of the database", runBackup},
		{"serve", "serve the console to the moderators over SSH", runServe},
		{"version", "print steward's version", runVersion},
	}
}

// run is the whole command line; it returns the exit code: 0 ok, 1 bad
// input or a failed check, 2 usage or environment.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	e := env{stdin, stdout, stderr}
	defer func() {
		if r := recover(); r != nil {
			e.errorf("internal error: %v (please report it; nothing was left half written)", r)
			code = 2
		}
	}()
	var err error
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		found := false
		for _, c := range commands() {
			if c.name == args[0] {
				err, found = c.run(e, args[1:]), true
				break
			}
		}
		if !found {
			e.errorf("unknown command %q (run `steward -h` for the commands)", args[0])
			return 2
		}
	} else {
		err = runConsole(e, args)
	}
	return report(e, err)
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit code for an outcome already reported, such as
// a failed check.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func report(e env, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ex exitError
	if errors.As(err, &ex) {
		return ex.code
	}
	var fe *store.FileError
	var ue usageError
	var pe ingest.Problem
	var ps model.ProgrammeErrors
	switch {
	case errors.As(err, &fe):
		e.errorf("%s", fe.Error())
		return 2
	case errors.As(err, &ue):
		e.errorf("%s", ue.msg)
		return 2
	case errors.As(err, &pe), errors.As(err, &ps), errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrRejected):
		e.errorf("%s", err)
		return 1
	}
	e.errorf("%s", err)
	return 2
}

// common are the flags every command takes.
type common struct {
	db   string
	by   string
	wait time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	c.registerFile(fs)
	fs.StringVar(&c.by, "by", "", "who the changes are recorded as in the audit log (default $STEWARD_ACTOR, else your user name)")
}

// registerFile registers the flags that say which file and how long to
// wait for it, without --by: for a command whose actors come from
// elsewhere.
func (c *common) registerFile(fs *flag.FlagSet) {
	fs.StringVar(&c.db, "db", "", "the database `file` (default $STEWARD_DB, else $XDG_DATA_HOME/steward/community.db)")
	fs.DurationVar(&c.wait, "wait", 10*time.Second, "how long to wait for another process to let go of the database")
}

// defaultDB is where the database lives when --db is not given.
func defaultDB() string {
	if p := os.Getenv("STEWARD_DB"); p != "" {
		return p
	}
	return filepath.Join(dataDir(), "community.db")
}

// dataDir is steward's folder for data: $XDG_DATA_HOME/steward, else
// ~/.local/share/steward; the working folder when there is no home.
func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "steward")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return filepath.Join(home, ".local", "share", "steward")
}

func actor(by string) string {
	if by != "" {
		return by
	}
	if a := os.Getenv("STEWARD_ACTOR"); a != "" {
		return a
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// open prepares the store; forWrite creates the database's folder on first
// use.
func (c *common) open(forWrite bool) (*store.Store, error) {
	if c.db == "" {
		c.db = defaultDB()
	}
	if forWrite {
		if err := os.MkdirAll(filepath.Dir(c.db), 0o700); err != nil {
			return nil, &store.FileError{Kind: store.Unusable, Path: c.db, Msg: "cannot create its folder: " + err.Error(), Err: err}
		}
	}
	return store.Open(c.db, store.Options{Actor: actor(c.by), Wait: c.wait}), nil
}

// newFlags makes a command's flag set with a usage text that shows its
// synopsis and examples.
func newFlags(e env, name, synopsis, about, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own complaint is not printed: parse turns it into
	// steward's one line. The usage is printed for -h only.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s\n\n%s\n\nflags:\n", synopsis, about)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if examples != "" {
			fmt.Fprintf(e.stderr, "\nexamples:\n%s\n", examples)
		}
	}
	return fs
}

// parse parses a command's flags; arguments left over are an error unless
// the command takes them (positional).
func parse(fs *flag.FlagSet, args []string, positional int) ([]string, error) {
	// The flag package shows the usage on every mistake; a script's log
	// should get one line that names the flag, and -h the whole usage.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	// Allow flags after the positional arguments (`export members --db x`).
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			if fs.Name() == "steward" { // the console's own flags
				return nil, usagef("%v (see `steward -h`)", err)
			}
			return nil, usagef("%s: %v (see `steward %s -h`)", fs.Name(), err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) > positional {
		return nil, usagef("%s: unexpected argument %q (see `steward %s -h`)", fs.Name(), pos[positional], fs.Name())
	}
	return pos, nil
}

func runVersion(e env, args []string) error {
	fs := newFlags(e, "version", "steward version", "Prints steward's version and the database schema it writes.", "  steward version")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "steward %s (schema %d)\n", version, store.SchemaVersion)
	return nil
}
