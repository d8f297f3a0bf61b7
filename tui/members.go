package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
	"steward/termtext"
	"steward/tui/match"
)

// membersModel is the Members pane: every member, a page at a time, in one
// of four orders or ranked by the / filter; the selected member's detail
// beside the list on a wide screen, or instead of it on enter.
type membersModel struct {
	c       *Common
	w, h    int
	focused bool
	stale   bool
	order   store.MemberOrder
	list    window[model.Member]
	table   table
	total   int // members in the community

	detail     *memberDetail
	showDetail bool // the detail has the keys (and, when narrow, the screen)
	prompt     *prompt

	filter filterState
}

func newMembers(c *Common) *membersModel {
	p := &membersModel{c: c, total: -1, detail: newMemberDetail(c, membersPane)}
	p.list = newWindow(membersPane, orderPager(c.Store, store.ByPoints), func(m model.Member) string { return m.Handle })
	p.table = newTable(&c.Styles, []column{
		{title: "HANDLE", width: 13, flex: 2},
		{title: "NAME", width: 11, flex: 3},
		{title: "STATUS", width: 11},
		{title: "TIER", width: 12, optional: true},
		{title: "POINTS", width: 6, right: true, optional: true},
		{title: "BALANCE", width: 7, right: true},
		{title: "ACTIVE", width: 8, optional: true},
		{title: "JOINED", width: 10, optional: true},
	})
	p.table.setKeep(sortedColumn(p.order))
	p.filter = newFilterState(c)
	return p
}

// sortedColumn is the title of the column that shows what the list is
// sorted by, kept when a narrow screen drops the others: "by joined" with
// no join dates in view would be a list in no visible order. Names are
// always shown.
func sortedColumn(o store.MemberOrder) string {
	switch o {
	case store.ByPoints:
		return "POINTS"
	case store.ByActive:
		return "ACTIVE"
	case store.ByJoined:
		return "JOINED"
	}
	return ""
}

// orderPager reads the members list in an order, from the store's index.
func orderPager(st *store.Store, order store.MemberOrder) pager[model.Member] {
	return func(from []byte, dir store.Direction, limit int) (store.Page[model.Member], error) {
		return st.Members(order, from, dir, limit)
	}
}

func (p *membersModel) Title() string { return "Members" }

func (p *membersModel) Capturing() bool { return p.prompt != nil || p.filter.typing }

func (p *membersModel) wide() bool { return p.w >= wideAt }

func (p *membersModel) SetSize(w, h int) {
	p.w, p.h = w, h
	lw, dw := w, w
	if p.wide() {
		lw, dw = splitWidths(w)
	}
	p.table.setWidth(lw)
	p.list.setHeight(h - 2)
	p.list.invalidate()
	p.detail.SetSize(dw, h)
}

func (p *membersModel) Focus() tea.Cmd {
	p.focused = true
	if p.stale || !p.list.loaded {
		p.stale = false
		return tea.Batch(p.list.reload(), p.detail.reload(), p.filter.refresh(p.c))
	}
	return tea.Batch(p.list.resized(), p.follow())
}

func (p *membersModel) Blur() { p.focused = false }

func (p *membersModel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg[model.Member]:
		cmd := p.list.apply(msg)
		return p, tea.Batch(cmd, p.follow())
	case memberLoadedMsg, historyLoadedMsg:
		_, cmd := p.detail.Update(msg)
		return p, cmd
	case namesLoadedMsg, filterMatchedMsg:
		return p, p.onFilterMsg(msg)
	case suspendFormMsg:
		p.prompt = suspendPrompt(p.c, msg)
		return p, nil
	case countsLoadedMsg:
		p.total = msg.counts.Members
		if p.filter.query == "" {
			p.list.total = p.total
		}
		return p, nil
	case programmeLoadedMsg:
		p.list.invalidate()
		p.detail.invalidate()
		return p, nil
	case resizedMsg:
		return p, tea.Batch(p.list.resized(), p.follow(), p.detail.fill())
	case dataChangedMsg:
		return p, p.dataChanged()
	case tea.KeyMsg:
		if !p.focused {
			return p, nil
		}
		return p, p.onKey(msg)
	}
	return p, nil
}

// dataChanged reloads what is in view; a pane out of view waits until it
// comes back.
func (p *membersModel) dataChanged() tea.Cmd {
	p.filter.namesStale = true
	if !p.focused {
		p.stale = true
		return nil
	}
	return tea.Batch(p.list.reload(), p.detail.reload(), p.filter.refresh(p.c))
}

// follow shows the selected member in the detail on a wide screen.
func (p *membersModel) follow() tea.Cmd {
	if !p.wide() || p.showDetail {
		return nil
	}
	if m, ok := p.list.selected(); ok {
		return p.detail.show(m.Handle)
	}
	return nil
}

func (p *membersModel) onKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	if p.prompt != nil {
		done, cmd := p.prompt.Update(msg)
		if done {
			p.prompt = nil
		}
		return cmd
	}
	if p.filter.typing {
		return p.onFilterKey(msg)
	}
	if p.showDetail {
		if key.Matches(msg, k.Back) {
			p.showDetail = false
			p.detail.Blur()
			return p.follow()
		}
		if m, ok := p.detail.member(); ok {
			if cmd, ok := p.act(msg, m, true); ok {
				return cmd
			}
		}
		_, cmd := p.detail.Update(msg)
		return cmd
	}
	if cmd, ok := navigate(k, &p.list, msg); ok {
		return tea.Batch(cmd, p.follow())
	}
	switch {
	case key.Matches(msg, k.Open):
		if m, ok := p.list.selected(); ok {
			p.showDetail = true
			p.detail.Focus()
			return p.detail.show(m.Handle)
		}
	case key.Matches(msg, k.Filter):
		return p.filter.start(p.c)
	case key.Matches(msg, k.Back):
		return p.clearFilter()
	case key.Matches(msg, k.Sort) && p.filter.query == "":
		p.order = (p.order + 1) % 4
		p.table.setKeep(sortedColumn(p.order))
		p.list.invalidate()
		p.list.total = p.total
		return p.list.reset(orderPager(p.c.Store, p.order))
	}
	if m, ok := p.list.selected(); ok {
		if cmd, ok := p.act(msg, m, false); ok {
			return cmd
		}
	}
	return nil
}

func (p *membersModel) move(delta int) tea.Cmd {
	return tea.Batch(p.list.move(delta), p.follow())
}

// act answers a member action key. From the detail, the suspension form
// opens at once: the detail knows the member's place on the ladder.
func (p *membersModel) act(msg tea.KeyMsg, m model.Member, inDetail bool) (tea.Cmd, bool) {
	if inDetail && key.Matches(msg, p.c.Keys.Suspend) && !m.Restricted(p.c.now()) {
		p.prompt = suspendPrompt(p.c, p.detail.ladder())
		return nil, true
	}
	pr, cmd, ok := memberAction(p.c, membersPane, msg, m)
	if pr != nil {
		p.prompt = pr
	}
	return cmd, ok
}

func (p *membersModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	switch {
	case p.prompt != nil:
		return p.prompt.help()
	case p.filter.typing:
		return []key.Binding{withHelp(k.Open, "enter", "keep filter"), withHelp(k.Back, "esc", "clear"), withHelp(k.Down, "↑/↓", "move")}
	case p.showDetail:
		return []key.Binding{k.Back, withHelp(k.Down, "↑/↓", "scroll"), k.Award, k.Badge}
	case p.filter.query != "":
		return []key.Binding{k.Open, withHelp(k.Back, "esc", "clear filter"), k.Filter, k.Award}
	}
	return []key.Binding{k.Filter, k.Open, withHelp(k.Sort, "o", "sort: "+p.order.String()), k.Award}
}

func (p *membersModel) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{
		p.c.Keys.Navigation(),
		append([]key.Binding{k.Filter, k.Sort}, memberActionKeys(p.c)...),
		k.App(),
	}
}

func (p *membersModel) View() string {
	lines := memberPaneLines(&p.c.Styles, p.w, p.h, p.wide(), p.showDetail, p.listView, p.detail.View)
	return paneView(lines, p.prompt, p.w, p.h)
}

func (p *membersModel) listView(width int) []string {
	st := &p.c.Styles
	lines := []string{p.titleLine(width), p.table.header()}
	switch {
	case !p.list.loaded:
		lines = append(lines, emptyState(st, "Loading members…", width))
	case len(p.list.rows) == 0 && p.filter.query != "":
		lines = append(lines, emptyState(st, "No member matches “"+p.filter.query+"” — esc clears the filter, / changes it.", width))
	case len(p.list.rows) == 0:
		lines = append(lines, emptyState(st, "No members yet — import some with: steward import members FILE", width))
	default:
		lines = append(lines, p.list.visible(p.row)...)
	}
	return lines
}

func (p *membersModel) titleLine(width int) string {
	st := &p.c.Styles
	sub := " · by " + p.order.String()
	switch {
	case p.filter.typing:
		n := ""
		if p.filter.query != "" {
			n = plural(p.list.total, "match", "matches")
		}
		left := st.Title.Render(" Members ") + p.filter.input.View()
		return fitLine(left, width-len(n)-1) + st.Subtitle.Render(n) + " "
	case p.filter.query != "":
		sub = fmt.Sprintf(" · %s for “%s” · best first", plural(p.list.total, "match", "matches"), termtext.Inert(p.filter.query))
	case p.total >= 0:
		sub = fmt.Sprintf(" · %d%s", p.total, sub)
	}
	pos := ""
	if at, of, ok := p.list.position(); ok {
		pos = fmt.Sprintf("%d/%d", at, of)
	}
	return titleLine(st, "Members", sub, pos, width)
}

func (p *membersModel) row(m model.Member, selected bool) string {
	now := p.c.now()
	status := cell{text: "active", kind: cellMuted}
	switch m.StatusAt(now) {
	case model.Suspended:
		status = cell{text: "⚠ suspended", kind: cellWarn}
	case model.Banned:
		status = cell{text: "✖ banned", kind: cellDanger}
	}
	handle, name := cell{text: m.Handle, kind: cellStrong}, cell{text: m.Name}
	if q := p.filter.query; q != "" {
		handle.match, name.match = splitMatch(match.Positions(q, matchKey(m.Handle, m.Name)), len(m.Handle))
	}
	return p.table.row([]cell{
		handle, name, status,
		{text: p.c.tierName(m.Tier)},
		{text: fmt.Sprint(m.Qualifying), kind: cellMuted},
		{text: fmt.Sprint(m.Balance)},
		{text: ago(now, m.LastActive), kind: cellMuted},
		{text: m.Joined.Format(time.DateOnly), kind: cellMuted},
	}, selected)
}
