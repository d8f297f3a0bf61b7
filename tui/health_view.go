package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"steward/model"
	"steward/termtext"
)

// The Health pane's document, drawn from one reading: pure functions of
// the reading, the period and the width, so that they can be tested
// without a pane and run only when one of those changes.

// healthDoc is the document: the headline, the table by period, and the
// retention of each month's newcomers. Lines may be wider than width only
// where a table cannot be split further; the pane cuts them.
func healthDoc(st *Styles, h model.Health, weeks bool, width int) []string {
	lines := []string{""}
	if healthEmpty(h) {
		for _, s := range []string{
			"Nothing to measure yet: no members, no activity, no reward requests and no reports.",
			"Import members and their activity with steward import, or try steward --demo.",
		} {
			lines = append(lines, wrapped(st.Empty, s, width)...)
		}
		return lines
	}
	lines = append(lines, headline(st, h, width)...)
	lines = append(lines, "")
	if goals := goalLines(st, h, width); len(goals) > 0 {
		lines = append(append(lines, goals...), "")
	}
	lines = append(lines, periodLines(st, h, weeks, width)...)
	lines = append(lines, "")
	lines = append(lines, retentionLines(st, h.Cohorts, width)...)
	lines = append(lines, "")
	return append(lines, slippingLines(st, h, width)...)
}

// healthEmpty reports whether the reading holds nothing but zeros: a
// community with no members, no activity and no queues.
func healthEmpty(h model.Health) bool {
	if h.Members != 0 || h.Active7 != 0 || h.Active30 != 0 || h.Pending != 0 || h.Open != 0 {
		return false
	}
	for _, c := range h.Cohorts {
		if c.Size != 0 {
			return false
		}
	}
	return periodsEmpty(h.Months) && periodsEmpty(h.Weeks)
}

// periodsEmpty reports whether nothing at all happened in the periods.
func periodsEmpty(ps []model.Period) bool {
	for _, p := range ps {
		p.Start, p.End, p.Label = time.Time{}, time.Time{}, ""
		if p != (model.Period{}) {
			return false
		}
	}
	return true
}

// headline is the community at a glance, its parts flowed onto as many
// lines as the width needs.
func headline(st *Styles, h model.Health, width int) []string {
	strong := st.Table.Cell[cellStrong]
	n := func(v int64) string { return strong.Render(thousands(v)) }
	engagement := "—"
	if h.Members > 0 {
		engagement = percentOf(h.Engagement())
	}
	members := n(h.Members) + " members"
	if h.Banned > 0 {
		members += " (" + thousands(h.Banned) + " banned, left out)"
	}
	parts := []string{
		members,
		n(h.Active7) + " active in the last 7 days",
		n(h.Active30) + " in the last 30",
		"engagement " + strong.Render(engagement),
		n(h.Pending) + " pending requests",
		n(h.Open) + " open cases",
	}
	if !h.At.IsZero() {
		parts = append(parts, st.Subtitle.Render("as of "+h.At.UTC().Format("2006-01-02 15:04")+" UTC"))
	}
	return flow(parts, " · ", "  ", width)
}

// goalLines are the programme's goals, each met, missed or not yet
// measured, with what it measures; none when the programme sets none.
func goalLines(st *Styles, h model.Health, width int) []string {
	checks := h.Check()
	if len(checks) == 0 {
		return nil
	}
	lines := []string{heading(st, "Goals", " · set in the programme (steward program)", width)}
	nameW, actualW := 0, 0
	for _, c := range checks {
		nameW = max(nameW, ansi.StringWidth(c.Name))
		actualW = max(actualW, ansi.StringWidth(c.Actual))
	}
	for _, c := range checks {
		mark, verdict, style := "✓", "met", st.Table.Cell[cellGood]
		switch {
		case !c.Known:
			mark, verdict, style = "·", "not yet measured", st.Table.Cell[cellMuted]
		case !c.Met:
			mark, verdict, style = "✗", "missed", st.Table.Cell[cellDanger]
		}
		text := strings.Repeat(" ", gridIndent) + mark + " " + padRight(c.Name, nameW) + "  " +
			padLeft(c.Actual, actualW) + "  aim " + c.Target + " · " + verdict + " · " + c.About
		lines = append(lines, style.Render(termtext.Fit(text, width)))
	}
	return lines
}

func padRight(s string, w int) string { return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) }
func padLeft(s string, w int) string  { return strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) + s }

// periodLines is the table by month or by week, oldest first, the current
// period last and marked "so far", with what its columns mean below it.
func periodLines(st *Styles, h model.Health, weeks bool, width int) []string {
	ps, unit, units := h.Months, "MONTH", "months"
	if weeks {
		ps, unit, units = h.Weeks, "WEEK", "weeks"
	}
	title := "By month"
	if weeks {
		title = "By week"
	}
	lines := []string{heading(st, title, " · the last "+strconv.Itoa(len(ps))+" "+units+", oldest first", width)}
	if periodsEmpty(ps) {
		return append(lines, emptyState(st, "Nothing happened in these "+strconv.Itoa(len(ps))+" "+units+".", width))
	}
	g := grid{
		head:   []string{unit, "NEW", "ACTIVE", "EVENTS", "ISSUED", "REDEEMED", "DEDUCTED", "REPORTS", "DECIDED", "MEAN WAIT", "IN 24H"},
		groups: [][]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9, 10}},
	}
	for i, p := range ps {
		g.rows = append(g.rows, periodRow(p, i == len(ps)-1))
	}
	lines = append(lines, g.lines(st, width)...)
	return append(lines, wrapped(st.Detail.Label,
		"new: members who joined · active: members with at least one event · issued: points earned, "+
			"welcome bonuses and awards · mean wait: from a case's first report to its decision · "+
			"in 24h: the cases decided within a day", width)...)
}

func periodRow(p model.Period, current bool) []string {
	label := p.Label
	if current {
		label += " so far"
	}
	wait, inDay := "—", "—"
	if p.Decided > 0 {
		wait = model.FormatWait(p.MeanWait())
		inDay = percent(p.InDay, p.Decided)
	}
	return []string{label, thousands(p.Newcomers), thousands(p.Active), thousands(p.Events), thousands(p.Issued),
		thousands(p.Redeemed), thousands(p.Deducted), thousands(p.Reports), thousands(p.Decided), wait, inDay}
}

// retentionLines is the cohort matrix: for each joining month its size and
// the share of it active in that month (+0) and each month after; a month
// that has not begun is blank.
func retentionLines(st *Styles, cohorts []model.Cohort, width int) []string {
	lines := []string{heading(st, "Retention", " · who stays active, by the month they joined", width)}
	joined := false
	for _, c := range cohorts {
		joined = joined || c.Size != 0
	}
	if !joined {
		return append(lines, emptyState(st, "Nobody joined in the last "+plural(len(cohorts), "month", "months")+".", width))
	}
	months := 0
	for _, c := range cohorts {
		months = max(months, len(c.Active))
	}
	g := grid{head: []string{"JOINED", "MEMBERS"}, groups: [][]int{{1}}}
	for k := range months {
		g.head = append(g.head, "+"+strconv.Itoa(k))
		g.groups = append(g.groups, []int{k + 2})
	}
	for _, c := range cohorts {
		row := []string{c.Month.UTC().Format("2006-01"), thousands(c.Size)}
		for k := range months {
			switch share, ok := c.Retained(k); {
			case ok:
				row = append(row, percentOf(share))
			case k < len(c.Active):
				row = append(row, "—") // begun, but nobody joined that month
			default:
				row = append(row, "")
			}
		}
		g.rows = append(g.rows, row)
	}
	lines = append(lines, g.lines(st, width)...)
	return append(lines, wrapped(st.Detail.Label, "+0: the share of the newcomers active the month they joined · +1: "+
		"the month after, and so on · the newest share of each row is this month, so far", width)...)
}

// slippingLines lists the top contributors gone quiet, to reach out to:
// handle, rank, points, how long ago they were last active, and name.
func slippingLines(st *Styles, h model.Health, width int) []string {
	rule := model.SlippingRule
	lines := []string{heading(st, "Slipping away", " · of the "+strconv.Itoa(rule.Top)+" with the most points, quiet for "+
		strconv.Itoa(int(rule.Quiet.Hours()/24))+" to "+strconv.Itoa(int(rule.Gone.Hours()/24))+" days", width)}
	if len(h.Slipping) == 0 {
		return append(lines, emptyState(st, "Nobody: every top contributor was active in the last "+
			strconv.Itoa(int(rule.Quiet.Hours()/24))+" days.", width))
	}
	handleW, rankW, pointsW := len("HANDLE"), len("RANK"), len("POINTS")
	for _, m := range h.Slipping {
		handleW = max(handleW, min(termtext.Width(m.Handle), 24))
		rankW = max(rankW, len(strconv.Itoa(m.Rank)))
		pointsW = max(pointsW, len(thousands(m.Points)))
	}
	const quietW = len("LAST ACTIVE")
	row := func(handle, rank, points, quiet, name string) string {
		line := strings.Repeat(" ", gridIndent) + termtext.Fit(handle, handleW) + "  " + termtext.FitLeft(rank, rankW) + "  " +
			termtext.FitLeft(points, pointsW) + "  " + termtext.FitLeft(quiet, quietW) + "  " + name
		return termtext.Fit(line, width)
	}
	lines = append(lines, st.Table.Header.Render(row("HANDLE", "RANK", "POINTS", "LAST ACTIVE", "NAME")))
	for _, m := range h.Slipping {
		lines = append(lines, row(m.Handle, strconv.Itoa(m.Rank), thousands(m.Points), ago(h.At, m.LastActive), m.Name))
	}
	return lines
}

// grid is a table of numbers whose columns are as wide as their widest
// cell: the first column names the row and is aligned left, the others
// right. On a pane too narrow for every column the grid is split into
// parts stacked one under the other, each repeating the first column;
// groups says which columns stay together.
type grid struct {
	head   []string
	rows   [][]string
	groups [][]int // indexes of the columns after the first, in order
}

const (
	gridIndent = 2 // before the first column
	gridGap    = 2 // between columns
)

func (g grid) lines(st *Styles, width int) []string {
	widths := make([]int, len(g.head))
	for i, h := range g.head {
		widths[i] = ansi.StringWidth(h)
	}
	for _, r := range g.rows {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	var parts [][]int
	var part []int
	used := gridIndent + widths[0]
	for _, group := range g.groups {
		need := 0
		for _, c := range group {
			need += gridGap + widths[c]
		}
		if len(part) > 0 && used+need > width {
			parts = append(parts, part)
			part, used = nil, gridIndent+widths[0]
		}
		part = append(part, group...)
		used += need
	}
	parts = append(parts, part)
	var out []string
	for i, cols := range parts {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, st.Table.Header.Render(gridLine(g.head, widths, cols)))
		for _, r := range g.rows {
			out = append(out, gridLine(r, widths, cols))
		}
	}
	return out
}

func gridLine(cells []string, widths, cols []int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gridIndent))
	b.WriteString(termtext.Fit(cells[0], widths[0]))
	for _, c := range cols {
		b.WriteString(strings.Repeat(" ", gridGap))
		b.WriteString(termtext.FitLeft(cells[c], widths[c]))
	}
	return b.String()
}

// heading is a section's first line: its name, and what it shows in muted
// text, cut to the width.
func heading(st *Styles, name, sub string, width int) string {
	name = " " + name
	room := width - ansi.StringWidth(name)
	if room <= 1 {
		return st.Detail.Heading.Render(termtext.Cut(name, width))
	}
	return st.Detail.Heading.Render(name) + st.Subtitle.Render(termtext.Cut(sub, room))
}

// wrapped is text in a style, word-wrapped to the width under an indent.
func wrapped(style lipgloss.Style, text string, width int) []string {
	var out []string
	for _, l := range termtext.Wrap(text, width-gridIndent, 8) {
		out = append(out, style.Render(strings.Repeat(" ", gridIndent)+l))
	}
	return out
}

// flow joins styled parts with sep into lines of at most width cells, each
// starting with indent; a part never breaks across lines.
func flow(parts []string, sep, indent string, width int) []string {
	var lines []string
	line, used := "", 0
	for _, p := range parts {
		w := lipgloss.Width(p)
		switch {
		case line == "":
			line, used = indent+p, lipgloss.Width(indent)+w
		case used+lipgloss.Width(sep)+w > width:
			lines = append(lines, line)
			line, used = indent+p, lipgloss.Width(indent)+w
		default:
			line += sep + p
			used += lipgloss.Width(sep) + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// thousands writes a count with a comma every three digits: "12,345".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// percent writes part/whole as a percentage, "—" of nothing.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	return percentOf(float64(part) / float64(whole))
}

// percentOf writes a share as a whole percentage, with one decimal below
// 1% so that a few is not shown as none: "60%", "0.4%".
func percentOf(share float64) string {
	p := share * 100
	if p > 0 && p < 1 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}
