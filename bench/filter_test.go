package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/sahilm/fuzzy"

	"steward/tui/match"
)

// BenchmarkFilter matches the members' names as the / filter does, against
// raw fuzzy.Find over the same strings: one query, and "annabel" typed one
// key at a time (the filter narrows the previous matches and uses both
// cores; the baseline runs fuzzy.Find on every prefix).
func BenchmarkFilter(b *testing.B) {
	sc := currentScale()
	names, err := openStore(community(b, sc.members, sc.events, 0)).Names()
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = n.Handle + " " + n.Name
	}
	corpus := match.New(keys)
	for i := 0; i < b.N; i++ {
		ours := p50(21, func() { corpus.Find("ann", nil) })
		raw := p50(21, func() { fuzzy.Find("ann", keys) })
		if got, want := corpus.Find("ann", nil).Len(), len(fuzzy.Find("ann", keys)); got != want {
			b.Fatalf("the filter found %d names, fuzzy.Find %d", got, want)
		}
		r := float64(ours) / float64(raw)
		record(row{fmt.Sprintf("filter: one query over %d names", len(keys)), dur(ours), dur(raw) + " fuzzy.Find", r, "≤ 1.0 ×", r <= 1.0})

		word := "annabel"
		typing := median(5, func() time.Duration {
			start := time.Now()
			var prev *match.Result
			for k := 1; k <= len(word); k++ {
				res := corpus.Find(word[:k], prev)
				prev = &res
			}
			return time.Since(start)
		})
		rawTyping := median(5, func() time.Duration {
			start := time.Now()
			for k := 1; k <= len(word); k++ {
				fuzzy.Find(word[:k], keys)
			}
			return time.Since(start)
		})
		r = float64(typing) / float64(rawTyping)
		record(row{`filter: typing "annabel" one key at a time`, dur(typing), dur(rawTyping) + " fuzzy.Find per prefix", r, "≤ 0.5 ×", r <= 0.5})
	}
}
