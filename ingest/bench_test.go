package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"
)

const benchRows = 100_000

// benchEvents is a 100,000-row events CSV: plain rows, with every tenth
// ref quoted (with a comma and an escaped quote) as real exports have.
var benchEvents = func() []byte {
	var b bytes.Buffer
	b.WriteString("id,member,kind,at,ref\r\n")
	kinds := []string{"post", "answer", "accepted_answer", "upvote"}
	for i := range benchRows {
		ref := fmt.Sprintf("https://forum.example/t/%d", i/7)
		if i%10 == 0 {
			ref = fmt.Sprintf(`"https://forum.example/t/%d?a=1,b=""2"""`, i/7)
		}
		fmt.Fprintf(&b, "ev-%08d,Member%d,%s,2024-%02d-%02dT%02d:%02d:%02d.%03dZ,%s\r\n",
			i, i%5000, kinds[i%len(kinds)], 1+i%12, 1+i%28, i%24, i%60, (i*7)%60, i%1000, ref)
	}
	return b.Bytes()
}()

// BenchmarkBaselineCSVRead is encoding/csv alone over the same bytes: the
// floor the Reader's own work is measured against.
func BenchmarkBaselineCSVRead(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvents)))
	for b.Loop() {
		cr := csv.NewReader(bytes.NewReader(benchEvents))
		cr.ReuseRecord = true
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRows+1 {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadEvents(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvents)))
	for b.Loop() {
		r, err := NewReader("bench.csv", bytes.NewReader(benchEvents), CSV, Events, Options{Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
