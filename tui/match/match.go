// Package match ranks a fixed list of strings against a query typed one key
// at a time, with sahilm/fuzzy's scoring, fast enough for a community of
// 100,000 members: a longer query is matched only within the previous
// matches, and large sets are split over two goroutines.
package match

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// parallelAbove is the number of candidates from which matching is split
// over two goroutines; below it the goroutines cost more than they save.
const parallelAbove = 8192

// Corpus is the list of strings a query is matched against. It is never
// changed after New, so results and goroutines can share it.
type Corpus struct {
	keys []string
}

// New makes a corpus of keys. The slice is kept, not copied: the caller
// must not change it afterwards.
func New(keys []string) *Corpus { return &Corpus{keys: keys} }

// Len is the number of strings in the corpus.
func (c *Corpus) Len() int { return len(c.keys) }

// Key returns the i-th string.
func (c *Corpus) Key(i int) string { return c.keys[i] }

// Result is a query's matches: indexes into the corpus, best first, with
// ties in corpus order.
type Result struct {
	Query  string
	ranked []int32
	// inOrder holds the same indexes in corpus order: the candidates when
	// the query grows.
	inOrder []int32
}

// Len is the number of matches.
func (r Result) Len() int { return len(r.ranked) }

// At is the corpus index of the i-th best match.
func (r Result) At(i int) int { return int(r.ranked[i]) }

// Narrows reports whether r can stand for the candidates of query: every
// fuzzy match of a query is also a match of each of its prefixes, because
// sahilm/fuzzy matches the characters of the pattern in order and a prefix
// asks for fewer of them. Characters, not bytes: a query cut inside a
// character (the fuzz target found "\xcf" before "ϰ") matches what the
// whole character does not, so such a query narrows nothing.
func (r Result) Narrows(query string) bool {
	return r.Query != "" && utf8.ValidString(r.Query) && strings.HasPrefix(query, r.Query)
}

// Find ranks the corpus against query. When prev narrows query (see
// Narrows), only prev's matches are tried. An empty query matches nothing.
func (c *Corpus) Find(query string, prev *Result) Result {
	res := Result{Query: query}
	if query == "" {
		return res
	}
	var cand []int32
	if prev != nil && prev.Narrows(query) {
		cand = prev.inOrder
		if len(cand) == 0 {
			return res
		}
	}
	n := len(c.keys)
	if cand != nil {
		n = len(cand)
	}
	workers := 1
	if n >= parallelAbove && runtime.GOMAXPROCS(0) > 1 {
		workers = 2
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := n*w/workers, n*(w+1)/workers
		src := source{keys: c.keys, lo: lo, hi: hi, cand: cand}
		if workers == 1 {
			parts[w] = match(query, src)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = match(query, src)
		}()
	}
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += len(p.idx)
	}
	res.inOrder = make([]int32, 0, total)
	scores := make([]int32, 0, total)
	for _, p := range parts {
		res.inOrder = append(res.inOrder, p.idx...)
		scores = append(scores, p.score...)
	}
	res.ranked = rank(res.inOrder, scores)
	return res
}

// part is what one goroutine found: corpus indexes in corpus order, and
// their scores.
type part struct {
	idx   []int32
	score []int32
}

func match(query string, src source) part {
	ms := fuzzy.FindFromNoSort(query, src)
	p := part{idx: make([]int32, len(ms)), score: make([]int32, len(ms))}
	for i, m := range ms {
		p.idx[i] = int32(src.corpusIndex(m.Index))
		p.score[i] = int32(m.Score)
	}
	return p
}

// source is a fuzzy.Source over a slice of the candidates: either the
// corpus itself (cand == nil) or the listed indexes.
type source struct {
	keys   []string
	lo, hi int
	cand   []int32
}

func (s source) Len() int { return s.hi - s.lo }

func (s source) String(i int) string { return s.keys[s.corpusIndex(i)] }

func (s source) corpusIndex(i int) int {
	if s.cand == nil {
		return s.lo + i
	}
	return int(s.cand[s.lo+i])
}

// rank orders idx by descending score, keeping the given order among equal
// scores. Scores usually span a few hundred values, so a counting sort does
// it in linear time where a comparison sort of 100,000 matches would not;
// a very long key (its unmatched characters lower its score) can stretch
// the span, and then a stable sort is cheaper.
func rank(idx, scores []int32) []int32 {
	if len(idx) == 0 {
		return nil
	}
	lo, hi := scores[0], scores[0]
	for _, s := range scores {
		lo, hi = min(lo, s), max(hi, s)
	}
	if int(hi-lo) > 4*len(idx)+1024 {
		return rankSorted(idx, scores)
	}
	// Bucket b holds score hi-b, so buckets run from best to worst.
	start := make([]int, int(hi-lo)+2)
	for _, s := range scores {
		start[hi-s+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	out := make([]int32, len(idx))
	for i, s := range scores {
		b := hi - s
		out[start[b]] = idx[i]
		start[b]++
	}
	return out
}

// Positions returns the byte offsets in key of the characters query
// matched, for highlighting, or nil when it does not match.
func Positions(query, key string) []int {
	if query == "" {
		return nil
	}
	ms := fuzzy.Find(query, []string{key})
	if len(ms) == 0 {
		return nil
	}
	return ms[0].MatchedIndexes
}

func rankSorted(idx, scores []int32) []int32 {
	order := make([]int, len(idx))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	out := make([]int32, len(idx))
	for i, o := range order {
		out[i] = idx[o]
	}
	return out
}
