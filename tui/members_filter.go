package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
	"steward/tui/match"
)

// The / filter of the Members pane. Typing never waits for the matching:
// every change of the query starts a command that matches off the Update
// path, and a result that arrives after a newer keystroke is dropped by
// its sequence number. The names are read once (store.Names walks the
// whole community) and kept until the data changes. Each result is kept
// while the query grows, so the next key matches only within it, and
// backspace finds its answer at once.

// filterState is the filter's part of the Members pane.
type filterState struct {
	typing     bool // the input has the keys
	input      textinput.Model
	query      string // the filter in force; "" for none
	names      []store.Name
	corpus     *match.Corpus
	namesStale bool
	loading    bool           // names are on their way
	chain      []match.Result // results for prefixes of the query, shortest first
	seq        int
}

func newFilterState(c *Common) filterState {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "handle or name"
	in.CharLimit = 100
	inputStyle(c, &in)
	return filterState{input: in}
}

// namesLoadedMsg brings every member's handle and name, and the corpus the
// matcher runs on.
type namesLoadedMsg struct {
	names  []store.Name
	corpus *match.Corpus
}

func (namesLoadedMsg) target() paneID { return membersPane }

// filterMatchedMsg brings the ranking of one query.
type filterMatchedMsg struct {
	seq       int
	result    match.Result
	corpus    *match.Corpus
	keepPlace bool // the names were read again: stay where the list was
}

func (filterMatchedMsg) target() paneID { return membersPane }

func loadNames(st *store.Store) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		names, err := st.Names()
		if missing(err) {
			names, err = nil, nil
		}
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		keys := make([]string, len(names))
		for i, n := range names {
			keys[i] = matchKey(n.Handle, n.Name)
		}
		return namesLoadedMsg{names: names, corpus: match.New(keys)}
	}
	return cmd
}

// matchNames ranks the names against a query. prev, when it narrows the
// query, limits the search to its matches. The corpus and prev are never
// changed once made, so the command may share them.
func matchNames(corpus *match.Corpus, query string, prev *match.Result, seq int, keepPlace bool) tea.Cmd {
	return func() tea.Msg {
		return filterMatchedMsg{seq: seq, result: corpus.Find(query, prev), corpus: corpus, keepPlace: keepPlace}
	}
}

// matchKey is what the filter matches for a member: handle and name.
func matchKey(handle, name string) string { return handle + " " + name }

// splitMatch divides the matched offsets of a matchKey into those of the
// handle and those of the name.
func splitMatch(pos []int, handleLen int) (handle, name []int) {
	for _, i := range pos {
		switch {
		case i < handleLen:
			handle = append(handle, i)
		case i > handleLen:
			name = append(name, i-handleLen-1)
		}
	}
	return handle, name
}

// matchPager pages through a ranking: its positions are the keys, and the
// rows are read by handle.
func matchPager(st *store.Store, names []store.Name, r match.Result) pager[model.Member] {
	return func(from []byte, dir store.Direction, limit int) (store.Page[model.Member], error) {
		n := r.Len()
		var lo, hi int
		switch {
		case from == nil && dir == store.Forward:
			lo, hi = 0, min(n, limit)
		case from == nil:
			lo, hi = max(0, n-limit), n
		case dir == store.Forward:
			lo = min(n, posOf(from)+1)
			hi = min(n, lo+limit)
		default:
			hi = min(n, posOf(from))
			lo = max(0, hi-limit)
		}
		handles := make([]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			handles = append(handles, names[r.At(i)].Handle)
		}
		ms, err := st.MembersByHandle(handles)
		if err != nil {
			return store.Page[model.Member]{}, err
		}
		byHandle := make(map[string]model.Member, len(ms))
		for _, m := range ms {
			byHandle[m.Handle] = m
		}
		page := store.Page[model.Member]{AtStart: lo == 0, AtEnd: hi >= n}
		for i, h := range handles {
			if m, ok := byHandle[h]; ok {
				page.Rows = append(page.Rows, m)
				page.Keys = append(page.Keys, posKey(lo+i))
			}
		}
		return page, nil
	}
}

func posKey(i int) []byte { return []byte{byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)} }

func posOf(k []byte) int {
	if len(k) != 4 {
		return 0
	}
	return int(k[0])<<24 | int(k[1])<<16 | int(k[2])<<8 | int(k[3])
}

// start opens the filter input, reading the names if they are not there.
func (f *filterState) start(c *Common) tea.Cmd {
	f.typing = true
	f.input.SetValue(f.query)
	f.input.CursorEnd()
	cmd := f.input.Focus()
	if (f.corpus == nil || f.namesStale) && !f.loading {
		f.loading = true
		return tea.Batch(cmd, loadNames(c.Store))
	}
	return cmd
}

func (p *membersModel) onFilterKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	f := &p.filter
	switch {
	case key.Matches(msg, k.Back, k.Interrupt):
		return p.clearFilter()
	case key.Matches(msg, k.Open):
		f.typing = false
		f.input.Blur()
		return nil
	case msg.Type != tea.KeyRunes && key.Matches(msg, k.Up):
		return p.move(-1)
	case msg.Type != tea.KeyRunes && key.Matches(msg, k.Down):
		return p.move(1)
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	cleanInput(&f.input)
	if f.input.Value() == f.query {
		return cmd
	}
	return tea.Batch(cmd, p.setQuery(f.input.Value()))
}

// clearFilter closes the input and shows the whole list again.
func (p *membersModel) clearFilter() tea.Cmd {
	f := &p.filter
	f.typing = false
	f.input.Blur()
	f.input.SetValue("")
	if f.query == "" {
		return nil
	}
	return p.setQuery("")
}

// setQuery puts a new query in force: at once when a kept result answers
// it, otherwise by a matching command narrowed by the longest kept prefix.
func (p *membersModel) setQuery(q string) tea.Cmd {
	f := &p.filter
	f.query = q
	f.seq++
	if q == "" {
		f.chain = nil
		p.list.total = p.total
		return tea.Batch(p.list.reset(orderPager(p.c.Store, p.order)), p.follow())
	}
	for len(f.chain) > 0 && !f.chain[len(f.chain)-1].Narrows(q) {
		f.chain = f.chain[:len(f.chain)-1]
	}
	if n := len(f.chain); n > 0 && f.chain[n-1].Query == q {
		return p.showResult(f.chain[n-1], false)
	}
	if f.corpus == nil || f.loading {
		return nil // matched when the names arrive
	}
	var prev *match.Result
	if n := len(f.chain); n > 0 {
		r := f.chain[n-1]
		prev = &r
	}
	return matchNames(f.corpus, q, prev, f.seq, false)
}

// refresh reads the names again after a change, when a filter is in force.
func (f *filterState) refresh(c *Common) tea.Cmd {
	if f.query == "" || f.loading {
		return nil
	}
	f.loading = true
	return loadNames(c.Store)
}

func (p *membersModel) onFilterMsg(msg tea.Msg) tea.Cmd {
	f := &p.filter
	switch msg := msg.(type) {
	case namesLoadedMsg:
		reloaded := f.corpus != nil
		f.names, f.corpus, f.loading, f.namesStale = msg.names, msg.corpus, false, false
		f.chain = nil
		if f.query == "" {
			return nil
		}
		f.seq++
		return matchNames(f.corpus, f.query, nil, f.seq, reloaded)
	case filterMatchedMsg:
		if msg.seq != f.seq || msg.corpus != f.corpus {
			return nil
		}
		if n := len(f.chain); n == 0 || f.chain[n-1].Narrows(msg.result.Query) {
			f.chain = append(f.chain, msg.result)
		}
		return p.showResult(msg.result, msg.keepPlace)
	}
	return nil
}

// showResult lists a ranking: from its top for a new query, or keeping
// the place when the names were only read again.
func (p *membersModel) showResult(r match.Result, keepPlace bool) tea.Cmd {
	p.list.total = r.Len()
	get := matchPager(p.c.Store, p.filter.names, r)
	if keepPlace {
		p.list.get = get
		return p.list.reload()
	}
	return p.list.reset(get)
}
