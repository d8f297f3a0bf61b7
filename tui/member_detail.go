package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
	"steward/termtext"
)

// historyPage is how many lines of points history are read at a time as
// the reader scrolls.
const historyPage = 100

// firstHistory says how much history a member's screen reads first, once
// their detail is read: the lines the screen has room for below the rest of
// the document, and one. On a long-lived community each line of history is
// a read from a different part of the file, and the first frame waits for
// them. It works on copies, since it runs off the screen's path.
func (m *memberDetail) firstHistory() func(store.Detail) int {
	c, w, h := *m.c, m.w, m.h
	return func(d store.Detail) int {
		above := len(detailLines(&c, d, nil, false, w)) - 1 // less "no points yet"
		return min(historyPage, max(0, h-above)+1)
	}
}

// memberLoadedMsg brings a member's screen and the newest page of their
// points history. seq is the detail's count of requests: an answer for a
// member no longer shown is dropped.
type memberLoadedMsg struct {
	owner   paneID
	seq     int
	handle  string
	detail  store.Detail
	history []model.Entry
	more    bool
}

func (m memberLoadedMsg) target() paneID { return m.owner }

// historyLoadedMsg brings an older page of the points history.
type historyLoadedMsg struct {
	owner   paneID
	seq     int
	entries []model.Entry
	more    bool
}

func (m historyLoadedMsg) target() paneID { return m.owner }

func loadMember(st *store.Store, owner paneID, seq int, handle string, history func(store.Detail) int) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		d, err := st.Detail(handle)
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		h, more, err := st.History(handle, 0, history(d))
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		return memberLoadedMsg{owner: owner, seq: seq, handle: handle, detail: d, history: h, more: more}
	}
	return cmd
}

func loadHistory(st *store.Store, owner paneID, seq int, handle string, before uint64) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		h, more, err := st.History(handle, before, historyPage)
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		return historyLoadedMsg{owner: owner, seq: seq, entries: h, more: more}
	}
	return cmd
}

// memberDetail is one member's screen: profile, tier progress, badges,
// points by action, notes, penalties, reports, redemptions and the points
// history, as one document that scrolls under a fixed first line. The
// members list and the leaderboard each hold one; the holder handles the
// action keys, the detail the scrolling.
type memberDetail struct {
	c       *Common
	owner   paneID
	handle  string
	seq     int
	loaded  bool
	d       store.Detail
	history []model.Entry
	more    bool
	loading bool // an older page of history is on its way

	lines  []string // the document, drawn when the data or the width changes
	scroll int
	// ahead is how far a scroll went past the history read so far; it is
	// taken up when the older lines arrive, so that a page down is a page
	// even when only the screen's lines had been read.
	ahead   int
	w, h    int
	focused bool
}

func newMemberDetail(c *Common, owner paneID) *memberDetail {
	return &memberDetail{c: c, owner: owner}
}

// show switches to a member; it is a no-op for the member already shown.
func (m *memberDetail) show(handle string) tea.Cmd {
	if handle == m.handle && (m.loaded || m.seq > 0) {
		return nil
	}
	m.handle, m.loaded, m.lines, m.scroll, m.ahead = handle, false, nil, 0, 0
	m.history, m.more, m.loading = nil, false, false
	m.seq++
	return loadMember(m.c.Store, m.owner, m.seq, handle, m.firstHistory())
}

// reload reads the member again after a change, keeping the scroll.
func (m *memberDetail) reload() tea.Cmd {
	if m.handle == "" {
		return nil
	}
	m.seq++
	m.loading = false
	first, held := m.firstHistory(), len(m.history)
	return loadMember(m.c.Store, m.owner, m.seq, m.handle, func(d store.Detail) int { return max(first(d), held) })
}

// member is the member shown, once loaded.
func (m *memberDetail) member() (model.Member, bool) {
	return m.d.Member, m.loaded
}

// ladder is the member's place on the penalty ladder, for the suspension
// form.
func (m *memberDetail) ladder() suspendFormMsg {
	return suspendFormMsg{owner: m.owner, handle: m.handle, prior: m.d.Suggested, suggested: m.c.Prog.SuggestedSuspension(m.d.Suggested)}
}

func (m *memberDetail) Title() string    { return "Member" }
func (m *memberDetail) Capturing() bool  { return false }
func (m *memberDetail) Focus() tea.Cmd   { m.focused = true; return nil }
func (m *memberDetail) Blur()            { m.focused = false }
func (m *memberDetail) invalidate()      { m.lines = nil }
func (m *memberDetail) SetSize(w, h int) { m.w, m.h, m.lines = w, h, nil }
func (m *memberDetail) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Back, k.Down, k.Award, k.Badge}
}

func (m *memberDetail) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Back},
		memberActionKeys(m.c),
		m.c.Keys.App(),
	}
}

func (m *memberDetail) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case memberLoadedMsg:
		if msg.seq != m.seq {
			return m, nil
		}
		m.loaded, m.d, m.history, m.more, m.lines = true, msg.detail, msg.history, msg.more, nil
		return m, m.fill()
	case historyLoadedMsg:
		if msg.seq != m.seq {
			return m, nil
		}
		m.loading = false
		m.history, m.more, m.lines = append(m.history, msg.entries...), msg.more, nil
		if m.ahead > 0 {
			m.scrollBy(m.ahead)
		}
		return m, m.wantMore()
	case tea.KeyMsg:
		if !m.focused {
			return m, nil
		}
		return m, m.onKey(msg)
	}
	return m, nil
}

func (m *memberDetail) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	page := max(1, m.h-2)
	switch {
	case key.Matches(msg, k.Down):
		m.scrollBy(1)
	case key.Matches(msg, k.Up):
		m.scrollBy(-1)
	case key.Matches(msg, k.PageDown):
		m.scrollBy(page)
	case key.Matches(msg, k.PageUp):
		m.scrollBy(-page)
	case key.Matches(msg, k.Home):
		m.scroll, m.ahead = 0, 0
	case key.Matches(msg, k.End):
		m.scrollBy(len(m.document()))
	default:
		return nil
	}
	return m.wantMore()
}

func (m *memberDetail) scrollBy(n int) {
	doc := m.document()
	to, end := m.scroll+n, max(0, len(doc)-m.h)
	m.ahead = 0
	if to > end && m.more {
		m.ahead = to - end
	}
	m.scroll = max(0, min(to, end))
}

// fill reads older history when the document does not reach the bottom of
// the screen (a member just shown has what the screen needs; a taller
// screen may need more).
func (m *memberDetail) fill() tea.Cmd {
	if !m.loaded || len(m.document()) >= m.scroll+m.h {
		return nil
	}
	return m.wantMore()
}

// wantMore reads older history when the reader nears its end: less than
// half a screen left below the view.
func (m *memberDetail) wantMore() tea.Cmd {
	if !m.loaded || !m.more || m.loading || len(m.history) == 0 {
		return nil
	}
	if below := len(m.document()) - (m.scroll + m.h); below >= m.h/2 {
		return nil
	}
	m.loading = true
	before := m.history[len(m.history)-1].Seq
	return loadHistory(m.c.Store, m.owner, m.seq, m.handle, before)
}

// View draws the first line and the part of the document in view.
func (m *memberDetail) View() string {
	if m.handle == "" {
		return emptyState(&m.c.Styles, "No member selected.", m.w)
	}
	if !m.loaded {
		return emptyState(&m.c.Styles, "Loading "+termtext.Cut(m.handle, m.w-12)+"…", m.w)
	}
	doc := m.document()
	top := min(m.scroll, max(0, len(doc)-m.h))
	out := []string{doc[0]}
	end := min(len(doc), 1+top+m.h-1)
	out = append(out, doc[1+top:max(1+top, end)]...)
	return strings.Join(fitLines(out, m.w, m.h), "\n")
}

func (m *memberDetail) document() []string {
	if m.lines == nil {
		m.lines = detailLines(m.c, m.d, m.history, m.more, m.w)
	}
	return m.lines
}
