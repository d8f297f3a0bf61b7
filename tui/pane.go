package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Pane is one screen of the console. It reports its own keys for the help
// (help.KeyMap), accepts a size, and ignores keys while it does not have
// the focus.
type Pane interface {
	help.KeyMap
	Update(tea.Msg) (Pane, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Focus gives the pane the keys; it returns the loads the pane needs
	// when it comes into view.
	Focus() tea.Cmd
	Blur()
	Title() string
	// Capturing reports whether the pane wants every key for itself just
	// now, because a form or a filter is being typed into: q types a q.
	Capturing() bool
}

// paneID names the panes, in tab order.
type paneID int

const (
	membersPane paneID = iota
	leaderboardPane
	approvalsPane
	reportsPane
	healthPane
	paneCount
)

// targeted is a message that belongs to one pane, whichever has the focus.
type targeted interface {
	target() paneID
}

// withHelp is a binding with other help text, for a key whose meaning the
// moment changes ("esc clear filter").
func withHelp(b key.Binding, keys, desc string) key.Binding {
	b.SetHelp(keys, desc)
	return b
}
