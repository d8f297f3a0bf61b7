package tui

import (
	"errors"
	"strings"

	"steward/store"
	"steward/termtext"
)

type statusKind int

const (
	statusNone statusKind = iota
	statusInfo
	statusSuccess
	statusError
	statusBusy
)

// statusLine is the line above the key hints: it confirms each action,
// offers undo, and shows errors until the next key.
type statusLine struct {
	kind statusKind
	text string
	undo bool // "u undo" is offered
}

func info(text string) statusLine { return statusLine{kind: statusInfo, text: text} }

// done confirms a write.
func done(m actionDoneMsg) statusLine {
	s := statusLine{kind: statusSuccess, text: m.summary, undo: !m.undo && m.summary != ""}
	if len(m.failed) > 0 {
		s.kind = statusError
		prefix := m.summary
		if prefix != "" {
			prefix += "; "
		}
		s.text = prefix + plural(len(m.failed), "failed", "failed") + ": " + strings.Join(m.failed, "; ")
	}
	return s
}

// failure explains an error in a line.
func failure(err error) statusLine {
	var fe *store.FileError
	if errors.As(err, &fe) && fe.Kind == store.Busy {
		return statusLine{kind: statusBusy, text: "database busy (" + fe.Msg + "): retrying"}
	}
	return statusLine{kind: statusError, text: err.Error()}
}

// view draws the line in width cells. Error text can quote member text, so
// all of it goes through termtext.
func (s statusLine) view(st *Styles, width int) string {
	var sym string
	style := st.Status.Info
	switch s.kind {
	case statusNone:
		return strings.Repeat(" ", width)
	case statusSuccess:
		sym, style = "✓ ", st.Status.Success
	case statusError:
		sym, style = "✗ ", st.Status.Error
	case statusBusy:
		sym, style = "… ", st.Status.Busy
	default:
		sym = "· "
	}
	tail := ""
	if s.undo {
		tail = "  u undo"
	}
	text := termtext.Fit(sym+s.text, max(0, width-1-len(tail)))
	return " " + style.Render(text) + st.Help.ShortKey.Render(tail)
}
