package bench

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// row is one line of the ratio table: what was measured for steward, the
// baseline in the same run, their ratio and the target it is held to.
type row struct {
	what     string
	steward  string
	baseline string
	ratio    float64
	target   string
	ok       bool
}

var (
	tableMu sync.Mutex
	table   []row
)

func record(r row) {
	tableMu.Lock()
	defer tableMu.Unlock()
	table = append(table, r)
}

func TestMain(m *testing.M) {
	code := m.Run()
	printTable(os.Stdout)
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	os.Exit(code)
}

func printTable(w io.Writer) {
	tableMu.Lock()
	defer tableMu.Unlock()
	if len(table) == 0 {
		return
	}
	sc := currentScale()
	fmt.Fprintf(w, "\nsteward vs raw baselines, same run, medians of 3 (scale %s: %d members, %d events)\n\n", sc.name, sc.members, sc.events)
	fmt.Fprintln(w, "| what | steward | baseline | ratio | target | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range table {
		met := "yes"
		if !r.ok {
			met = "no"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.2f | %s | %s |\n", r.what, r.steward, r.baseline, r.ratio, r.target, met)
	}
}

// median runs fn n times and returns the median duration.
func median(n int, fn func() time.Duration) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = fn()
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}

// p50 times fn n times and returns the median.
func p50(n int, fn func()) time.Duration {
	return median(n, func() time.Duration {
		t := time.Now()
		fn()
		return time.Since(t)
	})
}

// p50Pair times a and b in turn, n times each, and returns the median of
// each: a moment of the machine's other work then falls on both alike, not
// on whichever was timed during it.
func p50Pair(n int, a, b func()) (time.Duration, time.Duration) {
	var da, db []time.Duration
	for i := 0; i < n; i++ {
		t := time.Now()
		a()
		da = append(da, time.Since(t))
		t = time.Now()
		b()
		db = append(db, time.Since(t))
	}
	return median(n, func() time.Duration { return pick(&da) }), median(n, func() time.Duration { return pick(&db) })
}

func dur(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d.Nanoseconds())/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d.Nanoseconds())/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func rate(n int, d time.Duration) string {
	return strings.TrimSpace(fmt.Sprintf("%8.0f/s", float64(n)/d.Seconds()))
}
