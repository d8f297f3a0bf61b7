package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"steward/keymap"
	"steward/store"
	"steward/tui"
)

// TestConsoleSeesAnImportFromAnotherProcess opens a console model on a
// database and, while it is open, imports members with the built binary in
// another process: the import succeeds without the console letting go, and
// the console, watching the file, lists the new members within two seconds.
func TestConsoleSeesAnImportFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "community.db")
	must(t, "demo", "--db", db, "--members", "50", "--days", "30", "--quiet")

	st := store.Open(db, store.Options{Actor: "console"})
	defer st.Release()
	app := &probed{tui.New(st, keymap.Default(), tui.Options{Poll: 200 * time.Millisecond})}
	prog := tea.NewProgram(app, tea.WithInput(nil), tea.WithOutput(discard{}), tea.WithoutRenderer())
	go func() { _, _ = prog.Run() }()
	defer prog.Kill()
	prog.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	waitView(t, app, prog, "Members · 50 ", 5*time.Second)

	// Sort by name so that the newcomers, named "Aaa…", are on the first
	// screen once they arrive.
	prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'o'}})
	waitView(t, app, prog, "by name", 5*time.Second)

	var rows strings.Builder
	rows.WriteString("handle,name\n")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&rows, "newcomer%d,Aaa Newcomer %d\n", i, i)
	}
	file := filepath.Join(dir, "newcomers.csv")
	if err := os.WriteFile(file, []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := must(t, "import", "--db", db, "--members", file, "--wait", "3s")
	if !strings.Contains(r.stdout, "imported 5") {
		t.Fatalf("import: %v", r)
	}
	waitView(t, app, prog, "Members · 55 ", 2*time.Second)
	// The list's own count ("6/55") comes with its rows, which may reload
	// a moment after the title's: a 'g' sent between the two went to the
	// top of the old rows, and the reload then kept that member (a CI run
	// under the race detector saw it).
	waitView(t, app, prog, "/55 ", 2*time.Second)
	// The list keeps the moderator's place; the newcomers sort first.
	prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}})
	waitView(t, app, prog, "newcomer0", time.Second)
	t.Logf("the console showed the import %v after it began", time.Since(start).Round(time.Millisecond))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// waitView waits until the console's screen shows want. The view is read
// through the program's own loop so it never races with an update.
func waitView(t *testing.T, app *probed, prog *tea.Program, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		views := make(chan string, 1)
		prog.Send(viewProbe{views})
		select {
		case last = <-views:
		case <-time.After(time.Second):
			continue
		}
		if strings.Contains(last, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the console did not show %q within %v; it shows:\n%s", want, within, last)
}

// viewProbe asks for the console's view from inside the program's loop.
type viewProbe struct{ views chan string }

// probed wraps the console to answer view probes.
type probed struct{ inner tea.Model }

func (p *probed) Init() tea.Cmd { return p.inner.Init() }

func (p *probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if probe, ok := msg.(viewProbe); ok {
		probe.views <- p.inner.View()
		return p, nil
	}
	var cmd tea.Cmd
	p.inner, cmd = p.inner.Update(msg)
	return p, cmd
}

func (p *probed) View() string { return p.inner.View() }
