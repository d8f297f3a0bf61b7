package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"steward/store"
)

// TestHeaderKeepsEveryTab checks the tab bar down to the least width and
// with long queues: every tab keeps its number and its count, the one in
// view its name, and the line is never cut.
func TestHeaderKeepsEveryTab(t *testing.T) {
	d := newAppDriver(t, demoStore(t), 80, 24)
	for _, counts := range []store.Counts{{Pending: 12, Open: 14}, {Pending: 12345, Open: 67890}} {
		for active := range paneCount {
			d.a.active = active
			d.a.counts = counts
			for _, w := range []int{minWidth, minWidth + 1, 70, 79, 80, 140} {
				d.send(tea.WindowSizeMsg{Width: w, Height: 24})
				header, rule := d.a.header()
				name := d.a.panes[active].Title()
				if active == leaderboardPane && !strings.Contains(header, name) {
					name = "Board"
				}
				want := []string{fmt.Sprintf(" %d ", counts.Pending), fmt.Sprintf(" %d ", counts.Open), fmt.Sprintf(" %d %s ", active+1, name)}
				for i := range paneCount {
					want = append(want, fmt.Sprintf(" %d", i+1))
				}
				for _, s := range want {
					if !strings.Contains(header, s) {
						t.Errorf("%d wide, pane %d in view: the header lost %q: %q", w, active+1, s, header)
					}
				}
				// The heavy rule is under the tab in view.
				at := strings.Index(header, fmt.Sprintf(" %d %s", active+1, name))
				if r := []rune(rule); at < 0 || at+1 >= len(r) || r[at+1] != '━' {
					t.Errorf("%d wide, pane %d in view: the heavy rule is not under its tab:\n%s\n%s", w, active+1, header, rule)
				}
			}
		}
	}
}
