package tui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
)

// Commands run the store calls off the Update path. Each copies its
// arguments into its closure, calls the store and returns a message;
// none of them touches a model.

func loadCounts(st *store.Store) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		c, err := st.Counts()
		if missing(err) {
			return countsLoadedMsg{noFile: true}
		}
		if err != nil {
			return errMsg{err: err, retry: cmd, reading: true}
		}
		return countsLoadedMsg{counts: c}
	}
	return cmd
}

func loadProgramme(st *store.Store) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		p, err := st.Programme()
		if err != nil {
			return errMsg{err: err, retry: cmd, reading: true}
		}
		return programmeLoadedMsg{p}
	}
	return cmd
}

// loadHealth reads the community's health through read, the store's by
// default. A file that does not exist yet is an empty community.
func loadHealth(read func() (model.Health, error), seq int) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		h, err := read()
		switch {
		case missing(err):
			return healthLoadedMsg{seq: seq}
		case err != nil:
			return healthLoadedMsg{seq: seq, err: err, retry: retryIfBusy(err, cmd)}
		}
		return healthLoadedMsg{seq: seq, health: h}
	}
	return cmd
}

// readStamp reads the file's stamp at once; pollStamp after a while. The
// stat runs in the command, never in Update.
func readStamp(st *store.Store) tea.Cmd {
	return func() tea.Msg { return stampMsg{st.Stamp()} }
}

func pollStamp(st *store.Store, every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return stampMsg{st.Stamp()} })
}

// write runs one store write and reports it. A busy file wrote nothing, so
// the write is offered for a retry.
func write(st *store.Store, fn func() (store.Done, error)) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		done, err := fn()
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd)}
		}
		return actionDoneMsg{summary: done.Summary, seqs: []uint64{done.Seq}, stamp: st.Stamp()}
	}
	return cmd
}

func retryIfBusy(err error, cmd tea.Cmd) tea.Cmd {
	if busy(err) {
		return cmd
	}
	return nil
}

func award(st *store.Store, handle string, points int64, reason string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.Award(handle, points, reason) })
}

func grantBadge(st *store.Store, handle, badge, note string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.GrantBadge(handle, badge, note) })
}

func addNote(st *store.Store, handle, text string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.AddNote(handle, text) })
}

func warn(st *store.Store, handle, reason string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.Warn(handle, reason) })
}

func suspend(st *store.Store, handle string, d time.Duration, reason string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.Suspend(handle, d, reason) })
}

func lift(st *store.Store, handle, reason string) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.Lift(handle, reason) })
}

func decide(st *store.Store, caseID uint64, v store.Verdict) tea.Cmd {
	return write(st, func() (store.Done, error) { return st.Decide(caseID, v) })
}

// undo compensates the audit entries of one action of this session,
// newest first.
func undo(st *store.Store, seqs []uint64) tea.Cmd {
	seqs = append([]uint64(nil), seqs...)
	return func() tea.Msg {
		var undone []string
		for i := len(seqs) - 1; i >= 0; i-- {
			done, err := st.UndoSeq(seqs[i])
			if err != nil {
				return errMsg{err: err}
			}
			undone = append(undone, done.Summary)
		}
		summary := "undid " + plural(len(undone), "action", "actions")
		if len(undone) == 1 {
			summary = undone[0]
		}
		return actionDoneMsg{summary: summary, undo: true, stamp: st.Stamp()}
	}
}

// approve and reject decide several requests, each in its own transaction:
// one that fails does not stop the others, and the status line says which.
func approve(st *store.Store, ids []string) tea.Cmd {
	ids = append([]string(nil), ids...)
	return batch(st, "approved", func() []store.Outcome { return st.Approve(ids...) })
}

func reject(st *store.Store, reason string, ids []string) tea.Cmd {
	ids = append([]string(nil), ids...)
	return batch(st, "rejected", func() []store.Outcome { return st.Reject(reason, ids...) })
}

func batch(st *store.Store, verb string, fn func() []store.Outcome) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		out := fn()
		msg := actionDoneMsg{stamp: st.Stamp()}
		var ok []store.Outcome
		allBusy := len(out) > 0
		for _, o := range out {
			if o.Err != nil {
				msg.failed = append(msg.failed, o.Err.Error())
				allBusy = allBusy && busy(o.Err)
				continue
			}
			allBusy = false
			ok = append(ok, o)
			msg.seqs = append(msg.seqs, o.Done.Seq)
		}
		switch {
		case allBusy:
			return errMsg{err: out[0].Err, retry: cmd}
		case len(ok) == 1:
			msg.summary = ok[0].Done.Summary
		case len(ok) > 1:
			msg.summary = fmt.Sprintf("%s %d requests", verb, len(ok))
		}
		return msg
	}
	return cmd
}
