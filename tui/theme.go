package tui

import "github.com/charmbracelet/lipgloss"

// Theme names the console's colours. Each adapts to light and dark
// terminals; no state is shown by colour alone, so an empty theme (NO_COLOR)
// loses nothing but colour.
type Theme struct {
	Primary lipgloss.AdaptiveColor // titles, the active tab
	Muted   lipgloss.AdaptiveColor // secondary text, column headers
	Accent  lipgloss.AdaptiveColor // matched characters, keys in the help
	Warn    lipgloss.AdaptiveColor // reasons to hesitate, suspensions
	Error   lipgloss.AdaptiveColor // failures, bans
	Success lipgloss.AdaptiveColor // confirmations, gains
	Border  lipgloss.AdaptiveColor // rules and boxes
	// Selection is the background of the selected row; the row also
	// carries a ">" marker, so it reads without colour.
	Selection lipgloss.AdaptiveColor
}

// DefaultTheme is the console's colours.
func DefaultTheme() Theme {
	return Theme{
		Primary: lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B7A6FF"},
		Muted:   lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8C8C8C"},
		Accent:  lipgloss.AdaptiveColor{Light: "#0B6E99", Dark: "#5FD7FF"},
		Warn:    lipgloss.AdaptiveColor{Light: "#9A5B00", Dark: "#FFB454"},
		Error:   lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF7A70"},
		Success: lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#7BD88F"},
		Border:  lipgloss.AdaptiveColor{Light: "#C8C8C8", Dark: "#444444"},

		Selection: lipgloss.AdaptiveColor{Light: "#E6E0FF", Dark: "#33295C"},
	}
}

// PlainTheme has no colours at all, for NO_COLOR: the styles fall back to
// bold, underline and reverse video.
func PlainTheme() Theme { return Theme{} }

func (t Theme) plain() bool { return t == Theme{} }
