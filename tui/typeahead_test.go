package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Keys that reach the console in one read (typed ahead over a slow link,
// sent by tmux send-keys or a script) arrive as one message with several
// runes: each must still count as a key press, and once a form or the
// filter has the keys, the rest is its text.
func TestAppKeysThatArriveTogether(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	together := func(s string) { d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

	together("34")
	if d.a.active != reportsPane {
		t.Fatalf(`"34" in one read: pane %d, want Reports (%d)`, d.a.active, reportsPane)
	}
	together("1/anna")
	m := d.a.panes[membersPane].(*membersModel)
	if d.a.active != membersPane || !m.filter.typing || m.filter.query != "anna" {
		t.Fatalf(`"1/anna" in one read: pane %d, filter typing %v, query %q; want Members filtering "anna"`,
			d.a.active, m.filter.typing, m.filter.query)
	}
	mustContain(t, d.a.View(), "Members / anna")

	// q inside the filter is text, not quit.
	together("q!")
	if d.quit || m.filter.query != "annaq!" {
		t.Fatalf(`"q!" in the filter: quit %v, query %q`, d.quit, m.filter.query)
	}

	// A paste is text wherever it lands: never keys.
	d.press("esc")
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("3q"), Paste: true})
	if d.quit || d.a.active != membersPane {
		t.Fatalf("a pasted \"3q\" acted as keys: quit %v, pane %d", d.quit, d.a.active)
	}
}
