package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"steward/demo"
	"steward/ingest"
	"steward/model"
	"steward/store"
	"steward/termtext"
)

func runDemo(e env, args []string) error {
	var c common
	fs := newFlags(e, "demo", "steward demo [--db PATH] [--members N] [--days D] [--seed S]",
		"Writes a deterministic demo community: members from many languages, heavy-tailed activity,\npending reward requests and open reports. The same seed writes the same community.",
		"  steward demo --db /tmp/demo.db\n  steward demo --db big.db --members 100000 --days 3650")
	c.register(fs)
	members := fs.Int("members", 500, "how many members")
	days := fs.Int("days", 180, "how many days of activity, ending today")
	seed := fs.Uint64("seed", 1, "the random seed")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if c.by == "" {
		c.by = "demo" // the demo's past decisions are the demo's, not yours
	}
	if *members < 1 || *days < 1 {
		return usagef("demo: --members and --days must be at least 1")
	}
	// A typo's extra zeros would otherwise run for hours: 100,000 members
	// over ten years is already 9.9 million events and 1.5 GB.
	if *members > maxDemoMembers || *days > maxDemoDays {
		return usagef("demo: at most --members %d and --days %d (100,000 members over 3,650 days is 1.5 GB)", maxDemoMembers, maxDemoDays)
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	if n, err := st.Counts(); err == nil && n.Members > 0 {
		return usagef("demo: %s already holds a community (%d members); give a new --db", c.db, n.Members)
	}
	bar := newProgress(e.stderr, "demo", *quiet)
	start := time.Now()
	rep, err := demo.Write(st, demo.Options{Members: *members, Days: *days, Seed: *seed, Progress: bar.update})
	bar.finish()
	if err != nil {
		return err
	}
	cnt, _ := st.Counts()
	fmt.Fprintf(e.stdout, "demo community written to %s in %s: %d members, %d events, %d pending requests, %d open reports\n",
		c.db, time.Since(start).Round(time.Millisecond), cnt.Members, rep.Imported-cnt.Members, cnt.Pending, cnt.Open)
	return nil
}

// The largest demo: ten times the community the benchmarks measure.
const (
	maxDemoMembers = 1_000_000
	maxDemoDays    = 36_500
)

// importMemoryLimit is the heap an import aims to stay within.
const importMemoryLimit = 130 << 20

func runImport(e env, args []string) error {
	var c common
	fs := newFlags(e, "import", "steward import [--db PATH] [--members F] [--events F] [--redemptions F] [--reports F] [--dry-run] [--skip-invalid]",
		`Imports CSV (.csv, with a header row) or JSON Lines (.jsonl, .ndjson) files; "-" reads
standard input (give --format). Columns:
  members:     handle,name,joined_at,tags,referred_by   (only handle required; tags ;-separated)
  events:      id,member,kind,at,ref                    (ref optional)
  redemptions: id,member,reward,at
  reports:     id,reporter,subject,content,guideline,excerpt,at   (excerpt optional)
Times are RFC 3339, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC). An id imported again changes
nothing. A file with an invalid row imports nothing and exits 1, listing FILE:LINE: field: why.`,
		"  steward import --members members.csv --events events.jsonl\n  export-job | steward import --events - --format jsonl\n  steward import --events events.csv --dry-run")
	c.register(fs)
	files := map[ingest.Kind]*string{
		ingest.Members:     fs.String("members", "", "members `file`"),
		ingest.Events:      fs.String("events", "", "activity events `file`"),
		ingest.Redemptions: fs.String("redemptions", "", "reward requests `file`"),
		ingest.Reports:     fs.String("reports", "", "guideline reports `file`"),
	}
	format := fs.String("format", "", "csv or jsonl, for standard input or a file without a known extension")
	dry := fs.Bool("dry-run", false, "validate and price everything, write nothing")
	skip := fs.Bool("skip-invalid", false, "import the valid rows; list and count the invalid ones")
	quiet := fs.Bool("quiet", false, "no progress bar")
	batch := fs.Int("batch", 20000, "rows per transaction")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	st, err := c.open(!*dry)
	if err != nil {
		return err
	}
	var srcs []store.Source
	stdinUsed := false
	for _, k := range []ingest.Kind{ingest.Members, ingest.Events, ingest.Redemptions, ingest.Reports} {
		name := *files[k]
		if name == "" {
			continue
		}
		if name == "-" {
			if stdinUsed {
				return usagef("import: only one file can be standard input")
			}
			stdinUsed = true
		}
		src, cleanup, err := store.FileSource(name, k, *format, e.stdin, time.Now())
		defer cleanup()
		if err != nil {
			return err
		}
		srcs = append(srcs, src)
	}
	if len(srcs) == 0 {
		return usagef("import: nothing to import (give --members, --events, --redemptions or --reports)")
	}
	// An import's live memory is a chunk of rows (five batches of events,
	// see store.ImportOptions) and the pages a batch dirties; a soft limit
	// makes the collector keep the heap near that rather than let it double
	// before collecting.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	bar := newProgress(e.stderr, "import", *quiet)
	rep, err := st.Import(srcs, store.ImportOptions{DryRun: *dry, SkipInvalid: *skip, BatchSize: *batch, Progress: bar.update})
	bar.finish()
	for _, p := range rep.Problems {
		e.errorf("%s", p)
	}
	if more := rep.Rejected - len(rep.Problems); more > 0 {
		e.errorf("… and %d more problems", more)
	}
	if errors.Is(err, store.ErrRejected) {
		fmt.Fprintln(e.stdout, rep.Summary())
		e.errorf("%d invalid rows: nothing was imported (fix them, or pass --skip-invalid)", rep.Rejected)
		return exitError{1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, rep.Summary())
	if rep.Rejected > 0 {
		return exitError{1}
	}
	return nil
}

func runExport(e env, args []string) error {
	var c common
	fs := newFlags(e, "export", "steward export KIND [--db PATH] [--period all|month|week] [--format csv|jsonl] [--out F]",
		"Writes one table, CSV by default, to standard output or --out. KIND is one of\n"+strings.Join(store.ExportKinds, ", ")+
			".\nCells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are prefixed\nwith ' unless --raw. The audit export ends with the chain head on standard error.",
		"  steward export members > members.csv\n  steward export leaderboard --period month --limit 10\n  steward export ledger --format jsonl --out ledger.jsonl")
	c.register(fs)
	period := fs.String("period", "all", "leaderboard period: all, month or week")
	format := fs.String("format", "csv", "csv or jsonl")
	out := fs.String("out", "", "write to this `file` instead of standard output")
	limit := fs.Int("limit", 100, "leaderboard lines")
	raw := fs.Bool("raw", false, "leave formula-like cells as they are (for machines)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("export: which table? (one of %s)", strings.Join(store.ExportKinds, ", "))
	}
	p, err := store.ParsePeriod(*period)
	if err != nil {
		return usagef("export: %v", err)
	}
	st, err := c.open(false)
	if err != nil {
		return err
	}
	w := e.stdout
	var f *os.File
	if *out != "" {
		if f, err = os.CreateTemp(dirOf(*out), ".steward-export-*"); err != nil {
			return err
		}
		defer os.Remove(f.Name())
		w = f
	}
	opt := store.ExportOptions{Format: *format, Period: p, Limit: *limit, Raw: *raw}
	if f == nil && isTerminal(e.stdout) {
		// Member text shown on a terminal is made inert, as in the console;
		// a file or a pipe gets it as it is.
		opt.Text = termtext.Inert
	}
	head, err := st.Export(w, pos[0], opt)
	if err != nil {
		if strings.Contains(err.Error(), "is not") {
			return usagef("export: %v", err)
		}
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Rename(f.Name(), *out); err != nil {
			return err
		}
	}
	if head != "" {
		fmt.Fprintf(e.stderr, "audit chain head: %s\n", head)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i+1]
	}
	return "."
}

func runAward(e env, args []string) error {
	var c common
	fs := newFlags(e, "award", "steward award [--db PATH] --member H --points N --reason TEXT",
		"Awards points to a member; negative points deduct (never more than the member has available).",
		`  steward award --member alice --points 50 --reason "ran the spring meetup"`+"\n"+`  steward award --member bob --points -20 --reason "duplicate contest entry"`)
	c.register(fs)
	member := fs.String("member", "", "the member's `handle`")
	points := fs.String("points", "", "points to award, negative to deduct")
	reason := fs.String("reason", "", "why (recorded in the ledger and the audit log)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *member == "" || *points == "" || strings.TrimSpace(*reason) == "" {
		return usagef("award: --member, --points and --reason are all required")
	}
	h, err := model.NormalizeHandle(*member)
	if err != nil {
		return usagef("award: --member: %v", err)
	}
	n, err := model.ParsePoints(*points)
	if err != nil {
		return usagef("award: --points: %v", err)
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	done, err := st.Award(h, n, *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s (audit #%d)\n", done.Summary, done.Seq)
	return nil
}

func runProgram(e env, args []string) error {
	var c common
	fs := newFlags(e, "program", "steward program [--db PATH] --show | --apply FILE [--dry-run]",
		"Shows the programme (points, tiers, badges, rewards, guidelines) as a TOML file, or applies one:\nthe file is validated (errors name the line), a backup of the database is written beside it,\nthen tiers and automatic badges are recomputed for every member.",
		"  steward program --show > programme.toml\n  steward program --apply programme.toml --dry-run\n  steward program --apply programme.toml")
	c.register(fs)
	show := fs.Bool("show", false, "print the programme")
	apply := fs.String("apply", "", "apply this programme `file`")
	dry := fs.Bool("dry-run", false, "with --apply: print what would change, change nothing")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *show == (*apply != "") {
		return usagef("program: give either --show or --apply FILE")
	}
	st, err := c.open(*apply != "" && !*dry)
	if err != nil {
		return err
	}
	if *show {
		p, err := st.Programme()
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(p.EncodeTOML())
		return err
	}
	raw, err := readFileOrStdin(*apply, e.stdin)
	if err != nil {
		return err
	}
	shown := *apply
	if shown == "-" {
		shown = "stdin"
	}
	p, err := model.ParseProgramme(shown, raw)
	if err != nil {
		return err
	}
	ch, err := st.ApplyProgramme(p, *dry)
	if err != nil {
		return err
	}
	printChange(e.stdout, ch, *dry)
	return nil
}

func readFileOrStdin(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(stdin, 16<<20))
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, ingest.Problem{File: name, Field: "input", Why: unwrapPathErr(err)}
	}
	return raw, nil
}

func unwrapPathErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func printChange(w io.Writer, ch store.ProgrammeChange, dry bool) {
	verb := "applied"
	if dry {
		verb = "would apply (dry run, nothing changed)"
	}
	fmt.Fprintf(w, "programme %s: %d rule changes, %d tier changes, %d badges won, %d badges lost\n",
		verb, len(ch.Diff), len(ch.Tiers), len(ch.BadgesWon), len(ch.BadgesLost))
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for i, l := range lines {
			if i == 50 {
				fmt.Fprintf(w, "  … and %d more\n", len(lines)-50)
				break
			}
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	section("rules", ch.Diff)
	section("tiers", ch.Tiers)
	section("badges won", ch.BadgesWon)
	section("badges lost", ch.BadgesLost)
	printRepricing(w, ch.Points)
	if ch.Backup != "" {
		fmt.Fprintf(w, "backup of the database before the change: %s\n", ch.Backup)
	}
}

func runCheck(e env, args []string) error {
	var c common
	fs := newFlags(e, "check", "steward check [--db PATH]",
		"Runs bbolt's consistency check and proves the domain's invariants: balance = sum of the\nledger, held = pending holds, balance − held ≥ 0, stock ≥ 0, every index agrees with the\ndata, tiers agree with points, the audit chain is unbroken,\nthe health tallies agree with a recount. Exits 1 naming each violation.",
		"  steward check --db community.db")
	c.register(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	st, err := c.open(false)
	if err != nil {
		return err
	}
	rep, err := st.Check()
	if err != nil {
		return err
	}
	for _, v := range rep.Violations {
		e.errorf("%s", v)
	}
	if rep.Unread {
		fmt.Fprintln(e.stdout, "check failed: the file's pages are damaged, so its records were not read; restore it from a backup")
		return exitError{1}
	}
	fmt.Fprintf(e.stdout, "%d members, %d ledger entries, %d audit entries; audit chain head %s\n", rep.Members, rep.Entries, rep.Audit, rep.Head)
	if !rep.OK() {
		n := len(rep.Violations)
		if n == 1 {
			fmt.Fprintln(e.stdout, "check failed: 1 violation")
		} else {
			fmt.Fprintf(e.stdout, "check failed: %d violations\n", n)
		}
		return exitError{1}
	}
	fmt.Fprintln(e.stdout, "check passed")
	return nil
}

func runBackup(e env, args []string) error {
	var c common
	fs := newFlags(e, "backup", "steward backup [--db PATH] --out FILE",
		"Writes a consistent copy of the database while consoles and imports keep running.\nTo restore, stop using the database and copy the backup over it.",
		"  steward backup --out community-$(date +%F).db")
	c.register(fs)
	out := fs.String("out", "", "the backup `file`")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("backup: --out FILE is required")
	}
	st, err := c.open(false)
	if err != nil {
		return err
	}
	n, err := st.Backup(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s (%s bytes)\n", *out, count(int(n)))
	return nil
}
