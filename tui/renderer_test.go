package tui

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"steward/keymap"
)

// An SSH session's console draws for the session's terminal, not for the
// process's: every style, the text inputs' cursor included, comes from the
// renderer the console is given. The tests' own terminal draws no
// attributes at all (TestMain), so any escape sequence here is the given
// renderer's.
func TestTheConsoleDrawsForTheRendererItIsGiven(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)

	if got := NewStyles(DefaultTheme()).Title.Render("Members"); got != "Members" {
		t.Fatalf("the process's renderer draws attributes in tests: %q", got)
	}
	if got := NewStylesFor(r, DefaultTheme()).Title.Render("Members"); !strings.Contains(got, "\x1b[") {
		t.Errorf("the given renderer's title has no colour: %q", got)
	}

	app := New(demoStore(t), keymap.Default(), Options{Renderer: r, Now: clock, Poll: -1})
	f := newFilterState(app.c)
	f.input.Focus()
	if got := f.input.View(); !strings.Contains(got, "\x1b[7m") {
		t.Errorf("the filter's cursor is not drawn in reverse video by the given renderer: %q", got)
	}
}
