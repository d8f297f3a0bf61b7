package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"steward/demo"
)

func runConsole(e env, args []string) error {
	var c common
	fs := newFlags(e, "steward", "steward [--db PATH] [--demo] | steward COMMAND [flags]",
		"Opens the console on a community database. Commands for scripts:\n"+commandList(), "  steward --demo\n  steward --db community.db\n  steward import -h")
	c.register(fs)
	demoFlag := fs.Bool("demo", false, "open the console on a fresh demo community in a temporary file")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	notice := ""
	if *demoFlag {
		dir, err := os.MkdirTemp("", "steward-demo-")
		if err != nil {
			return err
		}
		c.db = filepath.Join(dir, "community.db")
		st, err := c.open(true)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "steward: writing a demo community to %s …\n", c.db)
		if _, err := demo.Write(st, demo.Options{Members: 500, Days: 180, Seed: 1}); err != nil {
			return err
		}
		notice = "demo community in " + c.db
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	st.Upgrade()
	return console(st, notice, time.Second)
}

func commandList() string {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	return strings.TrimRight(b.String(), "\n")
}
