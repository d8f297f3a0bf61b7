// Package demo writes a deterministic, realistic community: members from
// many languages, heavy-tailed activity over months or years, reward
// requests waiting for approval and reports waiting for a decision.
package demo

import (
	"container/heap"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"steward/ingest"
	"steward/model"
	"steward/store"
)

// Options size the community. The same options (seed and clock included)
// always write the same community.
type Options struct {
	Members int
	Days    int
	Seed    uint64
	Now     time.Time
	// Progress, when set, hears how far the writing is, in rows.
	Progress func(done, total int)
}

// The share of each action kind among generated events.
var kindWeights = []struct {
	kind   string
	weight float64
}{
	{"like_received", 34}, {"reply", 24}, {"post", 10}, {"answer", 10},
	{"answer_accepted", 4}, {"share", 5}, {"follow", 7}, {"content_fix", 2}, {"event_attended", 4},
}

// plan is the community before it is written: who joins when and how
// active each member is.
type plan struct {
	opt     Options
	start   time.Time
	members []ingest.MemberRow
	events  []int // events each member will make
	spans   [][2]time.Time
	total   int
	// requesters are the members whose requests still wait, oldest
	// first: the demo gives some of them a reason to hesitate.
	requesters []string
}

func newPlan(opt Options) *plan {
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed))
	p := &plan{opt: opt, start: opt.Now.AddDate(0, 0, -opt.Days)}
	span := opt.Now.Sub(p.start)
	used := map[string]int{}
	// Mean events per member grows with the length of the history; some
	// members drift away and a fifth lurk, so ten years of 100,000 members
	// come to about ten million events.
	mean := 137 * math.Min(1, math.Sqrt(float64(opt.Days)/365))
	xm := mean * 0.3 / 1.3 // Pareto(α=1.3) has mean α·xm/(α−1)
	for i := 0; i < opt.Members; i++ {
		first := firstNames[rng.IntN(len(firstNames))]
		last := lastNames[rng.IntN(len(lastNames))]
		handle := first.handle + "." + last.handle
		if n := used[handle]; n > 0 {
			handle = fmt.Sprintf("%s%d", handle, n+1)
		}
		used[first.handle+"."+last.handle]++
		name := first.name + " " + last.name
		if isCJK(last.name) && isCJK(first.name) {
			name = last.name + first.name // family name first, no space
		}
		// Founders join on the first day; the rest arrive ever faster, as
		// a growing community does.
		var joined time.Time
		if i < max(3, opt.Members/20) {
			joined = p.start.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
		} else {
			f := math.Sqrt(rng.Float64())
			joined = p.start.Add(time.Duration(f * float64(span-24*time.Hour)))
		}
		joined = joined.Truncate(time.Second)
		var tags []string
		switch {
		case i < 3:
			tags = []string{"staff"}
		case rng.IntN(10) == 0:
			tags = []string{"teacher"}
		case rng.IntN(5) == 0:
			tags = []string{"student"}
		}
		p.members = append(p.members, ingest.MemberRow{Line: i + 2, Handle: handle, Name: name, JoinedAt: joined, Tags: tags})
		// A fifth lurk; the rest follow a heavy tail: a few do most.
		n := 0
		if rng.IntN(5) != 0 {
			n = int(xm / math.Pow(1-rng.Float64(), 1/1.3))
			n = min(n, 40000)
		}
		end := opt.Now
		if rng.IntN(10) < 3 { // some drift away
			end = joined.Add(time.Duration(rng.Float64() * float64(opt.Now.Sub(joined))))
		}
		p.events = append(p.events, n)
		p.spans = append(p.spans, [2]time.Time{joined, end})
		p.total += n
	}
	// Members are written in the order they joined, and may be referred by
	// someone who joined before them.
	order := make([]int, len(p.members))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p.members[order[a]].JoinedAt.Before(p.members[order[b]].JoinedAt) })
	members := make([]ingest.MemberRow, len(order))
	events := make([]int, len(order))
	spans := make([][2]time.Time, len(order))
	for to, from := range order {
		members[to], events[to], spans[to] = p.members[from], p.events[from], p.spans[from]
		members[to].Line = to + 2
		// The referrer joined in the same cohort (see cohortSize), so that
		// the event that pays them comes in time order with their own.
		if lo := to / cohortSize * cohortSize; to > lo+10 && rng.IntN(7) == 0 {
			members[to].ReferredBy = members[lo+rng.IntN(to-lo)].Handle
		}
	}
	p.members, p.events, p.spans = members, events, spans
	return p
}

func isCJK(s string) bool {
	for _, r := range s {
		if r >= 0x3000 {
			return true
		}
	}
	return false
}

// Write writes the demo community into st.
func Write(st *store.Store, opt Options) (store.ImportReport, error) {
	if opt.Now.IsZero() {
		opt.Now = st.Now()
	}
	opt.Now = opt.Now.UTC().Truncate(time.Second)
	if opt.Members < 1 {
		opt.Members = 500
	}
	if opt.Days < 1 {
		opt.Days = 180
	}
	p := newPlan(opt)
	total := len(p.members) + p.total
	progress := func(done, _ int) {
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	rows := make([]any, len(p.members))
	for i, m := range p.members {
		rows[i] = m
	}
	srcs := []store.Source{
		store.SliceSource("demo members", ingest.Members, rows),
		{Name: "demo events", Kind: ingest.Events, Open: func() (store.Rows, error) { return p.eventStream(), nil }},
	}
	// The events come cohort by cohort (see cohortSize), so a batch
	// touches few members and the batch size matters little. Measured on
	// the ten-year demo of 100,000 members: 20,000 rows a batch, 52 s and
	// 175 MB of heap at the peak; 50,000 rows, 44–54 s and 270 MB;
	// 200,000 rows, 48 s and 450 MB. They are already grouped by member,
	// so they go in in their own order: regrouped, a referral could land
	// in its referrer's history after the referrer's later events.
	rep, err := st.Import(srcs, store.ImportOptions{Trusted: true, Total: total, BatchSize: 50000, ChunkSize: 50000, Progress: progress})
	if err != nil {
		return rep, err
	}
	if err := p.moderation(st, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// cohortSize is how many members, in the order they joined, have their
// events written together. Each batch of an import rewrites every member
// it touches, so a stream of the whole community in time order rewrote
// each active member in every batch: a batch of 200,000 events touched
// some 70,000 of the ten-year demo's 100,000 members, which took 82 s.
// Cohort by cohort, in time order within each, a member's history goes in
// one batch or two, and the same demo takes 44–54 s (1,000 to 5,000
// members a cohort measure alike). A demo of up to cohortSize members is
// one stream in time order.
const cohortSize = 1000

// eventStream generates every member's events, cohort by cohort, in time
// order within each cohort: each member is a Poisson process over their
// active span, merged through a heap.
func (p *plan) eventStream() *events {
	e := &events{p: p, rng: rand.New(rand.NewPCG(p.opt.Seed+1, 0xe7e7))}
	e.cohort(0)
	return e
}

// cohort starts the heap of the members from lo to the end of their cohort.
func (e *events) cohort(lo int) {
	e.next = min(lo+cohortSize, len(e.p.events))
	for i := lo; i < e.next; i++ {
		n := e.p.events[i]
		if n == 0 {
			continue
		}
		span := e.p.spans[i][1].Sub(e.p.spans[i][0])
		if span < time.Hour {
			span = time.Hour
		}
		gap := float64(span) / float64(n)
		next := e.p.spans[i][0].Add(time.Duration(e.rng.ExpFloat64() * gap))
		e.h = append(e.h, pending{at: next, member: i, left: n, gap: gap})
	}
	heap.Init(&e.h)
}

type pending struct {
	at     time.Time
	member int
	left   int
	gap    float64
}

type queue []pending

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(pending)) }
func (q *queue) Pop() any          { old := *q; x := old[len(old)-1]; *q = old[:len(old)-1]; return x }

type events struct {
	p    *plan
	rng  *rand.Rand
	h    queue
	seq  int
	next int // the first member of the next cohort
}

func (e *events) Next() (any, error) {
	for len(e.h) > 0 || e.next < len(e.p.events) {
		if len(e.h) == 0 {
			e.cohort(e.next)
			continue
		}
		top := &e.h[0]
		at, member := top.at, top.member
		top.left--
		top.at = top.at.Add(time.Duration(e.rng.ExpFloat64()*top.gap) + time.Second)
		if top.left == 0 {
			heap.Pop(&e.h)
		} else {
			heap.Fix(&e.h, 0)
		}
		if at.After(e.p.opt.Now) {
			continue
		}
		e.seq++
		kind := pickKind(e.rng)
		return ingest.EventRow{
			Line: e.seq, ID: fmt.Sprintf("e%09d", e.seq), Member: e.p.members[member].Handle,
			Kind: kind, At: at.Truncate(time.Second), Ref: fmt.Sprintf("post/%d", 1000+e.seq/3),
		}, nil
	}
	return nil, io.EOF
}

func (e *events) Close() error { return nil }

func pickKind(rng *rand.Rand) string {
	total := 0.0
	for _, k := range kindWeights {
		total += k.weight
	}
	x := rng.Float64() * total
	for _, k := range kindWeights {
		if x < k.weight {
			return k.kind
		}
		x -= k.weight
	}
	return "post"
}

var _ = model.Default
