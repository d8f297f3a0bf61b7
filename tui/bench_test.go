package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	btable "github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"

	"steward/ingest"
	"steward/store"
)

// The view benchmarks draw each pane at 140×40 on a community of 1,000 and
// of 100,000 members (with a tenth as many pending requests and open
// reports). Each frame is a full redraw: the size is set again, which
// forgets every cached line, then View runs. The work must not grow with
// the community: compare the two sizes, and both with
// BenchmarkBaselineTableView, a bubbles table of 30 rows.

var (
	bigMu  sync.Mutex
	bigDBs = map[int]string{}
)

// bigStore is a community of n members, written once per test binary.
func bigStore(b *testing.B, n int) *store.Store {
	b.Helper()
	bigMu.Lock()
	defer bigMu.Unlock()
	path, ok := bigDBs[n]
	if !ok {
		dir, err := os.MkdirTemp("", "steward-bench-")
		if err != nil {
			b.Fatal(err)
		}
		path = filepath.Join(dir, "big.db")
		start := time.Now()
		if err := writeBig(path, n); err != nil {
			b.Fatal(err)
		}
		b.Logf("wrote %d members in %v", n, time.Since(start))
		bigDBs[n] = path
	}
	return store.Open(path, store.Options{Actor: "mod", Now: clock, Wait: 30 * time.Second})
}

func writeBig(path string, n int) error {
	st := store.Open(path, store.Options{Actor: "bench", Now: clock})
	start := fixedNow.AddDate(0, 0, -60)
	var members, events, requests, reports []any
	for i := range n {
		h := fmt.Sprintf("member%06d", i)
		members = append(members, ingest.MemberRow{Line: i + 2, Handle: h, Name: fmt.Sprintf("Name %d %s", i, firstNames[i%len(firstNames)]), JoinedAt: start})
		// A few answers for everyone, more for every tenth member, who
		// then asks for a reward.
		k := i % 5
		if i%10 == 0 {
			k = 20
		}
		for j := range k {
			events = append(events, ingest.EventRow{Line: len(events) + 2, ID: fmt.Sprintf("e%d-%d", i, j), Member: h, Kind: "answer",
				At: start.Add(time.Duration(j/5*24+j%5+i%7) * time.Hour)})
		}
	}
	for i := 0; i < n; i += 10 {
		h := fmt.Sprintf("member%06d", i)
		requests = append(requests, ingest.RedemptionRow{Line: len(requests) + 2, ID: fmt.Sprintf("q%d", i), Member: h, Reward: "sticker-pack",
			At: fixedNow.Add(-time.Duration(n-i) * time.Minute)})
		reports = append(reports, ingest.ReportRow{Line: len(reports) + 2, ID: fmt.Sprintf("r%d", i), Reporter: h,
			Subject: fmt.Sprintf("member%06d", (i+1)%n), Content: fmt.Sprintf("https://x.example/t/%d", i), Guideline: "spam",
			Excerpt: "buy cheap watches here", At: fixedNow.Add(-time.Duration(i) * time.Minute)})
	}
	_, err := st.Import([]store.Source{
		store.SliceSource("members", ingest.Members, members),
		store.SliceSource("events", ingest.Events, events),
		store.SliceSource("redemptions", ingest.Redemptions, requests),
		store.SliceSource("reports", ingest.Reports, reports),
	}, store.ImportOptions{BatchSize: 200_000})
	return err
}

var firstNames = []string{"Anna", "Annabel", "Ben", "Chloé", "Dmitri", "山田", "Fang", "Grace", "Ольга", "Zoë 👍🏽"}

// benchView measures one full redraw of a pane at 140×40.
func benchView(b *testing.B, keys ...string) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			st := bigStore(b, n)
			d := newAppDriver(b, st, 140, 40)
			d.press(keys...)
			size := tea.WindowSizeMsg{Width: 140, Height: 40}
			for b.Loop() {
				d.a.Update(size)
				_ = d.a.View()
			}
		})
	}
}

func BenchmarkViewMembers(b *testing.B)      { benchView(b, "1") }
func BenchmarkViewMemberDetail(b *testing.B) { benchView(b, "1", "enter") }
func BenchmarkViewLeaderboard(b *testing.B)  { benchView(b, "2") }
func BenchmarkViewApprovals(b *testing.B)    { benchView(b, "3") }
func BenchmarkViewReports(b *testing.B)      { benchView(b, "4") }
func BenchmarkViewHealth(b *testing.B)       { benchView(b, "5") }

// BenchmarkViewHealthScroll is the Health pane's usual frame: a line up or
// down, then View, which picks the lines of a document drawn once.
func BenchmarkViewHealthScroll(b *testing.B) { benchUpDown(b, "5") }

// BenchmarkViewMembersCursor is the usual frame: the cursor moves one row
// and the screen is drawn; the other rows come from the cache.
func BenchmarkViewMembersCursor(b *testing.B) { benchUpDown(b, "1") }

// benchUpDown times a key down or up and the frame after it, in a pane of
// the console on a community of 100,000 members.
func benchUpDown(b *testing.B, pane string) {
	st := bigStore(b, 100_000)
	d := newAppDriver(b, st, 80, 24)
	d.press(pane)
	keys := []tea.Msg{keyMsg("j"), keyMsg("k")}
	i := 0
	for b.Loop() {
		d.a.Update(keys[i%2])
		_ = d.a.View()
		i++
	}
}

// BenchmarkBaselineTableView is a bubbles table of 30 rows and 6 columns:
// View alone, and a cursor move (which renders every row again) then View.
func BenchmarkBaselineTableView(b *testing.B) {
	cols := []btable.Column{{Title: "HANDLE", Width: 16}, {Title: "NAME", Width: 20}, {Title: "STATUS", Width: 11},
		{Title: "TIER", Width: 12}, {Title: "BALANCE", Width: 7}, {Title: "ACTIVE", Width: 8}}
	rows := make([]btable.Row, 30)
	for i := range rows {
		rows[i] = btable.Row{fmt.Sprintf("member%06d", i), "Name " + firstNames[i%len(firstNames)], "active", "Experienced", "1234", "2d ago"}
	}
	t := btable.New(btable.WithColumns(cols), btable.WithRows(rows), btable.WithHeight(31), btable.WithFocused(true))
	b.Run("View", func(b *testing.B) {
		for b.Loop() {
			_ = t.View()
		}
	})
	b.Run("MoveAndView", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if i%2 == 0 {
				t.MoveDown(1)
			} else {
				t.MoveUp(1)
			}
			_ = t.View()
			i++
		}
	})
}
