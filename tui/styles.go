package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// cellKind is the meaning of a table cell, which picks its style. The
// meaning is always also in the text ("⚠ suspended", "▲2"), never in the
// colour alone.
type cellKind int

const (
	cellNormal cellKind = iota
	cellMuted
	cellStrong
	cellWarn
	cellDanger
	cellGood
	cellKinds
)

// Styles is every style of the console, built once from a theme by
// NewStyles; nothing else in the package makes a style.
type Styles struct {
	Header struct {
		Brand, Tab, ActiveTab, Count, Actor lipgloss.Style
	}
	Rule     lipgloss.Style
	Title    lipgloss.Style // a pane's first line
	Subtitle lipgloss.Style // what follows the title: counts, sort, period
	Empty    lipgloss.Style // "No pending requests — all clear"

	Table struct {
		Header lipgloss.Style
		// Cell and Selected are indexed by cellKind; Selected is the same
		// meaning on the selected row.
		Cell          [cellKinds]lipgloss.Style
		Selected      [cellKinds]lipgloss.Style
		Match         lipgloss.Style // characters the filter matched
		SelectedMatch lipgloss.Style
	}

	Detail struct {
		Heading  lipgloss.Style // a section: "Badges", "Points history"
		Label    lipgloss.Style
		BarFull  lipgloss.Style
		BarEmpty lipgloss.Style
	}

	Status struct {
		Info, Success, Error, Busy lipgloss.Style
	}
	Help help.Styles

	Prompt struct {
		Box, Title, Label, Hint, Error, Choice lipgloss.Style
	}

	Notice lipgloss.Style // "terminal too small", the fatal screen

	// Plain has no attributes. Text inputs take it for what is typed and
	// for their cursor: a style they make themselves would be drawn for
	// the process's own terminal, not for the one it serves over SSH.
	Plain lipgloss.Style
}

// NewStyles builds the styles of a theme for the process's terminal. With
// PlainTheme they use no colour, only bold, underline and reverse video.
func NewStyles(t Theme) Styles { return NewStylesFor(lipgloss.DefaultRenderer(), t) }

// NewStylesFor builds the styles of a theme for the terminal r draws on:
// its colour profile and its background, which differ from one SSH
// session to the next.
func NewStylesFor(r *lipgloss.Renderer, t Theme) Styles {
	var s Styles
	p := painter{t: t, base: r.NewStyle()}
	s.Plain = p.base
	s.Header.Brand = p.fg(p.bold(), t.Primary)
	s.Header.Tab = p.fg(p.base, t.Muted)
	s.Header.ActiveTab = p.fg(p.bold().Underline(true), t.Primary)
	s.Header.Count = p.fg(p.bold(), t.Warn)
	s.Header.Actor = p.fg(p.base, t.Muted)
	s.Rule = p.fg(p.base, t.Border)
	s.Title = p.fg(p.bold(), t.Primary)
	s.Subtitle = p.fg(p.base, t.Muted)
	s.Empty = p.fg(p.base.Italic(true), t.Muted)
	s.Notice = p.fg(p.bold(), t.Warn)
	p.table(&s)
	p.detail(&s)
	p.footer(&s)
	p.prompt(&s)
	return s
}

// painter turns a theme into styles; a colour the theme leaves empty is
// not set at all.
type painter struct {
	t    Theme
	base lipgloss.Style
}

func (p painter) bold() lipgloss.Style { return p.base.Bold(true) }

func (p painter) fg(st lipgloss.Style, c lipgloss.AdaptiveColor) lipgloss.Style {
	if c.Light == "" && c.Dark == "" {
		return st
	}
	return st.Foreground(c)
}

func (p painter) table(s *Styles) {
	t := p.t
	s.Table.Header = p.fg(p.bold(), t.Muted)
	cells := [cellKinds]lipgloss.Style{
		cellNormal: p.base,
		cellMuted:  p.fg(p.base, t.Muted),
		cellStrong: p.bold(),
		cellWarn:   p.fg(p.base, t.Warn),
		cellDanger: p.fg(p.bold(), t.Error),
		cellGood:   p.fg(p.base, t.Success),
	}
	selected := p.bold()
	if t.plain() {
		selected = selected.Reverse(true)
	} else {
		selected = selected.Background(t.Selection)
	}
	for k := range cells {
		s.Table.Cell[k] = cells[k]
		s.Table.Selected[k] = cells[k].Inherit(selected)
	}
	s.Table.Match = p.fg(p.bold().Underline(true), t.Accent)
	s.Table.SelectedMatch = s.Table.Match.Inherit(selected)
}

func (p painter) detail(s *Styles) {
	s.Detail.Heading = p.fg(p.bold(), p.t.Primary)
	s.Detail.Label = p.fg(p.base, p.t.Muted)
	s.Detail.BarFull = p.fg(p.base, p.t.Success)
	s.Detail.BarEmpty = p.fg(p.base, p.t.Border)
}

func (p painter) footer(s *Styles) {
	t := p.t
	s.Status.Info = p.fg(p.base, t.Muted)
	s.Status.Success = p.fg(p.base, t.Success)
	s.Status.Error = p.fg(p.bold(), t.Error)
	s.Status.Busy = p.fg(p.base, t.Warn)
	key, desc, sep := p.fg(p.bold(), t.Accent), p.fg(p.base, t.Muted), p.fg(p.base, t.Border)
	s.Help = help.Styles{
		ShortKey: key, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep,
	}
}

func (p painter) prompt(s *Styles) {
	t := p.t
	box := p.base.Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !t.plain() {
		box = box.BorderForeground(t.Border)
	}
	s.Prompt.Box = box
	s.Prompt.Title = p.fg(p.bold(), t.Primary)
	s.Prompt.Label = p.bold()
	s.Prompt.Hint = p.fg(p.base, t.Muted)
	s.Prompt.Error = p.fg(p.bold(), t.Error)
	s.Prompt.Choice = p.fg(p.base, t.Accent)
}
