package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"steward/keymap"
	"steward/serve"
)

func runServe(e env, args []string) error {
	fs := newFlags(e, "serve", "steward serve [--listen ADDR] [--moderators FILE] [--host-key FILE] [--max-sessions N] [--idle D] [--db PATH]",
		"Serves the console over SSH: each moderator connects with `ssh -p PORT HOST`\n"+
			"and gets a console of their own on the database, their actions recorded\n"+
			"under the name the moderators file gives their key. Only keys in that file\n"+
			"are let in; it is read again at each login, so editing it needs no restart.\n"+
			"A line of the file is a public key followed by the moderator's name:\n"+
			"  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… alice\n"+
			"The host key is written on first start. Stop with Ctrl-C or SIGTERM.",
		"  steward serve\n  steward serve --listen 127.0.0.1:2222 --moderators /etc/steward/moderators --idle 30m")
	var c common
	c.registerFile(fs)
	listen := fs.String("listen", ":2222", "the `address` to listen on")
	mods := fs.String("moderators", defaultConfigFile("moderators"), "the moderators `file`: who may connect, and under what name")
	hostKey := fs.String("host-key", defaultDataFile("ssh_host_ed25519"), "the server's private key `file`, written on first start")
	maxSessions := fs.Int("max-sessions", 32, "how many consoles may be open at once; a session beyond is turned away (0: no limit)")
	idle := fs.Duration("idle", 0, "end a console after this long without a key, e.g. 30m (0: never)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *maxSessions < 0 || *idle < 0 {
		return usagef("serve: --max-sessions and --idle cannot be negative")
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	st.Upgrade()
	srv, err := serve.New(serve.Config{
		DB: c.db, HostKey: *hostKey, Moderators: *mods, Wait: c.wait,
		MaxSessions: *maxSessions, Idle: *idle,
		Keys: keymap.Default(), Log: e.stderr,
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "steward: serving %s over SSH on %s to the %d moderators of %s\nsteward: host key %s\n",
		c.db, l.Addr(), srv.Moderators(), *mods, gossh.FingerprintSHA256(srv.HostKey()))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "steward: stopping; the open consoles are ended")
	return srv.Close(5 * time.Second)
}

// defaultConfigFile is where steward's settings live: $XDG_CONFIG_HOME/steward.
func defaultConfigFile(name string) string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "steward", name)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return name
	}
	return filepath.Join(home, ".config", "steward", name)
}

// defaultDataFile is a file in steward's data folder.
func defaultDataFile(name string) string { return filepath.Join(dataDir(), name) }
