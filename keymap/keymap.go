package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the console knows. A pane picks the bindings that
// apply to it; a letter may mean different things in different panes (p
// deducts points in Reports and cycles the period in the Leaderboard), so
// each meaning has its own binding and its own help.
type KeyMap struct {
	// Navigation.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Open     key.Binding // open the selected item; confirm a form
	Back     key.Binding // close a detail, clear a filter, cancel a form
	NextPane key.Binding
	PrevPane key.Binding
	Pane     [5]key.Binding // 1–5: Members, Leaderboard, Approvals, Reports, Health

	// Actions.
	Award   key.Binding
	Badge   key.Binding
	Note    key.Binding
	Warn    key.Binding
	Suspend key.Binding
	Approve key.Binding
	Reject  key.Binding
	Mark    key.Binding
	Dismiss key.Binding
	Deduct  key.Binding
	Ban     key.Binding
	Period  key.Binding
	Sort    key.Binding
	Filter  key.Binding
	Undo    key.Binding
	Refresh key.Binding

	// Forms.
	Confirm key.Binding // answers yes to "Ban …?"
	Deny    key.Binding

	// App.
	Help key.Binding
	Quit key.Binding
	// Interrupt is ctrl+c on its own: inside a form it cancels the form
	// (the text typed so far is not lost to a reflex), elsewhere it quits.
	Interrupt key.Binding
}

// Default returns the console's keys.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+b"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+f"),
		Home:     b("g/home", "first", "home", "g"),
		End:      b("G/end", "last", "end", "G"),
		Open:     b("enter", "open", "enter"),
		Back:     b("esc", "back", "esc"),
		NextPane: b("tab", "next pane", "tab"),
		PrevPane: b("shift+tab", "previous pane", "shift+tab"),
		Pane: [5]key.Binding{
			b("1", "members", "1"),
			b("2", "leaderboard", "2"),
			b("3", "approvals", "3"),
			b("4", "reports", "4"),
			b("5", "health", "5"),
		},

		Award:   b("a", "award points", "a"),
		Badge:   b("b", "give badge", "b"),
		Note:    b("n", "add note", "n"),
		Warn:    b("w", "warn", "w"),
		Suspend: b("s", "suspend/lift", "s"),
		Approve: b("y", "approve", "y"),
		Reject:  b("x", "reject", "x"),
		Mark:    b("space", "mark", " "),
		Dismiss: b("d", "dismiss", "d"),
		Deduct:  b("p", "deduct points", "p"),
		Ban:     b("B", "ban", "B"),
		Period:  b("p", "period", "p"),
		Sort:    b("o", "sort", "o"),
		Filter:  b("/", "filter", "/"),
		Undo:    b("u", "undo", "u"),
		Refresh: b("ctrl+r", "refresh", "ctrl+r"),

		Confirm: b("y", "confirm", "y", "Y"),
		Deny:    b("n", "cancel", "n", "N"),

		Help:      b("?", "all keys", "?"),
		Quit:      b("q", "quit", "q", "ctrl+c"),
		Interrupt: b("ctrl+c", "cancel", "ctrl+c"),
	}
}

// Navigation lists the movement keys, for the full help.
func (k KeyMap) Navigation() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Open, k.Back}
}

// App lists the keys that work in every pane, for the full help.
func (k KeyMap) App() []key.Binding {
	keys := append([]key.Binding(nil), k.Pane[:]...)
	return append(keys, k.NextPane, k.PrevPane, k.Undo, k.Refresh, k.Help, k.Quit)
}
