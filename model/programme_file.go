package model

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// The programme file is TOML. Its shape:
//
//	welcome_bonus = 10
//	tier_window = "lifetime"      # or "365d"
//	exclude_tags = ["staff"]
//
//	[penalties]
//	ladder = ["1d", "7d", "30d"]
//	window = "180d"               # or "lifetime"
//
//	[[actions]]     kind, points, daily_cap, cooldown, about
//	[[tiers]]       name, threshold, perks
//	[[badges]]      id, name, rule, kind, n, about
//	[[rewards]]     id, name, cost, min_tier, stock, auto_approve
//	[[guidelines]]  id, title, text
//
// EncodeTOML writes it with a comment above each section; ParseProgramme
// reads it back and reports every problem with its line.

// ParseProgramme reads a programme file and checks it. Its error is a
// ProgrammeErrors listing every problem found, each as FILE:LINE: key: why.
func ParseProgramme(file string, data []byte) (Programme, error) {
	lines, tooDeep := locateKeys(data)
	if tooDeep > 0 {
		return Programme{}, ProgrammeErrors{{File: file, Line: tooDeep,
			Why: fmt.Sprintf("keys and values nest more than %d levels deep", maxNesting)}}
	}
	root, err := decodeTOML(data)
	if err != nil {
		return Programme{}, ProgrammeErrors{syntaxError(file, err)}
	}
	d := &fileDecoder{}
	p := d.programme(root)
	found := d.issues
	for _, is := range p.check() {
		if !d.explains(is.path) {
			found = append(found, is)
		}
	}
	if len(found) == 0 {
		return p, nil
	}
	errs := make(ProgrammeErrors, len(found))
	for i, is := range found {
		errs[i] = ProgrammeError{File: file, Line: lineOf(lines, is.path), Key: is.path.String(), Why: is.why}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return Programme{}, errs
}

// decodeTOML parses data into plain maps, so that every key and type can be
// checked here, with its index in arrays of tables, rather than stopping at
// the decoder's first mismatch.
func decodeTOML(data []byte) (root map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("the TOML reader failed: %v", r)
		}
	}()
	_, err = toml.NewDecoder(bytes.NewReader(data)).Decode(&root)
	return root, err
}

func syntaxError(file string, err error) ProgrammeError {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line := pe.Position.Line
		if line < 1 {
			line = 1
		}
		return ProgrammeError{File: file, Line: line, Key: pe.LastKey, Why: pe.Message}
	}
	return ProgrammeError{File: file, Line: 1, Why: err.Error()}
}

// fileDecoder turns the decoded TOML into a Programme, noting each key of
// the wrong type, unknown or missing. Every element of a list becomes an
// element of the programme, even a broken one, so that the programme's own
// checks name the same indices as the file.
type fileDecoder struct {
	issues   issues
	reported map[string]bool // the paths of issues, once decoding is done
}

// explains reports whether a problem at path follows from one the decoder
// already found (a value it could not read is left empty).
func (d *fileDecoder) explains(path keyPath) bool {
	if d.reported == nil {
		d.reported = make(map[string]bool, len(d.issues))
		for _, is := range d.issues {
			d.reported[is.path.String()] = true
		}
	}
	for n := len(path); n > 0; n-- {
		if d.reported[path[:n].String()] {
			return true
		}
	}
	return false
}

func (d *fileDecoder) programme(root map[string]any) Programme {
	var p Programme
	t := fileTable{d: d, m: root, path: keyPath{}}
	t.only("welcome_bonus", "tier_window", "exclude_tags", "penalties", "goals", "actions", "tiers", "badges", "rewards", "guidelines")

	p.WelcomeBonus, _ = t.integer("welcome_bonus", false)
	if s, ok := t.text("tier_window", false); ok {
		if w, ok := parseTierWindow(s); ok {
			p.TierWindow = w
		} else {
			d.issues.add(t.path.key("tier_window"), `%q must be "lifetime" or a number of days like "365d"`, s)
		}
	}
	p.ExcludeTags = t.texts("exclude_tags")

	if pen, ok := t.table("penalties"); ok {
		pen.only("ladder", "window")
		for i, v := range pen.array("ladder") {
			p.Ladder = append(p.Ladder, pen.durationValue(pen.path.key("ladder").index(i), v))
		}
		if v, ok := pen.lookup("window", false); ok {
			if v != "lifetime" {
				p.LadderWindow = pen.durationValue(pen.path.key("window"), v)
			}
		}
	}

	if g, ok := t.table("goals"); ok {
		g.only("engagement", "retention", "newcomers", "decide_within")
		p.Goals.Engagement, _ = g.integer("engagement", false)
		p.Goals.Retention, _ = g.integer("retention", false)
		p.Goals.Newcomers, _ = g.integer("newcomers", false)
		if v, ok := g.lookup("decide_within", false); ok {
			p.Goals.DecideWithin = g.durationValue(g.path.key("decide_within"), v)
		}
	}

	for _, a := range t.tables("actions") {
		a.only("kind", "points", "daily_cap", "cooldown", "about")
		var r ActionRule
		r.Kind, _ = a.text("kind", true)
		r.Points, _ = a.integer("points", true)
		r.DailyCap, _ = a.integer("daily_cap", false)
		if v, ok := a.lookup("cooldown", false); ok {
			r.Cooldown = a.durationValue(a.path.key("cooldown"), v)
		}
		r.About, _ = a.text("about", false)
		p.Actions = append(p.Actions, r)
	}

	for _, tt := range t.tables("tiers") {
		tt.only("name", "threshold", "perks")
		var tier Tier
		tier.Name, _ = tt.text("name", true)
		tier.Threshold, _ = tt.integer("threshold", true)
		tier.Perks, _ = tt.text("perks", false)
		p.Tiers = append(p.Tiers, tier)
	}

	for _, bt := range t.tables("badges") {
		bt.only("id", "name", "rule", "kind", "n", "about")
		var b Badge
		b.ID, _ = bt.text("id", true)
		b.Name, _ = bt.text("name", true)
		if s, ok := bt.text("rule", true); ok {
			if r, ok := ParseBadgeRule(s); ok {
				b.Rule = r
			} else {
				d.issues.add(bt.path.key("rule"), "%q is not a badge rule (want %s)", s, badgeRuleList)
			}
		}
		b.Kind, _ = bt.text("kind", false)
		if n, ok := bt.integer("n", false); ok {
			b.N = int(n)
			if int64(b.N) != n {
				d.issues.add(bt.path.key("n"), "%d is too large", n)
			}
		}
		b.About, _ = bt.text("about", false)
		p.Badges = append(p.Badges, b)
	}

	for _, rt := range t.tables("rewards") {
		rt.only("id", "name", "cost", "min_tier", "stock", "auto_approve")
		var r Reward
		r.ID, _ = rt.text("id", true)
		r.Name, _ = rt.text("name", true)
		r.Cost, _ = rt.integer("cost", true)
		r.MinTier, _ = rt.text("min_tier", false)
		r.Stock = rt.stock("stock")
		r.AutoApprove, _ = rt.boolean("auto_approve")
		p.Rewards = append(p.Rewards, r)
	}

	for _, gt := range t.tables("guidelines") {
		gt.only("id", "title", "text")
		var g Guideline
		g.ID, _ = gt.text("id", true)
		g.Title, _ = gt.text("title", true)
		g.Text, _ = gt.text("text", false)
		p.Guidelines = append(p.Guidelines, g)
	}
	return p
}

// parseTierWindow reads "lifetime" or a number of days like "365d".
func parseTierWindow(s string) (Window, bool) {
	if s == "lifetime" {
		return Window{}, true
	}
	digits, ok := strings.CutSuffix(s, "d")
	if !ok || digits == "" || len(digits) > 9 {
		return Window{}, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return Window{}, false
		}
	}
	days, err := strconv.Atoi(digits)
	if err != nil || days < 1 || days > maxWindowDays {
		return Window{}, false
	}
	return Window{Days: days}, true
}

// fileTable is one table of the file being decoded. A nil m is an element
// that is not a table at all (already reported): its keys read as absent
// and nothing more is said about them.
type fileTable struct {
	d    *fileDecoder
	m    map[string]any
	path keyPath
}

// only reports the table's keys that are not among known.
func (t fileTable) only(known ...string) {
	names := make([]string, 0, len(t.m))
	for k := range t.m {
		if !slices.Contains(known, k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		t.d.issues.add(t.path.key(k), "unknown key (%s)", suggestKey(k, known))
	}
}

// suggestKey names the known key k was probably meant to be, or lists them.
func suggestKey(k string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	}
	for _, name := range known {
		if norm(k) == norm(name) || editDistance(norm(k), name) <= 2 && len(name) > 3 {
			return "did you mean " + name + "?"
		}
	}
	return "expected " + strings.Join(known[:len(known)-1], ", ") + " or " + known[len(known)-1]
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (t fileTable) lookup(key string, required bool) (any, bool) {
	if t.m == nil {
		return nil, false
	}
	v, ok := t.m[key]
	if !ok && required {
		t.d.issues.add(t.path.key(key), "is required")
	}
	return v, ok
}

func (t fileTable) wrongType(at keyPath, want string, v any) {
	t.d.issues.add(at, "must be %s, not %s", want, tomlTypeName(v))
}

func (t fileTable) integer(key string, required bool) (int64, bool) {
	v, ok := t.lookup(key, required)
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		t.wrongType(t.path.key(key), "an integer", v)
	}
	return n, ok
}

func (t fileTable) text(key string, required bool) (string, bool) {
	v, ok := t.lookup(key, required)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.wrongType(t.path.key(key), "a string", v)
	}
	return s, ok
}

func (t fileTable) boolean(key string) (bool, bool) {
	v, ok := t.lookup(key, false)
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.wrongType(t.path.key(key), "true or false", v)
	}
	return b, ok
}

// durationValue reads a duration written as a string, like "7d"; a value
// that is not one reads as 0.
func (t fileTable) durationValue(at keyPath, v any) time.Duration {
	s, ok := v.(string)
	if !ok {
		t.wrongType(at, `a duration like "7d"`, v)
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		t.d.issues.add(at, "%s", err)
		return 0
	}
	return d
}

// stock reads a number of items or "unlimited"; absent is unlimited.
func (t fileTable) stock(key string) int64 {
	v, ok := t.lookup(key, false)
	if !ok {
		return Unlimited
	}
	at := t.path.key(key)
	switch v := v.(type) {
	case string:
		if v == "unlimited" {
			return Unlimited
		}
		t.d.issues.add(at, `%q must be a number of items or "unlimited"`, v)
	case int64:
		if v >= 0 {
			return v
		}
		t.d.issues.add(at, `must not be negative (write "unlimited" for no limit)`)
	default:
		t.wrongType(at, `a number of items or "unlimited"`, v)
	}
	return 0
}

// array reads an array; nil when absent or not an array.
func (t fileTable) array(key string) []any {
	v, ok := t.lookup(key, false)
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case []any:
		return v
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out
	}
	t.wrongType(t.path.key(key), "an array", v)
	return nil
}

// texts reads an array of strings; an element of another type reads as "".
func (t fileTable) texts(key string) []string {
	var out []string
	for i, v := range t.array(key) {
		s, ok := v.(string)
		if !ok {
			t.wrongType(t.path.key(key).index(i), "a string", v)
		}
		out = append(out, s)
	}
	return out
}

// table reads a table.
func (t fileTable) table(key string) (fileTable, bool) {
	v, ok := t.lookup(key, false)
	if !ok {
		return fileTable{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.wrongType(t.path.key(key), "a table (["+renderKey(key)+"])", v)
		return fileTable{}, false
	}
	return fileTable{d: t.d, m: m, path: t.path.key(key)}, true
}

// tables reads an array of tables, [[key]] or key = [{…}, …]. An element
// that is not a table is reported and read as an empty one.
func (t fileTable) tables(key string) []fileTable {
	v, ok := t.lookup(key, false)
	if !ok {
		return nil
	}
	at := t.path.key(key)
	var out []fileTable
	switch v := v.(type) {
	case []map[string]any:
		for i, m := range v {
			out = append(out, fileTable{d: t.d, m: m, path: at.index(i)})
		}
	case []any:
		for i, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				t.wrongType(at.index(i), "a table", e)
			}
			out = append(out, fileTable{d: t.d, m: m, path: at.index(i)})
		}
	default:
		t.wrongType(at, "an array of tables ([["+renderKey(key)+"]])", v)
	}
	return out
}

// tomlTypeName names the TOML type of a decoded value, with an article.
func tomlTypeName(v any) string {
	switch v.(type) {
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// lineOf is the line of the key at path, or of the nearest table holding
// it that the file writes (a missing key is reported on its table's line).
func lineOf(lines map[string]int, path keyPath) int {
	for n := len(path); n > 0; n-- {
		if line, ok := lines[path[:n].String()]; ok {
			return line
		}
	}
	return 1
}

// locateKeys finds the line of the keys of a TOML document, named as
// keyPath.String names them: "penalties", "actions[3]", "actions[3].points",
// "exclude_tags[1]"; the first line that defines a key wins. Only paths of
// up to recordDepth parts are kept: no check names a deeper one.
//
// BurntSushi/toml v1.6 keeps key positions to itself (and keeps one per
// dotted name, not one per element of an array of tables), hence this
// small scanner. It never fails: on anything unexpected it moves on, and a
// key it misses is reported on the line of the table around it.
//
// tooDeep is the line where keys or values nest more than maxNesting
// levels deep, or 0. The TOML decoder takes time more than proportional to
// the depth, and a programme needs three levels, so such a file is refused
// before it is decoded.
func locateKeys(data []byte) (lines map[string]int, tooDeep int) {
	l := &locator{src: data, line: 1, lines: map[string]int{}, arrays: map[string]int{}}
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		l.i = 3
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		l.i = 2
	}
	l.document()
	return l.lines, l.tooDeep
}

const (
	recordDepth = 3  // the deepest path a check names: actions[2].points
	maxNesting  = 32 // the deepest nesting of keys and values read
)

// locPath is a path as the locator builds it: its name (as keyPath.String
// writes it) and its number of parts. The name of a path deeper than
// recordDepth is left empty.
type locPath struct {
	name  string
	depth int
}

func (p locPath) key(name string) locPath {
	switch {
	case p.depth == 0:
		return locPath{renderKey(name), 1}
	case p.depth >= recordDepth:
		return locPath{"", p.depth + 1}
	}
	return locPath{p.name + "." + renderKey(name), p.depth + 1}
}

func (p locPath) index(i int) locPath {
	if p.depth == 0 || p.depth >= recordDepth {
		return locPath{"", p.depth + 1}
	}
	return locPath{p.name + "[" + strconv.Itoa(i) + "]", p.depth + 1}
}

type locator struct {
	src     []byte
	i       int
	line    int
	lines   map[string]int
	arrays  map[string]int // elements so far of each array of tables
	tooDeep int
}

func (l *locator) peek(k int) byte {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

func (l *locator) next() {
	if l.i < len(l.src) {
		if l.src[l.i] == '\n' {
			l.line++
		}
		l.i++
	}
}

// record notes the line of path; on a path nested too deep, it stops the
// scan.
func (l *locator) record(p locPath) {
	if p.depth > maxNesting {
		if l.tooDeep == 0 {
			l.tooDeep = l.line
		}
		l.i = len(l.src)
		return
	}
	if _, ok := l.lines[p.name]; !ok && p.name != "" {
		l.lines[p.name] = l.line
	}
}

// blank skips spaces and tabs, and also newlines and comments if asked.
func (l *locator) blank(newlines bool) {
	for l.i < len(l.src) {
		switch c := l.src[l.i]; {
		case c == ' ' || c == '\t':
			l.i++
		case newlines && (c == '\n' || c == '\r'):
			l.next()
		case newlines && c == '#':
			l.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the end of the line.
func (l *locator) skipLine() {
	for l.i < len(l.src) && l.src[l.i] != '\n' {
		l.i++
	}
}

func (l *locator) document() {
	var table locPath
	for l.i < len(l.src) {
		start := l.i
		l.blank(true)
		if l.i >= len(l.src) {
			return
		}
		switch {
		case l.peek(0) == '[' && l.peek(1) == '[':
			l.i += 2
			table = l.arrayTable(l.keyParts())
		case l.peek(0) == '[':
			l.i++
			table = l.resolve(l.keyParts())
		default:
			l.keyValue(table)
		}
		l.skipLine() // a header's closing brackets, a comment
		if l.i == start {
			l.next()
		}
	}
}

// resolve names a table header's key, each part inside the latest element
// of the arrays of tables it goes through.
func (l *locator) resolve(parts []string) locPath {
	var cur locPath
	for _, part := range parts {
		cur = cur.key(part)
		if n := l.arrays[cur.name]; n > 0 && cur.name != "" {
			cur = cur.index(n - 1)
		}
		l.record(cur)
	}
	return cur
}

func (l *locator) arrayTable(parts []string) locPath {
	if len(parts) == 0 {
		return locPath{}
	}
	array := l.resolve(parts[:len(parts)-1]).key(parts[len(parts)-1])
	l.record(array)
	n := l.arrays[array.name]
	if array.name != "" {
		l.arrays[array.name] = n + 1
	}
	elem := array.index(n)
	l.record(elem)
	return elem
}

// keyParts reads a key, dotted or not, bare or quoted.
func (l *locator) keyParts() []string {
	var parts []string
	for len(parts) <= maxNesting {
		l.blank(false)
		switch c := l.peek(0); {
		case c == '"':
			parts = append(parts, unescapeTOML(l.basicString()))
		case c == '\'':
			parts = append(parts, l.literalString())
		case isBareKeyByte(c):
			start := l.i
			for l.i < len(l.src) && isBareKeyByte(l.src[l.i]) {
				l.i++
			}
			parts = append(parts, string(l.src[start:l.i]))
		default:
			return parts
		}
		l.blank(false)
		if l.peek(0) != '.' {
			return parts
		}
		l.i++
	}
	return parts
}

// keyValue reads key = value in a table, recording the key and every key
// inside the value.
func (l *locator) keyValue(table locPath) {
	parts := l.keyParts()
	if len(parts) == 0 {
		return
	}
	path := table
	for _, part := range parts {
		path = path.key(part)
		l.record(path)
	}
	l.blank(false)
	if l.peek(0) != '=' {
		return
	}
	l.i++
	l.blank(false)
	l.value(path)
}

func (l *locator) value(path locPath) {
	switch c := l.peek(0); {
	case c == '"' && l.peek(1) == '"' && l.peek(2) == '"':
		l.multiLine('"')
	case c == '"':
		l.basicString()
	case c == '\'' && l.peek(1) == '\'' && l.peek(2) == '\'':
		l.multiLine('\'')
	case c == '\'':
		l.literalString()
	case c == '[':
		l.array(path)
	case c == '{':
		l.inlineTable(path)
	default: // a number, a boolean or a date-time
		for l.i < len(l.src) && !strings.ContainsRune(",]}#\r\n", rune(l.src[l.i])) {
			l.i++
		}
	}
}

func (l *locator) array(path locPath) {
	l.i++ // [
	for n := 0; l.i < len(l.src); {
		l.blank(true)
		switch l.peek(0) {
		case 0:
			return
		case ']':
			l.i++
			return
		case ',':
			l.i++
			continue
		}
		elem := path.index(n)
		l.record(elem)
		start := l.i
		l.value(elem)
		if l.i == start {
			l.next()
		}
		n++
	}
}

func (l *locator) inlineTable(path locPath) {
	l.i++ // {
	for l.i < len(l.src) {
		l.blank(true)
		switch l.peek(0) {
		case 0:
			return
		case '}':
			l.i++
			return
		case ',':
			l.i++
			continue
		}
		start := l.i
		l.keyValue(path)
		if l.i == start {
			l.next()
		}
	}
}

// basicString reads "…" and returns what is between the quotes, escapes
// and all.
func (l *locator) basicString() string {
	l.i++ // "
	start := l.i
	for l.i < len(l.src) {
		switch l.src[l.i] {
		case '\\':
			l.next()
			l.next()
		case '"':
			s := string(l.src[start:l.i])
			l.i++
			return s
		case '\n':
			return string(l.src[start:l.i])
		default:
			l.i++
		}
	}
	return string(l.src[start:])
}

// literalString reads '…'.
func (l *locator) literalString() string {
	l.i++ // '
	start := l.i
	for l.i < len(l.src) {
		switch l.src[l.i] {
		case '\'':
			s := string(l.src[start:l.i])
			l.i++
			return s
		case '\n':
			return string(l.src[start:l.i])
		default:
			l.i++
		}
	}
	return string(l.src[start:])
}

// multiLine reads a multi-line string, basic or literal, counting the
// lines inside.
func (l *locator) multiLine(quote byte) {
	l.i += 3
	for l.i < len(l.src) {
		switch {
		case quote == '"' && l.src[l.i] == '\\':
			l.next()
			l.next()
		case l.peek(0) == quote && l.peek(1) == quote && l.peek(2) == quote:
			l.i += 3
			// Up to two more quotes belong to the string.
			for k := 0; k < 2 && l.peek(0) == quote; k++ {
				l.i++
			}
			return
		default:
			l.next()
		}
	}
}

// unescapeTOML undoes the escapes of a TOML basic string.
func unescapeTOML(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		hex := 0
		switch s[i] {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte('\x1b')
		case 'x':
			hex = 2
		case 'u':
			hex = 4
		case 'U':
			hex = 8
		default:
			b.WriteByte(s[i])
		}
		if hex > 0 && i+hex < len(s) {
			if r, err := strconv.ParseUint(s[i+1:i+1+hex], 16, 32); err == nil {
				b.WriteRune(rune(r))
				i += hex
				continue
			}
		}
		if hex > 0 {
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// EncodeTOML writes the programme as a programme file, with a comment
// above each section; ParseProgramme reads it back unchanged when the
// programme is valid. Empty lists read back as nil.
func (p Programme) EncodeTOML() []byte {
	var w tomlWriter
	w.comment(fileIntro...)
	w.blank()

	w.comment("Points every member receives on joining.")
	w.kv("welcome_bonus", itoa(p.WelcomeBonus))
	w.blank()
	w.comment(`Which qualifying points count towards a member's tier: "lifetime" for`,
		`all of them, or only those of the last days, e.g. "365d".`)
	w.kv("tier_window", tomlString(p.TierWindow.String()))
	w.blank()
	w.comment("Members with any of these tags (lower case) are left off the leaderboards.")
	w.kv("exclude_tags", tomlStrings(p.ExcludeTags))
	w.blank()

	w.comment("PENALTIES: the suspensions suggested for a member's first, second,",
		"third… penalty (the last step repeats), counting only the penalties",
		`within the window ("lifetime": all of them).`)
	w.line("[penalties]")
	ladder := make([]string, len(p.Ladder))
	for i, d := range p.Ladder {
		ladder[i] = fileDuration(d)
	}
	w.kv("ladder", tomlStrings(ladder))
	window := "lifetime"
	if p.LadderWindow != 0 {
		window = fileDuration(p.LadderWindow)
	}
	w.kv("window", tomlString(window))
	w.blank()

	w.comment("GOALS: what you aim for; `steward stats` and the console's Health pane",
		"say which are met. 0 sets no goal.",
		"  engagement     percent of members active in the last 30 days, at least",
		"  retention      percent of a month's newcomers active the month after, at least",
		"  newcomers      members joining in the last 30 days, at least",
		"  decide_within  mean time from a case's first report to its decision, over",
		`                 the cases decided in the last 30 days, at most ("0s": no goal)`)
	w.line("[goals]")
	w.kv("engagement", itoa(p.Goals.Engagement))
	w.kv("retention", itoa(p.Goals.Retention))
	w.kv("newcomers", itoa(p.Goals.Newcomers))
	w.kv("decide_within", tomlString(fileDuration(p.Goals.DecideWithin)))
	w.blank()

	w.comment("ACTIONS: what each kind of activity earns.",
		"  kind       the activity's id: 1 to 40 of a-z, 0-9, _ and -",
		"  points     points for each event",
		"  daily_cap  most points of this kind a member earns in a UTC day;",
		"             0 or left out: no cap",
		`  cooldown   least time between two rewarded events; "0s" or left out: none`,
		"  about      one line for the console and the README")
	w.none(len(p.Actions))
	for _, a := range p.Actions {
		w.blank()
		w.line("[[actions]]")
		w.kv("kind", tomlString(a.Kind))
		w.kv("points", itoa(a.Points))
		w.kv("daily_cap", itoa(a.DailyCap))
		w.kv("cooldown", tomlString(fileDuration(a.Cooldown)))
		w.kv("about", tomlString(a.About))
	}
	w.blank()

	w.comment("TIERS: levels reached by qualifying points, lowest first. The first",
		"tier starts at 0 and each threshold is higher than the one before.",
		"  name       shown to members; rewards name it in min_tier",
		"  threshold  qualifying points needed to reach the tier",
		"  perks      what the tier brings")
	w.none(len(p.Tiers))
	for _, t := range p.Tiers {
		w.blank()
		w.line("[[tiers]]")
		w.kv("name", tomlString(t.Name))
		w.kv("threshold", itoa(t.Threshold))
		w.kv("perks", tomlString(t.Perks))
	}
	w.blank()

	w.comment("BADGES: recognitions a member holds once.",
		"  id     1 to 40 of a-z, 0-9, _ and -",
		"  name   shown to members",
		"  rule   how it is won:",
		"           manual     given by a moderator with a personal note",
		"           count      n events of the action `kind`",
		"           first      the first event of the action `kind`",
		"           streak     active n UTC days in a row",
		"           top_month  in the top n of a calendar month's leaderboard",
		"  kind   the action kind counted (count and first badges only)",
		"  n      the count, the streak's days or the rank",
		"  about  what it is for")
	w.none(len(p.Badges))
	for _, b := range p.Badges {
		w.blank()
		w.line("[[badges]]")
		w.kv("id", tomlString(b.ID))
		w.kv("name", tomlString(b.Name))
		w.kv("rule", tomlString(b.Rule.String()))
		if b.Kind != "" {
			w.kv("kind", tomlString(b.Kind))
		}
		if b.N != 0 {
			w.kv("n", strconv.Itoa(b.N))
		}
		w.kv("about", tomlString(b.About))
	}
	w.blank()

	w.comment("REWARDS: the catalogue members spend their points on.",
		"  id            1 to 40 of a-z, 0-9, _ and -",
		"  name          shown to members",
		"  cost          points for one item",
		"  min_tier      (optional) the lowest tier that may ask for it",
		`  stock         items left, or "unlimited" (also when left out)`,
		"  auto_approve  true: a request that passes every check is approved at once;",
		"                false (or left out): a moderator decides")
	w.none(len(p.Rewards))
	for _, r := range p.Rewards {
		w.blank()
		w.line("[[rewards]]")
		w.kv("id", tomlString(r.ID))
		w.kv("name", tomlString(r.Name))
		w.kv("cost", itoa(r.Cost))
		if r.MinTier != "" {
			w.kv("min_tier", tomlString(r.MinTier))
		}
		w.kv("stock", stockText(r.Stock, true))
		w.kv("auto_approve", strconv.FormatBool(r.AutoApprove))
	}
	w.blank()

	w.comment("GUIDELINES: the rules members agree to; reports cite them by id.",
		"  id     1 to 40 of a-z, 0-9, _ and -",
		"  title  a few words",
		"  text   the rule in full")
	w.none(len(p.Guidelines))
	for _, g := range p.Guidelines {
		w.blank()
		w.line("[[guidelines]]")
		w.kv("id", tomlString(g.ID))
		w.kv("title", tomlString(g.Title))
		w.kv("text", tomlString(g.Text))
	}
	return w.Bytes()
}

var fileIntro = []string{
	"steward programme: what earns points, the tiers, badges, rewards and",
	"guidelines of the community. Edit it and apply it back; a dry run lists",
	"what would change. Lines starting with # are comments.",
	"Points are whole numbers; durations are written like 30s, 15m, 36h or 7d.",
}

type tomlWriter struct{ bytes.Buffer }

func (w *tomlWriter) line(s string) {
	w.WriteString(s)
	w.WriteByte('\n')
}

func (w *tomlWriter) blank() { w.WriteByte('\n') }

func (w *tomlWriter) kv(key, value string) { w.line(key + " = " + value) }

func (w *tomlWriter) comment(lines ...string) {
	for _, s := range lines {
		if s == "" {
			w.line("#")
		} else {
			w.line("# " + s)
		}
	}
}

func (w *tomlWriter) none(n int) {
	if n == 0 {
		w.comment("(none)")
	}
}

// tomlString quotes s as a TOML basic string. Bytes that are not UTF-8,
// which TOML cannot hold, are written as U+FFFD.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlStrings(list []string) string {
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = tomlString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// fileDuration writes a duration so that ParseDuration reads it back
// exactly: in the largest whole unit of d, h, m or s, else Go's form.
func fileDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%day == 0 && d/day <= maxWindowDays:
		return itoa(int64(d/day)) + "d"
	case d%time.Hour == 0:
		return itoa(int64(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return itoa(int64(d/time.Minute)) + "m"
	case d%time.Second == 0:
		return itoa(int64(d/time.Second)) + "s"
	}
	return d.String()
}

// stockText is a stock as the file writes it (quoted) or in words.
func stockText(stock int64, quoted bool) string {
	if stock == Unlimited {
		if quoted {
			return `"unlimited"`
		}
		return "unlimited"
	}
	return itoa(stock)
}

// DiffProgrammes describes in lines what changes from old to new, e.g.
// "action post: points 5 → 8" or "reward t-shirt: removed", sorted.
func DiffProgrammes(old, new Programme) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	change := func(what, field, a, b string) {
		if a != b {
			add("%s: %s %s → %s", what, field, a, b)
		}
	}

	setting := func(what, a, b string) {
		if a != b {
			add("%s: %s → %s", what, a, b)
		}
	}
	setting("welcome bonus", itoa(old.WelcomeBonus), itoa(new.WelcomeBonus))
	setting("tier window", old.TierWindow.String(), new.TierWindow.String())
	setting("excluded tags", quotedList(old.ExcludeTags), quotedList(new.ExcludeTags))
	setting("penalty ladder", durationList(old.Ladder), durationList(new.Ladder))
	setting("penalty window", ladderWindowText(old.LadderWindow), ladderWindowText(new.LadderWindow))
	setting("goal: engagement", goalText(old.Goals.Engagement, "%"), goalText(new.Goals.Engagement, "%"))
	setting("goal: retention", goalText(old.Goals.Retention, "%"), goalText(new.Goals.Retention, "%"))
	setting("goal: newcomers", goalText(old.Goals.Newcomers, ""), goalText(new.Goals.Newcomers, ""))
	setting("goal: decide within", durationGoalText(old.Goals.DecideWithin), durationGoalText(new.Goals.DecideWithin))

	diffList(&out, "action", "actions", old.Actions, new.Actions,
		func(a ActionRule) string { return a.Kind },
		func(a ActionRule) string {
			s := plural(a.Points, "point")
			if a.DailyCap > 0 {
				s += ", daily cap " + itoa(a.DailyCap)
			}
			if a.Cooldown > 0 {
				s += ", cooldown " + fileDuration(a.Cooldown)
			}
			return s
		},
		func(what string, a, b ActionRule) {
			change(what, "points", itoa(a.Points), itoa(b.Points))
			change(what, "daily cap", itoa(a.DailyCap), itoa(b.DailyCap))
			change(what, "cooldown", fileDuration(a.Cooldown), fileDuration(b.Cooldown))
			change(what, "about", strconv.Quote(a.About), strconv.Quote(b.About))
		})

	diffList(&out, "tier", "tiers", old.Tiers, new.Tiers,
		func(t Tier) string { return t.Name },
		func(t Tier) string { return "threshold " + itoa(t.Threshold) },
		func(what string, a, b Tier) {
			change(what, "threshold", itoa(a.Threshold), itoa(b.Threshold))
			change(what, "perks", strconv.Quote(a.Perks), strconv.Quote(b.Perks))
		})

	diffList(&out, "badge", "badges", old.Badges, new.Badges,
		func(b Badge) string { return b.ID },
		func(b Badge) string { return strconv.Quote(b.Name) + ", " + badgeRuleText(b) },
		func(what string, a, b Badge) {
			change(what, "name", strconv.Quote(a.Name), strconv.Quote(b.Name))
			change(what, "rule", a.Rule.String(), b.Rule.String())
			change(what, "kind", orNone(a.Kind), orNone(b.Kind))
			change(what, "n", strconv.Itoa(a.N), strconv.Itoa(b.N))
			change(what, "about", strconv.Quote(a.About), strconv.Quote(b.About))
		})

	diffList(&out, "reward", "rewards", old.Rewards, new.Rewards,
		func(r Reward) string { return r.ID },
		func(r Reward) string {
			s := strconv.Quote(r.Name) + ", cost " + itoa(r.Cost) + ", stock " + stockText(r.Stock, false)
			if r.MinTier != "" {
				s += ", min tier " + r.MinTier
			}
			return s
		},
		func(what string, a, b Reward) {
			change(what, "name", strconv.Quote(a.Name), strconv.Quote(b.Name))
			change(what, "cost", itoa(a.Cost), itoa(b.Cost))
			change(what, "min tier", orAny(a.MinTier), orAny(b.MinTier))
			change(what, "stock", stockText(a.Stock, false), stockText(b.Stock, false))
			change(what, "auto approve", strconv.FormatBool(a.AutoApprove), strconv.FormatBool(b.AutoApprove))
		})

	diffList(&out, "guideline", "guidelines", old.Guidelines, new.Guidelines,
		func(g Guideline) string { return g.ID },
		func(g Guideline) string { return strconv.Quote(g.Title) },
		func(what string, a, b Guideline) {
			change(what, "title", strconv.Quote(a.Title), strconv.Quote(b.Title))
			if a.Text != b.Text {
				add("%s: text changed", what)
			}
		})

	sort.Strings(out)
	return out
}

// diffList compares two lists of named elements: those removed, added,
// changed, and whether the ones in both changed order. An element repeated
// under one name (only in an invalid programme) is compared by its first.
func diffList[T any](out *[]string, noun, section string, old, new []T,
	name func(T) string, summary func(T) string, fields func(what string, a, b T)) {
	index := func(list []T) map[string]T {
		m := make(map[string]T, len(list))
		for _, e := range list {
			if _, dup := m[name(e)]; !dup {
				m[name(e)] = e
			}
		}
		return m
	}
	before, after := index(old), index(new)
	var keptOld, keptNew []string
	seen := map[string]bool{}
	for _, e := range old {
		n := name(e)
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, ok := after[n]; ok {
			keptOld = append(keptOld, n)
		} else {
			*out = append(*out, noun+" "+n+": removed")
		}
	}
	seen = map[string]bool{}
	for _, e := range new {
		n := name(e)
		if seen[n] {
			continue
		}
		seen[n] = true
		if a, ok := before[n]; ok {
			keptNew = append(keptNew, n)
			fields(noun+" "+n, a, e)
		} else {
			*out = append(*out, noun+" "+n+": added ("+summary(e)+")")
		}
	}
	if !slices.Equal(keptOld, keptNew) {
		*out = append(*out, section+": order changed")
	}
}

func plural(n int64, unit string) string {
	if n == 1 || n == -1 {
		return itoa(n) + " " + unit
	}
	return itoa(n) + " " + unit + "s"
}

func badgeRuleText(b Badge) string {
	switch b.Rule {
	case CountOf:
		return fmt.Sprintf("count: %d × %s", b.N, b.Kind)
	case FirstOf:
		return "first " + b.Kind
	case StreakOf:
		return fmt.Sprintf("streak: %d days", b.N)
	case TopOfMonth:
		return fmt.Sprintf("top %d of a month", b.N)
	}
	return b.Rule.String()
}

func quotedList(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = strconv.Quote(s)
	}
	return strings.Join(quoted, ", ")
}

func durationList(list []time.Duration) string {
	if len(list) == 0 {
		return "(none)"
	}
	out := make([]string, len(list))
	for i, d := range list {
		out[i] = fileDuration(d)
	}
	return strings.Join(out, ", ")
}

func ladderWindowText(d time.Duration) string {
	if d == 0 {
		return "lifetime"
	}
	return fileDuration(d)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}

func orAny(s string) string {
	if s == "" {
		return "(any)"
	}
	return s
}

func goalText(n int64, unit string) string {
	if n == 0 {
		return "none"
	}
	return itoa(n) + unit
}

func durationGoalText(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return fileDuration(d)
}
