package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"steward/model"
)

// ladderHint is the suspension form's hint; it names the length the
// penalty ladder suggests, which the form is filled in with.
var ladderHint = regexp.MustCompile(`next on the penalty ladder after \d+ penalt(?:y|ies): (\d+[a-z][0-9a-z]*)`)

// TestConsoleTriage is a moderator's triage session, by keystrokes only,
// on the demo community: approve the oldest reward request, reject the
// next one with a reason picked by number, suspend the subject of the
// top report case, award points to a member found with the filter, award
// again and undo that award, then quit. Afterwards the exports must hold
// exactly those decisions, by the moderator, and nothing else.
//
// It runs at 120×36, where the request and the case in hand are shown
// beside their list with their id: the test reads on screen that the
// console is about to act on the request or case the exports said it
// would, before it presses the key. No key used here depends on the wide
// layout (the narrow one is the hostile-text test's).
func TestConsoleTriage(t *testing.T) {
	needTmux(t)
	start := time.Now()
	const (
		w, h   = 120, 36
		actor  = "e2e-mod"
		reject = "on hold while reports about them are reviewed" // choice 3
		reason = "insults in the welcome thread"
		award  = "ran the spring meetup"
		oops   = "meant for someone else"
	)
	db := filepath.Join(t.TempDir(), "demo.db")
	must(t, "demo", "--db", db, "--seed", "1")

	// What the queues hold before the session, read through the exports.
	before := exportAll(t, db)
	pending := pendingOldestFirst(t, before.redemptions)
	if len(pending) < 2 {
		t.Fatalf("the demo has %d pending requests; the test needs two", len(pending))
	}
	first, second := pending[0], pending[1]
	top := topOpenCase(t, before.reports)
	subject := top.subject
	if byKey(before.members, "handle")[subject]["status"] != "active" {
		t.Fatalf("the top case's subject %s is not active before the session", subject)
	}
	lucky := awardee(t, before.members, first["member"], second["member"], subject)
	for _, a := range before.audit {
		if a["actor"] == actor {
			t.Fatalf("the demo already has an audit entry by %s: %v", actor, a)
		}
	}
	pendingCount, openCount := len(pending), countOpenCases(before.reports)

	env := append(childEnv(), "STEWARD_ACTOR=not-"+actor) // --by must win
	tm := startTmux(t, w, h, env)
	con := tm.window("console", bin, "--db", db, "--by", actor)
	pid, err := strconv.Atoi(con.info("#{pane_pid}"))
	if err != nil {
		t.Fatalf("no pid for the console's pane: %v", err)
	}
	con.waitFor("as "+actor, fmt.Sprintf("3 Approvals %d", pendingCount), fmt.Sprintf("4 Reports %d", openCount), "Members · ")

	// Approvals: the oldest request is selected; approve it.
	con.keys("3")
	con.waitFor(fmt.Sprintf("Approvals · %d pending", pendingCount), " Request "+first["id"]+" ")
	con.waitLine(4, "> ", first["member"])
	con.keys("y")
	con.waitLine(-2, "✓ approved ", "for "+first["member"]+" ("+first["cost"]+" points)", "u undo")
	con.waitFor(fmt.Sprintf("Approvals · %d pending", pendingCount-1), " Request "+second["id"]+" ")

	// The next one is selected; reject it with a reason picked by number.
	con.keys("x")
	con.waitFor("Reject ", "for "+second["member"], "type a number or your own words", "3  "+reject)
	con.keys("3")
	con.waitFor("> " + reject)
	con.keys("Enter")
	con.waitLine(-2, "✓ rejected ", " for "+second["member"], "u undo")
	con.waitFor(fmt.Sprintf("Approvals · %d pending", pendingCount-2), fmt.Sprintf("3 Approvals %d", pendingCount-2))

	// Reports: the top case is selected; suspend its subject for the
	// length the penalty ladder suggests, with a reason of our own.
	con.keys("4")
	con.waitFor(fmt.Sprintf("Reports · %d open", openCount), fmt.Sprintf(" Case #%s ", top.id), "   "+subject+" · ")
	con.keys("s")
	sc := con.waitFor("Suspend "+subject, "next on the penalty ladder after ")
	m := ladderHint.FindStringSubmatch(strings.Join(sc, "\n"))
	if m == nil {
		t.Fatalf("the suspension form does not say what the ladder suggests:\n%s", framedScreen(sc))
	}
	length := m[1]
	con.waitFor("> " + length)
	con.keys("Enter") // the suggested length
	con.waitFor("For: "+length, "Reason", "> breach of “")
	con.keys("C-u") // the reason offered is the guideline; write our own
	con.waitGone("> breach of “")
	con.text(reason)
	con.waitFor("> " + reason)
	con.keys("Enter")
	con.waitLine(-2, "✓ suspended "+subject+" for "+length, "u undo")
	con.waitFor(fmt.Sprintf("Reports · %d open", openCount-1), fmt.Sprintf("4 Reports %d", openCount-1))

	// Members: filter to one member and award points. The two keys go in
	// one send-keys, so the console reads them at once, as it does keys
	// typed ahead over a slow link: each must count.
	con.keys("1", "/")
	con.waitFor("Members / handle or name")
	con.text(lucky)
	con.waitUntil("the filter to select "+lucky, func(sc []string) bool {
		return strings.Contains(screenLine(sc, 2), "Members / "+lucky) && strings.HasPrefix(screenLine(sc, 4), "> "+lucky+" ")
	})
	con.keys("Enter")
	con.waitFor("for “"+lucky+"” · best first", " "+lucky+" · ")
	con.waitLine(4, "> "+lucky+" ")
	awardPoints(con, lucky, "25", award)
	con.waitLine(-2, "✓ awarded 25 points to "+lucky, "u undo")

	// A second award, by mistake: undo it.
	awardPoints(con, lucky, "40", oops)
	con.waitLine(-2, "✓ awarded 40 points to "+lucky, "u undo")
	con.keys("u")
	con.waitLine(-2, "✓ undid: awarded 40 points to "+lucky+": "+oops)

	// The Health pane shows what `steward stats` says, this session's
	// decision among the month's.
	var stats struct {
		Members int64 `json:"members"`
		Banned  int64 `json:"banned"`
		Months  []struct {
			Decided int64 `json:"decided"`
		} `json:"months"`
	}
	if err := json.Unmarshal([]byte(must(t, "stats", "--db", db, "--format", "json", "--months", "1").stdout), &stats); err != nil {
		t.Fatal(err)
	}
	if len(stats.Months) != 1 || stats.Months[0].Decided < 1 {
		t.Fatalf("stats after the triage: %+v, want this month's decisions to count the suspension", stats)
	}
	con.keys("5")
	members := fmt.Sprintf("%s members · ", count(stats.Members))
	if stats.Banned > 0 {
		members = fmt.Sprintf("%s members (%s banned, left out) · ", count(stats.Members), count(stats.Banned))
	}
	con.waitFor("Health · by month", members, "engagement ", " so far ")
	con.keys("p")
	con.waitFor("Health · by week", " so far ")

	con.keys("q")
	if status := con.waitExit(); status != "0" {
		t.Fatalf("the console exited with status %s after q; its last screen:\n%s", status, framedScreen(con.screen()))
	}
	if !processEnded(pid) {
		t.Fatalf("the console's process %d still runs after q", pid)
	}

	// The database holds exactly those decisions.
	after := exportAll(t, db)
	checkRedemptions(t, before, after, actor, first["id"], second["id"], reject)
	checkReports(t, before, after, actor, top.id, reason)
	checkMembers(t, before, after, map[string]func(b, a map[string]string){
		first["member"]: func(b, a map[string]string) {
			cost := exportInt(t, first["cost"])
			wantNumber(t, first["member"]+" balance", a["balance"], exportInt(t, b["balance"])-cost)
			wantNumber(t, first["member"]+" held", a["held"], exportInt(t, b["held"])-cost)
		},
		second["member"]: func(b, a map[string]string) {
			wantNumber(t, second["member"]+" balance", a["balance"], exportInt(t, b["balance"]))
			wantNumber(t, second["member"]+" held", a["held"], exportInt(t, b["held"])-exportInt(t, second["cost"]))
		},
		subject: func(b, a map[string]string) {
			if !strings.HasPrefix(a["status"], "suspended") {
				t.Errorf("%s has status %q after the suspension", subject, a["status"])
			}
			wantNumber(t, subject+" balance", a["balance"], exportInt(t, b["balance"]))
		},
		lucky: func(b, a map[string]string) {
			wantNumber(t, lucky+" balance", a["balance"], exportInt(t, b["balance"])+25)
			wantNumber(t, lucky+" lifetime points", a["lifetime_points"], exportInt(t, b["lifetime_points"])+25)
		},
	})
	checkLedger(t, before, after, actor, []ledgerWant{
		{first["member"], "spent", "-" + first["cost"], "-" + first["cost"], "", first["id"]},
		{second["member"], "released", "0", "-" + second["cost"], reject, second["id"]},
		{lucky, "awarded", "25", "0", award, ""},
		{lucky, "awarded", "40", "0", oops, ""},
		{lucky, "reversal", "-40", "0", "", ""}, // checked apart: it names the entry it reverses
	})
	checkAudit(t, before, after, actor, []auditWant{
		{"approve", first["id"], "approved "},
		{"reject", second["id"], "rejected " + rewardName(t, db, second["reward"]) + " for " + second["member"] + ": " + reject},
		{"decide", "case #" + top.id, "suspended " + subject + " for " + length + ": " + reason},
		{"award", lucky, "awarded 25 points to " + lucky + ": " + award},
		{"award", lucky, "awarded 40 points to " + lucky + ": " + oops},
		{"undo", lucky, "undid: awarded 40 points to " + lucky + ": " + oops},
	})
	checkPasses(t, db)
	t.Logf("triage session and checks took %s", time.Since(start).Round(time.Millisecond))
}

// awardPoints opens the award form on the selected member and fills it.
func awardPoints(con *tmuxPane, handle, points, reason string) {
	con.s.t.Helper()
	con.keys("a")
	con.waitFor("Award points to "+handle, "Points", "e.g. 50, or -20 to take points back")
	con.text(points)
	con.waitFor("> " + points)
	con.keys("Enter")
	con.waitFor("Points: "+points, "shown in their points history")
	con.text(reason)
	con.waitFor("> " + reason)
	con.keys("Enter")
}

// exportSet are the parsed exports of a database at one moment.
type exportSet struct {
	redemptions, reports, members, ledger, audit []map[string]string
}

func exportAll(t *testing.T, db string) exportSet {
	t.Helper()
	return exportSet{
		redemptions: exportTable(t, db, "redemptions"),
		reports:     exportTable(t, db, "reports"),
		members:     exportTable(t, db, "members"),
		ledger:      exportTable(t, db, "ledger"),
		audit:       exportTable(t, db, "audit"),
	}
}

// pendingOldestFirst is the approvals queue as the README orders it:
// oldest request first (the id breaks ties).
func pendingOldestFirst(t *testing.T, redemptions []map[string]string) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, r := range redemptions {
		if r["status"] == "pending" {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ai, aj := exportTime(t, out[i]["at"]), exportTime(t, out[j]["at"])
		if !ai.Equal(aj) {
			return ai.Before(aj)
		}
		return out[i]["id"] < out[j]["id"]
	})
	return out
}

// openCase is one case of the reports queue.
type openCase struct {
	id       string
	subject  string
	priority int // thousandths, as the queue ranks it
	firstAt  time.Time
}

// topOpenCase is the case at the top of the reports queue, worked out
// from the reports export by the README's rule: each distinct reporter
// weighs (upheld+1)/(decided+2) by their record of decided cases; the
// highest sum first, then the oldest case.
func topOpenCase(t *testing.T, reports []map[string]string) openCase {
	t.Helper()
	type caseInfo struct {
		status, subject string
		reporters       map[string]bool
		firstAt         time.Time
	}
	cases := map[string]*caseInfo{}
	for _, r := range reports {
		c := cases[r["case"]]
		at := exportTime(t, r["at"])
		if c == nil {
			c = &caseInfo{status: r["status"], subject: r["subject"], reporters: map[string]bool{}, firstAt: at}
			cases[r["case"]] = c
		}
		c.reporters[r["reporter"]] = true
		if at.Before(c.firstAt) {
			c.firstAt = at
		}
	}
	decided, upheld := map[string]int{}, map[string]int{}
	for _, c := range cases {
		if c.status == "open" {
			continue
		}
		for who := range c.reporters {
			decided[who]++
			if c.status == "actioned" {
				upheld[who]++
			}
		}
	}
	var open []openCase
	for id, c := range cases {
		if c.status != "open" {
			continue
		}
		p := 0.0
		for who := range c.reporters {
			p += float64(upheld[who]+1) / float64(decided[who]+2)
		}
		open = append(open, openCase{id: id, subject: c.subject, priority: int(p*1000 + 0.5), firstAt: c.firstAt})
	}
	if len(open) == 0 {
		t.Fatal("the demo has no open report case")
	}
	sort.Slice(open, func(i, j int) bool {
		a, b := open[i], open[j]
		switch {
		case a.priority != b.priority:
			return a.priority > b.priority
		case !a.firstAt.Equal(b.firstAt):
			return a.firstAt.Before(b.firstAt)
		}
		return exportInt(t, a.id) < exportInt(t, b.id)
	})
	return open[0]
}

func countOpenCases(reports []map[string]string) int {
	open := map[string]bool{}
	for _, r := range reports {
		if r["status"] == "open" {
			open[r["case"]] = true
		}
	}
	return len(open)
}

// awardee is the member with the most points who has no part in the
// other decisions: the one the moderator awards.
func awardee(t *testing.T, members []map[string]string, skip ...string) string {
	t.Helper()
	best, bestPoints := "", -1
	for _, m := range members {
		if m["status"] != "active" || slices.Contains(skip, m["handle"]) {
			continue
		}
		if p := exportInt(t, m["lifetime_points"]); p > bestPoints {
			best, bestPoints = m["handle"], p
		}
	}
	if best == "" {
		t.Fatal("the demo has no active member to award")
	}
	return best
}

// checkRedemptions: the first request approved and the second rejected
// with its reason, both by actor; every other request as it was.
func checkRedemptions(t *testing.T, before, after exportSet, actor, approved, rejected, reason string) {
	t.Helper()
	b, a := byKey(before.redemptions, "id"), byKey(after.redemptions, "id")
	if len(a) != len(b) {
		t.Errorf("%d redemptions before the session, %d after", len(b), len(a))
	}
	for id, row := range a {
		switch id {
		case approved:
			if row["status"] != "approved" || row["decided_by"] != actor || row["reason"] != "" {
				t.Errorf("request %s: want approved by %s, got %v", id, actor, row)
			}
		case rejected:
			if row["status"] != "rejected" || row["decided_by"] != actor || row["reason"] != reason {
				t.Errorf("request %s: want rejected by %s for %q, got %v", id, actor, reason, row)
			}
		default:
			sameExportRow(t, "request "+id, b[id], row)
		}
	}
}

// checkReports: every report of the case actioned with a suspension by
// actor, with the reason; every other report as it was.
func checkReports(t *testing.T, before, after exportSet, actor, caseID, reason string) {
	t.Helper()
	b, a := byKey(before.reports, "report"), byKey(after.reports, "report")
	if len(a) != len(b) {
		t.Errorf("%d reports before the session, %d after", len(b), len(a))
	}
	n := 0
	for id, row := range a {
		if row["case"] != caseID {
			sameExportRow(t, "report "+id, b[id], row)
			continue
		}
		n++
		if row["status"] != "actioned" || row["action"] != "suspension" || row["decided_by"] != actor || row["reason"] != reason {
			t.Errorf("report %s of case #%s: want actioned (suspension) by %s for %q, got %v", id, caseID, actor, reason, row)
		}
	}
	if n == 0 {
		t.Errorf("no report of case #%s in the export", caseID)
	}
}

// checkMembers runs a check for each member the session changed and
// wants every other member as they were.
func checkMembers(t *testing.T, before, after exportSet, changed map[string]func(b, a map[string]string)) {
	t.Helper()
	b, a := byKey(before.members, "handle"), byKey(after.members, "handle")
	if len(a) != len(b) {
		t.Errorf("%d members before the session, %d after", len(b), len(a))
	}
	for handle, row := range a {
		if check, ok := changed[handle]; ok {
			check(b[handle], row)
			continue
		}
		sameExportRow(t, "member "+handle, b[handle], row)
	}
}

// ledgerWant is a ledger entry the session must have added.
type ledgerWant struct{ member, typ, points, held, why, ref string }

// checkLedger: the ledger kept every entry, and the session added exactly
// wants, each by actor; a reversal refers to the entry before it.
func checkLedger(t *testing.T, before, after exportSet, actor string, wants []ledgerWant) {
	t.Helper()
	if len(after.ledger) < len(before.ledger) {
		t.Fatalf("the ledger shrank from %d to %d entries", len(before.ledger), len(after.ledger))
	}
	for i, row := range before.ledger {
		sameExportRow(t, "ledger entry "+row["seq"], row, after.ledger[i])
	}
	added := after.ledger[len(before.ledger):]
	if len(added) != len(wants) {
		t.Fatalf("the session added %d ledger entries, want %d:\n%v", len(added), len(wants), added)
	}
	for i, w := range wants {
		e := added[i]
		got := ledgerWant{e["member"], e["type"], e["points"], e["held"], e["why"], e["ref"]}
		if w.typ == "reversal" && i > 0 {
			got.why, got.ref = "", ""
			if want := "ledger:" + added[i-1]["seq"]; e["ref"] != want {
				t.Errorf("the reversal refers to %q, want %q (the entry before it): %v", e["ref"], want, e)
			}
		}
		if got != w || e["by"] != actor {
			t.Errorf("ledger entry %d of the session: want %+v by %s, got %v", i+1, w, actor, e)
		}
	}
}

// auditWant is an audit entry the session must have added; summary is a
// prefix of its summary.
type auditWant struct{ action, subject, summary string }

// checkAudit: the chain kept every entry; the session added exactly wants,
// all by actor, who has no other entry; an undo names the entry before it.
func checkAudit(t *testing.T, before, after exportSet, actor string, wants []auditWant) {
	t.Helper()
	for i, row := range before.audit {
		if i >= len(after.audit) || after.audit[i]["hash"] != row["hash"] {
			t.Fatalf("audit entry %s changed or went missing", row["seq"])
		}
	}
	added := after.audit[len(before.audit):]
	byActor := 0
	for _, row := range after.audit {
		if row["actor"] == actor {
			byActor++
		}
	}
	if len(added) != len(wants) || byActor != len(wants) {
		t.Fatalf("want %d audit entries by %s, all from the session; the session added %d and %s has %d:\n%v",
			len(wants), actor, len(added), actor, byActor, added)
	}
	for i, w := range wants {
		e := added[i]
		if e["actor"] != actor || e["action"] != w.action || e["subject"] != w.subject || !strings.HasPrefix(e["summary"], w.summary) {
			t.Errorf("audit entry %d of the session: want %+v by %s, got %v", i+1, w, actor, e)
		}
		if w.action == "undo" && i > 0 && e["undoes"] != added[i-1]["seq"] {
			t.Errorf("the undo undoes audit entry %q, want %q (the entry before it)", e["undoes"], added[i-1]["seq"])
		}
	}
}

// sameExportRow fails when an export row changed.
func sameExportRow(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if before == nil {
		t.Errorf("%s is new: %v", what, after)
		return
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %s was %q, is %q", what, k, v, after[k])
		}
	}
}

func wantNumber(t *testing.T, what, got string, want int) {
	t.Helper()
	if n, err := strconv.Atoi(got); err != nil || n != want {
		t.Errorf("%s is %q, want %d", what, got, want)
	}
}

func exportInt(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number in an export: %q", s)
	}
	return n
}

func exportTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("not a time in an export: %q", s)
	}
	return at
}

// rewardName is a reward's name in the database's programme: what the
// status line and the audit log call it.
func rewardName(t *testing.T, db, id string) string {
	t.Helper()
	p, err := model.ParseProgramme("programme", []byte(must(t, "program", "--show", "--db", db).stdout))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := p.Reward(id)
	if !ok {
		t.Fatalf("no reward %q in the programme", id)
	}
	return r.Name
}

// count writes n with thousands separators, as the console does.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
