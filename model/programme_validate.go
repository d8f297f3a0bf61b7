package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ProgrammeError is one problem of a programme. File and Line say where it
// is in a programme file; both are empty for a programme built in code.
type ProgrammeError struct {
	File string
	Line int
	Key  string // e.g. "rewards[2].cost"; "" when no key is at fault
	Why  string
}

func (e ProgrammeError) Error() string {
	var b strings.Builder
	if e.File != "" || e.Line > 0 {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Why)
	// One problem, one line, whatever the key or the message holds.
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(b.String())
}

// ProgrammeErrors is every problem found in a programme, in the order of
// the file.
type ProgrammeErrors []ProgrammeError

func (es ProgrammeErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// keyPath names a value of the programme file: "rewards", "[2]", "cost" is
// rewards[2].cost. Key parts are stored as they are written (quoted when
// they are not bare keys); index parts start with "[".
type keyPath []string

func (k keyPath) String() string {
	var b strings.Builder
	for i, part := range k {
		if i > 0 && !strings.HasPrefix(part, "[") {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

// key is k with one more key part.
func (k keyPath) key(name string) keyPath {
	out := make(keyPath, len(k), len(k)+1)
	copy(out, k)
	return append(out, renderKey(name))
}

// index is k with one more index part.
func (k keyPath) index(i int) keyPath {
	out := make(keyPath, len(k), len(k)+1)
	copy(out, k)
	return append(out, "["+strconv.Itoa(i)+"]")
}

// renderKey writes one part of a key as TOML would: bare when it can be,
// quoted otherwise.
func renderKey(name string) string {
	if name == "" {
		return `""`
	}
	for i := 0; i < len(name); i++ {
		if !isBareKeyByte(name[i]) {
			return strconv.Quote(name)
		}
	}
	return name
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// issue is a problem before it is given a file and a line.
type issue struct {
	path keyPath
	why  string
}

type issues []issue

func (is *issues) add(path keyPath, format string, args ...any) {
	*is = append(*is, issue{path, fmt.Sprintf(format, args...)})
}

// maxWindowDays is the longest rolling window, as ParseDuration's longest
// number of days.
const maxWindowDays = 36500

// maxIDLen is the longest id of an action kind, badge, reward or guideline.
const maxIDLen = 40

// Validate checks a programme against the rules a programme file must
// follow. The error, if any, is a ProgrammeErrors without lines.
func (p Programme) Validate() error {
	found := p.check()
	if len(found) == 0 {
		return nil
	}
	errs := make(ProgrammeErrors, len(found))
	for i, is := range found {
		errs[i] = ProgrammeError{Key: is.path.String(), Why: is.why}
	}
	return errs
}

// check lists the programme's problems, keyed as in the programme file.
func (p Programme) check() issues {
	var is issues
	root := keyPath{}

	if p.WelcomeBonus < 0 {
		is.add(root.key("welcome_bonus"), "must not be negative")
	}
	if p.TierWindow.Days < 0 || p.TierWindow.Days > maxWindowDays {
		is.add(root.key("tier_window"), `must be "lifetime" or 1d to %dd`, maxWindowDays)
	}
	for i, t := range p.ExcludeTags {
		at := root.key("exclude_tags").index(i)
		switch {
		case t == "":
			is.add(at, "must not be empty")
		case !utf8.ValidString(t):
			is.add(at, "must be valid UTF-8")
		case strings.ToLower(t) != t:
			is.add(at, "%q must be lower case", t)
		}
	}
	penalties := root.key("penalties")
	for i, d := range p.Ladder {
		if d <= 0 {
			is.add(penalties.key("ladder").index(i), "must be longer than 0s")
		}
	}
	if p.LadderWindow < 0 {
		is.add(penalties.key("window"), "must not be negative")
	}
	goals := root.key("goals")
	for _, g := range []struct {
		key string
		v   int64
	}{{"engagement", p.Goals.Engagement}, {"retention", p.Goals.Retention}} {
		if g.v < 0 || g.v > 100 {
			is.add(goals.key(g.key), "%d is not a percentage (0 to 100; 0 sets no goal)", g.v)
		}
	}
	if p.Goals.Newcomers < 0 {
		is.add(goals.key("newcomers"), "must not be negative")
	}
	if p.Goals.DecideWithin < 0 {
		is.add(goals.key("decide_within"), "must not be negative")
	}

	is.checkActions(p)
	is.checkTiers(p)
	is.checkBadges(p)
	is.checkRewards(p)
	is.checkGuidelines(p)
	return is
}

func (is *issues) checkActions(p Programme) {
	actions := keyPath{}.key("actions")
	if len(p.Actions) == 0 {
		is.add(actions, "at least one action is required")
	}
	seen := map[string]int{}
	for i, a := range p.Actions {
		at := actions.index(i)
		is.id(at.key("kind"), a.Kind, seen, actions, i)
		is.notNegative(at.key("points"), a.Points)
		is.notNegative(at.key("daily_cap"), a.DailyCap)
		if a.Cooldown < 0 {
			is.add(at.key("cooldown"), "must not be negative")
		}
		is.text(at.key("about"), a.About, false)
	}
}

func (is *issues) checkTiers(p Programme) {
	tiers := keyPath{}.key("tiers")
	if len(p.Tiers) == 0 {
		is.add(tiers, "at least one tier is required")
	}
	seen := map[string]int{}
	for i, t := range p.Tiers {
		at := tiers.index(i)
		if is.text(at.key("name"), t.Name, true) {
			if j, dup := seen[t.Name]; dup {
				is.add(at.key("name"), "%q is already the name of %s", t.Name, tiers.index(j))
			} else {
				seen[t.Name] = i
			}
		}
		switch {
		case t.Threshold < 0:
			is.add(at.key("threshold"), "must not be negative")
		case i == 0 && t.Threshold != 0:
			is.add(at.key("threshold"), "must be 0: the first tier is where every member starts")
		case i > 0 && t.Threshold <= p.Tiers[i-1].Threshold:
			is.add(at.key("threshold"), "must be greater than %d, the threshold of %s",
				p.Tiers[i-1].Threshold, tiers.index(i-1))
		}
		is.text(at.key("perks"), t.Perks, false)
	}
}

func (is *issues) checkBadges(p Programme) {
	badges := keyPath{}.key("badges")
	seen := map[string]int{}
	for i, b := range p.Badges {
		at := badges.index(i)
		is.id(at.key("id"), b.ID, seen, badges, i)
		is.text(at.key("name"), b.Name, true)
		is.text(at.key("about"), b.About, false)
		if b.Rule < Manual || b.Rule > TopOfMonth {
			is.add(at.key("rule"), "is not a badge rule (want %s)", badgeRuleList)
			continue
		}
		takesKind := b.Rule == CountOf || b.Rule == FirstOf
		switch {
		case takesKind && b.Kind == "":
			is.add(at.key("kind"), "is required for a %s badge (the action kind it counts)", b.Rule)
		case takesKind:
			if _, ok := p.Action(b.Kind); !ok {
				is.add(at.key("kind"), "%q is not an action kind", b.Kind)
			}
		case b.Kind != "":
			is.add(at.key("kind"), "only count and first badges take a kind, not %s", b.Rule)
		}
		switch {
		case b.N < 0:
			is.add(at.key("n"), "must not be negative")
		case b.N < 1 && (b.Rule == CountOf || b.Rule == StreakOf || b.Rule == TopOfMonth):
			is.add(at.key("n"), "must be at least 1 for a %s badge", b.Rule)
		}
	}
}

func (is *issues) checkRewards(p Programme) {
	rewards := keyPath{}.key("rewards")
	seen := map[string]int{}
	for i, r := range p.Rewards {
		at := rewards.index(i)
		is.id(at.key("id"), r.ID, seen, rewards, i)
		is.text(at.key("name"), r.Name, true)
		is.notNegative(at.key("cost"), r.Cost)
		if r.MinTier != "" && p.TierIndex(r.MinTier) < 0 {
			is.add(at.key("min_tier"), "%q is not a tier", r.MinTier)
		}
		if r.Stock < Unlimited {
			is.add(at.key("stock"), `must not be negative (write "unlimited" for no limit)`)
		}
	}
}

func (is *issues) checkGuidelines(p Programme) {
	guidelines := keyPath{}.key("guidelines")
	seen := map[string]int{}
	for i, g := range p.Guidelines {
		at := guidelines.index(i)
		is.id(at.key("id"), g.ID, seen, guidelines, i)
		is.text(at.key("title"), g.Title, true)
		is.text(at.key("text"), g.Text, false)
	}
}

// id checks the id of element i of a list, and that no earlier element
// has it.
func (is *issues) id(at keyPath, id string, seen map[string]int, list keyPath, i int) {
	if id == "" {
		is.add(at, "is required")
		return
	}
	if !validID(id) {
		is.add(at, "%q is not a valid id (use 1 to %d of a-z, 0-9, _ and -)", id, maxIDLen)
		return
	}
	if j, dup := seen[id]; dup {
		is.add(at, "%q is already used by %s", id, list.index(j))
		return
	}
	seen[id] = i
}

func validID(id string) bool {
	if len(id) < 1 || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// text checks a free-text value; it reports whether the value is usable.
func (is *issues) text(at keyPath, s string, required bool) bool {
	switch {
	case required && s == "":
		is.add(at, "is required")
		return false
	case !utf8.ValidString(s):
		is.add(at, "must be valid UTF-8")
		return false
	}
	return true
}

func (is *issues) notNegative(at keyPath, n int64) {
	if n < 0 {
		is.add(at, "must not be negative")
	}
}

var badgeRuleList = func() string {
	var names []string
	for r := Manual; r <= TopOfMonth; r++ {
		names = append(names, r.String())
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}()
