package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"steward/model"
	"steward/store"
)

// fixedHealth is a reading made up in the test, as of fixedNow, so that
// what the pane shows does not move with the store's tallies: twelve
// months and thirteen weeks with numbers that grow with the period (the
// third month and the fourth week decided nothing), and six cohorts, the
// newest of which joined this month.
func fixedHealth() model.Health {
	h := model.Health{At: fixedNow, Members: 1234, Active7: 321, Active30: 617, Pending: 12, Open: 3,
		Goals:  model.Goals{Engagement: 40, Retention: 50, DecideWithin: 24 * time.Hour},
		Recent: model.Period{Newcomers: 30, Decided: 4, Waited: 30 * time.Hour}, Retained: 0.44, RetainedOf: 500,
		Slipping: []model.Slipping{
			{Rank: 2, Handle: "fatima.wang", Name: "Fatima 王", Points: 15705, LastActive: fixedNow.Add(-48 * 24 * time.Hour)},
			{Rank: 9, Handle: "mallory", Name: "Mal\x1b]2;pwned\x07lory", Points: 3210, LastActive: fixedNow.Add(-15 * 24 * time.Hour)},
		}}
	for i := range 12 {
		start := time.Date(2025, time.December+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		h.Months = append(h.Months, fixedPeriod(i, start, start.AddDate(0, 1, 0), start.Format("2006-01"), 10))
	}
	h.Months[2].Decided, h.Months[2].Upheld, h.Months[2].Waited, h.Months[2].InDay = 0, 0, 0, 0
	for i := range 13 {
		start := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)
		_, n := start.ISOWeek()
		h.Weeks = append(h.Weeks, fixedPeriod(i, start, start.AddDate(0, 0, 7), fmt.Sprintf("W%02d 2026", n), 1))
	}
	h.Weeks[3].Decided, h.Weeks[3].Upheld, h.Weeks[3].Waited, h.Weeks[3].InDay = 0, 0, 0, 0
	for i := range 6 {
		c := model.Cohort{Month: time.Date(2026, time.June+time.Month(i), 1, 0, 0, 0, 0, time.UTC), Size: int64(100 * (i + 1))}
		for k := range 6 - i {
			c.Active = append(c.Active, c.Size*int64(80-12*k)/100)
		}
		h.Cohorts = append(h.Cohorts, c)
	}
	return h
}

func fixedPeriod(i int, start, end time.Time, label string, scale int64) model.Period {
	n := int64(i + 1)
	return model.Period{
		Start: start, End: end, Label: label,
		Newcomers: 3 * n * scale, Active: 50 * n * scale, Events: 420 * n * scale,
		Issued: 1500 * n * scale, Redeemed: 400 * n * scale, Deducted: 10 * n * scale,
		Reports: 2 * n, Decided: 2 * n, Upheld: n,
		Waited: time.Duration(2*n) * time.Duration(n) * 3 * time.Hour, InDay: n,
	}
}

// healthDriver is a Health pane that reads h instead of the store.
func healthDriver(t *testing.T, h model.Health, w, ht int) (*driver, *healthModel) {
	t.Helper()
	p := newHealth(newCommon(demoStore(t)))
	p.read = func() (model.Health, error) { return h, nil }
	d := drive(t, p, w, ht)
	d.noErrors()
	return d, p
}

func TestHealthShowsTheHeadline(t *testing.T) {
	d, _ := healthDriver(t, fixedHealth(), 100, 30)
	v := d.view()
	mustContain(t, v, "Health · by month", "1,234 members", "321 active in the last 7 days", "617 in the last 30",
		"engagement 50%", "12 pending requests", "3 open cases", "as of 2026-11-20 12:00 UTC")
	checkFrame(t, v, 100, 30)
}

func TestHealthTableByMonthThenByWeek(t *testing.T) {
	d, p := healthDriver(t, fixedHealth(), 140, 60)
	v := d.view()
	mustContain(t, v, "By month · the last 12 months, oldest first", "MONTH", "MEAN WAIT", "IN 24H")
	// Oldest first, the current month last and so far.
	first, last := strings.Index(v, "2025-12 "), strings.Index(v, "2026-11 so far")
	if first < 0 || last < first {
		t.Fatalf("the months are not oldest first with the current one last:\n%s", v)
	}
	// December 2025: 2 cases decided, 6h in all: 3h each, half in a day.
	row := lineWith(v, "2025-12 ")
	for _, want := range []string{" 30 ", " 500 ", " 4,200 ", " 15,000 ", " 4,000 ", " 100 ", " 3h ", " 50%"} {
		if !strings.Contains(row+" ", want) {
			t.Fatalf("the row of 2025-12 lacks %q: %q", want, row)
		}
	}
	// A month that decided nothing has no wait.
	if row := lineWith(v, "2026-02 "); strings.Count(row, "—") != 2 {
		t.Fatalf("2026-02 decided nothing: want — twice, got %q", row)
	}
	d.press("p")
	if !p.weeks {
		t.Fatal("p did not switch to weeks")
	}
	v = d.view()
	mustContain(t, v, "Health · by week", "By week · the last 13 weeks", "WEEK", "W35 2026 ", "W47 2026 so far")
	if strings.Contains(v, "2025-12") || strings.Contains(v, "MONTH") {
		t.Fatalf("weeks still show months:\n%s", v)
	}
	mustContain(t, helpText(p), "period: weeks")
	d.press("p")
	mustContain(t, d.view(), "Health · by month", "2026-11 so far")
	mustContain(t, helpText(p), "period: months")
}

func TestHealthRetention(t *testing.T) {
	d, _ := healthDriver(t, fixedHealth(), 140, 60)
	v := d.view()
	mustContain(t, v, "Retention", "JOINED", "MEMBERS", "+0", "+5")
	// June's 100: 80% the month they joined, then 68%, 56%, …
	if row := lineWith(v[strings.Index(v, "JOINED"):], "2026-06 "); !strings.Contains(row, " 100  80%  68%  56%  44%  32%  20%") {
		t.Fatalf("June's cohort: %q", row)
	}
	// November's 600 have only the month they joined: the rest is blank.
	row := lineWith(v[strings.Index(v, "JOINED"):], "2026-11 ")
	if !strings.HasSuffix(strings.TrimRight(row, " "), " 600  80%") {
		t.Fatalf("this month's cohort shows months that have not begun: %q", row)
	}
}

func TestHealthScrolls(t *testing.T) {
	d, p := healthDriver(t, fixedHealth(), 80, 20)
	if len(p.lines) <= p.body() {
		t.Fatalf("the document (%d lines) fits in %d: nothing to scroll", len(p.lines), p.body())
	}
	mustContain(t, d.view(), "lines 1–19 of ")
	mustContain(t, helpText(p), "↑/↓ scroll")
	top := d.view()
	d.press("j")
	if p.scroll != 1 || d.view() == top {
		t.Fatalf("j scrolled to %d", p.scroll)
	}
	d.press("pgdown")
	if p.scroll != 1+18 {
		t.Fatalf("page down scrolled to %d, want 19", p.scroll)
	}
	d.press("G")
	end := len(p.lines) - p.body()
	if p.scroll != end {
		t.Fatalf("G scrolled to %d, want %d", p.scroll, end)
	}
	mustContain(t, d.view(), fmt.Sprintf("lines %d–%d of %d", end+1, len(p.lines), len(p.lines)), "2026-11 ")
	d.press("j")
	if p.scroll != end {
		t.Fatalf("j went past the end: %d", p.scroll)
	}
	d.press("k", "pgup")
	if p.scroll != end-1-18 {
		t.Fatalf("k and page up scrolled to %d, want %d", p.scroll, end-19)
	}
	d.press("g")
	if p.scroll != 0 || d.view() != top {
		t.Fatalf("g scrolled to %d", p.scroll)
	}
	// A taller screen that holds it all cannot stay scrolled.
	d.press("G")
	p.SetSize(80, 200)
	if p.scroll != 0 || strings.Contains(d.view(), "lines ") || strings.Contains(helpText(p), "scroll") {
		t.Fatalf("on a screen tall enough the scroll is %d, the help %q", p.scroll, helpText(p))
	}
}

func TestHealthReloadsWhenTheDataChanges(t *testing.T) {
	h := fixedHealth()
	d, p := healthDriver(t, h, 80, 24)
	reads := 0
	p.read = func() (model.Health, error) { reads++; h.Members++; return h, nil }
	d.send(dataChangedMsg{})
	if reads != 1 {
		t.Fatalf("a change read the health %d times", reads)
	}
	mustContain(t, d.view(), "1,235 members")
	// Out of view it waits, and reads when it comes back.
	p.Blur()
	d.send(dataChangedMsg{})
	if reads != 1 {
		t.Fatal("a pane out of view read the health")
	}
	d.settle(p.Focus())
	if reads != 2 {
		t.Fatalf("coming into view read the health %d times, want once", reads-1)
	}
	mustContain(t, d.view(), "1,236 members")
}

func TestHealthIgnoresWhatIsNotItsOwn(t *testing.T) {
	d, p := healthDriver(t, fixedHealth(), 80, 24)
	before := d.view()
	// An answer to an older load.
	old := model.Health{Members: 7}
	_, cmd := p.Update(healthLoadedMsg{seq: p.seq - 1, health: old})
	if cmd != nil || p.data.Members != 1234 || d.view() != before {
		t.Fatal("an older reading replaced the newer one")
	}
	// Another pane's page, and keys while out of view.
	_, cmd = p.Update(pageMsg[store.Standing]{owner: leaderboardPane})
	if cmd != nil || d.view() != before {
		t.Fatal("another pane's page changed the Health pane")
	}
	p.Blur()
	for _, k := range []string{"p", "j", "G"} {
		if _, cmd := p.Update(keyMsg(k)); cmd != nil || p.weeks || p.scroll != 0 {
			t.Fatalf("%s moved a pane out of view", k)
		}
	}
}

func TestHealthOfAnEmptyCommunity(t *testing.T) {
	empty := model.Health{At: fixedNow}
	for i := range 12 {
		empty.Months = append(empty.Months, model.Period{Label: fmt.Sprintf("2026-%02d", i+1)})
	}
	empty.Weeks = []model.Period{{Label: "W47 2026"}}
	empty.Cohorts = []model.Cohort{{Month: fixedNow, Active: []int64{0}}}
	d, _ := healthDriver(t, empty, 80, 24)
	v := d.view()
	mustContain(t, v, "Nothing to measure yet", "steward import")
	for _, no := range []string{"MONTH", "0 members", " 0 ", "Retention"} {
		if strings.Contains(v, no) {
			t.Fatalf("an empty community shows %q:\n%s", no, v)
		}
	}
	checkFrame(t, v, 80, 24)

	// Members but nothing in the span: the sections say so in words.
	quiet := empty
	quiet.Members = 5
	d, _ = healthDriver(t, quiet, 80, 24)
	mustContain(t, d.view(), "5 members", "Nothing happened in these 12 months.", "Nobody joined in the last 1 month.")
}

func TestHealthShowsAFailedRead(t *testing.T) {
	p := newHealth(newCommon(demoStore(t)))
	p.SetSize(80, 24)
	broken := errors.New("disk on fire")
	p.read = func() (model.Health, error) { return model.Health{}, broken }
	msgs := run(p.Focus())
	_, cmd := p.Update(msgs[0])
	mustContain(t, p.View(), "✗ could not read the community's health", "disk on fire", "  ctrl+r tries again")
	// The app gets it too, for the status line.
	if got := run(cmd); len(got) != 1 || got[0].(errMsg).err != broken {
		t.Fatalf("the app was handed %v", got)
	}
	// A good reading, then a failed one: the numbers stay, under the error.
	p.read = func() (model.Health, error) { return fixedHealth(), nil }
	p.Update(run(p.Focus())[0])
	p.read = func() (model.Health, error) { return model.Health{}, broken }
	p.Update(run(p.Focus())[0])
	mustContain(t, p.View(), "the numbers below are the last reading", "1,234 members")
}

func TestHealthFitsEverySize(t *testing.T) {
	for _, h := range []model.Health{fixedHealth(), {}} {
		d, p := healthDriver(t, h, 80, 24)
		for _, s := range [][2]int{{60, 11}, {61, 12}, {80, 20}, {100, 30}, {140, 36}, {230, 66}, {1, 1}, {20, 3}} {
			p.SetSize(s[0], s[1])
			for _, k := range []string{"g", "G", "p", "p"} {
				d.press(k)
				checkFrame(t, d.view(), s[0], s[1])
			}
		}
	}
}

// TestHealthReadsTheStore runs the pane on the demo community, through the
// store, without a made-up reading.
func TestHealthReadsTheStore(t *testing.T) {
	st := demoStore(t)
	want, err := st.Health(store.DefaultSpan)
	if err != nil {
		t.Fatal(err)
	}
	p := newHealth(newCommon(st))
	d := drive(t, p, 120, 40)
	d.noErrors()
	mustContain(t, d.view(), thousands(want.Members)+" members", thousands(want.Active30)+" in the last 30")
}

func lineWith(view, text string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

func helpText(p Pane) string {
	var b strings.Builder
	for _, k := range p.ShortHelp() {
		b.WriteString(k.Help().Key + " " + k.Help().Desc + "\n")
	}
	return b.String()
}

func TestHealthShowsTheGoals(t *testing.T) {
	h := fixedHealth()
	h.Recent = model.Period{Newcomers: 40, Decided: 2, Waited: 60 * time.Hour}
	h.Retained, h.RetainedOf = 0, 0 // nobody joined the month before last
	h.Goals = model.Goals{Engagement: 60, Retention: 30, Newcomers: 30, DecideWithin: 24 * time.Hour}
	d, _ := healthDriver(t, h, 120, 40)
	view := d.view()
	for goal, want := range map[string][]string{
		"✗ engagement":    {"50%", "aim ≥ 60%", "missed", "members active in the last 30 days"},
		"· retention":     {"—", "aim ≥ 30%", "not yet measured"},
		"✓ newcomers":     {"40", "aim ≥ 30", "met"},
		"✗ decide within": {"30h", "aim ≤ 24h", "missed"},
	} {
		line := lineWith(view, goal+" ")
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("the %s goal's line %q does not say %q", goal, line, w)
			}
		}
	}
	if !strings.Contains(view, "Goals · set in the programme") {
		t.Errorf("no Goals section:\n%s", view)
	}
	h.Goals = model.Goals{}
	d, _ = healthDriver(t, h, 120, 40)
	if strings.Contains(d.view(), "Goals") {
		t.Error("a programme without goals still shows a Goals section")
	}
}

func TestHealthListsWhoIsSlipping(t *testing.T) {
	d, _ := healthDriver(t, fixedHealth(), 100, 80)
	view := d.view()
	mustContain(t, view, "Slipping away · of the 500 with the most points, quiet for 14 to 90 days")
	for handle, want := range map[string][]string{
		"fatima.wang": {"15,705", "6w ago", "Fatima 王"},
		"mallory":     {"3,210", "2w ago", "Mal"},
	} {
		line := lineWith(view, "  "+handle+" ")
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("%s's line %q does not say %q", handle, line, w)
			}
		}
	}
	if strings.Contains(view, "\x1b]2;") {
		t.Error("a member's name set the terminal's title")
	}
	checkFrame(t, view, 100, 80)
	h := fixedHealth()
	h.Slipping = nil
	d, _ = healthDriver(t, h, 100, 80)
	mustContain(t, d.view(), "Nobody: every top contributor was active in the last 14 days.")
}

// The banned are said apart from the members, and only when there are
// some.
func TestHealthSaysTheBannedAreLeftOut(t *testing.T) {
	h := fixedHealth()
	d, _ := healthDriver(t, h, 120, 40)
	if strings.Contains(d.view(), "banned") {
		t.Errorf("banned said of a community that banned nobody:\n%s", d.view())
	}
	h.Banned = 1234
	d, _ = healthDriver(t, h, 120, 40)
	if line := lineWith(d.view(), " members"); !strings.Contains(line, thousands(h.Members)+" members (1,234 banned, left out) · ") {
		t.Errorf("the headline %q does not say who is left out", line)
	}
}
