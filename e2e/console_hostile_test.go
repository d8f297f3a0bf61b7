package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// hostileMember is a member whose name attacks the terminal, and the
// visible form the console must show instead (a piece of it short enough
// for the member's header at every size tested).
type hostileMember struct {
	handle, name, shown string
}

// hostileMembers are ranked by points in this order: h01 has the most.
var hostileMembers = []hostileMember{
	{"h01", "Clear \x1b[2J me \x1b[10;10H moved", "Clear ^[[2J me ^[[10;10H moved"},
	{"h02", "Title \x1b]0;PWNED-TITLE\x07 and \x1b]2;PWNED2\x1b\\ end", "Title ^[]0;PWNED-TITLE^G and ^[]2;PWNED2^[\\ end"},
	{"h03", "Clip \x1b]52;c;UFdORUQtQ0xJUA==\x07 end", "Clip ^[]52;c;UFdORUQtQ0xJUA==^G end"},
	{"h04", "Link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "Link ^[]8;;https://evil.example/^[\\click"},
	{"h05", "C1 \u009b2J csi", "C1 <U+009B>2J csi"},
	{"h06", "Bidi \u202eevil\u202c \u2066iso\u2069", "Bidi <U+202E>evil<U+202C> <U+2066>iso<U+2069>"},
	{"h07", "Zero\u200bwi\u200cd\u200dth\ufeff", "Zero<U+200B>wi<U+200C>d<U+200D>th<U+FEFF>"},
	// The import stores names in NFC (a + U+0301 is á); two marks are kept.
	{"h08", "Zalgo a" + strings.Repeat("\u0301", 20) + " z", "Zalgo \u00e1\u0301\u0301 z"},
	{"h09", "山田太郎", "山田太郎"},
	{"h10", "Emoji 👍 fam 👨\u200d👩\u200d👧\u200d👦", "Emoji 👍 fam 👨👩👧👦"},
	{"h11", "Tab\there\nnew\r\nline", "Tab here↵new↵line"},
	{"h12", "Long " + strings.Repeat("x", 10_000), "Long xxxxxxxxxxxxxxxxxxxx"},
	{"h13", "before \x1b]0;oops after", "before ^[]0;oops after"},
	{"h14", "Win \x1bkPWNED-WIN\x1b\\ \x1b[?1049l\x1b[?1000h\x1b[4h", "Win ^[kPWNED-WIN^[\\ ^[[?1049l^[[?1000h^[[4h"},
	{"h15", "a山田太郎山田太郎山田太郎", "a山田太郎山田太郎"}, // a wide character on every cut
}

// hostileReport is a report whose content and excerpt attack the terminal.
var hostileReport = struct {
	content, excerpt string
	shown            []string
}{
	content: "https://forum.example/t/1\x1b]2;PWNED-CONTENT\x07",
	excerpt: "Rude \x1b[2J\x1b]52;c;UFdORUQtQ0xJUA==\x07 \u202eyrros\u202c 山田 👍\tnext\nline before \x1b]0;oops after",
	shown: []string{
		"https://forum.example/t/1^[]2;PWNED-CONTENT^G",
		"Rude ^[[2J^[]52;c;UFdORUQtQ0xJUA==^G",
		"<U+202E>yrros<U+202C>",
		"山田 👍 next↵line",
		"before ^[]0;oops after",
	},
}

// TestConsoleShowsHostileTextInert imports members whose names (and a
// report whose excerpt) carry escape sequences, C1 controls, bidi and
// zero-width characters, combining marks, wide characters, emoji, tabs,
// newlines, a 10,000-character name and an unterminated sequence, shows
// them in the console in tmux at 80×24 and 140×40, and checks from
// outside that nothing reached the terminal: the pane title, the window
// name and the paste buffers (OSC 52) are unchanged, the screen was not
// cleared nor the terminal's modes switched, every attempt is on screen in
// visible form, the columns stay aligned cell for cell and no line is
// wider than the pane. Before that, in the same tmux, a raw printf of the
// same sequences does change the title, the window name, the buffers and
// the modes: the checks would see a leak.
func TestConsoleShowsHostileTextInert(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "hostile.db")
	members, events, reports := hostileFiles(t, dir)
	must(t, "import", "--db", db, "--members", members, "--events", events, "--reports", reports, "--quiet")
	exported := byKey(exportTable(t, db, "members"), "handle")
	for _, m := range hostileMembers {
		if exported[m.handle] == nil {
			t.Fatalf("member %s was not imported", m.handle)
		}
	}
	for _, size := range [][2]int{{80, 24}, {140, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			start := time.Now()
			hostileSession(t, db, exported, size[0], size[1])
			t.Logf("%d×%d took %s", size[0], size[1], time.Since(start).Round(time.Millisecond))
		})
	}
}

// hostileFiles writes the members, their activity (h01 earns the most)
// and the report, as JSON Lines.
func hostileFiles(t *testing.T, dir string) (members, events, reports string) {
	t.Helper()
	var m, e strings.Builder
	line := func(b *strings.Builder, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	n := len(hostileMembers)
	for i, hm := range hostileMembers {
		line(&m, map[string]string{"handle": hm.handle, "name": hm.name, "joined_at": "2024-01-01"})
		for d := range n - i { // one event a day: no daily cap holds any back
			line(&e, map[string]string{
				"id": fmt.Sprintf("%s-ev%02d", hm.handle, d), "member": hm.handle, "kind": "event_attended",
				"at": time.Date(2024, 2, 1+d, 12, 0, 0, 0, time.UTC).Format(time.RFC3339),
			})
		}
	}
	var r strings.Builder
	line(&r, map[string]string{
		"id": "rep1", "reporter": "h09", "subject": "h02", "content": hostileReport.content,
		"guideline": "harassment", "excerpt": hostileReport.excerpt, "at": "2024-03-01",
	})
	members, events, reports = filepath.Join(dir, "members.jsonl"), filepath.Join(dir, "events.jsonl"), filepath.Join(dir, "reports.jsonl")
	for path, text := range map[string]string{members: m.String(), events: e.String(), reports: r.String()} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return members, events, reports
}

// colourEnv is the tests' environment with colours on: the hostile text
// must stay inert inside styled cells too.
func colourEnv() []string {
	var env []string
	for _, kv := range childEnv() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			env = append(env, kv)
		}
	}
	return env
}

func hostileSession(t *testing.T, db string, exported map[string]map[string]string, w, h int) {
	tm := startTmux(t, w, h, colourEnv())
	// Let the terminal act on what an application writes, so that a leak
	// would show: OSC 52 fills a paste buffer, \ek…\e\\ renames the window.
	tm.must("set-option", "-g", "set-clipboard", "on")
	tm.must("set-option", "-gw", "allow-rename", "on")
	tm.must("set-option", "-gw", "automatic-rename", "off")
	idle := &tmuxPane{s: tm, id: strings.TrimSpace(tm.must("display-message", "-p", "-t", "e2e:idle", "#{pane_id}"))}
	safeTitle := idle.info("#{pane_title}") // a new pane's title: the host name
	if safeTitle == "" || strings.Contains(safeTitle, "PWNED") {
		t.Fatalf("unexpected title of a new pane: %q", safeTitle)
	}

	// The control: the same sequences written raw do reach tmux.
	// printf stays on (cat) until the test ends: tmux 3.3a can lose the
	// output, or never learn the status, of a program that exits at once.
	ctl := tm.window("control", "sh", "-c", `printf '%s' "$1"; exec cat`, "sh",
		"\x1b]2;PWNED-CONTROL\x1b\\\x1b]52;c;UFdORUQtQ0xJUA==\x07\x1bkPWNED-WIN\x1b\\\x1b[?1000h\x1b[4h")
	const leaked = "PWNED-CONTROL\tPWNED-WIN\t1\t1\t[\"buffer0: PWNED-CLIP\"]"
	for deadline := time.Now().Add(screenWait); ; time.Sleep(screenPoll) {
		got := ctl.info("#{pane_title}\t#{window_name}\t#{mouse_any_flag}\t#{insert_flag}") + fmt.Sprintf("\t%q", tm.buffers())
		if got == leaked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("control: after a raw printf, title, window name, mouse and insert modes, and paste buffers are\n%s\nwant\n%s\nthis tmux would not show a leak", got, leaked)
		}
	}
	tm.clearBuffers()

	con := tm.window("console", bin, "--db", db, "--by", "e2e-mod")

	// Members: every hostile member on the first screen, columns straight.
	sc := con.waitUntil("every hostile member in the list", func(sc []string) bool {
		return strings.Contains(screenLine(sc, 2), fmt.Sprintf("Members · %d · by points", len(hostileMembers))) &&
			len(hostileMemberRows(sc)) == len(hostileMembers)
	})
	checkWholeScreen(t, "members", sc, w, h)
	checkScreenColumns(t, "members", sc, memberRow, exported, []screenColumn{
		{"STATUS", false, func(map[string]string) string { return "active" }},
		{"TIER", false, func(m map[string]string) string { return m["tier"] }},
		{"POINTS", true, func(m map[string]string) string { return m["lifetime_points"] }},
		{"BALANCE", true, func(m map[string]string) string { return m["balance"] }},
	})
	rows := hostileMemberRows(sc)
	for i, hm := range hostileMembers {
		if rows[i] != hm.handle {
			t.Fatalf("row %d of the members list is %s, want %s (by points):\n%s", i+1, rows[i], hm.handle, framedScreen(sc))
		}
	}

	// Each member's header shows the whole attempt, in visible form.
	wide := w >= 120
	for i, hm := range hostileMembers {
		if i > 0 {
			con.keys("j")
		}
		con.waitUntil(hm.handle+" selected", func(sc []string) bool {
			return strings.HasPrefix(screenLine(sc, 4+i), "> "+hm.handle+" ")
		})
		if !wide {
			con.keys("Enter")
		}
		sc := con.waitFor(" "+hm.handle+" · "+hm.shown, "joined 2024-01-01")
		checkWholeScreen(t, hm.handle+"'s header", sc, w, h)
		if hm.handle == "h12" && !cutLong.MatchString(sc[2]) {
			t.Errorf("the 10,000-character name is not cut with …:\n%s", framedScreen(sc))
		}
		if !wide {
			con.keys("Escape")
			con.waitFor(fmt.Sprintf("Members · %d · by points", len(hostileMembers)))
		}
	}

	// The leaderboard: the same names in a wider column.
	con.keys("2")
	sc = con.waitUntil("the leaderboard", func(sc []string) bool {
		return strings.Contains(screenLine(sc, 2), "Leaderboard · all time") && len(hostileBoardRows(sc)) == len(hostileMembers)
	})
	checkWholeScreen(t, "leaderboard", sc, w, h)
	checkScreenColumns(t, "leaderboard", sc, boardRow, exported, []screenColumn{
		{"POINTS", true, func(m map[string]string) string { return m["lifetime_points"] }},
		{"TIER", false, func(m map[string]string) string { return m["tier"] }},
	})
	if !wide { // the whole of the unterminated sequence and what follows it
		mustShowText(t, "leaderboard", sc, "before ^[]0;oops after", "C1 <U+009B>2J csi", "Tab here↵new↵line", "Emoji 👍 fam 👨👩👧👦")
	}

	// Reports: the excerpt and the content, in the case and in a form.
	con.keys("4")
	con.waitFor("Reports · 1 open", "> ")
	if !wide {
		con.keys("Enter")
	}
	sc = con.waitFor(" Case #1 ", "Excerpt")
	checkWholeScreen(t, "case", sc, w, h)
	mustShowText(t, "case", sc, hostileReport.shown...)
	con.keys("d")
	sc = con.waitFor("Dismiss the reports on https://forum.example/t/1^[]2;PWNED-")
	checkWholeScreen(t, "dismiss form", sc, w, h)
	con.keys("Escape")
	con.waitGone("Dismiss the reports on")

	// Nothing reached the terminal.
	if got := con.info("#{pane_title}"); got != safeTitle {
		t.Errorf("the console's pane title is %q, want %q as before", got, safeTitle)
	}
	if got := con.info("#{window_name}"); got != "console" {
		t.Errorf("the console's window was renamed to %q", got)
	}
	if bufs := tm.buffers(); len(bufs) != 0 {
		t.Errorf("the console filled paste buffers (OSC 52 leaked): %q", bufs)
	}
	for format, want := range map[string]string{
		"#{pane_dead}": "0", "#{alternate_on}": "1", "#{mouse_any_flag}": "0", "#{insert_flag}": "0",
	} {
		if got := con.info(format); got != want {
			t.Errorf("in the console's pane %s is %q, want %q", format, got, want)
		}
	}
	con.keys("q")
	if status := con.waitExit(); status != "0" {
		t.Errorf("the console exited with status %s", status)
	}
}

// memberRow and boardRow find a hostile member's row in the members list
// and the leaderboard: the selection marker or a space, then the handle.
var (
	cutLong   = regexp.MustCompile(` h12 · Long x{20,}… +active$`)
	memberRow = regexp.MustCompile(`^[> ] (h\d\d) `)
	boardRow  = regexp.MustCompile(`^[> ] +\d+ +\S+ +(h\d\d) `)
)

func hostileMemberRows(sc []string) []string { return hostileRowHandles(sc, memberRow) }
func hostileBoardRows(sc []string) []string  { return hostileRowHandles(sc, boardRow) }

func hostileRowHandles(sc []string, row *regexp.Regexp) []string {
	var out []string
	for _, l := range sc {
		if m := row.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// checkWholeScreen fails unless the screen is whole: as many lines as the pane
// is high, none wider than the pane (in cells), the header and the key
// help still in their place (nothing cleared or moved the screen), and,
// on a wide screen, the rule between list and detail in one column.
func checkWholeScreen(t *testing.T, what string, sc []string, w, h int) {
	t.Helper()
	if len(sc) != h {
		t.Errorf("%s: %d lines on a pane %d high:\n%s", what, len(sc), h, framedScreen(sc))
	}
	for i, l := range sc {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("%s: line %d is %d cells on a pane %d wide:\n%s", what, i, n, w, framedScreen(sc))
		}
		if strings.ContainsAny(l, "\x1b\x07\u009b") {
			t.Errorf("%s: line %d holds a control character: %q", what, i, l)
		}
	}
	if !strings.HasPrefix(screenLine(sc, 0), " steward  1 Members  2 Leaderboard  3 Approvals 0  4 Reports ") ||
		!strings.Contains(screenLine(sc, 1), "━") || !strings.Contains(screenLine(sc, -1), " • ") {
		t.Errorf("%s: the header, its rule or the key help is gone:\n%s", what, framedScreen(sc))
	}
	if w < 120 || strings.Contains(strings.Join(sc, "\n"), "╭") {
		return // a narrow screen has no rule; a form's box is drawn over it
	}
	col := -1
	for i := 2; i < h-2; i++ {
		l := sc[i]
		at := strings.IndexAny(l, "│┃")
		if at < 0 {
			t.Errorf("%s: line %d has no rule between list and detail:\n%s", what, i, framedScreen(sc))
			return
		}
		c := ansi.StringWidth(l[:at])
		if col < 0 {
			col = c
		} else if c != col {
			t.Errorf("%s: the rule between list and detail is at cell %d on line %d, at %d above:\n%s", what, c, i, col, framedScreen(sc))
			return
		}
	}
}

// screenColumn is a column of a list whose cells the test knows: its title,
// whether it is aligned right, and the value for a member's export row.
type screenColumn struct {
	title string
	right bool
	value func(member map[string]string) string
}

// checkScreenColumns fails unless, in every row of a hostile member, each column
// starts (or, aligned right, ends) at the cell where its title does. It
// measures cells with ansi.StringWidth of the text before the value, and
// looks for the values from the right, so that the names cannot fool it.
func checkScreenColumns(t *testing.T, what string, sc []string, row *regexp.Regexp, exported map[string]map[string]string, cols []screenColumn) {
	t.Helper()
	header := -1
	for i, l := range sc {
		all := true
		for _, c := range cols {
			all = all && strings.Contains(l, " "+c.title)
		}
		if all && strings.Contains(l, "HANDLE") {
			header = i
			break
		}
	}
	if header < 0 {
		t.Fatalf("%s: no column header:\n%s", what, framedScreen(sc))
	}
	hl := leftOfRule(sc[header])
	edge := make([]int, len(cols)) // the start, or for a right column the end, of each title
	for i, c := range cols {
		at := strings.Index(hl, " "+c.title) + 1
		edge[i] = ansi.StringWidth(hl[:at])
		if c.right {
			edge[i] += len(c.title)
		}
	}
	checked := 0
	for _, l := range sc[header+1:] {
		m := row.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		l = leftOfRule(l)
		member := exported[m[1]]
		limit := len(l)
		for i := len(cols) - 1; i >= 0; i-- {
			c := cols[i]
			v := c.value(member)
			at := lastCellAt(l[:limit], v)
			if at < 0 {
				t.Errorf("%s: %s's row has no %s %q:\n%s", what, m[1], c.title, v, l)
				break
			}
			cell := ansi.StringWidth(l[:at])
			if c.right {
				cell += ansi.StringWidth(v)
			}
			if cell != edge[i] {
				t.Errorf("%s: %s's %s %q is at cell %d, its column at %d:\n%s\n%s", what, m[1], c.title, v, cell, edge[i], hl, l)
			}
			limit = at
		}
		checked++
	}
	if checked != len(hostileMembers) {
		t.Errorf("%s: checked %d rows, want %d:\n%s", what, checked, len(hostileMembers), framedScreen(sc))
	}
}

// leftOfRule is the list's part of a line, left of the rule that separates
// it from the detail on a wide screen.
func leftOfRule(l string) string {
	if at := strings.IndexAny(l, "│┃"); at >= 0 {
		return l[:at]
	}
	return l
}

// lastCellAt is the byte offset of the last occurrence of v in l as a whole
// cell: a space before it, a space or the end of the line after it.
func lastCellAt(l, v string) int {
	for end := len(l); end > 0; {
		at := strings.LastIndex(l[:end], " "+v)
		if at < 0 {
			return -1
		}
		after := at + 1 + len(v)
		if after == len(l) || l[after] == ' ' {
			return at + 1
		}
		end = at
	}
	return -1
}

// mustShowText fails unless every one of texts is on the screen.
func mustShowText(t *testing.T, what string, sc []string, texts ...string) {
	t.Helper()
	all := strings.Join(sc, "\n")
	for _, x := range texts {
		if !strings.Contains(all, x) {
			t.Errorf("%s: %q is not on screen:\n%s", what, x, framedScreen(sc))
		}
	}
}
