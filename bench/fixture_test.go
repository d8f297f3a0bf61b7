package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"steward/ingest"
	"steward/store"
)

// scale is the size of the community the benchmarks run on.
type scale struct {
	name    string
	members int
	events  int
	small   int // the small community that the "stays flat" rows compare with
}

func currentScale() scale {
	if os.Getenv("STEWARD_BENCH") == "full" {
		return scale{"full", 100000, 1000000, 1000}
	}
	return scale{"small", 2000, 20000, 200}
}

// now is the benchmarks' fixed clock: the events end the day before.
var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

var (
	workOnce sync.Once
	workDir  string
)

// work is a temporary folder shared by the benchmarks of this run.
func work(b testing.TB) string {
	workOnce.Do(func() {
		d, err := os.MkdirTemp("", "steward-bench-")
		if err != nil {
			b.Fatal(err)
		}
		workDir = d
	})
	return workDir
}

func handle(i int) string { return fmt.Sprintf("m%06d", i) }

var firstNames = []string{"Anna", "Annabel", "Liam", "Olivia", "Noah", "Emma", "Lucas", "Chloé", "Léa", "Hugo",
	"Zoé", "Mateo", "Lucía", "Jürgen", "Lena", "Giulia", "João", "Zofia", "Дмитрий", "太郎", "花子", "伟", "지훈", "Priya", "Fatima", "Omar", "Kwame", "Ingrid", "Siobhán", "Nguyễn"}
var lastNames = []string{"Smith", "Martin", "Dubois", "García", "Müller", "Rossi", "Silva", "Kowalski", "Иванов", "山田", "王", "김", "Sharma", "Haddad", "Okafor", "Larsen", "O'Brien", "Trần"}

// writeFiles writes a members file and an events file: members with names
// from several languages, events over the year before now, heavy-tailed (a
// few members do most).
func writeFiles(b testing.TB, dir string, members, events int) (string, string) {
	mp, ep := filepath.Join(dir, "members.csv"), filepath.Join(dir, "events.csv")
	if _, err := os.Stat(ep); err == nil {
		return mp, ep
	}
	rng := rand.New(rand.NewPCG(7, uint64(members)))
	write := func(path string, fill func(w *bufio.Writer)) {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(w)
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	start := now.AddDate(-1, 0, 0)
	write(mp, func(w *bufio.Writer) {
		w.WriteString("handle,name,joined_at\n")
		for i := 0; i < members; i++ {
			fmt.Fprintf(w, "%s,%s %s,%s\n", handle(i), firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))], start.Format("2006-01-02"))
		}
	})
	kinds := []string{"post", "reply", "answer", "like_received", "follow", "share", "answer_accepted"}
	step := now.AddDate(0, 0, -1).Sub(start) / time.Duration(events)
	write(ep, func(w *bufio.Writer) {
		w.WriteString("id,member,kind,at,ref\n")
		t := start
		for i := 0; i < events; i++ {
			m := int(float64(members) * rng.Float64() * rng.Float64() * rng.Float64())
			t = t.Add(step)
			fmt.Fprintf(w, "ev%08d,%s,%s,%s,post/%d\n", i, handle(m), kinds[rng.IntN(len(kinds))], t.Format(time.RFC3339), i/3)
		}
	})
	return mp, ep
}

func openStore(path string) *store.Store {
	return store.Open(path, store.Options{Actor: "bench", Now: func() time.Time { return now }})
}

func importFiles(b testing.TB, st *store.Store, files map[ingest.Kind]string) store.ImportReport {
	var srcs []store.Source
	for k, f := range files {
		src, cleanup, err := store.FileSource(f, k, "", nil, now)
		if err != nil {
			b.Fatal(err)
		}
		defer cleanup()
		srcs = append(srcs, src)
	}
	rep, err := st.Import(srcs, store.ImportOptions{})
	if err != nil {
		b.Fatalf("import: %v %v", err, rep.Problems)
	}
	return rep
}

var (
	communities   = map[string]string{}
	communitiesMu sync.Mutex
)

// community returns a database with members and events imported, plus
// pending requests and open reports, built once per run and size.
func community(b testing.TB, members, events, pending int) string {
	communitiesMu.Lock()
	defer communitiesMu.Unlock()
	key := fmt.Sprintf("%d-%d-%d", members, events, pending)
	if p, ok := communities[key]; ok {
		return p
	}
	dir := filepath.Join(work(b), "c-"+key)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	mp, ep := writeFiles(b, dir, members, events)
	db := filepath.Join(dir, "community.db")
	st := openStore(db)
	importFiles(b, st, map[ingest.Kind]string{ingest.Members: mp})
	importFiles(b, st, map[ingest.Kind]string{ingest.Events: ep})
	if pending > 0 {
		addQueues(b, dir, st, members, pending)
	}
	communities[key] = db
	return db
}

// addQueues gives the community pending requests and open reports: the
// richest members ask for the cheapest reward that waits for approval.
func addQueues(b testing.TB, dir string, st *store.Store, members, n int) {
	rich, err := st.Members(store.ByPoints, nil, store.Forward, min(members, n))
	if err != nil {
		b.Fatal(err)
	}
	var reqs, reps strings.Builder
	reqs.WriteString("id,member,reward,at\n")
	reps.WriteString("id,reporter,subject,content,guideline,excerpt,at\n")
	handles := make([]string, 0, len(rich.Rows))
	for _, m := range rich.Rows {
		handles = append(handles, m.Handle)
	}
	sort.Strings(handles)
	// Each requester is given the points their requests will hold, so
	// every request waits in the queue.
	if err := st.Batch(func(bt *store.Batch) error {
		for i, h := range handles {
			per := n / len(handles)
			if i < n%len(handles) {
				per++
			}
			if per > 0 {
				if _, err := bt.Award(h, int64(per)*300, "benchmark requests"); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		h := handles[i%len(handles)]
		fmt.Fprintf(&reqs, "q%07d,%s,coffee-voucher,%s\n", i, h, now.Add(-time.Duration(n-i)*time.Minute).Format(time.RFC3339))
		fmt.Fprintf(&reps, "rep%07d,%s,%s,post/%d,spam,an excerpt,%s\n", i, handle(i%members), handle((i*7+1)%members), i, now.Add(-time.Duration(n-i)*time.Minute).Format(time.RFC3339))
	}
	rq, rp := filepath.Join(dir, "requests.csv"), filepath.Join(dir, "reports.csv")
	os.WriteFile(rq, []byte(reqs.String()), 0o600)
	os.WriteFile(rp, []byte(reps.String()), 0o600)
	importFiles(b, st, map[ingest.Kind]string{ingest.Redemptions: rq, ingest.Reports: rp})
}
