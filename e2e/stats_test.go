package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStats runs `steward stats` in its three forms on a demo community,
// and checks its newcomers against the members export: two paths through
// the file (the tallies every write keeps, the members' records) that must
// agree.
func TestStats(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	must(t, "demo", "--db", db, "--members", "300", "--days", "120", "--seed", "4")

	// The banned are members no more: the counts leave them out.
	banned := 0
	for _, m := range exportTable(t, db, "members") {
		if m["status"] == "banned" {
			banned++
		}
	}
	if banned == 0 {
		t.Fatal("the demo banned nobody; the test needs someone banned")
	}
	text := must(t, "stats", "--db", db).stdout
	for _, want := range []string{"community health on ", fmt.Sprintf("members %d (and %d banned, left out) · active in the last 7 days ", 300-banned, banned), "(engagement ",
		time.Now().UTC().Format("2006-01") + " (so far)", "retention: ", "joined",
		"  goal ", "  engagement ", "≥ 25%", "  decide within ", "≤ 24h",
		"slipping away: of the 500 members with the most points"} {
		if !strings.Contains(text, want) {
			t.Errorf("stats does not say %q:\n%s", want, text)
		}
	}

	weeks := table(t, must(t, "stats", "--db", db, "--period", "week", "--weeks", "26", "--format", "csv").stdout)
	if len(weeks) != 26 {
		t.Fatalf("%d weeks in the csv, want 26", len(weeks))
	}
	joined := map[string]int{} // the Monday of the week → members who joined in it
	for _, m := range exportTable(t, db, "members") {
		at, err := time.Parse("2006-01-02", m["joined_at"][:10])
		if err != nil {
			t.Fatalf("joined_at %q of %s: %v", m["joined_at"], m["handle"], err)
		}
		monday := at.AddDate(0, 0, -(int(at.Weekday())+6)%7)
		joined[monday.Format("2006-01-02")]++
	}
	total := 0
	for _, w := range weeks {
		n, err := strconv.Atoi(w["newcomers"])
		if err != nil {
			t.Fatalf("newcomers %q: %v", w["newcomers"], err)
		}
		if n != joined[w["start"]] {
			t.Errorf("the week of %s: stats says %d newcomers, the members export %d", w["start"], n, joined[w["start"]])
		}
		total += n
	}
	if total == 0 {
		t.Errorf("no newcomers in 26 weeks of a 120-day demo:\n%v", weeks)
	}

	var h struct {
		Members int64 `json:"members"`
		Banned  int64 `json:"banned"`
		Active  int64 `json:"active_30_days"`
		Months  []struct {
			Label  string `json:"label"`
			Active int64  `json:"active"`
		} `json:"months"`
		Cohorts []struct {
			Members int64   `json:"members"`
			Active  []int64 `json:"active"`
		} `json:"cohorts"`
		Goals []struct {
			Name string `json:"name"`
			Aim  string `json:"aim"`
		} `json:"goals"`
	}
	out := must(t, "stats", "--db", db, "--format", "json", "--months", "3", "--cohorts", "2").stdout
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("stats --format json: %v\n%s", err, clip(out))
	}
	if h.Members != int64(300-banned) || h.Banned != int64(banned) || h.Active == 0 || len(h.Months) != 3 || len(h.Cohorts) != 2 || len(h.Cohorts[0].Active) != 2 ||
		len(h.Goals) != 3 || h.Goals[0].Name != "engagement" || h.Goals[2].Aim != "≤ 24h" {
		t.Errorf("stats as json: %+v", h)
	}

	for _, args := range [][]string{{"--months", "0"}, {"--period", "day"}, {"--format", "xml"}} {
		r := steward(t, append([]string{"stats", "--db", db}, args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, args[0]) {
			t.Errorf("stats %s: want exit 2 naming the flag: %v", strings.Join(args, " "), r)
		}
	}
	if r := steward(t, "stats", "--db", filepath.Join(t.TempDir(), "none.db")); r.code != 2 || !strings.Contains(r.stderr, "none.db") {
		t.Errorf("stats on a missing file: want exit 2 naming it: %v", r)
	}
}

// TestProgramDryRunRepricesTheLastThirtyDays: before a change of the
// rules, the dry run says what the last 30 days' events earn under each
// programme, and changes nothing.
func TestProgramDryRunRepricesTheLastThirtyDays(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	must(t, "demo", "--db", db, "--members", "200", "--days", "60", "--seed", "5")
	prog := must(t, "program", "--show", "--db", db).stdout
	const post = "kind = \"post\"\npoints = 5\n"
	if !strings.Contains(prog, post) {
		t.Fatalf("the programme no longer prices a post at 5:\n%s", clip(prog))
	}
	file := writeFile(t, filepath.Join(dir, "new.toml"), strings.Replace(prog, post, "kind = \"post\"\npoints = 10\n", 1))
	ledger := must(t, "export", "ledger", "--db", db).stdout
	out := must(t, "program", "--db", db, "--apply", file, "--dry-run").stdout
	var postLine, allLine string
	for _, l := range strings.Split(out, "\n") {
		switch f := strings.Fields(l); {
		case len(f) == 5 && f[0] == "post":
			postLine = l
		case len(f) == 5 && f[0] == "all":
			allLine = l
		}
	}
	if !strings.Contains(out, "points of the last 30 days' ") || postLine == "" || allLine == "" {
		t.Fatalf("the dry run does not reprice the last 30 days:\n%s", out)
	}
	// Posts are worth twice as much, up to the daily cap of 25: more, but
	// not more than twice.
	f := strings.Fields(postLine)
	now, next := exportInt(t, strings.ReplaceAll(f[2], ",", "")), exportInt(t, strings.ReplaceAll(f[3], ",", ""))
	if next <= now || next > 2*now || !strings.HasPrefix(f[4], "+") {
		t.Errorf("posts at 10 points instead of 5: %q", postLine)
	}
	if got := must(t, "export", "ledger", "--db", db).stdout; got != ledger {
		t.Error("the dry run changed the ledger")
	}
}

// TestDemoRefusesSizesNoOneMeant: an extra zero or two in --members would
// have the demo write for hours; it is refused at once, naming the limit.
func TestDemoRefusesSizesNoOneMeant(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	for _, args := range [][]string{
		{"--members", "99999999999"},
		{"--members", "2000000"},
		{"--days", "1000000"},
		{"--members", "0"},
	} {
		start := time.Now()
		r := steward(t, append([]string{"demo", "--db", db, "--quiet"}, args...)...)
		if r.code != 2 || time.Since(start) > 5*time.Second {
			t.Fatalf("demo %v: exit %d after %s, want 2 at once: %v", args, r.code, time.Since(start), r)
		}
		oneLine(t, r, 2)
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("demo %v left a file behind", args)
		}
	}
}
