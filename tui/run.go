package tui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"steward/keymap"
	"steward/store"
)

// Run runs the console on the terminal, in the alternate screen, until the
// moderator quits.
func Run(st *store.Store, km keymap.KeyMap, opt Options) error {
	if os.Getenv("NO_COLOR") != "" {
		opt.NoColor = true
	}
	if opt.NoColor {
		// termenv reads NO_COLOR as "no escape codes at all"; the plain
		// styles use no colour, so keep bold, underline and reverse video,
		// which the selected row and the active tab rely on.
		lipgloss.SetColorProfile(termenv.ANSI)
	} else {
		// Ask the terminal for its background now, before Bubble Tea
		// reads the keyboard, so the answer is not taken for keys.
		lipgloss.HasDarkBackground()
	}
	_, err := tea.NewProgram(New(st, km, opt), tea.WithAltScreen()).Run()
	return err
}
