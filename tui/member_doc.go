package tui

import (
	"fmt"
	"strings"
	"time"

	"steward/model"
	"steward/store"
	"steward/termtext"
)

// detailLines draws a member's screen as lines of width cells. It is pure:
// the detail calls it when the data or the width changes, not on each View.
func detailLines(c *Common, d store.Detail, history []model.Entry, more bool, width int) []string {
	b := &doc{st: &c.Styles, w: max(20, width)}
	now := c.now()
	m := d.Member
	b.split(" "+m.Handle+" · "+m.Name, statusWord(m, now))
	facts := []string{"joined " + day(m.Joined), "last active " + ago(now, m.LastActive)}
	if m.ReferredBy != "" {
		facts = append(facts, "referred by "+m.ReferredBy)
	}
	if len(m.Tags) > 0 {
		facts = append(facts, "tags "+strings.Join(m.Tags, ", "))
	}
	b.wrap("  ", strings.Join(facts, " · "), 2)
	b.blank()
	b.tier(d)
	if m.Held != 0 {
		b.label("Balance", fmt.Sprintf("%d points · %d held by requests · %d available", m.Balance, m.Held, m.Available()))
	} else {
		b.label("Balance", fmt.Sprintf("%d points, all available", m.Balance))
	}
	if d.Activity.Streak > 0 || d.Activity.BestStreak > 0 {
		b.label("Streak", fmt.Sprintf("%s (best %d)", plural(int(d.Activity.Streak), "day", "days"), d.Activity.BestStreak))
	}
	// What a moderator weighs first, then what the member earned.
	b.sanctions(d.Sanctions)
	b.cases(c, d.Cases)
	b.notes(d.Notes)
	b.badges(c, d.Badges)
	b.kinds(d.Activity.Kinds)
	b.requests(c, d.Requests)
	b.history(history, more)
	return b.lines
}

// statusWord is a member's status in words and a symbol, never by colour
// alone.
func statusWord(m model.Member, now time.Time) string {
	switch m.StatusAt(now) {
	case model.Suspended:
		return "⚠ " + m.StatusLabel(now)
	case model.Banned:
		return "✖ banned"
	}
	return "active"
}

// doc collects the lines of a detail screen.
type doc struct {
	st    *Styles
	w     int
	lines []string
	empty bool // the last line is the heading of an empty section
}

func (b *doc) add(s string) { b.lines = append(b.lines, s); b.empty = false }
func (b *doc) blank()       { b.add("") }

// text adds a line of untrusted text, cut to the width.
func (b *doc) text(s string) { b.add(termtext.Cut(s, b.w)) }

// split adds a line with left and right parts.
func (b *doc) split(left, right string) {
	rw := termtext.Width(right)
	if rw+2 >= b.w {
		b.text(left)
		return
	}
	b.add(b.st.Title.Render(termtext.Fit(left, b.w-rw-1)) + " " + right)
}

// wrap adds untrusted text wrapped to the width, at most lines lines.
func (b *doc) wrap(indent, s string, lines int) {
	for _, l := range termtext.Wrap(s, b.w-len(indent), lines) {
		b.add(indent + l)
	}
}

// heading starts a section; n is its count of items, or -1. An empty
// section is its heading alone: "Notes: none".
func (b *doc) heading(title string, n int) {
	if n != 0 || !b.empty {
		b.blank() // empty sections in a row stay together
	}
	switch {
	case n == 0:
		b.add(b.st.Detail.Heading.Render(" "+title) + b.st.Detail.Label.Render(": none"))
		b.empty = true
		return
	case n > 0:
		title = fmt.Sprintf("%s (%d)", title, n)
	}
	b.add(b.st.Detail.Heading.Render(" " + title))
}

func (b *doc) label(name, value string) {
	b.add(b.st.Detail.Label.Render(fmt.Sprintf(" %-10s", name)) + termtext.Cut(value, b.w-11))
}

// none adds a quiet line of our own words, wrapped.
func (b *doc) none(what string) {
	for _, l := range termtext.Wrap(what, b.w-3, 3) {
		b.add(b.st.Detail.Label.Render("   " + l))
	}
}

// tier draws the tier and, under it, a progress bar to the next one with
// the numbers beside it.
func (b *doc) tier(d store.Detail) {
	if d.Next == nil {
		b.label("Tier", fmt.Sprintf("%s · top tier · %d qualifying points", d.Tier.Name, d.TierPoints))
		return
	}
	from, to := d.Tier.Threshold, d.Next.Threshold
	b.label("Tier", fmt.Sprintf("%s · %d points to %s", d.Tier.Name, max(0, to-d.TierPoints), d.Next.Name))
	nums := fmt.Sprintf(" %d/%d", d.TierPoints, to)
	if bar := min(40, b.w-12) - len(nums); bar >= 6 {
		b.add(strings.Repeat(" ", 11) + progressBar(b.st, d.TierPoints-from, to-from, bar) + nums)
	}
}

func (b *doc) badges(c *Common, grants []model.BadgeGrant) {
	b.heading("Badges", len(grants))
	for _, g := range grants {
		name := g.Badge
		if bd, ok := c.Prog.Badge(g.Badge); ok {
			name = bd.Name
		}
		line := "   ★ " + termtext.Fit(name, 20) + " " + day(g.At)
		switch {
		case g.By != "" && g.Note != "":
			line += " by " + g.By + ": “" + g.Note + "”"
		case g.By != "":
			line += " by " + g.By
		case g.Note != "":
			line += " · " + g.Note
		}
		b.text(line)
	}
}

func (b *doc) kinds(kinds []model.KindStats) {
	b.heading("Points by action", -1)
	if len(kinds) == 0 {
		b.none("no activity yet")
	}
	for _, k := range kinds {
		line := fmt.Sprintf("   %-16s %6d× %7s", k.Kind, k.Count, signed(k.Points))
		if k.Withheld > 0 {
			line += fmt.Sprintf("   %d held back by caps", k.Withheld)
		}
		b.text(line)
	}
}

func (b *doc) notes(notes []model.Note) {
	b.heading("Notes", len(notes))
	for _, n := range notes {
		b.wrap("   ", day(n.At)+" "+n.By+": "+n.Text, 4)
	}
}

func (b *doc) sanctions(ss []model.Sanction) {
	b.heading("Penalties and warnings", len(ss))
	for _, s := range ss {
		what := s.Kind.String()
		switch s.Kind {
		case model.Deduction:
			what = fmt.Sprintf("deduction of %d", s.Points)
		case model.Suspension:
			what = "suspension for " + model.FormatDuration(s.Duration)
		}
		if s.Lifted {
			what += " (undone)"
		}
		b.wrap("   ", fmt.Sprintf("%s %s by %s: %s", day(s.At), what, s.By, s.Reason), 3)
	}
}

func (b *doc) cases(c *Common, cases []model.Case) {
	b.heading("Reports about them", len(cases))
	for _, cs := range cases {
		status := cs.Status.String()
		if cs.Status == model.Actioned {
			status = cs.Action.String()
		}
		b.text(fmt.Sprintf("   %s %-9s %s · %s · %s", day(cs.FirstAt), status, c.guidelineTitle(cs.Guideline),
			plural(len(cs.Reporters()), "reporter", "reporters"), cs.Content))
	}
}

func (b *doc) requests(c *Common, reqs []model.Request) {
	b.heading("Redemptions", len(reqs))
	for _, r := range reqs {
		name := r.Reward
		if rw, ok := c.Prog.Reward(r.Reward); ok {
			name = rw.Name
		}
		line := fmt.Sprintf("   %s %-9s %5d  %s", day(r.At), r.Status, r.Cost, name)
		if r.Reason != "" {
			line += " — " + r.Reason
		}
		b.text(line)
	}
}

// history draws the points history: when, what, how much, the rule that
// priced it and what a cap or a moderator said.
func (b *doc) history(entries []model.Entry, more bool) {
	b.heading("Points history", -1)
	if len(entries) == 0 {
		b.none("no points yet")
	}
	for _, e := range entries {
		note := e.Why
		if e.Withheld > 0 {
			note = fmt.Sprintf("%d held back: %s", e.Withheld, e.Why)
		}
		if e.By != "" && e.Type != model.Earned {
			note = strings.TrimSpace(note + " (" + e.By + ")")
		}
		pts := signed(e.Points)
		if e.Points == 0 && e.Held != 0 {
			pts = "held " + fmt.Sprint(e.Held)
		}
		b.text(fmt.Sprintf("   %s %-9s %8s  %-16s %s", e.At.UTC().Format("2006-01-02 15:04"), e.Type, pts, e.Rule, note))
	}
	if more {
		b.none("… older lines load as you scroll")
	}
}
