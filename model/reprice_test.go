package model

import (
	"testing"
	"time"
)

func TestRepriceComparesTheRulesOnTheSameEvents(t *testing.T) {
	old := Default()
	new := Default()
	for i := range new.Actions {
		switch new.Actions[i].Kind {
		case "post":
			new.Actions[i].Points = 8 // 5 before, daily cap 25 kept
		case "reply":
			new.Actions[i].DailyCap = 4 // 20 before, 2 points each
		}
	}
	at := func(day, minute int) time.Time { return time.Date(2026, 11, day, 9, minute, 0, 0, time.UTC) }
	members := [][]Event{
		// Out of order on purpose: Reprice puts each member's in time order.
		{{Kind: "reply", At: at(2, 9)}, {Kind: "post", At: at(2, 0)}, {Kind: "reply", At: at(2, 3)}, {Kind: "reply", At: at(2, 6)}},
		{{Kind: "post", At: at(3, 0)}, {Kind: "post", At: at(3, 1)}, {Kind: "unknown", At: at(3, 5)}},
	}
	r := Reprice(&old, &new, at(1, 0), at(4, 0), members)
	// The second member's second post is inside the 2-minute cooldown: 0
	// under both.
	want := map[string]KindRepricing{
		"post":    {Kind: "post", Events: 3, Old: 10, New: 16},
		"reply":   {Kind: "reply", Events: 3, Old: 6, New: 4},
		"unknown": {Kind: "unknown", Events: 1},
	}
	if len(r.Kinds) != len(want) {
		t.Fatalf("kinds: %+v", r.Kinds)
	}
	for i, k := range r.Kinds {
		if k != want[k.Kind] {
			t.Errorf("%s: %+v, want %+v", k.Kind, k, want[k.Kind])
		}
		if i > 0 && r.Kinds[i-1].Kind >= k.Kind {
			t.Errorf("kinds out of order: %s before %s", r.Kinds[i-1].Kind, k.Kind)
		}
	}
	if r.Events != 7 || r.Old != 16 || r.New != 20 {
		t.Errorf("all: %d events, %d → %d points; want 7, 16 → 20", r.Events, r.Old, r.New)
	}
}
