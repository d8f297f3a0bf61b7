package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	btable "github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"

	"steward/demo"
	"steward/keymap"
	"steward/store"
	"steward/tui"
)

// drive runs a command and the commands its messages lead to, the way the
// Bubble Tea runtime would, but in this goroutine so the time is measured.
// A command that does not answer within a moment is a timer (the file
// watch, a retry) and is left.
func drive(m tea.Model, cmd tea.Cmd) tea.Model {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(200 * time.Millisecond):
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return m
}

func key(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} }

// firstFrame opens a console on a database and returns the time to its
// first full frame: the members list drawn with its first member.
func firstFrame(b testing.TB, path string) (time.Duration, string) {
	start := time.Now()
	st := store.Open(path, store.Options{Actor: "bench", Now: func() time.Time { return now }})
	app := tui.New(st, keymap.Default(), tui.Options{Now: func() time.Time { return now }, Poll: -1})
	var m tea.Model = app
	m, cmd := m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	m = drive(m, tea.Batch(app.Init(), cmd))
	view := m.View()
	d := time.Since(start)
	st.Release()
	return d, view
}

const startups = 21

// BenchmarkStartup times from opening the store to the first full frame on
// the large community against a community of 500 members.

// demoCommunity writes the demo community of that size and span.
func demoCommunity(b testing.TB, members, days int) string {
	path := filepath.Join(work(b), fmt.Sprintf("demo-%d-%d.db", members, days))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if _, err := demo.Write(openStore(path), demo.Options{Members: members, Days: days, Seed: 1, Now: now}); err != nil {
		b.Fatal(err)
	}
	return path
}
func BenchmarkStartup(b *testing.B) {
	sc := currentScale()
	large := community(b, sc.members, sc.events, 0)
	label := fmt.Sprintf("%d members / %d events", sc.members, sc.events)
	small := community(b, 500, 5000, 0)
	baseline := "at 500 members"
	if p := os.Getenv("STEWARD_BENCH_STARTUP_DB"); p != "" {
		// A demo database (`steward demo --members 100000 --days 3650`):
		// the baseline is the same demo at 500 members, with its queues,
		// badges and notes, so that only the size differs.
		large, label = p, "the database in STEWARD_BENCH_STARTUP_DB"
		small, baseline = demoCommunity(b, 500, 3650), "the same demo at 500 members"
	}
	for i := 0; i < b.N; i++ {
		// A start takes a millisecond or two, at the mercy of the machine's
		// other work: many starts, the two sizes taken in turn, and the
		// median of each.
		var runs [2][]time.Duration
		for k := 0; k < startups; k++ {
			for j, path := range []string{small, large} {
				d, view := firstFrame(b, path)
				if !strings.Contains(view, "Members") || !strings.Contains(view, "1/") {
					b.Fatalf("the first frame has no members list:\n%s", view)
				}
				runs[j] = append(runs[j], d)
			}
		}
		var at [2]time.Duration
		for j := range runs {
			at[j] = median(startups, func() time.Duration { return pick(&runs[j]) })
		}
		r := float64(at[1]) / float64(at[0])
		record(row{"start to first full frame, " + label, dur(at[1]), dur(at[0]) + " " + baseline, r, "≤ 1.5 ×, ≤ 100 ms", r <= 1.5 && at[1] <= 100*time.Millisecond})
	}
}

// BenchmarkView draws each pane at 140×40 — a full redraw: the size is set
// again, which forgets every cached line — on two sizes of community,
// against a bubbles table of 30 rows given its rows and drawn.
func BenchmarkView(b *testing.B) {
	sc := currentScale()
	paths := []string{community(b, sc.small, sc.events*sc.small/sc.members, 100), community(b, sc.members, sc.events, 10000)}
	cols := []btable.Column{{Title: "HANDLE", Width: 20}, {Title: "NAME", Width: 30}, {Title: "STATUS", Width: 12}, {Title: "TIER", Width: 14}, {Title: "POINTS", Width: 8}, {Title: "BALANCE", Width: 8}, {Title: "ACTIVE", Width: 10}}
	rows := make([]btable.Row, 30)
	for i := range rows {
		rows[i] = btable.Row{handle(i), "Annabel Müller-Lefèvre", "active", "Professional", "1234", "1000", "2d ago"}
	}
	t := btable.New(btable.WithColumns(cols), btable.WithHeight(36), btable.WithFocused(true))
	baseline := p50(201, func() {
		t.SetRows(rows)
		_ = t.View()
	})
	for i := 0; i < b.N; i++ {
		for _, pane := range []struct {
			name string
			key  rune
		}{{"Members", '1'}, {"Leaderboard", '2'}, {"Approvals", '3'}, {"Reports", '4'}} {
			var at [2]time.Duration
			for j, path := range paths {
				st := store.Open(path, store.Options{Actor: "bench", Now: func() time.Time { return now }})
				app := tui.New(st, keymap.Default(), tui.Options{Now: func() time.Time { return now }, Poll: -1})
				var m tea.Model = app
				m, cmd := m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
				m = drive(m, tea.Batch(app.Init(), cmd))
				m, cmd = m.Update(key(pane.key))
				m = drive(m, cmd)
				at[j] = p50(201, func() {
					m, _ = m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
					_ = m.View()
				})
				st.Release()
				members := []int{sc.small, sc.members}[j]
				r := float64(at[j]) / float64(baseline)
				record(row{fmt.Sprintf("View of %s at 140×40, %d members", pane.name, members), dur(at[j]), dur(baseline) + " bubbles table, 30 rows", r, "≤ 5 ×", r <= 5})
			}
			grow := float64(at[1]) / float64(at[0])
			record(row{fmt.Sprintf("View of %s: %d vs %d members", pane.name, sc.members, sc.small), dur(at[1]), dur(at[0]) + " small", grow, "≤ 1.2 ×", grow <= 1.2})
		}
	}
}
