package keymap

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// bindings lists every binding of the key map by field name.
func bindings(k KeyMap) map[string]key.Binding {
	out := map[string]key.Binding{}
	v := reflect.ValueOf(k)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch x := v.Field(i).Interface().(type) {
		case key.Binding:
			out[f.Name] = x
		case [5]key.Binding:
			for j, b := range x {
				out[f.Name+string(rune('1'+j))] = b
			}
		default:
			panic("unexpected field " + f.Name)
		}
	}
	return out
}

func TestEveryBindingHasKeysAndHelp(t *testing.T) {
	for name, b := range bindings(Default()) {
		if len(b.Keys()) == 0 || !b.Enabled() {
			t.Errorf("%s has no keys", name)
		}
		if b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s has no help: %+v", name, b.Help())
		}
	}
}

func press(s string) tea.KeyMsg {
	switch s {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// TestKeysMatchWhatTheREADMESays checks the keys a moderator types reach
// the bindings the help names.
func TestKeysMatchWhatTheHelpSays(t *testing.T) {
	k := Default()
	for _, tc := range []struct {
		key  string
		want key.Binding
	}{
		{"j", k.Down}, {"k", k.Up}, {"g", k.Home}, {"G", k.End}, {"enter", k.Open}, {"esc", k.Back},
		{"tab", k.NextPane}, {"shift+tab", k.PrevPane}, {"1", k.Pane[0]}, {"4", k.Pane[3]}, {"5", k.Pane[4]},
		{"a", k.Award}, {"b", k.Badge}, {"n", k.Note}, {"w", k.Warn}, {"s", k.Suspend},
		{"y", k.Approve}, {"x", k.Reject}, {"space", k.Mark}, {"d", k.Dismiss}, {"p", k.Deduct},
		{"p", k.Period}, {"B", k.Ban}, {"o", k.Sort}, {"/", k.Filter}, {"u", k.Undo},
		{"?", k.Help}, {"q", k.Quit}, {"ctrl+c", k.Quit}, {"ctrl+c", k.Interrupt}, {"y", k.Confirm}, {"n", k.Deny},
	} {
		if !key.Matches(press(tc.key), tc.want) {
			t.Errorf("%q does not match %q", tc.key, tc.want.Help().Desc)
		}
	}
	if key.Matches(press("b"), k.Ban) || key.Matches(press("B"), k.Badge) {
		t.Error("b and B must stay apart: one gives a badge, the other bans")
	}
}

func TestHelpGroupsHoldNoDuplicates(t *testing.T) {
	k := Default()
	for name, group := range map[string][]key.Binding{"navigation": k.Navigation(), "app": k.App()} {
		seen := map[string]string{}
		for _, b := range group {
			for _, s := range b.Keys() {
				if other, ok := seen[s]; ok {
					t.Errorf("%s: %q is both %q and %q", name, s, other, b.Help().Desc)
				}
				seen[s] = b.Help().Desc
			}
		}
	}
}

// TestEveryPaneIsOneKeyAway checks that 1 to 5 each reach a pane of their
// own, and that the full help lists every one of them.
func TestEveryPaneIsOneKeyAway(t *testing.T) {
	k := Default()
	inHelp := map[string]bool{}
	for _, b := range k.App() {
		inHelp[b.Help().Key+" "+b.Help().Desc] = true
	}
	for i, b := range k.Pane {
		digit := string(rune('1' + i))
		for j, other := range k.Pane {
			if got := key.Matches(press(digit), other); got != (i == j) {
				t.Errorf("%q reaches pane %d: %v, want %v", digit, j+1, got, i == j)
			}
		}
		if !inHelp[b.Help().Key+" "+b.Help().Desc] {
			t.Errorf("pane %d (%s %s) is missing from the help", i+1, b.Help().Key, b.Help().Desc)
		}
	}
	if got := k.Pane[len(k.Pane)-1].Help().Desc; got != "health" {
		t.Errorf("the last pane key is %q, want health", got)
	}
}
