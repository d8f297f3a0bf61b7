package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"steward/ingest"
	"steward/model"
	"steward/store"
)

// moderation gives the community a life after its activity: reward
// requests (some decided, some waiting), reports (some settled, some open),
// badges given by hand, notes, a suspension and a ban.
func (p *plan) moderation(st *store.Store, rep *store.ImportReport) error {
	rng := rand.New(rand.NewPCG(p.opt.Seed+2, 0x0d0d))
	prog, err := st.Programme()
	if err != nil {
		return err
	}
	if err := p.requests(st, rng, prog); err != nil {
		return err
	}
	if err := p.reports(st, rng, prog); err != nil {
		return err
	}
	return p.recognition(st, rng, prog)
}

// richest reads the members with the most points, a page at a time.
func richest(st *store.Store, n int) ([]model.Member, error) {
	var out []model.Member
	var from []byte
	for len(out) < n {
		page, err := st.Members(store.ByPoints, from, store.Forward, min(500, n-len(out)))
		if err != nil {
			return nil, err
		}
		out = append(out, page.Rows...)
		if page.AtEnd || len(page.Keys) == 0 {
			break
		}
		from = page.Keys[len(page.Keys)-1]
	}
	return out, nil
}

func (p *plan) requests(st *store.Store, rng *rand.Rand, prog model.Programme) error {
	want := max(8, p.opt.Members/40)
	rich, err := richest(st, want*4)
	if err != nil {
		return err
	}
	rewards := append([]model.Reward(nil), prog.Rewards...)
	sort.Slice(rewards, func(i, j int) bool { return rewards[i].Cost < rewards[j].Cost })
	var rows []any
	for _, m := range rich {
		if len(rows) >= want*2 {
			break
		}
		if m.HasTag("staff") || rng.IntN(10) < 4 {
			continue
		}
		var fits []model.Reward
		for _, r := range rewards {
			if r.Cost <= m.Available() && !r.AutoApprove {
				fits = append(fits, r)
			}
		}
		if len(fits) == 0 {
			continue
		}
		r := fits[rng.IntN(len(fits))]
		at := p.opt.Now.Add(-time.Duration(rng.Int64N(int64(14 * 24 * time.Hour)))).Truncate(time.Second)
		rows = append(rows, ingest.RedemptionRow{Line: len(rows) + 2, ID: fmt.Sprintf("r%06d", len(rows)+1), Member: m.Handle, Reward: r.ID, At: at})
	}
	if _, err := st.Import([]store.Source{store.SliceSource("demo redemptions", ingest.Redemptions, rows)}, store.ImportOptions{Trusted: true}); err != nil {
		return err
	}
	// The oldest requests were decided already: most approved, a few not.
	return st.Batch(func(b *store.Batch) error {
		ids := b.Pending(len(rows)) // oldest first
		decide := max(0, len(ids)-want)
		arrived := make([]time.Time, decide)
		for i := range arrived {
			req, err := b.Request(ids[i])
			if err != nil {
				return err
			}
			arrived[i] = req.At
		}
		order, at := decisionTimes(p.opt.Seed, arrived, p.opt.Now)
		for _, i := range order {
			b.SetClock(at[i])
			if rng.IntN(5) == 0 {
				if _, err := b.Reject(ids[i], rejectReasons[rng.IntN(len(rejectReasons))]); err != nil {
					return err
				}
				continue
			}
			if _, err := b.Approve(ids[i]); err != nil {
				if _, err := b.Reject(ids[i], "out of stock at the supplier"); err != nil {
					return err
				}
			}
		}
		for _, id := range b.Pending(want) {
			req, err := b.Request(id)
			if err != nil {
				return err
			}
			p.requesters = append(p.requesters, req.Member)
		}
		return nil
	})
}

func (p *plan) reports(st *store.Store, rng *rand.Rand, prog model.Programme) error {
	cases := max(10, p.opt.Members/25)
	n := len(p.members)
	if n < 3 {
		return nil
	}
	troublemakers := []int{n / 3, n / 2, (2 * n) / 3}
	var rows []any
	index := map[string]int{}
	for i, m := range p.members {
		index[m.Handle] = i
	}
	for c := 0; c < cases; c++ {
		subject := rng.IntN(n)
		if rng.IntN(3) == 0 {
			subject = troublemakers[rng.IntN(len(troublemakers))]
		}
		// A member waiting for a reward is reported: a reason to look
		// twice before approving.
		if c == 0 && len(p.requesters) > 1 {
			subject = index[p.requesters[1]]
		}
		g := prog.Guidelines[rng.IntN(len(prog.Guidelines))]
		texts := excerpts[g.ID]
		excerpt := ""
		if len(texts) > 0 {
			excerpt = texts[rng.IntN(len(texts))]
		}
		content := fmt.Sprintf("https://community.example/t/%d", 5000+c*7)
		at := p.opt.Now.Add(-time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))).Truncate(time.Second)
		reporters := 1 + rng.IntN(3)
		if rng.IntN(8) == 0 {
			reporters += 3
		}
		seen := map[int]bool{subject: true}
		for r := 0; r < reporters; r++ {
			who := rng.IntN(n)
			if seen[who] {
				continue
			}
			seen[who] = true
			rows = append(rows, ingest.ReportRow{
				Line: len(rows) + 2, ID: fmt.Sprintf("rep%06d", len(rows)+1),
				Reporter: p.members[who].Handle, Subject: p.members[subject].Handle,
				Content: content, Guideline: g.ID, Excerpt: excerpt,
				At: at.Add(time.Duration(r) * 47 * time.Minute),
			})
		}
	}
	if _, err := st.Import([]store.Source{store.SliceSource("demo reports", ingest.Reports, rows)}, store.ImportOptions{Trusted: true}); err != nil {
		return err
	}
	// A third were settled already, which gives reporters a record: some
	// are trusted, some cry wolf.
	return st.Batch(func(b *store.Batch) error {
		var ids []uint64
		for _, id := range b.OpenCases(cases) {
			c, err := b.Case(id)
			if err != nil {
				return err
			}
			if len(p.requesters) > 1 && c.Subject == p.requesters[1] {
				continue // stays open
			}
			ids = append(ids, id)
		}
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		settle := ids[:len(ids)/3]
		arrived := make([]time.Time, len(settle))
		for i, id := range settle {
			c, err := b.Case(id)
			if err != nil {
				return err
			}
			arrived[i] = c.FirstAt
		}
		order, at := decisionTimes(p.opt.Seed+1, arrived, p.opt.Now)
		for _, i := range order {
			b.SetClock(at[i])
			v := store.Verdict{Reason: "reviewed the thread"}
			switch x := rng.IntN(20); {
			case x < 8:
				v.Reason = "not a breach on reading the context"
			case x < 14:
				v.Action, v.Reason = model.Warning, "first reminder of the guidelines"
			case x < 17:
				v.Action, v.Points, v.Reason = model.Deduction, 25, "repeated after a warning"
			default:
				v.Action, v.Duration, v.Reason = model.Suspension, 24*time.Hour, "cool-off after a heated exchange"
			}
			if _, err := b.Decide(settle[i], v); errors.Is(err, store.ErrInvalid) {
				// Nothing left to deduct: a warning instead.
				v = store.Verdict{Action: model.Warning, Reason: "reminder of the guidelines"}
				if _, err := b.Decide(settle[i], v); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		return nil
	})
}

// decisionTimes dates the demo's past decisions: each a while after what
// it decides arrived (minutes to hours, now and then a couple of days),
// never after now. It returns them with the order to make them in, by
// date, so that the audit log stays in time order. Its randomness is its
// own, so that the decisions themselves stay those of the seed.
func decisionTimes(seed uint64, arrived []time.Time, now time.Time) (order []int, at []time.Time) {
	rng := rand.New(rand.NewPCG(seed, 0xc10c))
	at = make([]time.Time, len(arrived))
	for i, a := range arrived {
		wait := time.Duration(rng.Int64N(int64(6*time.Hour))) + 10*time.Minute
		if rng.IntN(5) == 0 {
			wait += time.Duration(rng.Int64N(int64(48 * time.Hour)))
		}
		at[i] = a.Add(wait).Truncate(time.Second)
		if at[i].After(now) {
			at[i] = now
		}
		order = append(order, i)
	}
	sort.SliceStable(order, func(x, y int) bool { return at[order[x]].Before(at[order[y]]) })
	return order, at
}

func (p *plan) recognition(st *store.Store, rng *rand.Rand, prog model.Programme) error {
	top, err := richest(st, 12)
	if err != nil {
		return err
	}
	n := len(p.members)
	return st.Batch(func(b *store.Batch) error {
		b.SetClock(p.opt.Now.Add(-3 * 24 * time.Hour))
		manual := []string{"thank-you", "mentor", "community-hero"}
		for i, m := range top {
			if i%3 == 2 || m.HasTag("staff") {
				continue
			}
			note := []string{"for the welcome thread", "for answering every newcomer this month", "for organising the meetup"}[i%3]
			if err := b.Grant(m.Handle, manual[i%len(manual)], note); err != nil {
				return err
			}
		}
		for i := 0; i < min(4, n); i++ {
			h := p.members[(i*n)/5].Handle
			if err := b.Note(h, noteTexts[i%len(noteTexts)]); err != nil {
				return err
			}
		}
		if n >= 10 {
			b.SetClock(p.opt.Now.Add(-2 * 24 * time.Hour))
			if _, err := b.Sanction(p.members[n-2].Handle, model.Sanction{Kind: model.Ban, Reason: "spam account: 40 links in an hour"}); err != nil {
				return err
			}
			b.SetClock(p.opt.Now.Add(-20 * time.Hour))
			suspended := p.members[n/2].Handle
			if len(p.requesters) > 0 {
				suspended = p.requesters[0] // waiting for a reward, meanwhile suspended
			}
			if _, err := b.Sanction(suspended, model.Sanction{Kind: model.Suspension, Duration: 7 * 24 * time.Hour, Reason: "harassment after two warnings"}); err != nil {
				return err
			}
		}
		_ = rng
		return nil
	})
}
