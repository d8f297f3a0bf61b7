package model

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tomlLines joins lines into a file, so that a case's line numbers can be
// read off its position in the list.
func tomlLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// A valid action and a valid tier, three lines each.
var (
	okAction = []string{`[[actions]]`, `kind = "post"`, `points = 5`}
	okTier   = []string{`[[tiers]]`, `name = "Beginner"`, `threshold = 0`}
)

// base is a valid action and tier.
func base() []string { return append(append([]string{}, okAction...), okTier...) }

// withBase is a file of base, then lines from line 7 on.
func withBase(lines ...string) string { return tomlLines(append(base(), lines...)...) }

var parseErrorCases = []struct {
	name string
	file string
	want []string
}{
	{"syntax: missing value", tomlLines(`welcome_bonus = 10`, `tier_window =`),
		[]string{`p.toml:2: tier_window: expected value but found '\n' instead`}},
	{"syntax: key defined twice", withBase(`[[actions]]`, `kind = "reply"`, `points = 1`, `points = 2`),
		[]string{`p.toml:10: actions.points: Key 'actions.points' has already been defined.`}},
	{"syntax: integer out of range", tomlLines(append([]string{`welcome_bonus = 99999999999999999999`}, base()...)...),
		[]string{`p.toml:1: welcome_bonus: 99999999999999999999 is out of range for int64`}},
	{"nested too deep", tomlLines(append(base(), `x = `+strings.Repeat("[", 40)+strings.Repeat("]", 40))...),
		[]string{`p.toml:7: keys and values nest more than 32 levels deep`}},
	{"nested but not too deep", tomlLines(append(base(), `x.y = `+strings.Repeat("[{z = ", 10)+"1"+strings.Repeat("}]", 10))...),
		[]string{`p.toml:7: tiers[0].x: unknown key (expected name, threshold or perks)`}},
	{"empty file", "",
		[]string{
			`p.toml:1: actions: at least one action is required`,
			`p.toml:1: tiers: at least one tier is required`,
		}},
	{"no actions", tomlLines(append([]string{`actions = []`}, okTier...)...),
		[]string{`p.toml:1: actions: at least one action is required`}},
	{"unknown key at the top", tomlLines(append([]string{`welcome_bonus = 1`, `colour = "red"`}, base()...)...),
		[]string{`p.toml:2: colour: unknown key (expected welcome_bonus, tier_window, exclude_tags, penalties, goals, actions, tiers, badges, rewards or guidelines)`}},
	{"unknown key in an action", withBase(`[[actions]]`, `kind = "reply"`, `points = 1`, `dailycap = 3`),
		[]string{`p.toml:10: actions[1].dailycap: unknown key (did you mean daily_cap?)`}},
	{"unknown key, wrong case", withBase(`[[actions]]`, `kind = "reply"`, `Points = 1`),
		[]string{
			`p.toml:7: actions[1].points: is required`,
			`p.toml:9: actions[1].Points: unknown key (did you mean points?)`,
		}},
	{"goals out of range", withBase(`[goals]`, `engagement = 120`, `retention = -5`, `newcomers = -1`, `decide_within = "soon"`),
		[]string{
			`p.toml:8: goals.engagement: 120 is not a percentage (0 to 100; 0 sets no goal)`,
			`p.toml:9: goals.retention: -5 is not a percentage (0 to 100; 0 sets no goal)`,
			`p.toml:10: goals.newcomers: must not be negative`,
			`p.toml:11: goals.decide_within: "soon" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
		}},
	{"a goal misspelt", withBase(`[goals]`, `engagment = 30`),
		[]string{`p.toml:8: goals.engagment: unknown key (did you mean engagement?)`}},
	{"unknown table", withBase(`[penalties]`, `ladder = ["1d"]`, `[penalties.extra]`, `x = 1`),
		[]string{`p.toml:9: penalties.extra: unknown key (expected ladder or window)`}},
	{"unknown quoted key", withBase(`[[guidelines]]`, `id = "spam"`, `title = "No spam"`, `"the text" = "…"`),
		[]string{`p.toml:10: guidelines[0]."the text": unknown key (expected id, title or text)`}},
	{"escaped quoted keys", withBase(`[[guidelines]]`, `"\u0069d" = "spam"`, `'title' = "No spam"`, `"te\x78t\t" = "…"`),
		[]string{`p.toml:10: guidelines[0]."text\t": unknown key (did you mean text?)`}},
	{"not an array", tomlLines(append([]string{`exclude_tags = "staff"`}, base()...)...),
		[]string{`p.toml:1: exclude_tags: must be an array, not a string`}},
	{"table in the ladder", withBase(`[penalties]`, `ladder = [{days = 1}]`),
		[]string{`p.toml:8: penalties.ladder[0]: must be a duration like "7d", not a table`}},
	{"wrong type", withBase(`[[actions]]`, `kind = "reply"`, `points = "two"`),
		[]string{`p.toml:9: actions[1].points: must be an integer, not a string`}},
	{"float for an integer", tomlLines(append([]string{`welcome_bonus = 2.5`}, base()...)...),
		[]string{`p.toml:1: welcome_bonus: must be an integer, not a float`}},
	{"key after a table goes into it", withBase(`welcome_bonus = 2`),
		[]string{`p.toml:7: tiers[0].welcome_bonus: unknown key (expected name, threshold or perks)`}},
	{"table for an array of tables", tomlLines(append([]string{`[actions]`, `kind = "post"`, `points = 5`}, okTier...)...),
		[]string{`p.toml:1: actions: must be an array of tables ([[actions]]), not a table`}},
	{"array of tables for a table", withBase(`[[penalties]]`, `window = "7d"`),
		[]string{`p.toml:7: penalties: must be a table ([penalties]), not an array`}},
	{"not a table in an inline array", tomlLines(append([]string{`actions = [`, `  {kind = "post", points = 5},`, `  "reply",`, `]`}, okTier...)...),
		[]string{`p.toml:3: actions[1]: must be a table, not a string`}},
	{"boolean", withBase(`[[rewards]]`, `id = "mug"`, `name = "Mug"`, `cost = 10`, `auto_approve = "yes"`),
		[]string{`p.toml:11: rewards[0].auto_approve: must be true or false, not a string`}},
	{"missing required keys", withBase(`[[rewards]]`, `id = "mug"`, ``, `[[guidelines]]`, `title = "No spam"`),
		[]string{
			`p.toml:7: rewards[0].name: is required`,
			`p.toml:7: rewards[0].cost: is required`,
			`p.toml:10: guidelines[0].id: is required`,
		}},
	{"negative numbers", tomlLines(
		`welcome_bonus = -1`,
		`[[actions]]`,
		`kind = "post"`,
		`points = -5`,
		`daily_cap = -25`,
		`[[tiers]]`,
		`name = "Beginner"`,
		`threshold = 0`,
		`[[rewards]]`,
		`id = "mug"`,
		`name = "Mug"`,
		`cost = -10`,
		`stock = -1`,
		`[[badges]]`,
		`id = "b"`,
		`name = "B"`,
		`rule = "manual"`,
		`n = -2`),
		[]string{
			`p.toml:1: welcome_bonus: must not be negative`,
			`p.toml:4: actions[0].points: must not be negative`,
			`p.toml:5: actions[0].daily_cap: must not be negative`,
			`p.toml:12: rewards[0].cost: must not be negative`,
			`p.toml:13: rewards[0].stock: must not be negative (write "unlimited" for no limit)`,
			`p.toml:18: badges[0].n: must not be negative`,
		}},
	{"negative threshold", tomlLines(append(append([]string{}, okAction...), `[[tiers]]`, `name = "Beginner"`, `threshold = -3`)...),
		[]string{`p.toml:6: tiers[0].threshold: must not be negative`}},
	{"stock", withBase(
		`[[rewards]]`, `id = "a"`, `name = "A"`, `cost = 1`, `stock = "lots"`,
		`[[rewards]]`, `id = "b"`, `name = "B"`, `cost = 1`, `stock = 2.5`,
		`[[rewards]]`, `id = "c"`, `name = "C"`, `cost = 1`, `stock = "unlimited"`,
		`[[rewards]]`, `id = "d"`, `name = "D"`, `cost = 1`, `stock = 0`),
		[]string{
			`p.toml:11: rewards[0].stock: "lots" must be a number of items or "unlimited"`,
			`p.toml:16: rewards[1].stock: must be a number of items or "unlimited", not a float`,
		}},
	{"durations", withBase(
		`[penalties]`,
		`ladder = ["1d", "a week", 7]`,
		`window = "forever"`,
		`[[actions]]`,
		`kind = "reply"`,
		`points = 1`,
		`cooldown = "2 min"`),
		[]string{
			`p.toml:8: penalties.ladder[1]: "a week" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
			`p.toml:8: penalties.ladder[2]: must be a duration like "7d", not an integer`,
			`p.toml:9: penalties.window: "forever" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
			`p.toml:13: actions[1].cooldown: "2 min" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
		}},
	{"zero suspension", withBase(`[penalties]`, `ladder = [`, `  "1d",`, `  "0s",`, `]`),
		[]string{`p.toml:10: penalties.ladder[1]: must be longer than 0s`}},
	{"tier window", tomlLines(append([]string{`tier_window = "1y"`}, base()...)...),
		[]string{`p.toml:1: tier_window: "1y" must be "lifetime" or a number of days like "365d"`}},
	{"tier window of 0 days", tomlLines(append([]string{`tier_window = "0d"`}, base()...)...),
		[]string{`p.toml:1: tier_window: "0d" must be "lifetime" or a number of days like "365d"`}},
	{"tier window too long", tomlLines(append([]string{`tier_window = "36501d"`}, base()...)...),
		[]string{`p.toml:1: tier_window: "36501d" must be "lifetime" or a number of days like "365d"`}},
	{"first tier not at 0", tomlLines(append(append([]string{}, okAction...), `[[tiers]]`, `name = "Beginner"`, `threshold = 10`)...),
		[]string{`p.toml:6: tiers[0].threshold: must be 0: the first tier is where every member starts`}},
	{"tiers out of order", withBase(
		`[[tiers]]`, `name = "Professional"`, `threshold = 1000`,
		`[[tiers]]`, `name = "Experienced"`, `threshold = 250`,
		`[[tiers]]`, `name = "Same"`, `threshold = 250`),
		[]string{
			`p.toml:12: tiers[2].threshold: must be greater than 1000, the threshold of tiers[1]`,
			`p.toml:15: tiers[3].threshold: must be greater than 250, the threshold of tiers[2]`,
		}},
	{"duplicate tier", withBase(`[[tiers]]`, `name = "Beginner"`, `threshold = 10`),
		[]string{`p.toml:8: tiers[1].name: "Beginner" is already the name of tiers[0]`}},
	{"duplicate action", withBase(`[[actions]]`, `kind = "post"`, `points = 1`),
		[]string{`p.toml:8: actions[1].kind: "post" is already used by actions[0]`}},
	{"duplicate ids", withBase(
		`[[badges]]`, `id = "b"`, `name = "B"`, `rule = "manual"`,
		`[[badges]]`, `id = "b"`, `name = "B again"`, `rule = "manual"`,
		`[[rewards]]`, `id = "r"`, `name = "R"`, `cost = 1`,
		`[[rewards]]`, `id = "r"`, `name = "R again"`, `cost = 1`,
		`[[guidelines]]`, `id = "g"`, `title = "G"`,
		`[[guidelines]]`, `id = "g"`, `title = "G again"`),
		[]string{
			`p.toml:12: badges[1].id: "b" is already used by badges[0]`,
			`p.toml:20: rewards[1].id: "r" is already used by rewards[0]`,
			`p.toml:27: guidelines[1].id: "g" is already used by guidelines[0]`,
		}},
	{"invalid ids", withBase(
		`[[rewards]]`, `id = "T-Shirt"`, `name = "T"`, `cost = 1`,
		`[[guidelines]]`, `id = "`+strings.Repeat("x", 41)+`"`, `title = "G"`,
		`[[actions]]`, `kind = "a b"`, `points = 1`),
		[]string{
			`p.toml:8: rewards[0].id: "T-Shirt" is not a valid id (use 1 to 40 of a-z, 0-9, _ and -)`,
			`p.toml:12: guidelines[0].id: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" is not a valid id (use 1 to 40 of a-z, 0-9, _ and -)`,
			`p.toml:15: actions[1].kind: "a b" is not a valid id (use 1 to 40 of a-z, 0-9, _ and -)`,
		}},
	{"badge rules", withBase(
		`[[badges]]`, `id = "a"`, `name = "A"`, `rule = "weekly"`,
		`[[badges]]`, `id = "b"`, `name = "B"`, `rule = "count"`, `kind = "posts"`, `n = 3`,
		`[[badges]]`, `id = "c"`, `name = "C"`, `rule = "count"`, `kind = "post"`, `n = 0`,
		`[[badges]]`, `id = "d"`, `name = "D"`, `rule = "streak"`,
		`[[badges]]`, `id = "e"`, `name = "E"`, `rule = "top_month"`, `n = 0`,
		`[[badges]]`, `id = "f"`, `name = "F"`, `rule = "first"`,
		`[[badges]]`, `id = "g"`, `name = "G"`, `rule = "streak"`, `kind = "post"`, `n = 7`),
		[]string{
			`p.toml:10: badges[0].rule: "weekly" is not a badge rule (want manual, count, first, streak or top_month)`,
			`p.toml:15: badges[1].kind: "posts" is not an action kind`,
			`p.toml:22: badges[2].n: must be at least 1 for a count badge`,
			`p.toml:23: badges[3].n: must be at least 1 for a streak badge`,
			`p.toml:31: badges[4].n: must be at least 1 for a top_month badge`,
			`p.toml:32: badges[5].kind: is required for a first badge (the action kind it counts)`,
			`p.toml:40: badges[6].kind: only count and first badges take a kind, not streak`,
		}},
	{"reward tier", withBase(`[[rewards]]`, `id = "mug"`, `name = "Mug"`, `cost = 10`, `min_tier = "Gold"`),
		[]string{`p.toml:11: rewards[0].min_tier: "Gold" is not a tier`}},
	{"exclude tags", tomlLines(append([]string{`exclude_tags = ["staff", "Bots", ""]`}, base()...)...),
		[]string{
			`p.toml:1: exclude_tags[1]: "Bots" must be lower case`,
			`p.toml:1: exclude_tags[2]: must not be empty`,
		}},
	{"inline tables", tomlLines(
		`actions = [{kind = "post", points = 5}]`,
		`tiers = [`,
		`  {name = "Beginner", threshold = 0},`,
		`  {name = "Experienced",`,
		`   threshold = 0},`,
		`]`,
		`penalties = {ladder = ["1d"], window = "x"}`),
		[]string{
			`p.toml:5: tiers[1].threshold: must be greater than 0, the threshold of tiers[0]`,
			`p.toml:7: penalties.window: "x" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
		}},
	{"lines after multi-line strings and comments", tomlLines(append(append([]string{}, okAction...),
		`about = """`,
		`one`,
		`two"""`,
		`# a comment [[tiers]]`,
		`[[tiers]] # the first tier`,
		`name = '''Begin''''`, // a literal string ending in '
		`threshold = 5`)...),
		[]string{`p.toml:10: tiers[0].threshold: must be 0: the first tier is where every member starts`}},
	{"quoted table names", tomlLines(append(append([]string{}, okAction...), `[["tiers"]]`, `"name" = "A"`, `'threshold' = 1`)...),
		[]string{`p.toml:6: tiers[0].threshold: must be 0: the first tier is where every member starts`}},
	{"several problems", tomlLines(
		`welcome_bonus = -10`,
		`tier_window = "year"`,
		``,
		`[[actions]]`,
		`kind = "post"`,
		`points = 5`,
		`cooldown = "soon"`,
		``,
		`[[tiers]]`,
		`name = "Beginner"`,
		`threshold = 0`,
		``,
		`[[tiers]]`,
		`name = "Beginner"`,
		`threshold = 0`,
		``,
		`[[rewards]]`,
		`id = "t-shirt"`,
		`name = "T-shirt"`,
		`cost = -800`,
		`min_tier = "Experienced"`,
		`colour = "blue"`),
		[]string{
			`p.toml:1: welcome_bonus: must not be negative`,
			`p.toml:2: tier_window: "year" must be "lifetime" or a number of days like "365d"`,
			`p.toml:7: actions[0].cooldown: "soon" is not a duration (want e.g. 30s, 15m, 36h, 7d)`,
			`p.toml:14: tiers[1].name: "Beginner" is already the name of tiers[0]`,
			`p.toml:15: tiers[1].threshold: must be greater than 0, the threshold of tiers[0]`,
			`p.toml:20: rewards[0].cost: must not be negative`,
			`p.toml:21: rewards[0].min_tier: "Experienced" is not a tier`,
			`p.toml:22: rewards[0].colour: unknown key (expected id, name, cost, min_tier, stock or auto_approve)`,
		}},
}

func TestParseProgrammeErrors(t *testing.T) {
	for _, c := range parseErrorCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseProgramme("p.toml", []byte(c.file))
			if err == nil {
				t.Fatalf("no error; want:\n%s\nprogramme: %+v", strings.Join(c.want, "\n"), p)
			}
			var errs ProgrammeErrors
			if !errors.As(err, &errs) {
				t.Fatalf("error is a %T, want ProgrammeErrors", err)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got:\n%s\nwant:\n%s", err, strings.Join(c.want, "\n"))
			}
			for _, e := range errs {
				if e.File != "p.toml" || e.Line < 1 || e.Why == "" {
					t.Errorf("incomplete error %#v", e)
				}
			}
			if !reflect.DeepEqual(p, Programme{}) {
				t.Errorf("programme returned with an error: %+v", p)
			}
		})
	}
}

func TestProgrammeErrorsAsValues(t *testing.T) {
	_, err := ParseProgramme("club.toml", []byte(withBase(`[[rewards]]`, `id = "mug"`, `name = "Mug"`, `cost = -1`)))
	var errs ProgrammeErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v is not ProgrammeErrors", err)
	}
	want := ProgrammeErrors{{File: "club.toml", Line: 10, Key: "rewards[0].cost", Why: "must not be negative"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got %#v, want %#v", errs, want)
	}
	if got := (ProgrammeError{Key: "a\nb", Why: "c\nd"}).Error(); got != `a\nb: c\nd` {
		t.Errorf("newlines kept in one error: %q", got)
	}
}

func TestDefaultRoundTrip(t *testing.T) {
	def := Default()
	if err := def.Validate(); err != nil {
		t.Fatalf("Default() is not valid:\n%v", err)
	}
	file := def.EncodeTOML()
	got, err := ParseProgramme("default.toml", file)
	if err != nil {
		t.Fatalf("parsing the encoded default:\n%v\n%s", err, file)
	}
	if !reflect.DeepEqual(got, def) {
		t.Errorf("round trip changed the default:\ngot  %+v\nwant %+v", got, def)
	}
	if d := DiffProgrammes(def, got); len(d) > 0 {
		t.Errorf("diff after a round trip: %q", d)
	}
	if again := got.EncodeTOML(); !bytes.Equal(again, file) {
		t.Errorf("encoding is not stable")
	}
}

func TestEncodeTOMLIsCommented(t *testing.T) {
	file := string(Default().EncodeTOML())
	for _, want := range []string{
		"welcome_bonus = 10\n",
		"tier_window = \"lifetime\"\n",
		"exclude_tags = [\"staff\"]\n",
		"[penalties]\nladder = [\"1d\", \"7d\", \"30d\"]\nwindow = \"180d\"\n",
		"[[actions]]\nkind = \"post\"\npoints = 5\ndaily_cap = 25\ncooldown = \"2m\"\nabout = \"starting a discussion\"\n",
		"cooldown = \"30s\"\n",
		"[[rewards]]\nid = \"t-shirt\"\nname = \"Community T-shirt\"\ncost = 800\nmin_tier = \"Experienced\"\nstock = 50\nauto_approve = false\n",
		"stock = \"unlimited\"\n",
		"[[badges]]\nid = \"thank-you\"\nname = \"Thank you\"\nrule = \"manual\"\nabout =",
	} {
		if !strings.Contains(file, want) {
			t.Errorf("encoded default lacks %q", want)
		}
	}
	// Every section is introduced by a comment.
	for _, header := range []string{"[penalties]", "[[actions]]", "[[tiers]]", "[[badges]]", "[[rewards]]", "[[guidelines]]"} {
		i := strings.Index(file, header)
		before := strings.TrimRight(file[:i], "\n")
		last := before[strings.LastIndex(before, "\n")+1:]
		if !strings.HasPrefix(last, "#") {
			t.Errorf("no comment above the first %s (line before: %q)", header, last)
		}
	}
}

// oddProgramme is valid but uses the corners of the format.
func oddProgramme() Programme {
	return Programme{
		Actions: []ActionRule{
			{Kind: "a", Points: 0, Cooldown: 1500 * time.Millisecond,
				About: "quote \" backslash \\ tab\t newline\n cr\r nul\x00 esc\x1b del\x7f é 🎉 # [x]"},
			{Kind: "b-2_", Points: math.MaxInt64, DailyCap: 1, Cooldown: time.Hour + 30*time.Second},
			{Kind: strings.Repeat("z", 40), Points: 1, Cooldown: 36501 * day},
			{Kind: "d", Points: 1, Cooldown: time.Nanosecond},
		},
		Tiers: []Tier{
			{Name: `Ünïcode "quoted"`, Threshold: 0},
			{Name: "#not a comment", Threshold: math.MaxInt64, Perks: "'''"},
		},
		TierWindow: Window{Days: maxWindowDays},
		Badges: []Badge{
			{ID: "m", Name: "M", Rule: Manual, N: 3},
			{ID: "f", Name: "F", Rule: FirstOf, Kind: "a"},
			{ID: "t", Name: "T", Rule: TopOfMonth, N: 1},
			{ID: "c", Name: "C", Rule: CountOf, Kind: "d", N: math.MaxInt32},
		},
		Rewards: []Reward{
			{ID: "free", Name: "Free", Cost: 0, Stock: 0, MinTier: "#not a comment", AutoApprove: true},
			{ID: "many", Name: "Many", Cost: 1, Stock: math.MaxInt64},
		},
		Guidelines:  []Guideline{{ID: "g", Title: "G", Text: "line one\nline two\n\n\"\"\"'''"}},
		Ladder:      []time.Duration{time.Second, 90 * time.Minute, time.Nanosecond, math.MaxInt64},
		ExcludeTags: []string{"bots", "été", "a b"},
	}
}

func TestRoundTrip(t *testing.T) {
	minimal := Programme{Actions: []ActionRule{{Kind: "post", Points: 1}}, Tiers: []Tier{{Name: "Only"}}}
	withWindows := Default()
	withWindows.TierWindow = Window{Days: 365}
	withWindows.LadderWindow = 0
	withWindows.Ladder = nil
	withWindows.ExcludeTags = nil
	for name, p := range map[string]Programme{"odd": oddProgramme(), "minimal": minimal, "windows": withWindows} {
		t.Run(name, func(t *testing.T) {
			if err := p.Validate(); err != nil {
				t.Fatalf("not valid:\n%v", err)
			}
			file := p.EncodeTOML()
			got, err := ParseProgramme("x", file)
			if err != nil {
				t.Fatalf("%v\n%s", err, file)
			}
			if !reflect.DeepEqual(got, p) {
				t.Errorf("round trip changed the programme:\ngot  %#v\nwant %#v\n%s", got, p, file)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	p := Default()
	p.WelcomeBonus = -1
	p.TierWindow = Window{Days: -3}
	p.Actions[1].Kind = "Reply"
	p.Actions[2].Cooldown = -time.Second
	p.Tiers[2].Threshold = 100
	p.Badges[0].Rule = 0
	p.Badges[1].Kind = "nope"
	p.Rewards[0].Stock = -2
	p.Rewards[1].Name = ""
	p.Rewards[2].ID = "sticker-pack"
	p.Guidelines[0].Title = "bad \xff"
	p.Ladder = []time.Duration{0}
	p.LadderWindow = -day
	p.ExcludeTags = []string{"Staff"}
	err := p.Validate()
	var errs ProgrammeErrors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v, want ProgrammeErrors", err)
	}
	want := []string{
		`welcome_bonus: must not be negative`,
		`tier_window: must be "lifetime" or 1d to 36500d`,
		`exclude_tags[0]: "Staff" must be lower case`,
		`penalties.ladder[0]: must be longer than 0s`,
		`penalties.window: must not be negative`,
		`actions[1].kind: "Reply" is not a valid id (use 1 to 40 of a-z, 0-9, _ and -)`,
		`actions[2].cooldown: must not be negative`,
		`tiers[2].threshold: must be greater than 250, the threshold of tiers[1]`,
		`badges[0].rule: is not a badge rule (want manual, count, first, streak or top_month)`,
		`badges[1].kind: "nope" is not an action kind`,
		`badges[3].kind: "reply" is not an action kind`,
		`rewards[0].stock: must not be negative (write "unlimited" for no limit)`,
		`rewards[1].name: is required`,
		`rewards[2].id: "sticker-pack" is already used by rewards[1]`,
		`guidelines[0].title: must be valid UTF-8`,
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	for _, e := range errs {
		if e.File != "" || e.Line != 0 {
			t.Errorf("error with a place: %#v", e)
		}
	}
	if err := (Programme{}).Validate(); err == nil || err.Error() != "actions: at least one action is required\ntiers: at least one tier is required" {
		t.Errorf("empty programme: %v", err)
	}
}

func TestDiffProgrammes(t *testing.T) {
	old := Default()
	if d := DiffProgrammes(old, Default()); d != nil {
		t.Errorf("no change, got %q", d)
	}

	p := Default()
	p.WelcomeBonus = 20
	p.TierWindow = Window{Days: 365}
	p.ExcludeTags = append(p.ExcludeTags, "bots")
	p.Ladder = p.Ladder[:2]
	p.LadderWindow = 0
	p.Actions[0].Points = 8
	p.Actions[1].Cooldown = 0
	p.Actions = append(p.Actions, ActionRule{Kind: "webinar", Points: 30, DailyCap: 30, Cooldown: time.Hour})
	p.Actions = slicesDelete(p.Actions, 6) // follow
	p.Tiers[1].Threshold = 300
	p.Tiers[3].Perks = "swag"
	p.Badges[2].N = 20
	p.Badges[2].Rule = StreakOf
	p.Badges[2].Kind = ""
	p.Badges = append(p.Badges, Badge{ID: "night-owl", Name: "Night owl", Rule: CountOf, Kind: "post", N: 5})
	p.Rewards[4].Stock = Unlimited
	p.Rewards[4].MinTier = ""
	p.Rewards[1].AutoApprove = true
	p.Rewards = slicesDelete(p.Rewards, 7)
	p.Guidelines[0].Text = "No spam at all."
	p.Guidelines[1], p.Guidelines[2] = p.Guidelines[2], p.Guidelines[1]
	p.Guidelines = append(p.Guidelines, Guideline{ID: "language", Title: "English only"})

	want := []string{
		`action follow: removed`,
		`action post: points 5 → 8`,
		`action reply: cooldown 30s → 0s`,
		`action webinar: added (30 points, daily cap 30, cooldown 1h)`,
		`badge helpful: kind "answer_accepted" → (none)`,
		`badge helpful: n 10 → 20`,
		`badge helpful: rule count → streak`,
		`badge night-owl: added ("Night owl", count: 5 × post)`,
		`excluded tags: "staff" → "staff", "bots"`,
		`guideline language: added ("English only")`,
		`guideline spam: text changed`,
		`guidelines: order changed`,
		`penalty ladder: 1d, 7d, 30d → 1d, 7d`,
		`penalty window: 180d → lifetime`,
		`reward sticker-pack: auto approve false → true`,
		`reward t-shirt: min tier Experienced → (any)`,
		`reward t-shirt: stock 50 → unlimited`,
		`reward vip-space: removed`,
		`tier Ambassador: perks "private ambassador space, meet the team, swag" → "swag"`,
		`tier Experienced: threshold 250 → 300`,
		`tier window: lifetime → 365d`,
		`welcome bonus: 10 → 20`,
	}
	got := DiffProgrammes(old, p)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	back := DiffProgrammes(p, old)
	for _, line := range []string{`action follow: added (1 point, daily cap 5)`, `reward vip-space: added ("A year in the VIP space", cost 2500, stock unlimited, min tier Professional)`, `tier Experienced: threshold 300 → 250`} {
		if !contains(back, line) {
			t.Errorf("reverse diff lacks %q:\n%s", line, strings.Join(back, "\n"))
		}
	}
}

func slicesDelete[T any](s []T, i int) []T { return append(s[:i:i], s[i+1:]...) }

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

var errorLine = regexp.MustCompile(`^fuzz\.toml:[1-9][0-9]*: `)

func FuzzParseProgramme(f *testing.F) {
	f.Add(Default().EncodeTOML())
	f.Add(oddProgramme().EncodeTOML())
	for _, c := range parseErrorCases {
		f.Add([]byte(c.file))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProgramme("fuzz.toml", data)
		if err != nil {
			var errs ProgrammeErrors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T %v is not a non-empty ProgrammeErrors", err, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !errorLine.MatchString(line) {
					t.Fatalf("error line %q does not start with the file and a line", line)
				}
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, e := range errs {
				if e.Line < 1 || e.Line > lines {
					t.Fatalf("error %q is on line %d of %d", e.Error(), e.Line, lines)
				}
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed programme is not valid:\n%v", err)
		}
		file := p.EncodeTOML()
		q, err := ParseProgramme("fuzz.toml", file)
		if err != nil {
			t.Fatalf("encoded programme does not parse:\n%v\n%s", err, file)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the programme:\n%#v\n%#v", p, q)
		}
		if again := q.EncodeTOML(); !bytes.Equal(again, file) {
			t.Fatalf("encoding is not stable")
		}
	})
}

// TestProgrammeFixtures parses every file of testdata/programmes: the
// name says whether it is valid ("ok-…") or not ("bad-…"); a bad file's
// expected errors are in the .err file beside it.
func TestProgrammeFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "programmes", "*.toml"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseProgramme(filepath.Base(file), data)
			if strings.HasPrefix(filepath.Base(file), "ok-") {
				if err != nil {
					t.Fatal(err)
				}
				q, err := ParseProgramme("again", p.EncodeTOML())
				if err != nil || !reflect.DeepEqual(p, q) {
					t.Fatalf("round trip: %v", err)
				}
				return
			}
			want, rerr := os.ReadFile(strings.TrimSuffix(file, ".toml") + ".err")
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error() + "\n"; got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
