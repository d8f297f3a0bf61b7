package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
	"steward/termtext"
)

// dismissReasons are offered by number when dismissing reports.
func dismissReasons() []string {
	return []string{
		"no breach of the guidelines",
		"already handled",
		"not enough context to act on",
	}
}

// reportsModel is the Reports pane: open reports grouped by content,
// highest priority first, with the guideline, the excerpt and the
// subject's record. Each decision takes a reason; the next case is
// selected after it.
type reportsModel struct {
	c    *Common
	w, h int
	queue[store.CaseRow]
	table      table
	prompt     *prompt
	showDetail bool
	scroll     int
}

func newReports(c *Common) *reportsModel {
	st := c.Store
	p := &reportsModel{c: c}
	p.list = newWindow(reportsPane, func(from []byte, dir store.Direction, limit int) (store.Page[store.CaseRow], error) {
		return st.OpenCases(from, dir, limit)
	}, func(r store.CaseRow) string { return fmt.Sprint(r.Case.ID) })
	p.table = newTable(&c.Styles, []column{
		{title: "PRIO", width: 4, right: true},
		{title: "REP", width: 3, right: true},
		{title: "GUIDELINE", width: 13, flex: 1},
		{title: "SUBJECT", width: 12, flex: 1},
		{title: "EXCERPT", width: 10, flex: 2},
		{title: "RECORD", width: 6, optional: true},
		{title: "AGE", width: 4, optional: true},
	})
	return p
}

func (p *reportsModel) Title() string   { return "Reports" }
func (p *reportsModel) Capturing() bool { return p.prompt != nil }
func (p *reportsModel) wide() bool      { return p.w >= wideAt }
func (p *reportsModel) Blur()           { p.focused = false }

func (p *reportsModel) SetSize(w, h int) {
	p.w, p.h = w, h
	lw := w
	if p.wide() {
		lw, _ = splitWidths(w)
	}
	p.table.setWidth(lw)
	rows := h - 2
	if !p.wide() {
		rows = h - 5 // the selected case's record and priority below
	}
	p.list.setHeight(rows)
	p.list.invalidate()
}

func (p *reportsModel) Focus() tea.Cmd { return p.focus() }

func (p *reportsModel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if ok, cmd := p.follow(msg, func(c store.Counts) int { return c.Open }); ok {
		return p, cmd
	}
	if msg, ok := msg.(tea.KeyMsg); ok && p.focused {
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *reportsModel) onKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	if p.prompt != nil {
		done, cmd := p.prompt.Update(msg)
		if done {
			p.prompt = nil
		}
		return cmd
	}
	if p.showDetail {
		switch {
		case key.Matches(msg, k.Back):
			p.showDetail = false
			return nil
		case key.Matches(msg, k.Down):
			p.scroll++
			return nil
		case key.Matches(msg, k.Up):
			p.scroll = max(0, p.scroll-1)
			return nil
		}
	}
	if cmd, ok := navigate(k, &p.list, msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Open):
		p.showDetail, p.scroll = !p.wide(), 0
		return nil
	}
	if r, ok := p.list.selected(); ok {
		p.prompt = p.decision(msg, r)
	}
	return nil
}

// decision opens the form of a decision key on a case, or returns nil.
func (p *reportsModel) decision(msg tea.KeyMsg, r store.CaseRow) *prompt {
	k := p.c.Keys
	st, id, who := p.c.Store, r.Case.ID, r.Subject.Handle
	breach := "breach of “" + p.c.guidelineTitle(r.Case.Guideline) + "”"
	verdict := func(v store.Verdict) func([]string) (tea.Cmd, error) {
		return func(vals []string) (tea.Cmd, error) {
			v.Reason = vals[len(vals)-1]
			return decide(st, id, v), nil
		}
	}
	reason := func() field { return textInput("Reason", "recorded with the decision", breach) }
	switch {
	case key.Matches(msg, k.Dismiss):
		return newPrompt(p.c, "Dismiss the reports on "+r.Case.Content, verdict(store.Verdict{}),
			choiceInput("Reason", "the reporters' records learn it was not upheld", dismissReasons(), false))
	case key.Matches(msg, k.Warn):
		return newPrompt(p.c, "Warn "+who, verdict(store.Verdict{Action: model.Warning}), reason())
	case key.Matches(msg, k.Deduct):
		return newPrompt(p.c, "Deduct points from "+who, func(vals []string) (tea.Cmd, error) {
			n, err := parsePoints(vals[0], false)
			if err != nil {
				return nil, err
			}
			return decide(st, id, store.Verdict{Action: model.Deduction, Points: n, Reason: vals[1]}), nil
		}, textInput("Points", fmt.Sprintf("%s has %d available", who, r.Subject.Available()), "50"), reason())
	case key.Matches(msg, k.Suspend):
		return newPrompt(p.c, "Suspend "+who, func(vals []string) (tea.Cmd, error) {
			d, err := model.ParseDuration(vals[0])
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("%q is not a length (30m, 36h, 7d)", vals[0])
			}
			return decide(st, id, store.Verdict{Action: model.Suspension, Duration: d, Reason: vals[1]}), nil
		}, textInput("For", ladderHint(r), model.FormatDuration(r.Suggested)), reason())
	case key.Matches(msg, k.Ban):
		return newPrompt(p.c, "Ban "+who, func(vals []string) (tea.Cmd, error) {
			return decide(st, id, store.Verdict{Action: model.Ban, Reason: vals[0]}), nil
		}, reason(), confirmInput("Ban "+who+"? They lose access for good."))
	}
	return nil
}

func ladderHint(r store.CaseRow) string {
	return fmt.Sprintf("next on the penalty ladder after %s: %s (30m, 36h, 7d)",
		plural(r.Penalties, "penalty", "penalties"), model.FormatDuration(r.Suggested))
}

func (p *reportsModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.prompt != nil {
		return p.prompt.help()
	}
	if p.showDetail {
		return []key.Binding{k.Back, k.Dismiss, k.Warn, k.Deduct, withHelp(k.Suspend, "s", "suspend"), k.Ban}
	}
	return []key.Binding{k.Dismiss, k.Warn, k.Deduct, withHelp(k.Suspend, "s", "suspend"), k.Ban}
}

func (p *reportsModel) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{k.Navigation(), {k.Dismiss, k.Warn, k.Deduct, withHelp(k.Suspend, "s", "suspend"), k.Ban}, k.App()}
}

func (p *reportsModel) View() string {
	var lines []string
	r, ok := p.list.selected()
	switch {
	case p.showDetail && ok:
		doc := caseLines(p.c, r, p.w)
		p.scroll = min(p.scroll, max(0, len(doc)-p.h))
		lines = doc[p.scroll:]
	case p.wide():
		lw, dw := splitWidths(p.w)
		var right []string
		if ok {
			right = caseLines(p.c, r, dw)
		}
		lines = sideBySide(&p.c.Styles, p.listView(lw), right, lw, dw, p.h, false)
	default:
		lines = p.listView(p.w)
	}
	return paneView(lines, p.prompt, p.w, p.h)
}

func (p *reportsModel) listView(width int) []string {
	st := &p.c.Styles
	sub := " · by priority, then age"
	if p.list.total >= 0 {
		sub = fmt.Sprintf(" · %d open%s", p.list.total, sub)
	}
	lines := []string{titleLine(st, "Reports", sub, "", width), p.table.header()}
	switch {
	case !p.list.loaded:
		return append(lines, emptyState(st, "Loading reports…", width))
	case len(p.list.rows) == 0:
		return append(lines, emptyState(st, "No open reports — all clear.", width))
	}
	lines = append(lines, fitLines(p.list.visible(p.row), width, p.list.height)...)
	if !p.wide() {
		r, _ := p.list.selected()
		lines = append(lines, st.Rule.Render(strings.Repeat("─", width)))
		for _, l := range caseSummary(r) {
			lines = append(lines, " "+termtext.Fit(l, width-2))
		}
	}
	return lines
}

// caseSummary is the selected case's subject's record and its priority,
// under the list on a narrow screen.
func caseSummary(r store.CaseRow) []string {
	return []string{
		fmt.Sprintf("%s: %s, %s · next suspension %s", r.Subject.Handle, plural(r.Warnings, "warning", "warnings"),
			plural(r.Penalties, "penalty", "penalties"), model.FormatDuration(r.Suggested)),
		"priority " + r.Explained,
	}
}

// record is the subject's prior warnings and penalties in a few cells:
// "1w 2p", "clean".
func record(r store.CaseRow) cell {
	var parts []string
	if r.Warnings > 0 {
		parts = append(parts, fmt.Sprintf("%dw", r.Warnings))
	}
	if r.Penalties > 0 {
		parts = append(parts, fmt.Sprintf("%dp", r.Penalties))
	}
	switch {
	case len(parts) == 0:
		return cell{text: "clean", kind: cellMuted}
	case r.Penalties > 0:
		return cell{text: strings.Join(parts, " "), kind: cellDanger}
	}
	return cell{text: strings.Join(parts, " "), kind: cellWarn}
}

func (p *reportsModel) row(r store.CaseRow, selected bool) string {
	return p.table.row([]cell{
		{text: fmt.Sprintf("%.1f", r.Priority), kind: cellStrong},
		{text: fmt.Sprint(len(r.Case.Reporters()))},
		{text: p.c.guidelineTitle(r.Case.Guideline)},
		{text: r.Subject.Handle, kind: cellStrong},
		{text: r.Case.Excerpt, kind: cellMuted},
		record(r),
		{text: age(p.c.now(), r.Case.FirstAt), kind: cellMuted},
	}, selected)
}

// caseLines is one case in full: what was reported, under which guideline,
// why it is where it is in the queue, and the subject's record.
func caseLines(c *Common, r store.CaseRow, width int) []string {
	b := &doc{st: &c.Styles, w: max(20, width)}
	now := c.now()
	cs := r.Case
	b.split(fmt.Sprintf(" Case #%d", cs.ID), ago(now, cs.FirstAt))
	b.wrap("   ", cs.Content, 2)
	b.blank()
	g, _ := c.Prog.Guideline(cs.Guideline)
	b.label("Guideline", c.guidelineTitle(cs.Guideline))
	if g.Text != "" {
		b.wrap("            ", g.Text, 3)
	}
	b.heading("Excerpt", -1)
	if cs.Excerpt == "" {
		b.none("no excerpt was given")
	}
	b.wrap("   ", "“"+cs.Excerpt+"”", 6)
	b.heading("Priority", -1)
	b.text("   " + r.Explained)
	b.none("each reporter weighs by how often their past reports were upheld")
	reporters := cs.Reporters()
	b.wrap("   ", fmt.Sprintf("%s, %s: %s", plural(len(cs.Reports), "report", "reports"),
		plural(len(reporters), "reporter", "reporters"), strings.Join(reporters, ", ")), 3)
	b.heading("Subject", -1)
	m := r.Subject
	b.text("   " + m.Handle + " · " + m.Name)
	b.text("   " + statusWord(m, now) + " · " + c.tierName(m.Tier) + fmt.Sprintf(" · %d points", m.Balance))
	b.wrap("   ", plural(r.Warnings, "warning", "warnings")+" · "+plural(r.Penalties, "penalty", "penalties")+
		" · next suspension on the ladder: "+model.FormatDuration(r.Suggested), 2)
	return b.lines
}
