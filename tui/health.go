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

// healthModel is the Health pane: how engaged the community is and whether
// the programme works — the members active in the last 7 and 30 days, the
// table by month or by week (newcomers, actives, points issued against
// redeemed, reports and how fast they are decided) and the retention of
// each month's newcomers. It only reads: it loads when it comes into view
// and when the data changes, draws its document once per reading or size,
// and scrolls it under a fixed first line.
type healthModel struct {
	c *Common
	// read is where the numbers come from: the store's Health over its
	// default span. Tests give a fixed reading.
	read    func() (model.Health, error)
	w, h    int
	focused bool
	seq     int // loads asked for; an answer to an older one is dropped
	loaded  bool
	data    model.Health
	err     error // the last load failed; data, if any, is the one before
	weeks   bool  // the table is by week rather than by month

	lines  []string // the document below the title line, each line w cells
	blank  string   // an empty line of w cells, below a short document
	scroll int
}

func newHealth(c *Common) *healthModel {
	st := c.Store
	return &healthModel{c: c, read: func() (model.Health, error) { return st.Health(store.DefaultSpan) }}
}

func (p *healthModel) Title() string   { return "Health" }
func (p *healthModel) Capturing() bool { return false }
func (p *healthModel) Blur()           { p.focused = false }

func (p *healthModel) SetSize(w, h int) {
	p.w, p.h = w, h
	p.render()
}

// Focus reads the numbers afresh each time the pane comes into view: the
// last 7 and 30 days move with the clock, not only with the data.
func (p *healthModel) Focus() tea.Cmd {
	p.focused = true
	return p.load()
}

func (p *healthModel) load() tea.Cmd {
	p.seq++
	return loadHealth(p.read, p.seq)
}

func (p *healthModel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case healthLoadedMsg:
		return p, p.loadedMsg(msg)
	case dataChangedMsg:
		// Out of view, the pane reads again when it comes back.
		if p.focused {
			return p, p.load()
		}
	case tea.KeyMsg:
		if p.focused {
			return p, p.onKey(msg)
		}
	}
	return p, nil
}

// loadedMsg takes a reading in. A failed one is shown in the pane, over the
// last good reading if there is one, and handed on to the app, which puts
// it in the status line and tries again while the file is busy.
func (p *healthModel) loadedMsg(msg healthLoadedMsg) tea.Cmd {
	if msg.seq != p.seq {
		return nil
	}
	if msg.err != nil {
		p.err = msg.err
		p.render()
		e := errMsg{err: msg.err, retry: msg.retry, reading: true}
		return func() tea.Msg { return e }
	}
	p.loaded, p.data, p.err = true, msg.health, nil
	p.render()
	return nil
}

func (p *healthModel) onKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	page := max(1, p.body()-1)
	switch {
	case key.Matches(msg, k.Period):
		p.weeks = !p.weeks
		p.render()
	case key.Matches(msg, k.Down):
		p.scrollTo(p.scroll + 1)
	case key.Matches(msg, k.Up):
		p.scrollTo(p.scroll - 1)
	case key.Matches(msg, k.PageDown):
		p.scrollTo(p.scroll + page)
	case key.Matches(msg, k.PageUp):
		p.scrollTo(p.scroll - page)
	case key.Matches(msg, k.Home):
		p.scrollTo(0)
	case key.Matches(msg, k.End):
		p.scrollTo(len(p.lines))
	}
	return nil
}

// body is the height of the document's part of the pane.
func (p *healthModel) body() int { return max(0, p.h-1) }

func (p *healthModel) scrollTo(n int) {
	p.scroll = max(0, min(n, len(p.lines)-p.body()))
}

// render draws the document for the reading, the period and the width.
// It runs when one of them changes; View only picks the lines in view.
func (p *healthModel) render() {
	st := &p.c.Styles
	var doc []string
	switch {
	case !p.loaded && p.err != nil:
		doc = append([]string{""}, p.failure()...)
	case !p.loaded:
		doc = []string{"", emptyState(st, "Reading the community's health…", p.w)}
	default:
		if p.err != nil {
			doc = append([]string{""}, p.failure()...)
		}
		doc = append(doc, healthDoc(st, p.data, p.weeks, p.w)...)
	}
	p.lines = fitLines(doc, p.w, len(doc))
	p.blank = fitLine("", p.w)
	p.scrollTo(p.scroll)
}

// failure says the last read failed, why, and how to try again.
func (p *healthModel) failure() []string {
	st := &p.c.Styles
	lines := []string{st.Status.Error.Render(termtext.Cut("  ✗ could not read the community's health", p.w))}
	for _, l := range termtext.Wrap(p.err.Error(), p.w-4, 3) {
		lines = append(lines, "    "+l)
	}
	hint := p.c.Keys.Refresh.Help().Key + " tries again"
	if p.loaded {
		hint += " · the numbers below are the last reading"
	}
	return append(lines, wrapped(st.Empty, hint, p.w)...)
}

// View draws the title line and the lines of the document in view.
func (p *healthModel) View() string {
	if p.h <= 0 {
		return ""
	}
	out := make([]string, 0, p.h)
	out = append(out, titleLine(&p.c.Styles, "Health", " · "+p.period(), p.position(), p.w))
	end := min(len(p.lines), p.scroll+p.body())
	out = append(out, p.lines[p.scroll:end]...)
	for len(out) < p.h {
		out = append(out, p.blank)
	}
	return strings.Join(out, "\n")
}

// period names the table's period, for the title and the help.
func (p *healthModel) period() string {
	if p.weeks {
		return "by week"
	}
	return "by month"
}

// position says which lines are in view when the document is taller than
// the pane: "lines 1–20 of 48".
func (p *healthModel) position() string {
	if len(p.lines) <= p.body() {
		return ""
	}
	return fmt.Sprintf("lines %d–%d of %d", p.scroll+1, min(len(p.lines), p.scroll+p.body()), len(p.lines))
}

func (p *healthModel) ShortHelp() []key.Binding {
	k := p.c.Keys
	period := "period: months"
	if p.weeks {
		period = "period: weeks"
	}
	keys := []key.Binding{withHelp(k.Period, "p", period)}
	if len(p.lines) > p.body() {
		keys = append(keys, withHelp(k.Down, "↑/↓", "scroll"), k.PageDown)
	}
	return append(keys, k.Refresh)
}

func (p *healthModel) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{withHelp(k.Period, "p", "months ↔ weeks")},
		k.App(),
	}
}
