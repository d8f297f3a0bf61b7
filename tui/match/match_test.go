package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sahilm/fuzzy"
)

var (
	firsts = []string{"Anna", "Annabel", "Ben", "Chloé", "Dmitri", "Émile", "Fang", "Grace", "Hiro", "Ines", "Jonas",
		"Karim", "Lena", "Malik", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sofía", "Tomás", "Uma", "Vera", "Wei", "Yuki", "Zoë"}
	lasts = []string{"Iyer", "Kim", "Rossi", "Dubois", "Okafor", "Park", "Smith", "Mensah", "Kowalski", "Wang",
		"Johnson", "Nakamura", "García", "Müller", "Haddad", "O'Brien", "Novak", "山田", "김", "Ivanova"}
)

// corpus builds n "handle name" keys, the way the console builds them.
func corpus(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed))
	keys := make([]string, n)
	for i := range keys {
		f, l := firsts[rng.IntN(len(firsts))], lasts[rng.IntN(len(lasts))]
		handle := strings.ToLower(f) + "." + strings.ToLower(l) + fmt.Sprint(i)
		keys[i] = handle + " " + f + " " + l
	}
	return keys
}

// want is what sahilm/fuzzy.Find itself answers, as corpus indexes.
func want(query string, keys []string) []int {
	var out []int
	for _, m := range fuzzy.Find(query, keys) {
		out = append(out, m.Index)
	}
	return out
}

func indexes(r Result) []int {
	var out []int
	for i := range r.Len() {
		out = append(out, r.At(i))
	}
	return out
}

func TestFindAgreesWithFuzzyFind(t *testing.T) {
	for _, n := range []int{0, 1, 50, 3000, parallelAbove * 3} {
		keys := corpus(n, 7)
		c := New(keys)
		for _, q := range []string{"a", "an", "ann", "anna", "annab", "annabel", "zz", "山", "o'b", "KIM", "é"} {
			got := indexes(c.Find(q, nil))
			if w := want(q, keys); !slices.Equal(got, w) {
				t.Fatalf("n=%d %q: got %d matches %v…, fuzzy.Find has %d %v…", n, q, len(got), head(got), len(w), head(w))
			}
		}
	}
}

func head(xs []int) []int { return xs[:min(len(xs), 8)] }

func TestTypingNarrowsAndStillAgrees(t *testing.T) {
	keys := corpus(parallelAbove*2+17, 3)
	c := New(keys)
	var prev *Result
	for _, q := range []string{"a", "an", "ann", "anna", "annab", "annabe", "annabel", "annabelx"} {
		r := c.Find(q, prev)
		if w := want(q, keys); !slices.Equal(indexes(r), w) {
			t.Fatalf("%q after %q: %d matches, fuzzy.Find has %d", q, prev.Query, r.Len(), len(w))
		}
		if prev != nil && r.Len() > prev.Len() {
			t.Fatalf("%q has more matches (%d) than its prefix (%d)", q, r.Len(), prev.Len())
		}
		prev = &r
	}
	if prev.Len() != 0 {
		t.Fatalf("annabelx matched %d keys, want none", prev.Len())
	}
}

func TestPrevIsIgnoredWhenItDoesNotNarrow(t *testing.T) {
	keys := corpus(500, 1)
	c := New(keys)
	ben := c.Find("ben", nil)
	// "anna" does not start with "ben": searching only ben's matches would
	// lose most of anna's.
	got := c.Find("anna", &ben)
	if w := want("anna", keys); !slices.Equal(indexes(got), w) || len(w) == 0 {
		t.Fatalf("anna after ben: %d matches, want %d", got.Len(), len(w))
	}
	empty := c.Find("", nil)
	if empty.Len() != 0 || empty.Narrows("a") {
		t.Fatalf("the empty query matched %d and narrows %v", empty.Len(), empty.Narrows("a"))
	}
	// A query cut inside a character matches nothing, not even the whole
	// character: it must not stand for the longer query's candidates.
	greek := New([]string{"ϰ kappa"})
	cut := greek.Find("\xcf", nil)
	if r := greek.Find("ϰ", &cut); r.Len() != 1 {
		t.Fatalf(`"ϰ" after "\xcf" matched %d, want 1`, r.Len())
	}
	// A result with no match narrows a longer query to nothing at once.
	none := c.Find("qqqq", nil)
	if r := c.Find("qqqqa", &none); r.Len() != 0 {
		t.Fatalf("qqqqa after qqqq matched %d", r.Len())
	}
}

func TestRankIsStableAndFallsBackForWideSpans(t *testing.T) {
	idx := []int32{10, 11, 12, 13, 14}
	if got := rank(idx, []int32{1, 5, 1, 5, 3}); !slices.Equal(got, []int32{11, 13, 14, 10, 12}) {
		t.Fatalf("rank = %v", got)
	}
	if got := rank(idx, []int32{1, -100000, 1, 5, 3}); !slices.Equal(got, []int32{13, 14, 10, 12, 11}) {
		t.Fatalf("rank with a wide span = %v", got)
	}
}

func TestPositions(t *testing.T) {
	if got := Positions("ab", "xaxb"); !slices.Equal(got, []int{1, 3}) {
		t.Fatalf("Positions = %v", got)
	}
	if Positions("zz", "abc") != nil || Positions("", "abc") != nil {
		t.Fatal("Positions found a match that is not there")
	}
}

// FuzzPrefixMatchIsSuperset checks the property the narrowing rests on:
// whatever sahilm/fuzzy matches with a query, it matches with the query's
// prefix too — a prefix of whole characters, which is all Narrows accepts.
func FuzzPrefixMatchIsSuperset(f *testing.F) {
	f.Add("The Black Knight", "tk", "n")
	f.Add("anna.iyer Anna Iyer", "anna", "b")
	f.Add("山田太郎 yamada", "山", "田")
	f.Fuzz(func(t *testing.T, key, prefix, more string) {
		long := prefix + more
		if prefix == "" || !(Result{Query: prefix}).Narrows(long) || len(fuzzy.Find(long, []string{key})) == 0 {
			return
		}
		if len(fuzzy.Find(prefix, []string{key})) == 0 {
			t.Fatalf("%q matches %q but its prefix %q does not", long, key, prefix)
		}
	})
}

var benchKeys = corpus(100_000, 42)

func BenchmarkFilterOneQuery(b *testing.B) {
	c := New(benchKeys)
	for b.Loop() {
		c.Find("anna", nil)
	}
}

func BenchmarkBaselineFuzzyFind(b *testing.B) {
	for b.Loop() {
		fuzzy.Find("anna", benchKeys)
	}
}

// BenchmarkFilterTypingAnnabel types "annabel" one key at a time, each
// query narrowed by the one before, as the console does.
func BenchmarkFilterTypingAnnabel(b *testing.B) {
	c := New(benchKeys)
	for b.Loop() {
		var prev *Result
		for i := 1; i <= len("annabel"); i++ {
			r := c.Find("annabel"[:i], prev)
			prev = &r
		}
	}
}

// BenchmarkBaselineTypingAnnabel is the same typing with raw fuzzy.Find
// over every name for each prefix.
func BenchmarkBaselineTypingAnnabel(b *testing.B) {
	for b.Loop() {
		for i := 1; i <= len("annabel"); i++ {
			fuzzy.Find("annabel"[:i], benchKeys)
		}
	}
}
