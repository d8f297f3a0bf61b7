package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"steward/keymap"
	"steward/model"
	"steward/store"
)

// Options tune the console.
type Options struct {
	// Now is the clock; tests fix it. nil means time.Now.
	Now func() time.Time
	// Poll is how often the console looks for changes made by other
	// processes (a script's import). 0 means every second; a negative
	// value turns the watching off (tests).
	Poll time.Duration
	// Notice is shown in the status line at start, e.g. where the demo
	// database was written.
	Notice string
	// NoColor draws without colours: bold, underline and reverse only.
	NoColor bool
	// Renderer is the terminal the console draws on, when it is not the
	// process's own: an SSH session's. nil means the process's terminal.
	Renderer *lipgloss.Renderer
}

// App is the console: a header with the pane tabs and queue counts, the
// pane in view, and a footer with the status line and the keys that
// matter. It resizes the panes, handles the keys that work everywhere,
// shows errors and confirmations, and hands every other message to the
// pane in view or to the pane that owns it.
type App struct {
	c        *Common
	panes    [paneCount]Pane
	active   paneID
	status   statusLine
	help     help.Model
	showHelp bool
	counts   store.Counts
	countsOK bool
	stamp    store.Stamp
	stampOK  bool
	fatal    error
	w, h     int
	poll     time.Duration
	// undos holds the audit entries of this session's actions, newest
	// last: u undoes what this console did, never an older action of the
	// same moderator from another session or script.
	undos [][]uint64
}

// maxUndo is how many actions back u can go.
const maxUndo = 50

// New makes the console on a store. The store's actor is who the
// console's actions are recorded as.
func New(st *store.Store, km keymap.KeyMap, opt Options) *App {
	theme := DefaultTheme()
	if opt.NoColor {
		theme = PlainTheme()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Poll == 0 {
		opt.Poll = time.Second
	}
	r := opt.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	c := &Common{Store: st, Keys: km, Styles: NewStylesFor(r, theme), Now: opt.Now, Prog: model.Default()}
	a := &App{c: c, poll: opt.Poll, help: help.New()}
	a.help.Styles = c.Styles.Help
	a.panes = [paneCount]Pane{newMembers(c), newLeaderboard(c), newApprovals(c), newReports(c), newHealth(c)}
	if opt.Notice != "" {
		a.status = info(opt.Notice)
	}
	return a
}

// Init loads the programme, the counts and the first pane, and starts
// watching the file for changes.
func (a *App) Init() tea.Cmd {
	st := a.c.Store
	return tea.Batch(loadProgramme(st), loadCounts(st), readStamp(st), a.panes[a.active].Focus())
}

// Update handles a message.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.onResize(msg.Width, msg.Height)
		return a, a.send(a.active, resizedMsg{})
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return a, a.onKeys(msg)
		}
		return a, a.onKey(msg)
	case errMsg:
		return a, a.onError(msg)
	case stampMsg:
		return a, a.onStamp(msg)
	case actionDoneMsg:
		a.status = done(msg)
		a.stamp, a.stampOK = msg.stamp, true
		if len(msg.seqs) > 0 {
			a.undos = append(a.undos, msg.seqs)
			if len(a.undos) > maxUndo {
				a.undos = a.undos[1:]
			}
		}
		return a, a.changed()
	case countsLoadedMsg:
		a.counts, a.countsOK = msg.counts, true
		a.clearBusy()
		if msg.noFile && a.status.kind == statusNone {
			a.status = info("no database at " + a.c.Store.Path() + " yet: import members with `steward import`, or try `steward --demo`")
		}
		return a, a.broadcast(msg)
	case programmeLoadedMsg:
		a.c.Prog = msg.prog
		return a, a.broadcast(msg)
	}
	if t, ok := msg.(targeted); ok {
		a.clearBusy()
		return a, a.send(t.target(), msg)
	}
	return a, a.send(a.active, msg)
}

func (a *App) onResize(w, h int) {
	a.w, a.h = w, h
	a.help.Width = w - 2
	for _, p := range a.panes {
		p.SetSize(max(1, w), max(1, h-chromeHeight))
	}
}

// chromeHeight is the lines around the pane: tabs, rule, status, keys.
const chromeHeight = 4

func (a *App) onKey(msg tea.KeyMsg) tea.Cmd {
	k := a.c.Keys
	if a.fatal != nil {
		if key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
	}
	if a.status.kind == statusError {
		a.status = statusLine{}
	}
	if a.w < minWidth || a.h < minHeight {
		// Nothing of the pane is on screen: a key could only act unseen.
		if key.Matches(msg, k.Quit) && !a.panes[a.active].Capturing() {
			return tea.Quit
		}
		return nil
	}
	if a.panes[a.active].Capturing() {
		return a.send(a.active, msg)
	}
	if a.showHelp && key.Matches(msg, k.Help, k.Back) {
		a.showHelp = false
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		a.showHelp = true
		return nil
	case key.Matches(msg, k.NextPane):
		return a.focus((a.active + 1) % paneCount)
	case key.Matches(msg, k.PrevPane):
		return a.focus((a.active + paneCount - 1) % paneCount)
	case key.Matches(msg, k.Undo):
		return a.undo()
	case key.Matches(msg, k.Refresh):
		return a.changed()
	}
	for i, b := range k.Pane {
		if key.Matches(msg, b) {
			return a.focus(paneID(i))
		}
	}
	a.showHelp = false
	return a.send(a.active, msg)
}

// onKeys handles keys that arrived together: Bubble Tea reports the letters
// of one read as one message, which matches no binding, so keys typed ahead
// over a slow link or sent by a script would be lost. Each is a key press of
// its own until a form or the filter has the keys; the rest is its text.
func (a *App) onKeys(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if a.panes[a.active].Capturing() {
			rest := msg
			rest.Runes = msg.Runes[i:]
			return tea.Batch(append(cmds, a.onKey(rest))...)
		}
		cmds = append(cmds, a.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

// undo compensates the newest action of this session.
func (a *App) undo() tea.Cmd {
	n := len(a.undos)
	if n == 0 {
		a.status = info("nothing to undo: no action of yours in this session")
		return nil
	}
	seqs := a.undos[n-1]
	a.undos = a.undos[:n-1]
	a.status = statusLine{kind: statusBusy, text: "undoing…"}
	return undo(a.c.Store, seqs)
}

func (a *App) focus(id paneID) tea.Cmd {
	a.showHelp = false
	if id == a.active {
		return nil
	}
	a.panes[a.active].Blur()
	a.active = id
	return a.panes[id].Focus()
}

// onError shows an error. A busy file is tried again in a moment; a file
// the console cannot use gets a screen of its own.
func (a *App) onError(m errMsg) tea.Cmd {
	if fatal(m.err, m.reading) {
		a.fatal = m.err
		return nil
	}
	a.status = failure(m.err)
	if m.retry != nil {
		retry := m.retry
		return tea.Tick(time.Second, func(time.Time) tea.Msg { return retry() })
	}
	return nil
}

func (a *App) clearBusy() {
	if a.status.kind == statusBusy {
		a.status = statusLine{}
	}
}

// onStamp compares the file's stamp with the last one and reloads when
// another process (or this one) changed the data; then it waits for the
// next poll.
func (a *App) onStamp(m stampMsg) tea.Cmd {
	var next tea.Cmd
	if a.poll > 0 {
		next = pollStamp(a.c.Store, a.poll)
	}
	if !a.stampOK {
		a.stamp, a.stampOK = m.stamp, true
		return next
	}
	if m.stamp == a.stamp {
		return next
	}
	a.stamp = m.stamp
	return tea.Batch(next, a.changed())
}

// changed reloads the counts and the programme, and tells every pane.
func (a *App) changed() tea.Cmd {
	st := a.c.Store
	return tea.Batch(loadCounts(st), loadProgramme(st), a.broadcast(dataChangedMsg{}))
}

func (a *App) send(id paneID, msg tea.Msg) tea.Cmd {
	p, cmd := a.panes[id].Update(msg)
	a.panes[id] = p
	return cmd
}

func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, paneCount)
	for id := range a.panes {
		cmds = append(cmds, a.send(paneID(id), msg))
	}
	return tea.Batch(cmds...)
}
