package tui

import (
	"fmt"
	"strings"
	"testing"

	"steward/model"
	"steward/store"
)

func reportsDriver(t *testing.T, st *store.Store, w, h int) (*driver, *reportsModel) {
	t.Helper()
	p := newReports(newCommon(st))
	d := drive(t, p, w, h)
	c, _ := st.Counts()
	d.send(countsLoadedMsg{counts: c})
	d.noErrors()
	return d, p
}

func openCases(t *testing.T, st *store.Store) []store.CaseRow {
	t.Helper()
	p, err := st.OpenCases(nil, store.Forward, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return p.Rows
}

func caseStatus(t *testing.T, st *store.Store, subject string, id uint64) model.Case {
	t.Helper()
	d, err := st.Detail(subject)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Cases {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s has no case #%d", subject, id)
	return model.Case{}
}

func TestReportsByPriorityWithTheReasonExplained(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	cases := openCases(t, st)
	if len(p.list.rows) != len(cases) || p.list.rows[0].Case.ID != cases[0].Case.ID {
		t.Fatalf("the queue shows %d cases, the store has %d", len(p.list.rows), len(cases))
	}
	for i := 1; i < len(p.list.rows); i++ {
		if p.list.rows[i].Priority > p.list.rows[i-1].Priority {
			t.Fatal("the queue is not by priority")
		}
	}
	r := cases[0]
	mustContain(t, d.view(), "Reports · 14 open", fmt.Sprintf("%.1f", r.Priority), r.Subject.Handle, r.Explained)
	d.press("enter")
	mustContain(t, d.view(), "Guideline", "Excerpt", "Priority", r.Explained, "Subject", "next suspension on the ladder")
	d.press("esc")
	mustContain(t, d.view(), "PRIO")
}

func TestReportsDismissSelectsTheNextCase(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	cases := openCases(t, st)
	d.press("d")
	mustContain(t, d.view(), "Dismiss the reports on", "1  no breach of the guidelines")
	d.press("1", "enter")
	if got := d.done(); !strings.Contains(got.summary, "dismissed the reports on "+cases[0].Case.Content) {
		t.Fatalf("summary %q", got.summary)
	}
	if c := caseStatus(t, st, cases[0].Subject.Handle, cases[0].Case.ID); c.Status != model.Dismissed || c.Reason != "no breach of the guidelines" {
		t.Fatalf("case: %v %q", c.Status, c.Reason)
	}
	if r, _ := p.list.selected(); r.Case.ID == cases[0].Case.ID {
		t.Fatal("the decided case is still selected")
	}
	if len(p.list.rows) != len(cases)-1 {
		t.Fatalf("%d cases left in view, want %d", len(p.list.rows), len(cases)-1)
	}
}

func TestReportsSuspendProposesTheLadder(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	r := p.list.rows[0]
	d.press("s")
	if p.prompt == nil {
		t.Fatal("s did not open the form")
	}
	if got := p.prompt.fields[0].input.Value(); got != model.FormatDuration(r.Suggested) {
		t.Fatalf("the form proposes %q, the ladder says %s", got, model.FormatDuration(r.Suggested))
	}
	if got := p.prompt.fields[1].input.Value(); !strings.Contains(got, "breach of") {
		t.Fatalf("the reason is not pre-filled with the guideline: %q", got)
	}
	d.press("enter", "enter")
	d.done()
	m, _ := st.MembersByHandle([]string{r.Subject.Handle})
	if m[0].StatusAt(fixedNow) != model.Suspended || !m[0].SuspendedUntil.Equal(fixedNow.Add(r.Suggested)) {
		t.Fatalf("%s: %v until %v", r.Subject.Handle, m[0].Status, m[0].SuspendedUntil)
	}
}

func TestReportsDeductTakesPoints(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	r := p.list.rows[0]
	d.press("p")
	p.prompt.fields[0].input.SetValue("")
	d.typeText("20")
	d.press("enter", "enter")
	d.done()
	m, _ := st.MembersByHandle([]string{r.Subject.Handle})
	if m[0].Balance != r.Subject.Balance-20 {
		t.Fatalf("balance %d, want %d", m[0].Balance, r.Subject.Balance-20)
	}
}

func TestReportsBanAsksToConfirm(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	r := p.list.rows[0]
	d.press("B", "enter")
	mustContain(t, d.view(), "Ban "+r.Subject.Handle+"?")
	d.press("n")
	if p.prompt != nil || len(d.got) != 0 {
		t.Fatal("n did not cancel the ban")
	}
	d.press("B", "enter", "y")
	d.done()
	m, _ := st.MembersByHandle([]string{r.Subject.Handle})
	if m[0].Status != model.Banned {
		t.Fatalf("%s is %v", r.Subject.Handle, m[0].Status)
	}
	if c := caseStatus(t, st, r.Subject.Handle, r.Case.ID); c.Status != model.Actioned || c.Action != model.Ban {
		t.Fatalf("case: %v %v", c.Status, c.Action)
	}
}

func TestReportsWarnNeedsAReason(t *testing.T) {
	st := demoStore(t)
	d, p := reportsDriver(t, st, 80, 20)
	d.press("w")
	p.prompt.fields[0].input.SetValue("")
	d.press("enter")
	if p.prompt == nil || !strings.Contains(p.prompt.err, "required") {
		t.Fatal("a warning without a reason was accepted")
	}
	d.typeText("first notice")
	d.press("enter")
	if got := d.done(); !strings.HasPrefix(got.summary, "warned ") {
		t.Fatalf("summary %q", got.summary)
	}
}
