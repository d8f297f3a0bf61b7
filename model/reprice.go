package model

import (
	"slices"
	"strings"
	"time"
)

// Repricing is what two programmes give for the same recent events: the
// answer to "what would this change of the rules do?" before making it.
type Repricing struct {
	From, To time.Time
	Events   int64
	Old, New int64           // points, every kind together
	Kinds    []KindRepricing // by kind
}

// KindRepricing is one action kind's part of a Repricing.
type KindRepricing struct {
	Kind     string
	Events   int64
	Old, New int64
}

// Reprice prices each member's events under the old and the new programme.
// Each member starts the window afresh (no cap used, no cooldown running)
// under both, so that the two columns differ by the rules alone; a
// member's suspensions are left out.
func Reprice(old, new *Programme, from, to time.Time, members [][]Event) Repricing {
	r := Repricing{From: from, To: to}
	byKind := map[string]*KindRepricing{}
	for _, evs := range members {
		slices.SortStableFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) })
		var before, after Activity
		for _, ev := range evs {
			k := byKind[ev.Kind]
			if k == nil {
				k = &KindRepricing{Kind: ev.Kind}
				byKind[ev.Kind] = k
			}
			o, n := old.Price(ev, &before, false, nil).Points, new.Price(ev, &after, false, nil).Points
			k.Events++
			k.Old += o
			k.New += n
			r.Events++
			r.Old += o
			r.New += n
		}
	}
	for _, k := range byKind {
		r.Kinds = append(r.Kinds, *k)
	}
	slices.SortFunc(r.Kinds, func(a, b KindRepricing) int { return strings.Compare(a.Kind, b.Kind) })
	return r
}
