package e2e

import (
	"encoding/csv"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// TestRandomCommandLines runs commands a script or a hurried admin might
// type — right and wrong members, ids, amounts, flags and texts — against
// one demo community, one after the other. Each must end with exit 0, 1
// or 2 and steward's own words (never a stack trace); each failure is one
// line; and the community stays sound: check passes every twenty commands
// and at the end.
func TestRandomCommandLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	must(t, "demo", "--db", db, "--members", "80", "--days", "40", "--seed", "9", "--quiet")
	column := func(kind string, col int) []string {
		rows, err := csv.NewReader(strings.NewReader(must(t, "export", kind, "--db", db).stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows[1:] {
			out = append(out, r[col])
		}
		return out
	}
	members, requests, cases := column("members", 0), column("redemptions", 0), column("reports", 1)
	rng := rand.New(rand.NewPCG(crashSeed, 21))
	pick := func(choices ...string) string { return choices[rng.IntN(len(choices))] }
	member := func() string {
		return pick(members[rng.IntN(len(members))], members[rng.IntN(len(members))], "nobody", "", "ad\u200bmin", "\x1b[2Jx")
	}
	text := func() string {
		return pick("thanks", "", " ", "spam again", "\x07bell\x1b]0;title\x07", strings.Repeat("long ", 400), "😀 merci")
	}
	number := func() string { return pick("5", "250", "0", "-3", "-100000", "abc", "1e3", "9223372036854775808", "") }
	request := func() string { return pick(requests[rng.IntN(len(requests))], "r999999", "", "../x") }
	caseID := func() string { return pick(cases[rng.IntN(len(cases))], "0", "-1", "99999", "x") }
	commands := []func() []string{
		func() []string {
			return []string{"award", "--member", member(), "--points", number(), "--reason", text()}
		},
		func() []string { return []string{"approve", request(), request()} },
		func() []string { return []string{"reject", "--reason", text(), request()} },
		func() []string {
			return []string{"decide", "--case", caseID(), "--action", pick("dismiss", "warn", "deduct", "suspend", "ban", "nuke", ""),
				"--reason", text(), "--points", number(), "--for", pick("1d", "7d", "0", "-1d", "forever")}
		},
		func() []string {
			return []string{"export", pick("members", "ledger", "leaderboard", "redemptions", "reports", "audit", "secrets"),
				"--period", pick("all", "month", "week", "year"), "--format", pick("csv", "jsonl", "xml")}
		},
		func() []string {
			return []string{"stats", "--months", number(), "--period", pick("month", "week", "day"), "--format", pick("text", "csv", "json", "yaml")}
		},
		func() []string { return []string{"program", "--show"} },
		func() []string {
			return []string{"backup", "--out", filepath.Join(dir, pick("b.db", "b.db", "missing/b.db"))}
		},
		func() []string { return []string{pick("check", "version", "nonsense", "--bogus")} },
	}
	for i := range 240 {
		args := commands[rng.IntN(len(commands))]()
		r := steward(t, append(args, "--db", db)...)
		clean(t, r)
		// A failure is one line; approve and reject say one per request.
		most := 1
		if args[0] == "approve" || args[0] == "reject" {
			most = 2
		}
		if n := len(lines(r.stderr)); r.code != 0 && (n == 0 || n > most) {
			t.Errorf("%q: a failure of %d lines: %v", args, n, r)
		}
		if i%20 == 19 {
			checkPasses(t, db)
		}
		if t.Failed() {
			t.Fatalf("after command %d, %q", i, args)
		}
	}
	checkPasses(t, db)
	audit := must(t, "export", "audit", "--db", db).stdout
	if n := len(lines(audit)); n < 10 {
		t.Fatalf("the commands wrote almost nothing (%d audit lines): the test proves little", n)
	}
}
