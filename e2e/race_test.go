package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const raceRounds = 10

// together runs steward commands so that they contend: each waits in a
// shell for a line on its standard input, and the lines are written one
// right after the other once every shell is waiting.
func together(t *testing.T, argss ...[]string) []result {
	t.Helper()
	sh := needTool(t, "sh")
	type proc struct {
		cmd      *exec.Cmd
		in       io.WriteCloser
		out, err bytes.Buffer
		done     chan error
	}
	procs := make([]*proc, len(argss))
	for i, args := range argss {
		p := &proc{done: make(chan error, 1)}
		p.cmd = exec.Command(sh, append([]string{"-c", `read -r _ && exec "$0" "$@"`, bin}, args...)...)
		p.cmd.Env = childEnv()
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
		var err error
		if p.in, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = p
	}
	time.Sleep(20 * time.Millisecond) // every shell reaches its read
	start := time.Now()
	for _, p := range procs {
		p.in.Write([]byte("go\n"))
	}
	for _, p := range procs {
		p.in.Close()
		go func() { p.done <- p.cmd.Wait() }()
	}
	out := make([]result, len(procs))
	for i, p := range procs {
		var err error
		select {
		case err = <-p.done:
		case <-time.After(processTimeout):
			p.cmd.Process.Kill()
			err = <-p.done
			t.Errorf("hung: `steward %s` killed after %s", strings.Join(argss[i], " "), processTimeout)
		}
		out[i] = finished(p.cmd, err, argss[i], time.Since(start))
		out[i].stdout, out[i].stderr = p.out.String(), p.err.String()
	}
	return out
}

// oneWinner asserts that of two contenders exactly one succeeded and the
// other exited 1 with one line; it returns the winner's index.
func oneWinner(t *testing.T, rs []result) int {
	t.Helper()
	for _, r := range rs {
		clean(t, r)
	}
	switch {
	case rs[0].code == 0 && rs[1].code == 1:
		oneLine(t, rs[1], 1)
		return 0
	case rs[1].code == 0 && rs[0].code == 1:
		oneLine(t, rs[0], 1)
		return 1
	}
	t.Fatalf("want one success and one refusal, got:\n%v\n%v", rs[0], rs[1])
	return -1
}

// TestTwoModeratorsApproveTheSameRequest has two moderators' processes
// approve the same reward request at the same moment, ten times: exactly
// one approval is recorded and spent, and the other moderator is told who
// approved it first.
func TestTwoModeratorsApproveTheSameRequest(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, raceRounds)
	var reqs [][3]string
	for i := range raceRounds {
		reqs = append(reqs, [3]string{fmt.Sprintf("same%02d", i), handle(i), voucher})
	}
	must(t, "import", "--db", db, "--redemptions", requestsFile(t, filepath.Join(dir, "requests.csv"), reqs), "--quiet")
	mods := []string{"alice", "bob"}
	winners := map[string]string{}
	for i := range raceRounds {
		id := fmt.Sprintf("same%02d", i)
		first := i % 2 // who is started first alternates
		rs := together(t,
			[]string{"approve", "--db", db, "--by", mods[first], id},
			[]string{"approve", "--db", db, "--by", mods[1-first], id})
		w := oneWinner(t, rs)
		winner := mods[(first+w)%2]
		winners[id] = winner
		if want := fmt.Sprintf("already approved by %s", winner); !strings.Contains(rs[1-w].stderr, want) || !strings.Contains(rs[1-w].stderr, id) {
			t.Errorf("the loser is not told who approved %s first (want %q): %v", id, want, rs[1-w])
		}
	}
	requests := byKey(exportTable(t, db, "redemptions"), "id")
	spent := map[string]int{}
	for _, e := range exportTable(t, db, "ledger") {
		if e["type"] == "spent" {
			spent[e["ref"]]++
		}
	}
	for id, winner := range winners {
		if q := requests[id]; q["status"] != "approved" || q["decided_by"] != winner {
			t.Errorf("%s: status %q decided by %q; want approved by %s", id, q["status"], q["decided_by"], winner)
		}
		if spent[id] != 1 {
			t.Errorf("%s: spent %d times", id, spent[id])
		}
	}
	t.Logf("winners: %v", winners)
	checkPasses(t, db)
}

// TestTwoModeratorsDecideTheSameCase has two moderators settle the same
// report case at the same moment — one deducts points, the other warns —
// ten times: exactly one decision is recorded, with its effect on the
// member, and the other moderator is told who decided first.
func TestTwoModeratorsDecideTheSameCase(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, raceRounds+1)
	reports := filepath.Join(dir, "reports.csv")
	writeLines(t, reports, "id,reporter,subject,content,guideline,excerpt,at", raceRounds, func(i int) string {
		return fmt.Sprintf("rep%02d,%s,%s,thread/%d,harassment,you again,2025-06-01T10:%02d:00Z", i, handle(raceRounds), handle(i), i, i)
	})
	must(t, "import", "--db", db, "--reports", reports, "--quiet")
	caseOf := map[string]string{}
	for _, r := range exportTable(t, db, "reports") {
		caseOf[r["subject"]] = r["case"]
	}
	winners := map[string]string{}
	for i := range raceRounds {
		cs := caseOf[handle(i)]
		alice := []string{"decide", "--db", db, "--by", "alice", "--case", cs, "--action", "deduct", "--points", "100", "--reason", "alice: insults"}
		bob := []string{"decide", "--db", db, "--by", "bob", "--case", cs, "--action", "warn", "--reason", "bob: first time"}
		args, names := [][]string{alice, bob}, []string{"alice", "bob"}
		if i%2 == 1 {
			args, names = [][]string{bob, alice}, []string{"bob", "alice"}
		}
		rs := together(t, args...)
		w := oneWinner(t, rs)
		winners[cs] = names[w]
		if want := fmt.Sprintf("case #%s was already actioned by %s", cs, names[w]); !strings.Contains(rs[1-w].stderr, want) {
			t.Errorf("the loser is not told who decided first (want %q): %v", want, rs[1-w])
		}
	}
	cases := byKey(exportTable(t, db, "reports"), "case")
	members := byKey(exportTable(t, db, "members"), "handle")
	penalties := map[string]int{}
	for _, e := range exportTable(t, db, "ledger") {
		if e["type"] == "penalty" {
			penalties[e["member"]]++
		}
	}
	for i := range raceRounds {
		cs, h := caseOf[handle(i)], handle(i)
		winner := winners[cs]
		wantAction, wantPenalties, wantBalance := "warning", 0, welcome
		if winner == "alice" {
			wantAction, wantPenalties, wantBalance = "deduction", 1, welcome-100
		}
		if c := cases[cs]; c["status"] != "actioned" || c["decided_by"] != winner || !strings.HasPrefix(c["reason"], winner+":") {
			t.Errorf("case %s: %q by %q (%q); want actioned by %s", cs, c["status"], c["decided_by"], c["reason"], winner)
		}
		if a := cases[cs]["action"]; !strings.Contains(a, wantAction[:4]) {
			t.Errorf("case %s: action %q; %s's %s won", cs, a, winner, wantAction)
		}
		if penalties[h] != wantPenalties || members[h]["balance"] != fmt.Sprint(wantBalance) {
			t.Errorf("%s: %d penalties, balance %s; want %d and %d (%s won)", h, penalties[h], members[h]["balance"], wantPenalties, wantBalance, winner)
		}
	}
	t.Logf("winners: %v", winners)
	checkPasses(t, db)
}

// TestTwoApprovalsAgainstStockOfOne has two moderators approve two
// members' requests for the last item of a reward at the same moment, ten
// times: exactly one is approved, the other is refused as out of stock and
// stays pending, and the stock ends at zero, never below.
func TestTwoApprovalsAgainstStockOfOne(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, 2*lastOnes)
	var reqs [][3]string
	for i := 1; i <= lastOnes; i++ {
		reward := fmt.Sprintf("last-one-%d", i)
		reqs = append(reqs, [3]string{fmt.Sprintf("one%02da", i), handle(2*i - 2), reward}, [3]string{fmt.Sprintf("one%02db", i), handle(2*i - 1), reward})
	}
	must(t, "import", "--db", db, "--redemptions", requestsFile(t, filepath.Join(dir, "requests.csv"), reqs), "--quiet")
	approved := map[string]string{}
	for i := 1; i <= lastOnes; i++ {
		a, b := fmt.Sprintf("one%02da", i), fmt.Sprintf("one%02db", i)
		rs := together(t, []string{"approve", "--db", db, "--by", "alice", a}, []string{"approve", "--db", db, "--by", "bob", b})
		w := oneWinner(t, rs)
		approved[fmt.Sprintf("last-one-%d", i)] = []string{a, b}[w]
		if want := fmt.Sprintf("last-one-%d is out of stock", i); !strings.Contains(rs[1-w].stderr, want) {
			t.Errorf("the refusal does not say the stock is out (want %q): %v", want, rs[1-w])
		}
	}
	for _, q := range exportTable(t, db, "redemptions") {
		want := "pending"
		if approved[q["reward"]] == q["id"] {
			want = "approved"
		}
		if q["status"] != want {
			t.Errorf("%s (%s): %s, want %s", q["id"], q["reward"], q["status"], want)
		}
	}
	prog := must(t, "program", "--show", "--db", db).stdout
	for i := 1; i <= lastOnes; i++ {
		if stock := rewardField(prog, fmt.Sprintf("last-one-%d", i), "stock"); stock != "0" {
			t.Errorf("last-one-%d: stock %q after one approval of a stock of one", i, stock)
		}
	}
	checkPasses(t, db)
}

// rewardField reads one field of a reward from `program --show`.
func rewardField(prog, id, field string) string {
	for _, block := range strings.Split(prog, "[[rewards]]") {
		if !strings.Contains(block, fmt.Sprintf("\nid = %q\n", id)) {
			continue
		}
		for _, l := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(l, field+" = "); ok {
				return strings.Trim(v, `"`)
			}
		}
	}
	return ""
}

// TestConcurrentRequestsNeverOverdraw has two scripts each import 50
// distinct requests at the same moment, one transaction per request so
// that they interleave, for a member whose balance is worth exactly ten:
// ten hold points, the other ninety are recorded rejected with the reason,
// and the balance is never overdrawn. Ten rounds, a member each.
func TestConcurrentRequestsNeverOverdraw(t *testing.T) {
	dir := t.TempDir()
	db := newCommunity(t, dir, raceRounds)
	const each = 50
	files := map[string]string{}
	for i := range raceRounds {
		for _, side := range []string{"a", "b"} {
			var reqs [][3]string
			for j := range each {
				reqs = append(reqs, [3]string{fmt.Sprintf("od%02d%s%02d", i, side, j), handle(i), voucher})
			}
			files[fmt.Sprint(i, side)] = requestsFile(t, filepath.Join(dir, fmt.Sprintf("requests-%d%s.csv", i, side)), reqs)
		}
	}
	for i := range raceRounds {
		rs := together(t,
			[]string{"import", "--db", db, "--by", "script-a", "--batch", "1", "--quiet", "--redemptions", files[fmt.Sprint(i, "a")]},
			[]string{"import", "--db", db, "--by", "script-b", "--batch", "1", "--quiet", "--redemptions", files[fmt.Sprint(i, "b")]})
		for _, r := range rs {
			clean(t, r)
			if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("imported %d,", each)) {
				t.Errorf("a script's import did not record all its requests: %v", r)
			}
		}
	}
	members := byKey(exportTable(t, db, "members"), "handle")
	holding, rejected := map[string]int{}, map[string]int{}
	sides := map[string]map[string]int{}
	for _, q := range exportTable(t, db, "redemptions") {
		switch q["status"] {
		case "pending", "approved":
			holding[q["member"]]++
			if sides[q["member"]] == nil {
				sides[q["member"]] = map[string]int{}
			}
			sides[q["member"]]["script-"+q["id"][4:5]]++
		case "rejected":
			rejected[q["member"]]++
			if want := fmt.Sprintf("needs %d points, 0 available", voucherCost); q["reason"] != want {
				t.Errorf("%s was rejected with reason %q, want %q", q["id"], q["reason"], want)
			}
		}
	}
	for i := range raceRounds {
		h := handle(i)
		if holding[h] != 10 || rejected[h] != 2*each-10 {
			t.Errorf("%s: %d requests hold points and %d are rejected; want 10 and %d", h, holding[h], rejected[h], 2*each-10)
		}
		m := members[h]
		if m["balance"] != fmt.Sprint(welcome) || m["held"] != fmt.Sprint(welcome) {
			t.Errorf("%s: balance %s, held %s; want %d of %d held, never more", h, m["balance"], m["held"], welcome, welcome)
		}
	}
	t.Logf("which script's requests got the points, per round: %v", sides)
	checkPasses(t, db)
}
