package tui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"steward/demo"
	"steward/keymap"
	"steward/store"
)

// fixedNow is the clock of every test: the demo community is written as of
// it, and the console reads "3d ago" against it.
var fixedNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// demoPath is a demo community (500 members, seed 1) written once for the
// whole test binary; tests copy it before they write.
var demoPath string

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	dir, err := os.MkdirTemp("", "steward-tui-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	demoPath = filepath.Join(dir, "demo.db")
	st := store.Open(demoPath, store.Options{Actor: "mod", Now: clock})
	if _, err := demo.Write(st, demo.Options{Members: 500, Days: 180, Seed: 1, Now: fixedNow}); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	for _, path := range bigDBs {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

// demoStore is a copy of the demo community the test may change.
func demoStore(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	src, err := os.Open(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return store.Open(path, store.Options{Actor: "mod", Now: clock, Wait: 5 * time.Second})
}

func newCommon(st *store.Store) *Common {
	prog, err := st.Programme()
	if err != nil {
		panic(err)
	}
	return &Common{Store: st, Keys: keymap.Default(), Styles: NewStyles(PlainTheme()), Now: clock, Prog: prog}
}

// keyMsg is the message Bubble Tea sends for a key.
func keyMsg(s string) tea.KeyMsg {
	types := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "ctrl+c": tea.KeyCtrlC, "ctrl+r": tea.KeyCtrlR,
		"backspace": tea.KeyBackspace,
	}
	if s == "space" {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if t, ok := types[s]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// run runs a command and the commands it batches, and returns their
// messages.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, run(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// driver plays the app's part for one pane: it runs the pane's commands
// to the end, gives the pane what they bring back, and after a write tells
// it the data changed, as the app does.
type driver struct {
	t    testing.TB
	p    Pane
	got  []tea.Msg // what went to the app: writes, errors
	errs []error
}

func drive(t testing.TB, p Pane, w, h int) *driver {
	t.Helper()
	p.SetSize(w, h)
	d := &driver{t: t, p: p}
	d.settle(p.Focus())
	return d
}

// settle runs cmd and everything that follows from it.
func (d *driver) settle(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			d.t.Fatal("the pane keeps issuing commands")
		}
		c := queue[0]
		queue = queue[1:]
		for _, msg := range run(c) {
			switch m := msg.(type) {
			case errMsg:
				d.errs = append(d.errs, m.err)
				d.got = append(d.got, msg)
				continue
			case actionDoneMsg:
				d.got = append(d.got, msg)
				msg = dataChangedMsg{}
			}
			var next tea.Cmd
			d.p, next = d.p.Update(msg)
			queue = append(queue, next)
		}
	}
}

// send gives the pane a message and settles what it starts.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(msg)
	d.settle(cmd)
}

// press types keys: names like "enter", or text typed one rune at a time.
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// done is the summary of the last write, failing the test if there was
// none or an error came back.
func (d *driver) done() actionDoneMsg {
	d.t.Helper()
	if len(d.errs) > 0 {
		d.t.Fatalf("errors: %v", d.errs)
	}
	for i := len(d.got) - 1; i >= 0; i-- {
		if m, ok := d.got[i].(actionDoneMsg); ok {
			return m
		}
	}
	d.t.Fatal("no write was made")
	return actionDoneMsg{}
}

func (d *driver) noErrors() {
	d.t.Helper()
	if len(d.errs) > 0 {
		d.t.Fatalf("errors: %v", d.errs)
	}
}

func (d *driver) view() string { return d.p.View() }

// mustContain fails unless the view holds every text.
func mustContain(t testing.TB, view string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(view, s) {
			t.Fatalf("the screen does not show %q:\n%s", s, view)
		}
	}
}

// selectedLine is the line of the view with the ">" marker.
func selectedLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "> ") || strings.Contains(l, "│> ") {
			return l
		}
	}
	return ""
}
