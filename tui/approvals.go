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

// rejectReasons are offered by number when rejecting a request; any other
// reason can be typed.
func rejectReasons() []string {
	return []string{
		"out of stock",
		"not eligible: below the reward's tier",
		"on hold while reports about them are reviewed",
		"duplicate request",
		"suspicious activity",
	}
}

// approvalsModel is the Approvals pane: pending reward requests, oldest
// first, each with what approving it does to the balance and any reason to
// hesitate. y approves, x rejects with a reason, space marks several for
// one decision.
type approvalsModel struct {
	c    *Common
	w, h int
	queue[store.PendingRow]
	table      table
	marked     map[string]bool // request ids
	prompt     *prompt
	showDetail bool
}

func newApprovals(c *Common) *approvalsModel {
	st := c.Store
	p := &approvalsModel{c: c, marked: map[string]bool{}}
	p.list = newWindow(approvalsPane, func(from []byte, dir store.Direction, limit int) (store.Page[store.PendingRow], error) {
		return st.Pending(from, dir, limit)
	}, func(r store.PendingRow) string { return r.Request.ID })
	p.table = newTable(&c.Styles, []column{
		{title: "", width: 1},
		{title: "ASKED", width: 8},
		{title: "MEMBER", width: 12, flex: 2},
		{title: "REWARD", width: 12, flex: 3},
		{title: "COST", width: 5, right: true},
		{title: "AFTER", width: 6, right: true},
		{title: "TIER", width: 12, optional: true},
		{title: "CHECK", width: 10, flex: 2},
	})
	return p
}

func (p *approvalsModel) Title() string   { return "Approvals" }
func (p *approvalsModel) Capturing() bool { return p.prompt != nil }
func (p *approvalsModel) wide() bool      { return p.w >= wideAt }
func (p *approvalsModel) Blur()           { p.focused = false }

func (p *approvalsModel) SetSize(w, h int) {
	p.w, p.h = w, h
	lw := w
	if p.wide() {
		lw, _ = splitWidths(w)
	}
	p.table.setWidth(lw)
	p.list.setHeight(h - p.chrome())
	p.list.invalidate()
}

// chrome is the lines of the list that are not rows: the title, the
// column header, and on a narrow screen the selected request's reasons.
func (p *approvalsModel) chrome() int {
	if p.wide() {
		return 2
	}
	return 4
}

func (p *approvalsModel) Focus() tea.Cmd { return p.focus() }

func (p *approvalsModel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if ok, cmd := p.follow(msg, func(c store.Counts) int { return c.Pending }); ok {
		return p, cmd
	}
	if msg, ok := msg.(tea.KeyMsg); ok && p.focused {
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *approvalsModel) onKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	if p.prompt != nil {
		done, cmd := p.prompt.Update(msg)
		if done {
			p.prompt = nil
		}
		if cmd != nil {
			p.decided() // the rejection is on its way
		}
		return cmd
	}
	if cmd, ok := navigate(k, &p.list, msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Open):
		p.showDetail = !p.wide()
	case key.Matches(msg, k.Back):
		if p.showDetail {
			p.showDetail = false
		} else if len(p.marked) > 0 {
			p.marked = map[string]bool{}
			p.list.invalidate()
		}
	case key.Matches(msg, k.Mark):
		if r, ok := p.list.selected(); ok {
			p.toggle(r.Request.ID)
			return p.list.move(1)
		}
	case key.Matches(msg, k.Approve):
		if ids := p.decided(); len(ids) > 0 {
			return approve(p.c.Store, ids)
		}
	case key.Matches(msg, k.Reject):
		if ids := p.targets(); len(ids) > 0 {
			p.prompt = p.rejectPrompt(ids)
		}
	}
	return nil
}

func (p *approvalsModel) toggle(id string) {
	if p.marked[id] {
		delete(p.marked, id)
	} else {
		p.marked[id] = true
	}
	p.list.invalidate()
}

// targets are the requests a decision is about: the marked ones, or else
// the selected one.
func (p *approvalsModel) targets() []string {
	if len(p.marked) > 0 {
		ids := make([]string, 0, len(p.marked))
		// In queue order where they are in view, then the rest.
		seen := map[string]bool{}
		for _, r := range p.list.rows {
			if p.marked[r.Request.ID] {
				ids = append(ids, r.Request.ID)
				seen[r.Request.ID] = true
			}
		}
		for id := range p.marked {
			if !seen[id] {
				ids = append(ids, id)
			}
		}
		return ids
	}
	if r, ok := p.list.selected(); ok {
		return []string{r.Request.ID}
	}
	return nil
}

// decided takes the targets and forgets their marks: the decision is on
// its way.
func (p *approvalsModel) decided() []string {
	ids := p.targets()
	if len(p.marked) > 0 {
		p.marked = map[string]bool{}
		p.list.invalidate()
	}
	return ids
}

func (p *approvalsModel) rejectPrompt(ids []string) *prompt {
	st := p.c.Store
	title := fmt.Sprintf("Reject %d requests", len(ids))
	if r, ok := p.list.selected(); ok && len(ids) == 1 {
		title = "Reject " + r.Reward.Name + " for " + r.Member.Handle
	}
	return newPrompt(p.c, title, func(v []string) (tea.Cmd, error) {
		return reject(st, v[0], ids), nil
	}, choiceInput("Reason", "the member sees it; the points are released", rejectReasons(), false))
}

func (p *approvalsModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.prompt != nil {
		return p.prompt.help()
	}
	if n := len(p.marked); n > 0 {
		return []key.Binding{
			withHelp(k.Approve, "y", fmt.Sprintf("approve %d marked", n)),
			withHelp(k.Reject, "x", fmt.Sprintf("reject %d marked", n)),
			k.Mark, withHelp(k.Back, "esc", "unmark all"), k.Help,
		}
	}
	if p.showDetail {
		return []key.Binding{k.Back, k.Approve, k.Reject}
	}
	return []key.Binding{k.Approve, k.Reject, k.Mark, k.Open}
}

func (p *approvalsModel) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{k.Navigation(), {k.Approve, k.Reject, k.Mark}, k.App()}
}

func (p *approvalsModel) View() string {
	var lines []string
	r, ok := p.list.selected()
	switch {
	case p.showDetail && ok:
		lines = requestLines(p.c, r, p.w)
	case p.wide():
		lw, dw := splitWidths(p.w)
		var right []string
		if ok {
			right = requestLines(p.c, r, dw)
		}
		lines = sideBySide(&p.c.Styles, p.listView(lw), right, lw, dw, p.h, false)
	default:
		lines = p.listView(p.w)
	}
	return paneView(lines, p.prompt, p.w, p.h)
}

func (p *approvalsModel) listView(width int) []string {
	st := &p.c.Styles
	sub := " · oldest first"
	if p.list.total >= 0 {
		sub = fmt.Sprintf(" · %d pending%s", p.list.total, sub)
	}
	right := ""
	if n := len(p.marked); n > 0 {
		right = fmt.Sprintf("● %d marked", n)
	}
	lines := []string{titleLine(st, "Approvals", sub, right, width), p.table.header()}
	switch {
	case !p.list.loaded:
		return append(lines, emptyState(st, "Loading requests…", width))
	case len(p.list.rows) == 0:
		return append(lines, emptyState(st, "No pending requests — all clear.", width))
	}
	lines = append(lines, fitLines(p.list.visible(p.row), width, p.list.height)...)
	if !p.wide() {
		r, _ := p.list.selected()
		lines = append(lines, st.Rule.Render(strings.Repeat("─", width)), " "+hesitationLine(st, r, width-2))
	}
	return lines
}

// hesitationLine lists every reason to hesitate over a request, in words.
func hesitationLine(st *Styles, r store.PendingRow, width int) string {
	if len(r.Hesitations) == 0 {
		return st.Table.Cell[cellGood].Render(termtext.Fit("✓ no reason to hesitate: "+r.Reward.Name+" for "+r.Member.Handle, width))
	}
	return st.Table.Cell[cellWarn].Render(termtext.Fit("⚠ "+joinHesitations(r.Hesitations), width))
}

// shortHesitation says a reason to hesitate in a few cells for the list.
func shortHesitation(h model.Hesitation) string { return h.Short() }

func joinHesitations(hs []model.Hesitation) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.String()
	}
	return strings.Join(parts, " · ")
}

func (p *approvalsModel) row(r store.PendingRow, selected bool) string {
	mark := cell{}
	if p.marked[r.Request.ID] {
		mark = cell{text: "●", kind: cellStrong}
	}
	check := cell{text: "ok", kind: cellMuted}
	if len(r.Hesitations) > 0 {
		short := make([]string, len(r.Hesitations))
		for i, h := range r.Hesitations {
			short[i] = shortHesitation(h)
		}
		check = cell{text: "⚠ " + strings.Join(short, ", "), kind: cellWarn}
	}
	after := cell{text: fmt.Sprint(r.Member.Balance - r.Request.Cost)}
	if r.Member.Balance < r.Request.Cost {
		after.kind = cellDanger
	}
	return p.table.row([]cell{
		mark,
		{text: ago(p.c.now(), r.Request.At), kind: cellMuted},
		{text: r.Member.Handle, kind: cellStrong},
		{text: rewardName(r)},
		{text: fmt.Sprint(r.Request.Cost)},
		after,
		{text: p.c.tierName(r.Member.Tier)},
		check,
	}, selected)
}

func rewardName(r store.PendingRow) string {
	if r.Reward.Name != "" {
		return r.Reward.Name
	}
	return r.Request.Reward
}

// requestLines is one request in full: the member, the reward, what
// approving does, and the reasons to hesitate.
func requestLines(c *Common, r store.PendingRow, width int) []string {
	b := &doc{st: &c.Styles, w: max(20, width)}
	now := c.now()
	m := r.Member
	b.split(" Request "+r.Request.ID, ago(now, r.Request.At))
	b.blank()
	b.label("Member", m.Handle+" · "+m.Name)
	b.label("", statusWord(m, now)+" · "+c.tierName(m.Tier))
	b.label("Balance", fmt.Sprintf("%d points · %d held · %d available", m.Balance, m.Held, m.Available()))
	b.blank()
	b.label("Reward", rewardName(r))
	b.label("Cost", fmt.Sprintf("%d points → balance after: %d", r.Request.Cost, m.Balance-r.Request.Cost))
	if r.Reward.MinTier != "" {
		b.label("Needs", "tier "+r.Reward.MinTier+" or above")
	}
	switch {
	case r.Reward.Stock == model.Unlimited:
		b.label("Stock", "unlimited")
	default:
		b.label("Stock", fmt.Sprintf("%d left", r.Reward.Stock))
	}
	b.label("Asked", r.Request.At.UTC().Format("2006-01-02 15:04"))
	b.heading("Reasons to hesitate", len(r.Hesitations))
	for _, h := range r.Hesitations {
		b.text("   ⚠ " + h.String())
	}
	return b.lines
}
