package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
)

// boardDepth is how far down the leaderboard goes. The store ranks a
// period by walking its score index from the top, so the depth bounds
// that walk; beyond the top thousand a rank says little.
const boardDepth = 1000

// leaderboardModel is the Leaderboard pane: who is most active all time,
// this month or this week, with their movement since the previous period,
// and the member detail beside it or on enter. Recognition (a badge,
// points) is one key away.
type leaderboardModel struct {
	c       *Common
	w, h    int
	focused bool
	stale   bool
	period  store.Period
	list    window[store.Standing]
	table   table

	detail     *memberDetail
	showDetail bool
	prompt     *prompt
}

func newLeaderboard(c *Common) *leaderboardModel {
	p := &leaderboardModel{c: c, detail: newMemberDetail(c, leaderboardPane)}
	p.list = newWindow(leaderboardPane, boardPager(c.Store, store.AllTime), func(s store.Standing) string { return s.Member.Handle })
	p.table = newTable(&c.Styles, []column{
		{title: "RANK", width: 4, right: true},
		{title: "MOVE", width: 4},
		{title: "HANDLE", width: 14, flex: 2},
		{title: "NAME", width: 12, flex: 3},
		{title: "POINTS", width: 7, right: true},
		{title: "TIER", width: 12, optional: true},
	})
	return p
}

// boardPager pages through a period's leaderboard. Its positions are
// ranks' places in the list; each page is read from the top of the
// period's score index, at most boardDepth deep.
func boardPager(st *store.Store, period store.Period) pager[store.Standing] {
	return func(from []byte, dir store.Direction, limit int) (store.Page[store.Standing], error) {
		var lo, want int
		switch {
		case from == nil && dir == store.Forward:
			lo, want = 0, min(limit, boardDepth)
		case from == nil:
			want = boardDepth
		case dir == store.Forward:
			lo = posOf(from) + 1
			want = min(lo+limit, boardDepth)
		default:
			want = posOf(from)
			lo = max(0, want-limit)
		}
		rows, err := st.Leaderboard(period, want)
		if err != nil {
			return store.Page[store.Standing]{}, err
		}
		if from == nil && dir == store.Backward {
			lo = max(0, len(rows)-limit)
		}
		lo = min(lo, len(rows))
		page := store.Page[store.Standing]{AtStart: lo == 0, AtEnd: len(rows) < want || want >= boardDepth}
		if dir == store.Backward && from != nil {
			page.AtEnd = false
		}
		for i := lo; i < len(rows); i++ {
			page.Rows = append(page.Rows, rows[i])
			page.Keys = append(page.Keys, posKey(i))
		}
		return page, nil
	}
}

func (p *leaderboardModel) Title() string   { return "Leaderboard" }
func (p *leaderboardModel) Capturing() bool { return p.prompt != nil }
func (p *leaderboardModel) wide() bool      { return p.w >= wideAt }
func (p *leaderboardModel) Blur()           { p.focused = false }

func (p *leaderboardModel) SetSize(w, h int) {
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

func (p *leaderboardModel) Focus() tea.Cmd {
	p.focused = true
	if p.stale || !p.list.loaded {
		p.stale = false
		return tea.Batch(p.list.reload(), p.detail.reload())
	}
	return tea.Batch(p.list.resized(), p.follow())
}

func (p *leaderboardModel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg[store.Standing]:
		return p, tea.Batch(p.list.apply(msg), p.follow())
	case memberLoadedMsg, historyLoadedMsg:
		_, cmd := p.detail.Update(msg)
		return p, cmd
	case suspendFormMsg:
		p.prompt = suspendPrompt(p.c, msg)
		return p, nil
	case programmeLoadedMsg:
		p.list.invalidate()
		p.detail.invalidate()
		return p, nil
	case resizedMsg:
		return p, tea.Batch(p.list.resized(), p.follow(), p.detail.fill())
	case dataChangedMsg:
		if !p.focused {
			p.stale = true
			return p, nil
		}
		return p, tea.Batch(p.list.reload(), p.detail.reload())
	case tea.KeyMsg:
		if !p.focused {
			return p, nil
		}
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *leaderboardModel) follow() tea.Cmd {
	if !p.wide() || p.showDetail {
		return nil
	}
	if s, ok := p.list.selected(); ok {
		return p.detail.show(s.Member.Handle)
	}
	return nil
}

func (p *leaderboardModel) onKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	if p.prompt != nil {
		done, cmd := p.prompt.Update(msg)
		if done {
			p.prompt = nil
		}
		return cmd
	}
	if p.showDetail {
		if key.Matches(msg, k.Back) {
			p.showDetail = false
			p.detail.Blur()
			return p.follow()
		}
		if m, ok := p.detail.member(); ok {
			if cmd, ok := p.act(msg, m); ok {
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
	case key.Matches(msg, k.Period):
		p.period = (p.period + 1) % 3
		return p.list.reset(boardPager(p.c.Store, p.period))
	case key.Matches(msg, k.Open):
		if s, ok := p.list.selected(); ok {
			p.showDetail = true
			p.detail.Focus()
			return p.detail.show(s.Member.Handle)
		}
		return nil
	}
	if s, ok := p.list.selected(); ok {
		cmd, _ := p.act(msg, s.Member)
		return cmd
	}
	return nil
}

func (p *leaderboardModel) act(msg tea.KeyMsg, m model.Member) (tea.Cmd, bool) {
	pr, cmd, ok := memberAction(p.c, leaderboardPane, msg, m)
	if pr != nil {
		p.prompt = pr
	}
	return cmd, ok
}

func (p *leaderboardModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	switch {
	case p.prompt != nil:
		return p.prompt.help()
	case p.showDetail:
		return []key.Binding{k.Back, withHelp(k.Down, "↑/↓", "scroll"), k.Badge, k.Award}
	}
	return []key.Binding{withHelp(k.Period, "p", "period: "+p.period.Label()), k.Badge, k.Award, k.Open}
}

func (p *leaderboardModel) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{k.Navigation(), append([]key.Binding{k.Period}, memberActionKeys(p.c)...), k.App()}
}

func (p *leaderboardModel) View() string {
	lines := memberPaneLines(&p.c.Styles, p.w, p.h, p.wide(), p.showDetail, p.listView, p.detail.View)
	return paneView(lines, p.prompt, p.w, p.h)
}

func (p *leaderboardModel) listView(width int) []string {
	st := &p.c.Styles
	sub := " · " + p.period.Label()
	if p.period != store.AllTime {
		sub += " · moves since the last " + strings.TrimPrefix(p.period.Label(), "this ")
	} else {
		sub += " · moves since last week"
	}
	right := ""
	if p.list.atEnd && len(p.list.rows) >= boardDepth {
		right = fmt.Sprintf("top %d", boardDepth)
	}
	lines := []string{titleLine(st, "Leaderboard", sub, right, width), p.table.header()}
	switch {
	case !p.list.loaded:
		lines = append(lines, emptyState(st, "Loading the leaderboard…", width))
	case len(p.list.rows) == 0:
		lines = append(lines, emptyState(st, "Nobody has points "+p.period.Label()+" yet — p shows another period.", width))
	default:
		lines = append(lines, p.list.visible(p.row)...)
	}
	return lines
}

// movement is a rank's change in symbols and words: "▲2", "▼1", "new".
func movement(s store.Standing) cell {
	switch {
	case !s.Known:
		return cell{}
	case s.New:
		return cell{text: "new", kind: cellGood}
	case s.Move > 0:
		return cell{text: fmt.Sprintf("▲%d", s.Move), kind: cellGood}
	case s.Move < 0:
		return cell{text: fmt.Sprintf("▼%d", -s.Move), kind: cellWarn}
	}
	return cell{text: "=", kind: cellMuted}
}

func (p *leaderboardModel) row(s store.Standing, selected bool) string {
	return p.table.row([]cell{
		{text: fmt.Sprint(s.Rank)},
		movement(s),
		{text: s.Member.Handle, kind: cellStrong},
		{text: s.Member.Name},
		{text: fmt.Sprint(s.Points)},
		{text: s.Tier},
	}, selected)
}
