package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"steward/store"
	"steward/termtext"
)

// View draws the console. Every line is exactly the terminal's width, so a
// resize never wraps one.
func (a *App) View() string {
	switch {
	case a.w == 0:
		return ""
	case a.w < minWidth || a.h < minHeight:
		return a.tooSmall()
	case a.fatal != nil:
		return a.fatalView()
	}
	p := a.panes[a.active]
	header, rule := a.header()
	lines := make([]string, 0, a.h)
	lines = append(lines, header, rule)
	if a.showHelp {
		lines = append(lines, a.fullHelp()...)
	} else {
		lines = append(lines, fitLines(strings.Split(p.View(), "\n"), a.w, a.h-chromeHeight)...)
	}
	lines = append(lines, a.status.view(&a.c.Styles, a.w), " "+a.help.ShortHelpView(a.shortHelp()))
	return strings.Join(fitLines(lines, a.w, a.h), "\n")
}

// shortHelp is the pane's keys that matter now and, unless a form or
// filter has the keys, the key to see them all.
func (a *App) shortHelp() []key.Binding {
	p := a.panes[a.active]
	keys := p.ShortHelp()
	if a.showHelp {
		return []key.Binding{withHelp(a.c.Keys.Back, "esc/?", "close"), a.c.Keys.Quit}
	}
	if !p.Capturing() {
		keys = append(keys, a.c.Keys.Help)
	}
	return keys
}

// tab is one entry of the header.
type tab struct {
	label string
	count string
}

// header draws the tabs and, under them, a rule that is heavy under the
// active tab: the active pane shows without colour too. A narrow terminal
// first loses the brand, then the long name of the leaderboard, then the
// names of the tabs not in view (their numbers and counts stay): every tab
// is always there.
func (a *App) header() (string, string) {
	st := &a.c.Styles
	tabs := make([]tab, paneCount)
	for i, p := range a.panes {
		tabs[i].label = fmt.Sprintf("%d %s", i+1, p.Title())
	}
	if a.countsOK {
		tabs[approvalsPane].count = fmt.Sprint(a.counts.Pending)
		tabs[reportsPane].count = fmt.Sprint(a.counts.Open)
	}
	brand := " steward "
	shorter := []func(){
		func() { brand = "" },
		func() { tabs[leaderboardPane].label = "2 Board" },
		func() {
			for i := range tabs {
				if paneID(i) != a.active {
					tabs[i].label = fmt.Sprint(i + 1)
				}
			}
		},
	}
	for _, shorten := range shorter {
		if tabsWidth(brand, tabs) <= a.w {
			break
		}
		shorten()
	}
	var b strings.Builder
	var under strings.Builder
	b.WriteString(st.Header.Brand.Render(brand))
	under.WriteString(strings.Repeat("─", ansi.StringWidth(brand)))
	for i, t := range tabs {
		text := " " + t.label
		style := st.Header.Tab
		if paneID(i) == a.active {
			style = st.Header.ActiveTab
		}
		cell := style.Render(text)
		if t.count != "" {
			cell += " " + st.Header.Count.Render(t.count)
		}
		b.WriteString(cell + " ")
		mark := "─"
		if paneID(i) == a.active {
			mark = "━"
		}
		under.WriteString("─" + strings.Repeat(mark, t.width()-2) + "─")
	}
	actor := "as " + a.c.Store.Actor() + " "
	line := b.String()
	if gap := a.w - lipgloss.Width(line) - termtext.Width(actor); gap >= 2 {
		line += strings.Repeat(" ", gap) + st.Header.Actor.Render(termtext.Cut(actor, a.w))
	}
	rule := under.String()
	if n := a.w - lipgloss.Width(rule); n > 0 {
		rule += strings.Repeat("─", n)
	}
	return fitLine(line, a.w), st.Rule.Render(fitLine(rule, a.w))
}

// width is the cells a tab takes in the header: " 3 Approvals 12 ".
func (t tab) width() int {
	w := 1 + ansi.StringWidth(t.label) + 1
	if t.count != "" {
		w += ansi.StringWidth(t.count) + 1
	}
	return w
}

// tabsWidth is the cells the brand and the tabs take.
func tabsWidth(brand string, tabs []tab) int {
	w := ansi.StringWidth(brand)
	for _, t := range tabs {
		w += t.width()
	}
	return w
}

// fullHelp lists every key of the pane in view, grouped.
func (a *App) fullHelp() []string {
	st := &a.c.Styles
	lines := []string{titleLine(st, "All keys", " · "+a.panes[a.active].Title()+" · ? or esc closes", "", a.w), ""}
	body := a.help.FullHelpView(a.panes[a.active].FullHelp())
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, " "+l)
	}
	return fitLines(lines, a.w, a.h-chromeHeight)
}

// tooSmall is the whole screen when the terminal is below the least size.
func (a *App) tooSmall() string {
	st := &a.c.Styles
	msg := []string{
		st.Notice.Render("terminal too small"),
		fmt.Sprintf("%d×%d: steward needs at least %d×%d", a.w, a.h, minWidth, minHeight),
		"enlarge the window, or press q to quit",
	}
	lines := make([]string, a.h)
	top := max(0, (a.h-len(msg))/2)
	for i, m := range msg {
		if top+i < a.h {
			pad := max(0, (a.w-lipgloss.Width(m))/2)
			lines[top+i] = strings.Repeat(" ", pad) + m
		}
	}
	return strings.Join(fitLines(lines, a.w, a.h), "\n")
}

// fatalView explains a database the console cannot use, and what to do.
func (a *App) fatalView() string {
	st := &a.c.Styles
	what := "Check the path, its permissions and the free disk space, then start steward again."
	var fe *store.FileError
	if errors.As(a.fatal, &fe) {
		switch fe.Kind {
		case store.Damaged:
			what = "Restore the file from a backup (steward backup makes one), or open another database with --db."
		case store.TooNew:
			what = "A newer steward wrote this database: upgrade steward to open it."
		}
	}
	lines := []string{"", st.Notice.Render(" steward cannot use this database"), ""}
	for _, l := range termtext.Wrap(a.fatal.Error(), a.w-4, 4) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "")
	for _, l := range termtext.Wrap(what, a.w-4, 3) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "", "  q quits")
	return strings.Join(fitLines(lines, a.w, a.h), "\n")
}
