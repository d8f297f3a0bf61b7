package tui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"steward/model"
	"steward/store"
)

// The member actions (award, badge, note, warn, suspend or lift) are
// offered by the members list, the member detail and the leaderboard; each
// opens a prompt whose submit builds the command.

// memberActionKeys are the keys memberAction answers.
func memberActionKeys(c *Common) []key.Binding {
	k := c.Keys
	return []key.Binding{k.Award, k.Badge, k.Note, k.Warn, k.Suspend}
}

// memberAction answers a member action key: a prompt to open, or a command
// (the suspension form waits for the member's place on the penalty
// ladder). ok is false when the key is not a member action.
func memberAction(c *Common, owner paneID, km tea.KeyMsg, m model.Member) (p *prompt, cmd tea.Cmd, ok bool) {
	k := c.Keys
	switch {
	case key.Matches(km, k.Award):
		return awardPrompt(c, m.Handle), nil, true
	case key.Matches(km, k.Badge):
		p, err := badgePrompt(c, m.Handle)
		if err != nil {
			return nil, func() tea.Msg { return errMsg{err: err} }, true
		}
		return p, nil, true
	case key.Matches(km, k.Note):
		return notePrompt(c, m.Handle), nil, true
	case key.Matches(km, k.Warn):
		return warnPrompt(c, m.Handle), nil, true
	case key.Matches(km, k.Suspend):
		if m.Restricted(c.now()) {
			return liftPrompt(c, m), nil, true
		}
		return nil, loadLadder(c.Store, c.Prog, owner, m.Handle), true
	}
	return nil, nil, false
}

// suspendFormMsg brings the suggested length of a suspension, so that the
// form opens with it filled in.
type suspendFormMsg struct {
	owner     paneID
	handle    string
	suggested time.Duration
	prior     int
}

func (m suspendFormMsg) target() paneID { return m.owner }

func loadLadder(st *store.Store, prog model.Programme, owner paneID, handle string) tea.Cmd {
	var cmd tea.Cmd
	cmd = func() tea.Msg {
		d, err := st.Detail(handle)
		if err != nil {
			return errMsg{err: err, retry: retryIfBusy(err, cmd), reading: true}
		}
		return suspendFormMsg{owner: owner, handle: handle, suggested: prog.SuggestedSuspension(d.Suggested), prior: d.Suggested}
	}
	return cmd
}

func awardPrompt(c *Common, handle string) *prompt {
	st := c.Store
	return newPrompt(c, "Award points to "+handle, func(v []string) (tea.Cmd, error) {
		n, err := parsePoints(v[0], true)
		if err != nil {
			return nil, err
		}
		return award(st, handle, n, v[1]), nil
	},
		textInput("Points", "e.g. 50, or -20 to take points back", ""),
		textInput("Reason", "shown in their points history", ""),
	)
}

// parsePoints reads an amount of points; signed allows a negative one.
func parsePoints(s string, signed bool) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "+"), 10, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a number of points", s)
	case n == 0:
		return 0, errors.New("0 points changes nothing")
	case n < 0 && !signed:
		return 0, errors.New("give a positive number of points")
	case n > 1_000_000 || n < -1_000_000:
		return 0, errors.New("at most 1,000,000 points at once")
	}
	return n, nil
}

func badgePrompt(c *Common, handle string) (*prompt, error) {
	var names []string
	ids := map[string]string{}
	for _, b := range c.Prog.Badges {
		if b.Rule == model.Manual {
			names = append(names, b.Name)
			ids[b.Name] = b.ID
		}
	}
	if len(names) == 0 {
		return nil, errors.New("the programme has no badges to give by hand")
	}
	st := c.Store
	return newPrompt(c, "Give "+handle+" a badge", func(v []string) (tea.Cmd, error) {
		return grantBadge(st, handle, ids[v[0]], v[1]), nil
	},
		choiceInput("Badge", "", names, true),
		textInput("Personal note", "optional: a line of thanks they will see", "").skippable(),
	), nil
}

func notePrompt(c *Common, handle string) *prompt {
	st := c.Store
	return newPrompt(c, "Note about "+handle, func(v []string) (tea.Cmd, error) {
		return addNote(st, handle, v[0]), nil
	}, textInput("Note", "seen by moderators only", ""))
}

func warnPrompt(c *Common, handle string) *prompt {
	st := c.Store
	return newPrompt(c, "Warn "+handle, func(v []string) (tea.Cmd, error) {
		return warn(st, handle, v[0]), nil
	}, textInput("Reason", "a warning does not count on the penalty ladder", ""))
}

func suspendPrompt(c *Common, m suspendFormMsg) *prompt {
	st, handle := c.Store, m.handle
	hint := fmt.Sprintf("next on the penalty ladder after %s: %s", plural(m.prior, "penalty", "penalties"), model.FormatDuration(m.suggested))
	return newPrompt(c, "Suspend "+handle, func(v []string) (tea.Cmd, error) {
		d, err := model.ParseDuration(v[0])
		if err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, errors.New("a suspension needs a length")
		}
		return suspend(st, handle, d, v[1]), nil
	},
		textInput("For", hint+" (30m, 36h, 7d)", model.FormatDuration(m.suggested)),
		textInput("Reason", "", ""),
	)
}

func liftPrompt(c *Common, m model.Member) *prompt {
	st, handle := c.Store, m.Handle
	return newPrompt(c, "Lift: "+handle+" is "+m.StatusLabel(c.now()), func(v []string) (tea.Cmd, error) {
		return lift(st, handle, v[0]), nil
	}, textInput("Reason", "why they may come back now", ""))
}
