package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"steward/model"
	"steward/store"
	"steward/termtext"
)

func runStats(e env, args []string) error {
	var c common
	fs := newFlags(e, "stats", "steward stats [--db PATH] [--months N] [--weeks N] [--cohorts N] [--period month|week] [--format text|csv|json]",
		"Prints the community's health: members active in the last 7 and 30 days and the\nengagement rate (active in 30 days ÷ members); the programme's goals, met or missed;\nthen by month (or week) the newcomers, the distinct active members, events, points\nissued (earned, welcome, awarded), redeemed and deducted, reports received, cases\ndecided and how long they waited; retention: the share of each month's newcomers\nactive in each month after; and who is slipping away: top contributors quiet for\n14 to 90 days. Read from tallies every write keeps: a year costs the same for 50\nmembers or 100,000. csv is the period table alone, for a spreadsheet; json is everything.",
		"  steward stats\n  steward stats --period week --weeks 26\n  steward stats --months 24 --format csv > months.csv")
	c.registerFile(fs)
	span := store.DefaultSpan
	fs.IntVar(&span.Months, "months", span.Months, "months to show (1–120)")
	fs.IntVar(&span.Weeks, "weeks", span.Weeks, "weeks to show (1–520)")
	fs.IntVar(&span.Cohorts, "cohorts", span.Cohorts, "joining months to follow for retention (0–60)")
	by := fs.String("period", "month", "the period of the table: month or week")
	format := fs.String("format", "text", "text, csv or json")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	switch {
	case span.Months < 1 || span.Months > 120:
		return usagef("stats: --months %d: want 1 to 120", span.Months)
	case span.Weeks < 1 || span.Weeks > 520:
		return usagef("stats: --weeks %d: want 1 to 520", span.Weeks)
	case span.Cohorts < 0 || span.Cohorts > 60:
		return usagef("stats: --cohorts %d: want 0 to 60", span.Cohorts)
	case *by != "month" && *by != "week":
		return usagef("stats: --period %q: want month or week", *by)
	case *format != "text" && *format != "csv" && *format != "json":
		return usagef("stats: --format %q: want text, csv or json", *format)
	}
	st, err := c.open(false)
	if err != nil {
		return err
	}
	h, err := st.Health(span)
	if err != nil {
		return err
	}
	periods := h.Months
	if *by == "week" {
		periods = h.Weeks
	}
	switch *format {
	case "csv":
		return writeStatsCSV(e.stdout, periods)
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statsJSON(h))
	}
	return writeStats(e.stdout, h, periods, *by)
}

// statsColumns are the period table's columns, for the text and csv forms.
var statsColumns = []string{"period", "newcomers", "active", "events", "issued", "redeemed", "deducted", "reports", "decided", "mean wait", "within 24h"}

func statsRow(p model.Period, human bool) []string {
	n := func(v int64) string {
		if human {
			return signed(v)
		}
		return strconv.FormatInt(v, 10)
	}
	wait, inDay := "", ""
	if p.Decided > 0 {
		if human {
			wait = model.FormatWait(p.MeanWait())
			inDay = percent(p.InDay, p.Decided)
		} else {
			wait = strconv.FormatInt(int64(p.MeanWait()/time.Second), 10)
			inDay = strconv.FormatInt(p.InDay, 10)
		}
	} else if human {
		wait, inDay = "—", "—"
	}
	return []string{p.Label, n(p.Newcomers), n(p.Active), n(p.Events), n(p.Issued), n(p.Redeemed), n(p.Deducted), n(p.Reports), n(p.Decided), wait, inDay}
}

func writeStats(w io.Writer, h model.Health, periods []model.Period, by string) error {
	fmt.Fprintf(w, "community health on %s (UTC)\n", h.At.Format("2006-01-02 15:04"))
	banned := ""
	if h.Banned > 0 {
		banned = fmt.Sprintf(" (and %s banned, left out)", signed(h.Banned))
	}
	fmt.Fprintf(w, "members %s%s · active in the last 7 days %s · in the last 30 days %s (engagement %s)\n",
		signed(h.Members), banned, signed(h.Active7), signed(h.Active30), percent(h.Active30, h.Members))
	fmt.Fprintf(w, "pending reward requests %s · open report cases %s\n\n", signed(h.Pending), signed(h.Open))
	if goals := h.Check(); len(goals) > 0 {
		wide := 0
		for _, g := range goals {
			wide = max(wide, len(goalVerdict(g)))
		}
		rows := [][]string{{"goal", "now", "aim", "  " + strings.Repeat(" ", wide) + "  measured on"}}
		for _, g := range goals {
			v := goalVerdict(g)
			rows = append(rows, []string{g.Name, g.Actual, g.Target, "  " + v + strings.Repeat(" ", wide-len(v)) + "  " + g.About})
		}
		if err := writeTable(w, rows, true); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	rows := [][]string{append([]string{by}, statsColumns[1:]...)}
	for i, p := range periods {
		row := statsRow(p, true)
		if i == len(periods)-1 {
			row[0] += " (so far)"
		}
		rows = append(rows, row)
	}
	if err := writeTable(w, rows); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nissued: earned, welcome bonuses and moderators' awards (net of undos); redeemed: spent on rewards;\nactive: distinct members with at least one event; mean wait: from a case's first report to its decision.")
	if len(h.Cohorts) > 0 {
		if err := writeRetention(w, h); err != nil {
			return err
		}
	}
	return writeSlipping(w, h)
}

// writeRetention is the share of each joining month's newcomers active in
// each month after.
func writeRetention(w io.Writer, h model.Health) error {
	fmt.Fprintln(w, "\nretention: the share of each month's newcomers active in that month (+0) and each one after")
	head := []string{"joined", "members"}
	for k := range h.Cohorts[0].Active {
		head = append(head, "+"+strconv.Itoa(k))
	}
	rows := [][]string{head}
	for _, co := range h.Cohorts {
		row := []string{co.Month.Format("2006-01"), signed(co.Size)}
		for k := range co.Active {
			row = append(row, percent(co.Active[k], co.Size))
		}
		rows = append(rows, row)
	}
	return writeTable(w, rows)
}

// writeSlipping lists the top contributors gone quiet.
func writeSlipping(w io.Writer, h model.Health) error {
	rule := model.SlippingRule
	fmt.Fprintf(w, "\nslipping away: of the %d members with the most points, those whose newest event is %d to %d days old\n",
		rule.Top, int(rule.Quiet.Hours()/24), int(rule.Gone.Hours()/24))
	if len(h.Slipping) == 0 {
		fmt.Fprintln(w, "  nobody")
		return nil
	}
	rows := [][]string{{"handle", "rank", "points", "last active", "  name"}}
	for _, m := range h.Slipping {
		days := int(h.At.Sub(m.LastActive).Hours() / 24)
		rows = append(rows, []string{termtext.Inert(m.Handle), strconv.Itoa(m.Rank), signed(m.Points),
			fmt.Sprintf("%s (%d days)", m.LastActive.UTC().Format("2006-01-02"), days), "  " + termtext.Inert(m.Name)})
	}
	return writeTable(w, rows, true)
}

func goalVerdict(g model.GoalCheck) string {
	switch {
	case !g.Known:
		return "not yet measured"
	case g.Met:
		return "met"
	}
	return "missed"
}

// writeTable writes rows aligned on the right, but for the first column,
// which names the row and is aligned on the left (and, with freeLast, the
// last, which is prose).
func writeTable(w io.Writer, rows [][]string, freeLast ...bool) error {
	first := 0
	for _, r := range rows {
		first = max(first, termtext.Width(r[0]))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range rows {
		fmt.Fprint(tw, r[0], strings.Repeat(" ", first-termtext.Width(r[0])), "\t")
		for i, c := range r[1:] {
			if i == len(r)-2 && len(freeLast) > 0 && freeLast[0] {
				fmt.Fprint(tw, c) // a cell no tab ends is left as it is
				break
			}
			fmt.Fprint(tw, c, "\t") // tabwriter aligns the cells a tab ends
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func writeStatsCSV(w io.Writer, periods []model.Period) error {
	cw := csv.NewWriter(w)
	head := append([]string{"start"}, statsColumns...)
	head[len(head)-2] = "mean wait seconds"
	head[len(head)-1] = "decided within 24h"
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range periods {
		if err := cw.Write(append([]string{p.Start.Format("2006-01-02")}, statsRow(p, false)...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// statsJSON is the health for machines: times in RFC 3339, durations in
// seconds.
func statsJSON(h model.Health) any {
	type period struct {
		Start           time.Time `json:"start"`
		End             time.Time `json:"end"`
		Label           string    `json:"label"`
		Newcomers       int64     `json:"newcomers"`
		Active          int64     `json:"active"`
		Events          int64     `json:"events"`
		Issued          int64     `json:"issued"`
		Redeemed        int64     `json:"redeemed"`
		Deducted        int64     `json:"deducted"`
		Reports         int64     `json:"reports"`
		Decided         int64     `json:"decided"`
		Upheld          int64     `json:"upheld"`
		MeanWaitSeconds int64     `json:"mean_wait_seconds"`
		DecidedInDay    int64     `json:"decided_within_24h"`
	}
	type cohort struct {
		Month  string  `json:"month"`
		Size   int64   `json:"members"`
		Active []int64 `json:"active"`
	}
	periods := func(ps []model.Period) []period {
		out := []period{}
		for _, p := range ps {
			out = append(out, period{p.Start, p.End, p.Label, p.Newcomers, p.Active, p.Events, p.Issued, p.Redeemed,
				p.Deducted, p.Reports, p.Decided, p.Upheld, int64(p.MeanWait() / time.Second), p.InDay})
		}
		return out
	}
	type goal struct {
		Name   string `json:"name"`
		About  string `json:"about"`
		Actual string `json:"now"`
		Target string `json:"aim"`
		Met    bool   `json:"met"`
		Known  bool   `json:"measured"`
	}
	goals := []goal{}
	for _, g := range h.Check() {
		goals = append(goals, goal{g.Name, g.About, g.Actual, g.Target, g.Met, g.Known})
	}
	type slipping struct {
		Rank       int       `json:"rank"`
		Handle     string    `json:"handle"`
		Name       string    `json:"name"`
		Points     int64     `json:"points"`
		LastActive time.Time `json:"last_active"`
	}
	slip := []slipping{}
	for _, m := range h.Slipping {
		slip = append(slip, slipping{m.Rank, m.Handle, m.Name, m.Points, m.LastActive})
	}
	cohorts := []cohort{}
	for _, c := range h.Cohorts {
		cohorts = append(cohorts, cohort{c.Month.Format("2006-01"), c.Size, c.Active})
	}
	return struct {
		At         time.Time  `json:"at"`
		Members    int64      `json:"members"`
		Banned     int64      `json:"banned"`
		Active7    int64      `json:"active_7_days"`
		Active30   int64      `json:"active_30_days"`
		Engagement float64    `json:"engagement"`
		Pending    int64      `json:"pending_requests"`
		Open       int64      `json:"open_cases"`
		Goals      []goal     `json:"goals"`
		Last30     period     `json:"last_30_days"`
		Months     []period   `json:"months"`
		Weeks      []period   `json:"weeks"`
		Cohorts    []cohort   `json:"cohorts"`
		Slipping   []slipping `json:"slipping"`
	}{h.At, h.Members, h.Banned, h.Active7, h.Active30, h.Engagement(), h.Pending, h.Open, goals, periods([]model.Period{h.Recent})[0], periods(h.Months), periods(h.Weeks), cohorts, slip}
}

// signed writes a count with thousands separators, negative ones too.
func signed(n int64) string {
	if n < 0 {
		return "-" + count(int(-n))
	}
	return count(int(n))
}

// percent writes part/whole as a whole percentage ("—" of nothing).
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	p := float64(part) * 100 / float64(whole)
	if p > 0 && p < 1 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// printRepricing shows what the last days' events earn under the rules in
// force and under the new ones.
func printRepricing(w io.Writer, r model.Repricing) {
	days := int(r.To.Sub(r.From) / (24 * time.Hour))
	if r.Events == 0 {
		fmt.Fprintf(w, "points: no events in the last %d days to try the new rules on\n", days)
		return
	}
	fmt.Fprintf(w, "points of the last %d days' %s events (%s to %s), each member priced afresh by each programme:\n",
		days, signed(r.Events), r.From.Format("2006-01-02"), r.To.Add(-time.Second).Format("2006-01-02"))
	rows := [][]string{{"kind", "events", "now", "new", "change"}}
	for _, k := range r.Kinds {
		rows = append(rows, []string{k.Kind, signed(k.Events), signed(k.Old), signed(k.New), change(k.Old, k.New)})
	}
	rows = append(rows, []string{"all", signed(r.Events), signed(r.Old), signed(r.New), change(r.Old, r.New)})
	_ = writeTable(w, rows)
}

// change writes how much from grew or shrank to become to.
func change(from, to int64) string {
	switch {
	case from == to:
		return "="
	case from == 0:
		return "new"
	}
	p := float64(to-from) * 100 / float64(from)
	if p > 0 {
		return "+" + strconv.FormatFloat(p, 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}
