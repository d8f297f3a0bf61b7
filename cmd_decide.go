package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"steward/model"
	"steward/store"
)

func runApprove(e env, args []string) error {
	return decideRequests(e, args, true)
}

func runReject(e env, args []string) error {
	return decideRequests(e, args, false)
}

// decideRequests approves or rejects pending reward requests by id, each in
// its own transaction: one that was decided meanwhile by someone else is
// reported with who decided it, and the others still go through.
func decideRequests(e env, args []string, approve bool) error {
	var c common
	name, verb := "approve", "Approves"
	if !approve {
		name, verb = "reject", "Rejects"
	}
	synopsis := "steward " + name + " [--db PATH] REQUEST-ID..."
	example := "  steward approve r000123 r000124"
	if !approve {
		synopsis = "steward reject [--db PATH] --reason TEXT REQUEST-ID..."
		example = `  steward reject --reason "duplicate request" r000125`
	}
	fs := newFlags(e, name, synopsis, verb+" pending reward requests. A request decided meanwhile by someone else is\nreported with who decided it first; the exit code is then 1.", example)
	c.register(fs)
	reason := fs.String("reason", "", "why (required to reject)")
	ids, err := parse(fs, args, 1<<20)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usagef("%s: which requests? give their ids", name)
	}
	if !approve && strings.TrimSpace(*reason) == "" {
		return usagef("reject: --reason is required")
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	var outs []store.Outcome
	if approve {
		outs = st.Approve(ids...)
	} else {
		outs = st.Reject(*reason, ids...)
	}
	failed := 0
	for _, o := range outs {
		if o.Err != nil {
			var fe *store.FileError
			if errors.As(o.Err, &fe) {
				return o.Err
			}
			failed++
			e.errorf("%s: %v", o.ID, o.Err)
			continue
		}
		fmt.Fprintf(e.stdout, "%s (audit #%d)\n", o.Done.Summary, o.Done.Seq)
	}
	if failed > 0 {
		return exitError{1}
	}
	return nil
}

func runDecide(e env, args []string) error {
	var c common
	fs := newFlags(e, "decide", "steward decide [--db PATH] --case N --action dismiss|warn|deduct|suspend|ban --reason TEXT [--points N] [--for D]",
		"Settles an open report case: dismisses it, or warns, deducts points from, suspends or bans its\nsubject. A case decided meanwhile by someone else is reported with who decided it first.",
		`  steward decide --case 12 --action suspend --for 7d --reason "harassment after two warnings"`)
	c.register(fs)
	caseID := fs.String("case", "", "the case `number`")
	action := fs.String("action", "", "dismiss, warn, deduct, suspend or ban")
	reason := fs.String("reason", "", "why (required)")
	points := fs.String("points", "", "points to deduct, for --action deduct")
	dur := fs.String("for", "", "how long, for --action suspend (e.g. 1d, 7d, 36h)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	id, err := strconv.ParseUint(*caseID, 10, 64)
	if err != nil || id == 0 {
		return usagef("decide: --case needs a case number")
	}
	v := store.Verdict{Reason: *reason}
	switch *action {
	case "dismiss":
	case "warn":
		v.Action = model.Warning
	case "deduct":
		v.Action = model.Deduction
		if v.Points, err = model.ParsePoints(*points); err != nil || v.Points <= 0 {
			return usagef("decide: --points needs a positive number of points")
		}
	case "suspend":
		v.Action = model.Suspension
		var d time.Duration
		if d, err = model.ParseDuration(*dur); err != nil || d <= 0 {
			return usagef("decide: --for needs a duration like 7d")
		}
		v.Duration = d
	case "ban":
		v.Action = model.Ban
	default:
		return usagef("decide: --action must be dismiss, warn, deduct, suspend or ban")
	}
	st, err := c.open(true)
	if err != nil {
		return err
	}
	done, err := st.Decide(id, v)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s (audit #%d)\n", done.Summary, done.Seq)
	return nil
}
