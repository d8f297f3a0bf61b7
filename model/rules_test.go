package model

import (
	"strings"
	"testing"
	"time"
)

// Pure table tests of the programme rules: pricing (caps, cooldowns,
// restrictions, out-of-order events), streaks, automatic badges, tiers, the
// penalty ladder, redemption checks, report priority and durations.

// rulesAt is 2026-11-10 (a Tuesday) at h:m UTC, plus d days.
func rulesAt(d, h, m int) time.Time {
	return time.Date(2026, 11, 10+d, h, m, 0, 0, time.UTC)
}

// rulesEv is one event of kind at t.
func rulesEv(kind string, t time.Time) Event {
	return Event{ID: kind + t.Format(time.RFC3339), Member: "alice", Kind: kind, At: t}
}

// rulesStep is one event priced in a table, with what it must earn.
type rulesStep struct {
	kind       string
	at         time.Time
	restricted bool
	points     int64
	withheld   int64
	why        string
}

func rulesRun(t *testing.T, p *Programme, act *Activity, usedOn UsedOn, steps []rulesStep) {
	t.Helper()
	for i, s := range steps {
		got := p.Price(rulesEv(s.kind, s.at), act, s.restricted, usedOn)
		if got.Points != s.points || got.Withheld != s.withheld || got.Why != s.why {
			t.Errorf("step %d (%s at %s): got %+v, want points %d withheld %d why %q",
				i, s.kind, s.at.Format(time.RFC3339), got, s.points, s.withheld, s.why)
		}
	}
}

func TestPriceDailyCapPerKindPerUTCDay(t *testing.T) {
	p := Default() // post: 5 points, cap 25, cooldown 2m
	var act Activity
	cap := "daily cap 25 reached"
	rulesRun(t, &p, &act, nil, []rulesStep{
		{"post", rulesAt(0, 8, 0), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 10), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 20), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 30), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 40), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 50), false, 0, 5, cap},
		// Another kind has its own cap on the same day.
		{"reply", rulesAt(0, 9, 0), false, 2, 0, ""},
		{"post", rulesAt(0, 23, 59), false, 0, 5, cap},
		// A new UTC day starts a new cap.
		{"post", rulesAt(1, 0, 0), false, 5, 0, ""},
	})
	ks := act.Kind("post")
	if ks.Count != 8 || ks.Points != 30 || ks.Withheld != 10 {
		t.Errorf("post stats = %+v, want 8 events, 30 points, 10 withheld", *ks)
	}
	if ks.CapDay != Day(rulesAt(1, 0, 0)) || ks.CapUsed != 5 {
		t.Errorf("cap state = day %d used %d, want day %d used 5", ks.CapDay, ks.CapUsed, Day(rulesAt(1, 0, 0)))
	}
	if act.Events != 9 {
		t.Errorf("events = %d, want 9", act.Events)
	}
}

func TestPricePartialCap(t *testing.T) {
	p := Programme{Actions: []ActionRule{{Kind: "answer", Points: 10, DailyCap: 25}}}
	var act Activity
	rulesRun(t, &p, &act, nil, []rulesStep{
		{"answer", rulesAt(0, 1, 0), false, 10, 0, ""},
		{"answer", rulesAt(0, 2, 0), false, 10, 0, ""},
		{"answer", rulesAt(0, 3, 0), false, 5, 5, "daily cap 25 reached"},
		{"answer", rulesAt(0, 4, 0), false, 0, 10, "daily cap 25 reached"},
	})
}

func TestPriceCooldownFromLastRewardedEvent(t *testing.T) {
	p := Programme{Actions: []ActionRule{{Kind: "share", Points: 2, Cooldown: 2 * time.Minute}}}
	var act Activity
	base := rulesAt(0, 10, 0)
	rulesRun(t, &p, &act, nil, []rulesStep{
		{"share", base, false, 2, 0, ""},
		{"share", base.Add(time.Minute), false, 0, 2, "cooldown 2m"},
		// Measured from the last rewarded event, not the withheld one.
		{"share", base.Add(2*time.Minute - time.Second), false, 0, 2, "cooldown 2m"},
		{"share", base.Add(2 * time.Minute), false, 2, 0, ""},
		{"share", base.Add(3 * time.Minute), false, 0, 2, "cooldown 2m"},
	})
	if got := act.Kind("share").LastRewarded; !got.Equal(base.Add(2 * time.Minute)) {
		t.Errorf("last rewarded = %s, want %s", got, base.Add(2*time.Minute))
	}
}

// The reply rule's 30-second cooldown must be named as such in the reason.
func TestPriceCooldownReasonSpellsSeconds(t *testing.T) {
	p := Default() // reply: cooldown 30s
	var act Activity
	base := rulesAt(0, 10, 0)
	p.Price(rulesEv("reply", base), &act, false, nil)
	got := p.Price(rulesEv("reply", base.Add(10*time.Second)), &act, false, nil)
	if got.Points != 0 || got.Withheld != 2 {
		t.Fatalf("second reply = %+v, want 0 points, 2 withheld", got)
	}
	if got.Why != "cooldown 30s" {
		t.Errorf("reason %q, want \"cooldown 30s\"", got.Why)
	}
}

func TestPriceRestrictedEarnsNothing(t *testing.T) {
	p := Default()
	var act Activity
	rulesRun(t, &p, &act, nil, []rulesStep{
		{"post", rulesAt(0, 8, 0), true, 0, 5, "restricted (suspended or banned)"},
		// A restricted event does not use the cap or start a cooldown.
		{"post", rulesAt(0, 8, 1), false, 5, 0, ""},
		{"post", rulesAt(0, 8, 30), true, 0, 5, "restricted (suspended or banned)"},
	})
	ks := act.Kind("post")
	if ks.Count != 3 || ks.Points != 5 || ks.Withheld != 10 || ks.CapUsed != 5 {
		t.Errorf("post stats = %+v, want 3 events, 5 points, 10 withheld, cap used 5", *ks)
	}
}

func TestPriceUnknownKind(t *testing.T) {
	p := Default()
	var act Activity
	got := p.Price(rulesEv("dance", rulesAt(0, 1, 0)), &act, false, nil)
	if got.Points != 0 || got.Withheld != 0 || got.Why != "no rule for dance" {
		t.Errorf("got %+v, want nothing and \"no rule for dance\"", got)
	}
	if act.Count("dance") != 1 || act.Events != 1 {
		t.Errorf("count = %d, events = %d, want 1 and 1", act.Count("dance"), act.Events)
	}
}

func TestPriceOutOfOrderUsesItsOwnDay(t *testing.T) {
	p := Default() // post: 5 points, cap 25
	type call struct {
		kind string
		day  int32
	}
	for _, tc := range []struct {
		name     string
		usedThen int64 // what the older day already earned
		points   int64
		withheld int64
	}{
		{"older day had nothing", 0, 5, 0},
		{"older day nearly full", 22, 3, 2},
		{"older day full", 25, 0, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var act Activity
			// Today's cap is full.
			for i := range 5 {
				p.Price(rulesEv("post", rulesAt(2, 10, 10*i)), &act, false, nil)
			}
			var calls []call
			usedOn := func(kind string, day int32) int64 {
				calls = append(calls, call{kind, day})
				return tc.usedThen
			}
			old := rulesAt(0, 10, 0)
			got := p.Price(rulesEv("post", old), &act, false, usedOn)
			if got.Points != tc.points || got.Withheld != tc.withheld {
				t.Errorf("older event = %+v, want %d points, %d withheld", got, tc.points, tc.withheld)
			}
			if len(calls) != 1 || calls[0] != (call{"post", Day(old)}) {
				t.Errorf("usedOn calls = %v, want one for post on day %d", calls, Day(old))
			}
			ks := act.Kind("post")
			// The current day's cap state and cooldown are untouched.
			if ks.CapDay != Day(rulesAt(2, 0, 0)) || ks.CapUsed != 25 || !ks.LastRewarded.Equal(rulesAt(2, 10, 40)) {
				t.Errorf("cap state = %+v, want day %d used 25 last %s", *ks, Day(rulesAt(2, 0, 0)), rulesAt(2, 10, 40))
			}
			if ks.Points != 25+tc.points || ks.Count != 6 {
				t.Errorf("points = %d count = %d, want %d and 6", ks.Points, ks.Count, 25+tc.points)
			}
			// And the next event today is still capped.
			if got := p.Price(rulesEv("post", rulesAt(2, 20, 0)), &act, false, usedOn); got.Points != 0 {
				t.Errorf("next event today earned %d, want 0 (cap full)", got.Points)
			}
		})
	}
}

func TestPriceOlderEventSameDayNoCooldown(t *testing.T) {
	p := Default() // post: cooldown 2m, cap 25
	var act Activity
	p.Price(rulesEv("post", rulesAt(0, 10, 0)), &act, false, nil)
	// A minute earlier than the rewarded one: no cooldown applies backwards,
	// and the same day's cap counts it.
	got := p.Price(rulesEv("post", rulesAt(0, 9, 59)), &act, false, func(string, int32) int64 {
		t.Error("usedOn called for an event of the cap's own day")
		return 0
	})
	if got.Points != 5 || got.Why != "" {
		t.Errorf("earlier same-day post = %+v, want 5 points", got)
	}
	ks := act.Kind("post")
	if ks.CapUsed != 10 || !ks.LastRewarded.Equal(rulesAt(0, 10, 0)) {
		t.Errorf("cap used %d last %s, want 10 and %s", ks.CapUsed, ks.LastRewarded, rulesAt(0, 10, 0))
	}
}

func TestPriceOlderEventWithoutUsedOn(t *testing.T) {
	p := Default()
	var act Activity
	for i := range 5 {
		p.Price(rulesEv("post", rulesAt(2, 10, 10*i)), &act, false, nil)
	}
	if got := p.Price(rulesEv("post", rulesAt(0, 10, 0)), &act, false, nil); got.Points != 5 {
		t.Errorf("older event without usedOn = %+v, want 5 points", got)
	}
}

func TestStreaks(t *testing.T) {
	p := Default()
	for _, tc := range []struct {
		name         string
		days         []int // day offsets, in the order they are priced
		streak, best int32
		streakDay    int
	}{
		{"one day", []int{0}, 1, 1, 0},
		{"seven in a row", []int{0, 1, 2, 3, 4, 5, 6}, 7, 7, 6},
		{"same day twice", []int{0, 0, 1, 1}, 2, 2, 1},
		{"gap restarts", []int{0, 1, 2, 4, 5}, 2, 3, 5},
		{"long gap after a long run", []int{0, 1, 2, 3, 10}, 1, 4, 10},
		// An older day neither extends nor restarts the streak.
		{"older day ignored", []int{0, 1, 3, 4, 2}, 2, 2, 4},
		{"older day before a run", []int{5, 6, 7, 1}, 3, 3, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var act Activity
			for i, d := range tc.days {
				p.Price(rulesEv("like_received", rulesAt(d, 12, i)), &act, false, nil)
			}
			if act.Streak != tc.streak || act.BestStreak != tc.best || act.StreakDay != Day(rulesAt(tc.streakDay, 0, 0)) {
				t.Errorf("streak %d best %d day %d, want %d, %d, %d", act.Streak, act.BestStreak, act.StreakDay,
					tc.streak, tc.best, Day(rulesAt(tc.streakDay, 0, 0)))
			}
		})
	}
}

// Activity counts towards a streak whether or not it earns.
func TestStreakCountsRestrictedAndUnknownKinds(t *testing.T) {
	p := Default()
	var act Activity
	p.Price(rulesEv("post", rulesAt(0, 1, 0)), &act, true, nil)
	p.Price(rulesEv("dance", rulesAt(1, 1, 0)), &act, false, nil)
	p.Price(rulesEv("post", rulesAt(2, 1, 0)), &act, false, nil)
	if act.Streak != 3 || act.BestStreak != 3 {
		t.Errorf("streak %d best %d, want 3 and 3", act.Streak, act.BestStreak)
	}
}

func rulesBadgeIDs(bs []Badge) string {
	ids := make([]string, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	return strings.Join(ids, ",")
}

func TestNewBadges(t *testing.T) {
	p := Default()
	none := func(string) bool { return false }
	for _, tc := range []struct {
		name string
		act  Activity
		has  func(string) bool
		want string
	}{
		{"nothing yet", Activity{}, none, ""},
		{"first post", Activity{Kinds: []KindStats{{Kind: "post", Count: 1}}}, none, "first-post"},
		{"first post held already", Activity{Kinds: []KindStats{{Kind: "post", Count: 3}}},
			func(id string) bool { return id == "first-post" }, ""},
		{"nine accepted answers", Activity{Kinds: []KindStats{{Kind: "answer_accepted", Count: 9}}}, none, ""},
		{"ten accepted answers", Activity{Kinds: []KindStats{{Kind: "answer_accepted", Count: 10}}}, none, "helpful"},
		{"answers and accepted", Activity{Kinds: []KindStats{{Kind: "answer", Count: 1}, {Kind: "answer_accepted", Count: 12}}},
			none, "first-answer,helpful"},
		{"six-day streak", Activity{BestStreak: 6, Streak: 6}, none, ""},
		{"seven-day streak", Activity{BestStreak: 7, Streak: 1}, none, "streak-7"},
		{"thirty-day streak", Activity{BestStreak: 30, Streak: 30}, none, "streak-7,streak-30"},
		{"streak-7 held", Activity{BestStreak: 30}, func(id string) bool { return id == "streak-7" }, "streak-30"},
		{"three referrals", Activity{Kinds: []KindStats{{Kind: "referral", Count: 3}}}, none, "connector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rulesBadgeIDs(p.NewBadges(&tc.act, tc.has)); got != tc.want {
				t.Errorf("badges = %q, want %q", got, tc.want)
			}
		})
	}
}

// Top-of-month and manual badges are never given by NewBadges, even with a
// rule whose N a count would meet.
func TestNewBadgesSkipsManualAndTopOfMonth(t *testing.T) {
	p := Programme{Badges: []Badge{
		{ID: "top", Rule: TopOfMonth, N: 1},
		{ID: "hand", Rule: Manual, Kind: "post", N: 1},
		{ID: "count", Rule: CountOf, Kind: "post", N: 2},
	}}
	act := Activity{Kinds: []KindStats{{Kind: "post", Count: 2}}, BestStreak: 10}
	if got := rulesBadgeIDs(p.NewBadges(&act, func(string) bool { return false })); got != "count" {
		t.Errorf("badges = %q, want \"count\"", got)
	}
}

// NewBadges through Price: the tenth accepted answer wins helpful, the
// seventh day of a streak wins streak-7.
func TestBadgesThroughPricing(t *testing.T) {
	p := Default()
	var act Activity
	held := map[string]bool{}
	has := func(id string) bool { return held[id] }
	var won []string
	price := func(kind string, at time.Time) {
		p.Price(rulesEv(kind, at), &act, false, nil)
		for _, b := range p.NewBadges(&act, has) {
			held[b.ID] = true
			won = append(won, b.ID+"@"+at.Format("02T15:04"))
		}
	}
	for d := range 7 {
		price("answer_accepted", rulesAt(d, 9, 0))
		if d < 3 {
			price("answer_accepted", rulesAt(d, 10, 0))
		}
	}
	// Days 0..2 give two accepted answers each (6), days 3..6 one each: the
	// tenth and the seventh day in a row both come on day 6.
	want := "helpful@16T09:00,streak-7@16T09:00"
	if got := strings.Join(won, ","); got != want {
		t.Errorf("won %q, want %q", got, want)
	}
}

func TestTierFor(t *testing.T) {
	p := Default()
	for _, tc := range []struct {
		q    int64
		want string
	}{
		{-50, "Beginner"}, {0, "Beginner"}, {249, "Beginner"}, {250, "Experienced"},
		{999, "Experienced"}, {1000, "Professional"}, {4999, "Professional"}, {5000, "Ambassador"}, {1 << 40, "Ambassador"},
	} {
		if got := p.TierName(p.TierFor(tc.q)); got != tc.want {
			t.Errorf("TierFor(%d) = %s, want %s", tc.q, got, tc.want)
		}
	}
	if p.TierName(-1) != "Beginner" || p.TierName(99) != "Ambassador" || (&Programme{}).TierName(0) != "" {
		t.Errorf("TierName does not clamp")
	}
	if p.TierIndex("Professional") != 2 || p.TierIndex("Nobody") != -1 {
		t.Errorf("TierIndex wrong")
	}
}

func TestSuggestedSuspension(t *testing.T) {
	p := Default()
	d := 24 * time.Hour
	for prior, want := range map[int]time.Duration{-1: d, 0: d, 1: 7 * d, 2: 30 * d, 3: 30 * d, 10: 30 * d} {
		if got := p.SuggestedSuspension(prior); got != want {
			t.Errorf("SuggestedSuspension(%d) = %s, want %s", prior, got, want)
		}
	}
	if got := (&Programme{}).SuggestedSuspension(5); got != d {
		t.Errorf("no ladder: %s, want 24h", got)
	}
}

func TestLadderCount(t *testing.T) {
	p := Default() // window 180 days
	now := rulesAt(200, 12, 0)
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	for _, tc := range []struct {
		name string
		s    []Sanction
		want int
	}{
		{"none", nil, 0},
		{"a warning is not a penalty", []Sanction{{Kind: Warning, At: ago(1)}}, 0},
		{"each penalty kind counts", []Sanction{{Kind: Deduction, At: ago(1)}, {Kind: Suspension, At: ago(2)}, {Kind: Ban, At: ago(3)}}, 3},
		{"lifted does not count", []Sanction{{Kind: Suspension, At: ago(1), Lifted: true}, {Kind: Suspension, At: ago(2)}}, 1},
		{"exactly 180 days counts", []Sanction{{Kind: Suspension, At: ago(180)}}, 1},
		{"older than 180 days does not", []Sanction{{Kind: Suspension, At: ago(180).Add(-time.Second)}, {Kind: Deduction, At: ago(181)}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.LadderCount(tc.s, now); got != tc.want {
				t.Errorf("LadderCount = %d, want %d", got, tc.want)
			}
		})
	}
	// With no window every penalty counts, however old.
	p.LadderWindow = 0
	if got := p.LadderCount([]Sanction{{Kind: Suspension, At: ago(5000)}}, now); got != 1 {
		t.Errorf("no window: %d, want 1", got)
	}
	// And the ladder suggested after them.
	p = Default()
	s := []Sanction{{Kind: Suspension, At: ago(10)}, {Kind: Suspension, At: ago(200)}, {Kind: Warning, At: ago(1)}}
	if got := p.SuggestedSuspension(p.LadderCount(s, now)); got != 7*24*time.Hour {
		t.Errorf("suggested = %s, want 7d", got)
	}
}

func TestHesitations(t *testing.T) {
	p := Default()
	now := rulesAt(0, 12, 0)
	ok := Member{Handle: "alice", Balance: 2000, Held: 800, Tier: 1}
	susp := ok
	susp.Status, susp.SuspendedUntil = Suspended, now.Add(time.Hour)
	over := ok
	over.Status, over.SuspendedUntil = Suspended, now
	banned := ok
	banned.Status = Banned
	noStock := p
	noStock.Rewards = append([]Reward(nil), p.Rewards...)
	noStock.Rewards[4].Stock = 0 // t-shirt
	for _, tc := range []struct {
		name   string
		p      Programme
		reward string
		m      Member
		open   int
		want   string
	}{
		{"nothing", p, "t-shirt", ok, 0, ""},
		{"suspended", p, "t-shirt", susp, 0, "member suspended"},
		{"suspension over", p, "t-shirt", over, 0, ""},
		{"banned", p, "t-shirt", banned, 0, "member banned"},
		{"open reports", p, "t-shirt", ok, 2, "2 open reports"},
		{"one open report", p, "t-shirt", ok, 1, "1 open report"},
		{"out of stock", noStock, "t-shirt", ok, 0, "out of stock"},
		{"below tier", p, "event-invite", ok, 0, "below tier Professional"},
		{"not in the catalogue", p, "yacht", ok, 0, "reward no longer in the catalogue"},
		{"several", noStock, "t-shirt", banned, 1, "member banned|1 open report|out of stock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := tc.p.Hesitations(Request{ID: "r1", Member: "alice", Reward: tc.reward}, tc.m, tc.open, now)
			parts := make([]string, len(hs))
			for i, h := range hs {
				parts[i] = h.String()
			}
			if got := strings.Join(parts, "|"); got != tc.want {
				t.Errorf("hesitations = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCanRequest(t *testing.T) {
	p := Default()
	now := rulesAt(0, 12, 0)
	sticker, _ := p.Reward("sticker-pack") // 150
	for _, tc := range []struct {
		name string
		m    Member
		want string
	}{
		{"enough", Member{Balance: 150}, ""},
		{"short", Member{Balance: 149}, "needs 150 points, 149 available"},
		{"held points are not available", Member{Balance: 300, Held: 200}, "needs 150 points, 100 available"},
		{"suspended", Member{Balance: 500, Status: Suspended, SuspendedUntil: now.Add(time.Hour)}, "member is suspended"},
		{"suspension over", Member{Balance: 500, Status: Suspended, SuspendedUntil: now.Add(-time.Hour)}, ""},
		{"banned", Member{Balance: 500, Status: Banned}, "member is banned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CanRequest(sticker, tc.m, now)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("CanRequest = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCanApprove(t *testing.T) {
	p := Default()
	r, _ := p.Reward("sticker-pack")
	empty := r
	empty.Stock = 0
	pend := Request{ID: "r1", Reward: r.ID, Cost: 150, Status: Pending}
	done := pend
	done.Status = Approved
	held := Member{Balance: 150, Held: 150}
	for _, tc := range []struct {
		name string
		req  Request
		r    Reward
		m    Member
		want string
	}{
		{"fine", pend, r, held, ""},
		{"unlimited", pend, Reward{ID: "x", Stock: Unlimited}, held, ""},
		{"decided", done, r, held, "request r1 is approved, not pending"},
		{"out of stock", pend, empty, held, "sticker-pack is out of stock"},
		{"hold missing", pend, r, Member{Balance: 500, Held: 100}, "member holds 100 points, the request needs 150"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CanApprove(tc.req, tc.r, tc.m)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("CanApprove = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAutoApproves(t *testing.T) {
	p := Default()
	now := rulesAt(0, 12, 0)
	contest, _ := p.Reward("contest-entry")
	sticker, _ := p.Reward("sticker-pack")
	m := Member{Balance: 500, Held: 100}
	req := Request{ID: "r", Reward: contest.ID, Cost: 100, Status: Pending}
	if !p.AutoApproves(req, contest, m, 0, now) {
		t.Error("contest entry with no hesitation is not auto-approved")
	}
	if p.AutoApproves(req, contest, m, 1, now) {
		t.Error("auto-approved despite an open report")
	}
	susp := m
	susp.Status, susp.SuspendedUntil = Suspended, now.Add(time.Hour)
	if p.AutoApproves(req, contest, susp, 0, now) {
		t.Error("auto-approved a suspended member")
	}
	req.Reward = sticker.ID
	if p.AutoApproves(req, sticker, m, 0, now) {
		t.Error("sticker pack (not auto-approve) auto-approved")
	}
}

func TestReporterWeightAndPriority(t *testing.T) {
	for _, tc := range []struct {
		decided, upheld int32
		want            float64
	}{{0, 0, 0.5}, {1, 1, 2.0 / 3}, {1, 0, 1.0 / 3}, {4, 4, 5.0 / 6}, {8, 2, 0.3}} {
		if got := ReporterWeight(tc.decided, tc.upheld); got != tc.want {
			t.Errorf("ReporterWeight(%d, %d) = %v, want %v", tc.decided, tc.upheld, got, tc.want)
		}
	}
	w := map[string]float64{"ann": 0.5, "ben": 0.9, "cy": 1.0 / 3}
	weight := func(r string) float64 { return w[r] }
	c := Case{Reports: []Report{{Reporter: "ben"}, {Reporter: "ann"}, {Reporter: "ben"}, {Reporter: "ann"}}}
	if got := strings.Join(c.Reporters(), ","); got != "ben,ann" {
		t.Errorf("reporters = %s, want ben,ann", got)
	}
	if got := Priority(c, weight); got != 1.4 {
		t.Errorf("priority = %v, want 1.4 (each reporter once)", got)
	}
	if got := ExplainPriority(c, weight); got != "1.4 = 2 reporters (0.9 + 0.5)" {
		t.Errorf("explain = %q", got)
	}
	one := Case{Reports: []Report{{Reporter: "cy"}, {Reporter: "cy"}}}
	if got := ExplainPriority(one, weight); got != "0.3 = 1 reporter (0.3)" {
		t.Errorf("explain one = %q", got)
	}
	if got := ExplainPriority(Case{}, weight); got != "0.0 = 0 reporters ()" {
		t.Errorf("explain none = %q", got)
	}
	for p, want := range map[float64]uint32{-1: 0, 0: 0, 0.5: 500, 1.4: 1400, 2.0 / 3: 667, 0.0004: 0} {
		if got := PriorityKey(p); got != want {
			t.Errorf("PriorityKey(%v) = %d, want %d", p, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	h := time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * 24 * h, true}, {" 1d ", 24 * h, true}, {"0d", 0, true}, {"36500d", 36500 * 24 * h, true},
		{"36h", 36 * h, true}, {"90m", 90 * time.Minute, true}, {"30s", 30 * time.Second, true}, {"1h30m", 90 * time.Minute, true},
		{"36501d", 0, false}, {"-1d", 0, false}, {"-5m", 0, false}, {"d", 0, false}, {"1.5d", 0, false},
		{"", 0, false}, {"soon", 0, false}, {"7 days", 0, false},
	} {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %s, %v; want %s ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "is not a duration") {
			t.Errorf("ParseDuration(%q) error %q does not say what is wrong", tc.in, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {-time.Hour, "0s"}, {24 * time.Hour, "1d"}, {7 * 24 * time.Hour, "7d"}, {36 * time.Hour, "36h"},
		{2 * time.Minute, "2m"}, {90 * time.Minute, "90m"},
	} {
		if got := FormatDuration(tc.d); got != tc.want {
			t.Errorf("FormatDuration(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// Durations that are not whole minutes: the console and the programme file
// must read them back as they were.
func TestFormatDurationSeconds(t *testing.T) {
	var bad []string
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "30s"}, {10 * time.Second, "10s"}, {90 * time.Second, "1m30s"}, {45 * time.Second, "45s"},
	} {
		got := FormatDuration(tc.d)
		back, err := ParseDuration(got)
		if got != tc.want || err != nil || back != tc.d {
			bad = append(bad, tc.d.String()+" → "+got)
		}
	}
	if len(bad) > 0 {
		t.Errorf("FormatDuration does not round-trip: %s", strings.Join(bad, ", "))
	}
}

func TestStatusAt(t *testing.T) {
	now := rulesAt(0, 12, 0)
	m := Member{Status: Suspended, SuspendedUntil: now}
	if m.StatusAt(now.Add(-time.Nanosecond)) != Suspended || m.StatusAt(now) != Active {
		t.Error("a suspension must end exactly at SuspendedUntil")
	}
	if !m.Restricted(now.Add(-time.Second)) || m.Restricted(now) {
		t.Error("Restricted disagrees with StatusAt")
	}
	if got := m.StatusLabel(now.Add(-time.Second)); got != "suspended until 2026-11-10" {
		t.Errorf("label = %q", got)
	}
	if (Member{Balance: 70, Held: 50}).Available() != 20 {
		t.Error("Available is not balance minus held")
	}
}
