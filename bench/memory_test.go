package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssAnon reads a process's resident anonymous memory (the heap and
// stacks, not the database file's memory map) from /proc, in bytes.
func rssAnon(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkImportMemory runs the steward binary's import of the events
// file and samples its resident anonymous memory every 20 ms.
func BenchmarkImportMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc to read a process's memory")
	}
	sc := currentScale()
	dir := filepath.Join(work(b), "memory")
	os.MkdirAll(dir, 0o700)
	mp, ep := writeFiles(b, dir, sc.members, sc.events)
	bin := filepath.Join(dir, "steward")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		b.Fatalf("building steward: %v\n%s", err, out)
	}
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, "memory.db")
		os.Remove(db)
		if out, err := exec.Command(bin, "import", "--db", db, "--members", mp, "--quiet").CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		cmd := exec.Command(bin, "import", "--db", db, "--events", ep, "--quiet")
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var peak int64
		var took time.Duration
		tick := time.NewTicker(20 * time.Millisecond)
	wait:
		for {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				took = time.Since(start)
				break wait
			case <-tick.C:
				peak = max(peak, rssAnon(cmd.Process.Pid))
			}
		}
		tick.Stop()
		b.ReportMetric(float64(peak)/1e6, "peak-MB")
		b.ReportMetric(float64(sc.events)/took.Seconds(), "binary-events/s")
		// The binary imports under its soft memory limit, where the
		// collector works harder than in the throughput benchmark's
		// process: its time is given beside its memory.
		record(row{fmt.Sprintf("import peak memory (%d events), resident anonymous; the binary's time", sc.events), fmt.Sprintf("%s in %.1f s", mb(peak), took.Seconds()), "—", float64(peak) / 150e6, "≤ 150 MB", peak <= 150e6})
	}
}
