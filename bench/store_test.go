package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"steward/ingest"
	"steward/model"
	"steward/store"
)

// rawImport is the import baseline: the same rows put into bbolt with no
// logic, key = event id, value = the rest of the row, 10,000 puts a
// transaction.
func rawImport(b testing.TB, csvPath, dbPath string) (time.Duration, int) {
	os.Remove(dbPath)
	start := time.Now()
	db, err := bolt.Open(dbPath, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // header
	n := 0
	var tx *bolt.Tx
	var bk *bolt.Bucket
	for sc.Scan() {
		if n%10000 == 0 {
			if tx != nil {
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			if tx, err = db.Begin(true); err != nil {
				b.Fatal(err)
			}
			bk, _ = tx.CreateBucketIfNotExists([]byte("events"))
		}
		line := append([]byte(nil), sc.Bytes()...)
		i := bytes.IndexByte(line, ',')
		if err := bk.Put(line[:i], line[i+1:]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	db.Close()
	return time.Since(start), n
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// BenchmarkImport imports the events file into a community that has its
// members, and the same rows raw, three times each, interleaved.
func BenchmarkImport(b *testing.B) {
	sc := currentScale()
	dir := filepath.Join(work(b), "import")
	os.MkdirAll(dir, 0o700)
	mp, ep := writeFiles(b, dir, sc.members, sc.events)
	var ours, raw time.Duration
	var oursSize, rawSize int64
	for i := 0; i < b.N; i++ {
		var ds, rs []time.Duration
		for run := 0; run < 3; run++ {
			db := filepath.Join(dir, fmt.Sprintf("steward-%d.db", run))
			os.Remove(db)
			st := openStore(db)
			importFiles(b, st, map[ingest.Kind]string{ingest.Members: mp})
			t := time.Now()
			rep := importFiles(b, st, map[ingest.Kind]string{ingest.Events: ep})
			ds = append(ds, time.Since(t))
			if rep.Imported != sc.events {
				b.Fatalf("imported %d of %d events", rep.Imported, sc.events)
			}
			oursSize = fileSize(db)
			os.Remove(db)
			d, _ := rawImport(b, ep, filepath.Join(dir, "raw.db"))
			rs = append(rs, d)
			rawSize = fileSize(filepath.Join(dir, "raw.db"))
		}
		ours = median(3, func() time.Duration { return pick(&ds) })
		raw = median(3, func() time.Duration { return pick(&rs) })
	}
	ratio := raw.Seconds() / ours.Seconds()
	b.ReportMetric(float64(sc.events)/ours.Seconds(), "events/s")
	b.ReportMetric(float64(sc.events)/raw.Seconds(), "raw-events/s")
	b.ReportMetric(ratio, "ratio")
	record(row{fmt.Sprintf("import %d events into %d members", sc.events, sc.members), rate(sc.events, ours) + " events", rate(sc.events, raw) + " raw puts", ratio, "≥ 0.25", ratio >= 0.25})
	sizeRatio := float64(oursSize) / float64(rawSize)
	b.ReportMetric(sizeRatio, "size-ratio")
	record(row{"database size after that import", mb(oursSize), mb(rawSize) + " raw", sizeRatio, "≤ 3", sizeRatio <= 3})
}

// pick pops the first duration of a list (median takes them one by one).
func pick(ds *[]time.Duration) time.Duration {
	d := (*ds)[0]
	*ds = (*ds)[1:]
	return d
}

// copyDB gives a benchmark that writes its own copy of a community.
func copyDB(b testing.TB, src, name string) string {
	dst := filepath.Join(work(b), name)
	os.Remove(dst)
	if _, err := openStore(src).Backup(dst); err != nil {
		b.Fatal(err)
	}
	return dst
}

// rawPut is the decision baseline: one put in its own transaction on an
// open bbolt file of the same size.
// rawPut returns the decision baseline: one raw single-put transaction on
// the file at path, a new key each time. close closes the file.
func rawPut(b testing.TB, path string) (put func(), close func()) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	return func() {
		i++
		if err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("bench"))
			if err != nil {
				return err
			}
			return bk.Put([]byte(fmt.Sprint(i)), []byte("decision"))
		}); err != nil {
			b.Fatal(err)
		}
	}, func() { db.Close() }
}

// BenchmarkDecision times one moderator decision (approve, award), each a
// whole operation: open the file, one transaction, close.
func BenchmarkDecision(b *testing.B) {
	sc := currentScale()
	src := community(b, sc.members, sc.events, 200)
	for i := 0; i < b.N; i++ {
		db := copyDB(b, src, "decision.db")
		st := openStore(db)
		page, err := st.Pending(nil, store.Forward, 60)
		if err != nil || len(page.Rows) < 60 {
			b.Fatalf("pending: %v (%d)", err, len(page.Rows))
		}
		put, closeRaw := rawPut(b, copyDB(b, src, "decision-raw.db"))
		k := 0
		// Each decision in turn with a raw put on a copy of the same file.
		approve, rawA := p50Pair(51, func() {
			if out := st.Approve(page.Rows[k].Request.ID); out[0].Err != nil {
				b.Fatal(out[0].Err)
			}
			k++
		}, put)
		award, rawB := p50Pair(51, func() {
			if _, err := st.Award(handle(k%sc.members), 5, "thanks"); err != nil {
				b.Fatal(err)
			}
			k++
		}, put)
		closeRaw()
		for _, d := range []struct {
			what   string
			d, raw time.Duration
		}{{"approve", approve, rawA}, {"award", award, rawB}} {
			r := float64(d.d) / float64(d.raw)
			b.ReportMetric(float64(d.d.Microseconds()), d.what+"-µs")
			record(row{"one decision: " + d.what + " (p50)", dur(d.d), dur(d.raw) + " raw put tx", r, "≤ 2 ×", r <= 2})
		}
	}
}

// rawTop is the leaderboard baseline: a cursor walk of the same score
// index on an open file and the decoding of 50 member records.
func rawTop(b testing.TB, db *bolt.DB, period string, n int) {
	if err := db.View(func(tx *bolt.Tx) error {
		board, members := tx.Bucket([]byte("board")), tx.Bucket([]byte("members"))
		prefix := append([]byte(period), 0)
		c := board.Cursor()
		got := 0
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && got < n; k, _ = c.Next() {
			if _, err := store.DecodeMember(members.Get(k[len(k)-4:])); err != nil {
				return err
			}
			got++
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}

func periodKey(p store.Period) string {
	switch p {
	case store.ThisMonth:
		return "m" + now.Format("2006-01")
	case store.ThisWeek:
		y, w := now.ISOWeek()
		return fmt.Sprintf("w%04d-%02d", y, w)
	}
	return "all"
}

// BenchmarkLeaderboard reads the top 50 of each period at two sizes of
// community.
func BenchmarkLeaderboard(b *testing.B) {
	sc := currentScale()
	small := community(b, sc.small, sc.events*sc.small/sc.members, 0)
	large := community(b, sc.members, sc.events, 0)
	for i := 0; i < b.N; i++ {
		for _, p := range []store.Period{store.AllTime, store.ThisMonth, store.ThisWeek} {
			var stores [2]*store.Store
			for j, path := range []string{small, large} {
				st := openStore(path)
				stores[j] = st
				if top, err := st.Leaderboard(p, 50); err != nil || len(top) == 0 {
					b.Fatalf("leaderboard %s: %v (%d lines)", p, err, len(top))
				}
				raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
				if err != nil {
					b.Fatal(err)
				}
				top := func() {
					if _, err := st.Leaderboard(p, 50); err != nil {
						b.Fatal(err)
					}
				}
				d, rawD := p50Pair(301, top, func() { rawTop(b, raw, periodKey(p), 50) })
				raw.Close()
				r := float64(d) / float64(rawD)
				members := []int{sc.small, sc.members}[j]
				record(row{fmt.Sprintf("top-50 leaderboard, %s, %d members", p.Label(), members), dur(d), dur(rawD) + " raw walk", r, "≤ 2 ×, ≤ 1 ms", r <= 2 && d <= time.Millisecond})
			}
			// The two sizes in turn, so that a burst of noise on the
			// machine weighs on both alike.
			query := func(st *store.Store) func() {
				return func() {
					if _, err := st.Leaderboard(p, 50); err != nil {
						b.Fatal(err)
					}
				}
			}
			smallD, largeD := p50Pair(301, query(stores[0]), query(stores[1]))
			grow := float64(largeD) / float64(smallD)
			record(row{fmt.Sprintf("top-50 leaderboard, %s: %d vs %d members", p.Label(), sc.members, sc.small), dur(largeD), dur(smallD) + " small", grow, "≤ 1.5 ×", grow <= 1.5})
		}
	}
}

// BenchmarkApproveInLongQueue approves one request among 10,000 pending,
// against the same among 10.
func BenchmarkApproveInLongQueue(b *testing.B) {
	sc := currentScale()
	long := community(b, sc.members, sc.events, 10000)
	short := community(b, sc.members, sc.events, 10)
	for i := 0; i < b.N; i++ {
		// One approval in each queue in turn, so that a burst of noise on
		// the machine weighs on both alike.
		var approve [2]func()
		for j, src := range []string{short, long} {
			st := openStore(copyDB(b, src, fmt.Sprintf("queue-%d.db", j)))
			page, err := st.Pending(nil, store.Forward, 10)
			if err != nil || len(page.Rows) < 10 {
				b.Fatalf("pending: %v %d", err, len(page.Rows))
			}
			k := 0
			approve[j] = func() {
				if out := st.Approve(page.Rows[k].Request.ID); out[0].Err != nil {
					b.Fatal(out[0].Err)
				}
				k++
			}
		}
		var at [2]time.Duration
		at[0], at[1] = p50Pair(9, approve[0], approve[1])
		r := float64(at[1]) / float64(at[0])
		record(row{"approve one of 10,000 pending (p50)", dur(at[1]), dur(at[0]) + " with 10 pending", r, "≤ 1.5 ×", r <= 1.5})
	}
}

// rawHealth is the health baseline: on an open file, the same reads with
// nothing made of them — the counters, a cursor walk of the last-active
// index from 30 days ago, of the tallies from the oldest day shown, and of
// the top of the all-time board with its members' records (for who is
// slipping away).
func rawHealth(b testing.TB, db *bolt.DB, from time.Time, firstDay []byte) {
	if err := db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		for _, k := range []string{"count_members", "count_pending", "count_open"} {
			_ = meta.Get([]byte(k))
		}
		n := 0
		c := tx.Bucket([]byte("by_active")).Cursor()
		for k, _ := c.Seek(store.TimeKey(from)); k != nil; k, _ = c.Next() {
			n++
		}
		c = tx.Bucket([]byte("tallies")).Cursor()
		for k, v := c.Seek(firstDay); k != nil; k, v = c.Next() {
			n += len(v)
		}
		members := tx.Bucket([]byte("members"))
		prefix := []byte("all\x00")
		c = tx.Bucket([]byte("board")).Cursor()
		top := 0
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && top < model.SlippingRule.Top; k, _ = c.Next() {
			n += len(members.Get(k[len(k)-4:]))
			top++
		}
		_ = n
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkHealth reads the community's health (what `steward stats` and
// the Health pane show) at two sizes of community.
func BenchmarkHealth(b *testing.B) {
	sc := currentScale()
	small := community(b, sc.small, sc.events*sc.small/sc.members, 0)
	large := community(b, sc.members, sc.events, 0)
	for i := 0; i < b.N; i++ {
		var stores [2]*store.Store
		for j, path := range []string{small, large} {
			st := openStore(path)
			stores[j] = st
			h, err := st.Health(store.DefaultSpan)
			if err != nil || h.Members == 0 {
				b.Fatalf("health: %v (%d members)", err, h.Members)
			}
			raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
			if err != nil {
				b.Fatal(err)
			}
			first := store.TallyKey('d', model.Day(model.MonthStart(model.Month(now)-11)))
			d, rawD := p50Pair(101, func() {
				if _, err := st.Health(store.DefaultSpan); err != nil {
					b.Fatal(err)
				}
			}, func() { rawHealth(b, raw, now.Add(-30*24*time.Hour), first) })
			raw.Close()
			r := float64(d) / float64(rawD)
			members := []int{sc.small, sc.members}[j]
			record(row{fmt.Sprintf("health (stats), %d members, %d active in 30 days", members, h.Active30), dur(d), dur(rawD) + " raw walk", r, "≤ 1 ms", d <= time.Millisecond})
		}
	}
}
