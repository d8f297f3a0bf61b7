package tui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"steward/keymap"
)

// promptWith makes a prompt that records what it submits.
func promptWith(got *[]string, fields ...field) *prompt {
	c := &Common{Keys: keymap.Default(), Styles: NewStyles(PlainTheme()), Now: clock}
	return newPrompt(c, "Test", func(v []string) (tea.Cmd, error) {
		if v[0] == "bad" {
			return nil, errors.New("bad value")
		}
		*got = v
		return func() tea.Msg { return nil }, nil
	}, fields...)
}

func typeInto(p *prompt, keys ...string) (done bool, cmd tea.Cmd) {
	for _, k := range keys {
		if len(k) > 1 && k != "enter" && k != "esc" && k != "ctrl+c" && k != "up" && k != "down" && k != "backspace" {
			for _, r := range k {
				done, cmd = p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
			continue
		}
		done, cmd = p.Update(keyMsg(k))
	}
	return done, cmd
}

func TestPromptAsksEachFieldThenSubmits(t *testing.T) {
	var got []string
	p := promptWith(&got, textInput("Points", "", ""), textInput("Reason", "", "pre-filled"))
	if done, _ := typeInto(p, "enter"); done || !strings.Contains(p.err, "required") {
		t.Fatalf("an empty required field was accepted (err %q)", p.err)
	}
	done, cmd := typeInto(p, "50", "enter")
	if done || p.at != 1 {
		t.Fatalf("after the first field: done=%v at=%d", done, p.at)
	}
	done, cmd = typeInto(p, "enter")
	if !done || cmd == nil || got[0] != "50" || got[1] != "pre-filled" {
		t.Fatalf("submit: done=%v values=%q", done, got)
	}
}

func TestPromptShowsSubmitErrorsAndStaysOpen(t *testing.T) {
	var got []string
	p := promptWith(&got, textInput("Value", "", ""))
	done, _ := typeInto(p, "bad", "enter")
	if done || p.err != "bad value" || !strings.Contains(p.View(60), "bad value") {
		t.Fatalf("error not shown: done=%v err=%q", done, p.err)
	}
}

func TestPromptChoicesByNumberOrWords(t *testing.T) {
	var got []string
	p := promptWith(&got, choiceInput("Reason", "", []string{"out of stock", "duplicate"}, false))
	mustContain(t, p.View(60), "1  out of stock", "2  duplicate")
	if done, _ := typeInto(p, "2", "enter"); !done || got[0] != "duplicate" {
		t.Fatalf("picking 2 gave %q", got)
	}
	p = promptWith(&got, choiceInput("Reason", "", []string{"out of stock"}, false))
	if done, _ := typeInto(p, "spam ring", "enter"); !done || got[0] != "spam ring" {
		t.Fatalf("typed reason gave %q", got)
	}
	p = promptWith(&got, choiceInput("Badge", "", []string{"Mentor", "Thank you"}, true))
	if done, _ := typeInto(p, "Nope", "enter"); done || !strings.Contains(p.err, "pick one") {
		t.Fatalf("a strict choice took free text (err %q)", p.err)
	}
	p = promptWith(&got, choiceInput("Badge", "", []string{"Mentor", "Thank you"}, true))
	if done, _ := typeInto(p, "down", "down", "enter"); !done || got[0] != "Thank you" {
		t.Fatalf("cycling with ↓ gave %q", got)
	}
}

func TestPromptConfirmAndCancel(t *testing.T) {
	var got []string
	p := promptWith(&got, textInput("Reason", "", "spam"), confirmInput("Sure?"))
	if done, cmd := typeInto(p, "enter", "n"); !done || cmd != nil {
		t.Fatal("n did not cancel the confirmation")
	}
	got = nil
	p = promptWith(&got, textInput("Reason", "", "spam"), confirmInput("Sure?"))
	if done, _ := typeInto(p, "enter", "enter"); done {
		t.Fatal("enter confirmed a ban; only y should")
	}
	if done, _ := typeInto(p, "y"); !done || got[0] != "spam" {
		t.Fatalf("y did not confirm: %q", got)
	}
	for _, k := range []string{"esc", "ctrl+c"} {
		p = promptWith(&got, textInput("Reason", "", ""))
		if done, cmd := typeInto(p, "some text", k); !done || cmd != nil {
			t.Fatalf("%s did not cancel", k)
		}
	}
}

func TestParsePoints(t *testing.T) {
	for _, tc := range []struct {
		in     string
		signed bool
		want   int64
		ok     bool
	}{
		{"50", true, 50, true}, {"+50", true, 50, true}, {"-20", true, -20, true}, {"-20", false, 0, false},
		{"0", true, 0, false}, {"abc", true, 0, false}, {"2000000", true, 0, false},
	} {
		got, err := parsePoints(tc.in, tc.signed)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parsePoints(%q, %v) = %d, %v", tc.in, tc.signed, got, err)
		}
	}
}

func TestPromptDropsPastedControlCharacters(t *testing.T) {
	var got []string
	p := promptWith(&got, textInput("Reason", "", ""))
	p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("spam\x1b]0;pwned\x07 \u202Ering"), Paste: true})
	if v := p.fields[0].input.Value(); v != "spam]0;pwned ring" {
		t.Fatalf("pasted text kept as %q", v)
	}
}
