package e2e

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const crashSeed = 6 // issue 6; change it to explore other kill points

// watcher follows a database file from outside: each change of its size
// or modification time (a commit writing its pages), and each committed
// transaction (the transaction id in its meta pages).
type watcher struct {
	path    string
	size    int64
	mod     time.Time
	exists  bool
	changes int    // size or time changes seen
	base    uint64 // the transaction id when the watch began
	txid    uint64
}

func newWatcher(path string) *watcher {
	w := &watcher{path: path}
	w.poll()
	w.changes, w.base = 0, w.txid
	if !w.exists {
		w.base = 1 // a new file starts with the transaction ids 0 and 1
	}
	return w
}

// commits is how many transactions were committed since the watch began.
func (w *watcher) commits() int { return int(w.txid - w.base) }

func (w *watcher) poll() {
	f, err := os.Open(w.path)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if !w.exists || fi.Size() != w.size || !fi.ModTime().Equal(w.mod) {
		w.exists, w.size, w.mod = true, fi.Size(), fi.ModTime()
		w.changes++
	}
	page := make([]byte, 4096)
	if _, err := f.ReadAt(page, 0); err != nil {
		return
	}
	w.txid = max(w.txid, metaTxid(page))
	if ps := int64(binary.LittleEndian.Uint32(page[24:])); ps >= 1024 && ps <= 1<<16 {
		page = make([]byte, ps)
		if _, err := f.ReadAt(page, ps); err == nil {
			w.txid = max(w.txid, metaTxid(page))
		}
	}
}

// metaTxid reads the transaction id of a bbolt meta page, or 0 when the
// page is not a whole, valid meta page. After the 16-byte page header the
// meta holds magic, version, page size, flags (4 bytes each), the root
// bucket (16), the freelist, the high-water mark and the transaction id (8
// each), then an FNV-64a checksum of all that.
func metaTxid(page []byte) uint64 {
	meta := page[16:80]
	if binary.LittleEndian.Uint32(meta) != 0xED0CDAED {
		return 0
	}
	h := fnv.New64a()
	h.Write(meta[:56])
	if h.Sum64() != binary.LittleEndian.Uint64(meta[56:]) {
		return 0
	}
	return binary.LittleEndian.Uint64(meta[48:])
}

// killPlan is when to kill a process: once it has committed `commits`
// transactions, at its next file change if `atChange`, then after `delay`.
type killPlan struct {
	kind     string
	commits  int
	atChange bool
	delay    time.Duration
}

// killAt starts cmd, kills it with SIGKILL as planned and returns its fate.
// A process that ended first is returned as it ended.
func killAt(t *testing.T, cmd *exec.Cmd, db string, plan killPlan) result {
	t.Helper()
	w := newWatcher(db)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting steward: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(processTimeout)
	var err error
	ended := false
	await := func(ready func() bool) {
		for !ended && !ready() {
			select {
			case err = <-done:
				ended = true
			case <-deadline:
				t.Errorf("the process never reached its kill point %+v", plan)
				cmd.Process.Kill()
				err, ended = <-done, true
			case <-time.After(200 * time.Microsecond):
				w.poll()
			}
		}
	}
	await(func() bool { return w.commits() >= plan.commits })
	if plan.atChange {
		seen := w.changes
		await(func() bool { return w.changes > seen })
	}
	if !ended {
		select {
		case err = <-done:
		case <-time.After(plan.delay):
			cmd.Process.Kill()
			err = <-done
		}
	}
	return finished(cmd, err, cmd.Args[1:], time.Since(start))
}

// TestCrashMidImportLosesNothing kills an import of 101,000 rows with
// SIGKILL at seeded moments — at start-up, in the validating pass, in the
// middle of a commit, mid-batch — at least 20 times on the same database.
// After every kill `steward check` passes and only whole batches are in;
// re-running the import then gives exactly the exports of an uninterrupted
// import.
func TestCrashMidImportLosesNothing(t *testing.T) {
	c := theCorpus(t)
	db := filepath.Join(t.TempDir(), "killed.db")
	rng := rand.New(rand.NewPCG(crashSeed, 1))
	const wantKills = 20
	totalBatches := (corpusEvents + corpusBatch - 1) / corpusBatch
	perBatch := (c.importTime - c.dryTime) / time.Duration(totalBatches+1)
	landed := map[string]int{}
	kills, partial, batches := 0, 0, 0
	var progress []string // batches in after each kill
	start := time.Now()
	for attempt := 0; kills < wantKills && attempt < 3*wantKills; attempt++ {
		// Aim each kill further into the import, so that the kills spread
		// over all of it. Each run commits the members' batch and the event
		// batches already in again (as duplicates) before any new one.
		left := wantKills - kills
		target := 1 + batches + 1 + rng.IntN(max(1, 2*(totalBatches-batches)/left))
		target = min(target, totalBatches) // the last batch is for the last kill
		var plan killPlan
		switch k := rng.IntN(10); {
		case left == 1:
			plan = killPlan{kind: "after the last batch", commits: 1 + totalBatches}
		case attempt%7 == 0:
			plan = killPlan{kind: "immediately"}
		case k < 2:
			plan = killPlan{kind: "start-up or validation", delay: time.Duration(rng.Int64N(int64(c.dryTime)))}
		case k < 4:
			plan = killPlan{kind: "between batches", commits: target}
		case k < 6:
			plan = killPlan{kind: "in a commit", commits: target, atChange: true}
		default:
			plan = killPlan{kind: "mid-batch", commits: target, delay: time.Duration(rng.Int64N(int64(perBatch)))}
		}
		r := killAt(t, stewardCmd(c.importArgs(db)...), db, plan)
		if !r.signaled {
			if r.code != 0 {
				t.Fatalf("the import failed on its own: %v", r)
			}
			landed["too late: the import had finished"]++
			continue
		}
		kills++
		if fi, err := os.Stat(db); os.IsNotExist(err) || (err == nil && fi.Size() == 0) {
			// Killed before bbolt wrote the file's first pages: there is
			// no database yet, and a reader must say so, not fail.
			r := steward(t, "check", "--db", db)
			oneLine(t, r, 2)
			if !strings.Contains(r.stderr, "no database here yet") {
				t.Errorf("kill %d left no database, and check does not say so: %v", kills, r)
			}
			landed[plan.kind+", before the database existed"]++
			continue
		}
		n := checkPasses(t, db)
		if t.Failed() {
			t.Fatalf("kill %d (%s, %+v) left a database that fails its check", kills, plan.kind, plan)
		}
		switch {
		case n.members == 0 && n.entries == 0:
		case n.members != corpusMembers:
			t.Fatalf("kill %d (%+v): %d members: the members' batch was half written", kills, plan, n.members)
		case c.oneEntryPerRow && (n.entries-corpusMembers)%corpusBatch != 0:
			t.Fatalf("kill %d (%+v): %d ledger entries: an event batch was half written", kills, plan, n.entries)
		}
		now := 0
		if n.members > 0 {
			now = (n.entries - corpusMembers) / corpusBatch
		}
		if now > 0 && now < totalBatches {
			partial++
		}
		what := "no new batch in"
		if now > batches {
			what = "after new batches"
		}
		landed[plan.kind+", "+what]++
		progress = append(progress, fmt.Sprint(now))
		batches = now
	}
	var summary []string
	for k, n := range landed {
		summary = append(summary, fmt.Sprintf("%d × %s", n, k))
	}
	sort.Strings(summary)
	t.Logf("%d kills in %s: %s", kills, time.Since(start).Round(time.Millisecond), strings.Join(summary, "; "))
	t.Logf("event batches in after each kill (of %d): %s", totalBatches, strings.Join(progress, " "))
	if kills < wantKills {
		t.Errorf("only %d kills landed before the import finished; want %d", kills, wantKills)
	}
	if partial == 0 {
		t.Errorf("no kill left the import part-way through its batches: the test proved nothing about batches")
	}
	must(t, c.importArgs(db)...)
	checkPasses(t, db)
	sameExports(t, "killed and re-run import", c.exports, exports(t, db))
}

// TestKilledModeratorWriteIsAllOrNothing kills moderators' writes (award,
// approve, decide) with SIGKILL at seeded moments — immediately, mid-way,
// in the middle of the commit — and proves each decision is either wholly
// recorded (ledger, audit log, request or case, balance) or wholly absent,
// and that `steward check` passes.
func TestKilledModeratorWriteIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	const members, ops, wantKills = 10, 75, 20
	db := newCommunity(t, dir, members)
	var reqs [][3]string
	reports := filepath.Join(dir, "reports.csv")
	for i := range ops {
		reqs = append(reqs, [3]string{fmt.Sprintf("kq%02d", i), handle(i % members), voucher})
	}
	writeLines(t, reports, "id,reporter,subject,content,guideline,excerpt,at", ops, func(i int) string {
		at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		return fmt.Sprintf("kr%02d,%s,%s,post/%d,spam,buy now,%s", i, handle((i+1)%members), handle(i%members), i, at.Format(time.RFC3339))
	})
	must(t, "import", "--db", db, "--redemptions", requestsFile(t, filepath.Join(dir, "requests.csv"), reqs), "--reports", reports, "--quiet")
	caseOf := map[string]string{}
	for _, r := range exportTable(t, db, "reports") {
		caseOf[r["content"]] = r["case"]
	}

	type op struct {
		kind, target, reason, member string
		args                         []string
		outcome                      string // done, killed
	}
	all := make([]*op, ops)
	for i := range all {
		o := &op{kind: []string{"award", "approve", "decide"}[i%3]}
		switch o.kind {
		case "award":
			o.member, o.reason = handle(i%members), fmt.Sprintf("kill-award-%d", i)
			o.args = []string{"award", "--db", db, "--by", "mod", "--member", o.member, "--points", "7", "--reason", o.reason}
		case "approve":
			o.member, o.target = handle(i%members), fmt.Sprintf("kq%02d", i)
			o.args = []string{"approve", "--db", db, "--by", "mod", o.target}
		case "decide":
			o.member, o.target, o.reason = handle(i%members), caseOf[fmt.Sprintf("post/%d", i)], fmt.Sprintf("kill-decide-%d", i)
			o.args = []string{"decide", "--db", db, "--by", "mod", "--case", o.target, "--action", "deduct", "--points", "11", "--reason", o.reason}
		}
		all[i] = o
	}
	// The first of each kind runs to the end, to learn how long it takes.
	took := map[string]time.Duration{}
	for _, o := range all[:3] {
		r := must(t, o.args...)
		o.outcome, took[o.kind] = "done", r.elapsed
	}
	rng := rand.New(rand.NewPCG(crashSeed, 2))
	kills := 0
	for i, o := range all[3:] {
		var plan killPlan
		switch i % 5 {
		case 0:
			plan = killPlan{kind: "immediately"}
		case 1:
			plan = killPlan{kind: "in the commit", atChange: true}
		default:
			plan = killPlan{kind: "mid-way", delay: time.Duration(rng.Int64N(int64(took[o.kind])))}
		}
		r := killAt(t, stewardCmd(o.args...), db, plan)
		switch {
		case r.signaled:
			o.outcome = "killed"
			kills++
		case r.code == 0:
			o.outcome = "done"
		default:
			t.Fatalf("a %s failed on its own: %v", o.kind, r)
		}
	}
	if kills < wantKills {
		t.Errorf("only %d of %d writes were killed before they finished; want %d", kills, ops-3, wantKills)
	}
	checkPasses(t, db)

	ledger := exportTable(t, db, "ledger")
	audit := exportTable(t, db, "audit")
	requests := byKey(exportTable(t, db, "redemptions"), "id")
	cases := byKey(exportTable(t, db, "reports"), "case")
	count := func(rows []map[string]string, match func(map[string]string) bool) int {
		n := 0
		for _, r := range rows {
			if match(r) {
				n++
			}
		}
		return n
	}
	balance, held := map[string]int{}, map[string]int{}
	for i := range members {
		balance[handle(i)] = welcome
	}
	present := map[string]int{}
	for _, o := range all {
		var inLedger, inAudit, inRecord int
		switch o.kind {
		case "award":
			inLedger = count(ledger, func(r map[string]string) bool { return r["why"] == o.reason && r["type"] == "awarded" })
			inAudit = count(audit, func(r map[string]string) bool {
				return r["action"] == "award" && strings.HasSuffix(r["summary"], ": "+o.reason)
			})
			inRecord = inLedger // an award is its ledger entry
			balance[o.member] += 7 * inLedger
		case "approve":
			inLedger = count(ledger, func(r map[string]string) bool { return r["ref"] == o.target && r["type"] == "spent" })
			inAudit = count(audit, func(r map[string]string) bool { return r["action"] == "approve" && r["subject"] == o.target })
			switch requests[o.target]["status"] {
			case "approved":
				inRecord = 1
			case "pending":
			default:
				t.Errorf("request %s is %q", o.target, requests[o.target]["status"])
			}
		case "decide":
			inLedger = count(ledger, func(r map[string]string) bool { return r["why"] == o.reason && r["type"] == "penalty" })
			inAudit = count(audit, func(r map[string]string) bool { return r["action"] == "decide" && r["subject"] == "case #"+o.target })
			switch cases[o.target]["status"] {
			case "actioned":
				inRecord = 1
			case "open":
			default:
				t.Errorf("case %s is %q", o.target, cases[o.target]["status"])
			}
		}
		if inLedger != inAudit || inLedger != inRecord || inLedger > 1 {
			t.Errorf("%s %v (%s): %d ledger entries, %d audit entries, %d records: half written", o.kind, o.args[3:], o.outcome, inLedger, inAudit, inRecord)
		}
		if o.outcome == "done" && inLedger != 1 {
			t.Errorf("%s %v finished but is not recorded", o.kind, o.args[3:])
		}
		present[fmt.Sprintf("%s %s", o.outcome, map[bool]string{true: "and recorded", false: "and absent"}[inLedger == 1])]++
	}
	// What the records say each member has, against what the ledger says.
	for _, q := range requests {
		switch q["status"] {
		case "approved":
			balance[q["member"]] -= voucherCost
		case "pending":
			held[q["member"]] += voucherCost
		}
	}
	for _, c := range cases {
		if c["status"] == "actioned" {
			balance[c["subject"]] -= 11
		}
	}
	for _, m := range exportTable(t, db, "members") {
		if b := fmt.Sprint(balance[m["handle"]]); m["balance"] != b {
			t.Errorf("%s's balance is %s; the recorded decisions make it %s", m["handle"], m["balance"], b)
		}
		if h := fmt.Sprint(held[m["handle"]]); m["held"] != h {
			t.Errorf("%s holds %s; the pending requests make it %s", m["handle"], m["held"], h)
		}
	}
	t.Logf("%d writes, %d killed: %v", ops, kills, present)
}
