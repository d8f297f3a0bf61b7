package tui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"steward/keymap"
	"steward/termtext"
)

// prompt is the one form of the console: a few fields asked one after the
// other in a box over the pane. enter confirms a field, esc (or ctrl+c)
// cancels the whole form. When the last field is confirmed, submit turns
// the values into the command that does the work, or into an error shown
// in the box.
type prompt struct {
	keys   keymap.KeyMap
	styles *Styles
	title  string
	fields []field
	at     int
	err    string
	submit func(values []string) (tea.Cmd, error)
}

type fieldKind int

const (
	textField    fieldKind = iota
	choiceField            // a numbered list; a digit picks, typing is allowed unless strict
	confirmField           // y confirms, n or esc cancels
)

// field is one question of a prompt.
type field struct {
	kind     fieldKind
	label    string
	hint     string
	input    textinput.Model
	choices  []string
	strict   bool // the value must be one of the choices
	optional bool
}

func newPrompt(c *Common, title string, submit func([]string) (tea.Cmd, error), fields ...field) *prompt {
	p := &prompt{keys: c.Keys, styles: &c.Styles, title: title, fields: fields, submit: submit}
	for i := range p.fields {
		in := &p.fields[i].input
		in.Prompt = "> "
		in.CharLimit = 500
		inputStyle(c, in)
	}
	p.fields[0].input.Focus()
	return p
}

func textInput(label, hint, value string) field {
	in := textinput.New()
	in.SetValue(value)
	in.CursorEnd()
	return field{kind: textField, label: label, hint: hint, input: in}
}

func choiceInput(label, hint string, choices []string, strict bool) field {
	f := textInput(label, hint, "")
	f.kind, f.choices, f.strict = choiceField, choices, strict
	if strict {
		f.input.Placeholder = "type a number"
	} else {
		f.input.Placeholder = "type a number or your own words"
	}
	return f
}

func confirmInput(label string) field {
	f := textInput(label, "y confirms · n or esc cancels", "")
	f.kind = confirmField
	return f
}

// optional marks a field that may be left empty.
func (f field) skippable() field { f.optional = true; return f }

// Update handles a key; done reports that the prompt closed (confirmed or
// cancelled), cmd is the work it asked for.
func (p *prompt) Update(msg tea.Msg) (done bool, cmd tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return false, nil
	}
	f := &p.fields[p.at]
	switch {
	case key.Matches(km, p.keys.Back, p.keys.Interrupt):
		return true, nil
	case f.kind == confirmField:
		switch {
		case key.Matches(km, p.keys.Confirm):
			return p.next()
		case key.Matches(km, p.keys.Deny):
			return true, nil
		}
		return false, nil
	case key.Matches(km, p.keys.Open):
		return p.next()
	case f.kind == choiceField && f.input.Value() == "" && len(km.Runes) == 1:
		if n, err := strconv.Atoi(string(km.Runes)); err == nil && n >= 1 && n <= len(f.choices) {
			f.input.SetValue(f.choices[n-1])
			f.input.CursorEnd()
			p.err = ""
			return false, nil
		}
	case f.kind == choiceField && key.Matches(km, p.keys.Up, p.keys.Down) && km.Type != tea.KeyRunes:
		p.cycle(f, key.Matches(km, p.keys.Down))
		return false, nil
	}
	p.err = ""
	f.input, cmd = f.input.Update(km)
	cleanInput(&f.input)
	return false, cmd
}

// cleanInput drops control characters from what was typed or pasted: the
// input shows its text as it is, and a pasted escape sequence would reach
// the terminal.
func cleanInput(in *textinput.Model) {
	v := in.Value()
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, v)
	if clean != v {
		in.SetValue(clean)
		in.CursorEnd()
	}
}

// cycle moves a choice field to the next or previous choice.
func (p *prompt) cycle(f *field, down bool) {
	i := -1
	for j, c := range f.choices {
		if c == f.input.Value() {
			i = j
		}
	}
	switch {
	case down:
		i = (i + 1) % len(f.choices)
	case i <= 0:
		i = len(f.choices) - 1
	default:
		i--
	}
	f.input.SetValue(f.choices[i])
	f.input.CursorEnd()
}

// next confirms the current field and moves on, or submits.
func (p *prompt) next() (bool, tea.Cmd) {
	f := &p.fields[p.at]
	v := strings.TrimSpace(f.input.Value())
	if f.kind == choiceField {
		v = f.pick(v)
	}
	switch {
	case f.kind == confirmField:
	case v == "" && !f.optional:
		p.err = strings.ToLower(f.label) + " is required"
		return false, nil
	case f.strict && !contains(f.choices, v):
		p.err = fmt.Sprintf("pick one of 1–%d", len(f.choices))
		return false, nil
	}
	f.input.SetValue(v)
	f.input.Blur()
	if p.at+1 < len(p.fields) {
		p.at++
		p.fields[p.at].input.Focus()
		return false, nil
	}
	values := make([]string, len(p.fields))
	for i := range p.fields {
		values[i] = strings.TrimSpace(p.fields[i].input.Value())
	}
	cmd, err := p.submit(values)
	if err != nil {
		p.err = err.Error()
		f.input.Focus()
		return false, nil
	}
	return true, cmd
}

// pick reads a number typed into a choice field as that choice.
func (f *field) pick(v string) string {
	if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(f.choices) {
		return f.choices[n-1]
	}
	for _, c := range f.choices {
		if strings.EqualFold(c, v) {
			return c
		}
	}
	return v
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// View draws the box, at most width cells wide.
func (p *prompt) View(width int) string {
	s := &p.styles.Prompt
	inner := max(20, min(64, width-4)) - 4 // border and padding
	var lines []string
	add := func(st func(...string) string, text string) {
		lines = append(lines, st(termtext.Fit(text, inner)))
	}
	add(s.Title.Render, p.title)
	for i := range p.fields[:p.at] {
		f := &p.fields[i]
		v := f.input.Value()
		if v == "" {
			v = "—"
		}
		add(s.Hint.Render, f.label+": "+v)
	}
	f := &p.fields[p.at]
	lines = append(lines, "")
	add(s.Label.Render, f.label)
	if f.kind != confirmField {
		f.input.Width = inner - 3
		lines = append(lines, f.input.View())
	}
	for i, c := range f.choices {
		add(s.Choice.Render, fmt.Sprintf("  %d  %s", i+1, c))
	}
	if p.err != "" {
		add(s.Error.Render, "✗ "+p.err)
	}
	lines = append(lines, "")
	hint := f.hint
	if f.kind != confirmField {
		hint = strings.TrimPrefix(hint+" · ", " · ") + "enter confirms · esc cancels"
	}
	for _, l := range termtext.Wrap(hint, inner, 3) {
		lines = append(lines, s.Hint.Render(l))
	}
	return s.Box.Width(inner + 2).Render(strings.Join(lines, "\n"))
}

// help is the key help while the prompt is open.
func (p *prompt) help() []key.Binding {
	k := p.keys
	if p.fields[p.at].kind == confirmField {
		return []key.Binding{k.Confirm, withHelp(k.Deny, "n/esc", "cancel")}
	}
	return []key.Binding{withHelp(k.Open, "enter", "confirm"), withHelp(k.Back, "esc", "cancel")}
}

// inputStyle makes a text input look like the rest of the console. Its
// cursor does not blink: a blinking cursor redraws the screen twice a
// second for nothing, and makes screens differ from one moment to the next.
func inputStyle(c *Common, in *textinput.Model) {
	in.PromptStyle = c.Styles.Prompt.Choice
	in.PlaceholderStyle = c.Styles.Prompt.Hint
	in.TextStyle = c.Styles.Plain
	in.Cursor.Style = c.Styles.Plain
	in.Cursor.TextStyle = c.Styles.Plain
	in.Cursor.SetMode(cursor.CursorStatic)
}
