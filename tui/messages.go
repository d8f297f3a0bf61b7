package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
)

// errMsg reports a failed store call. retry, when set, runs the call again
// (the app does so while the file is busy: nothing was written).
type errMsg struct {
	err     error
	retry   tea.Cmd
	reading bool // the call only read: a file that cannot be read is fatal
}

// countsLoadedMsg carries the queue counters of the tabs. noFile says the
// database does not exist yet.
type countsLoadedMsg struct {
	counts store.Counts
	noFile bool
}

// programmeLoadedMsg carries the programme in force.
type programmeLoadedMsg struct{ prog model.Programme }

// stampMsg is a poll's reading of the file's stamp.
type stampMsg struct{ stamp store.Stamp }

// dataChangedMsg tells every pane that the data changed, here or in another
// process: the pane in view reloads what it shows, the others when they
// come into view.
type dataChangedMsg struct{}

// actionDoneMsg reports a write: its summary for the status line, the
// audit entries that undo compensates, and the file's stamp after it so the
// poll does not reload a second time.
type actionDoneMsg struct {
	summary string
	failed  []string // for a batch: what could not be done, and why
	seqs    []uint64 // the audit entries written; empty for an undo
	undo    bool     // the write was an undo (nothing to offer undoing)
	stamp   store.Stamp
}

// resizedMsg follows a change of the terminal's size, for the panes that
// load something for the new layout: the rows that fill a taller screen,
// the detail beside a wide list.
type resizedMsg struct{}

// healthLoadedMsg brings the community's health to the Health pane. seq is
// the pane's count of loads when it asked: an older answer is dropped. A
// failed read comes here too, so the pane can say so, with retry for the
// app while the file is busy.
type healthLoadedMsg struct {
	seq    int
	health model.Health
	err    error
	retry  tea.Cmd
}

func (healthLoadedMsg) target() paneID { return healthPane }
