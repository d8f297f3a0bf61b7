package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"golang.org/x/term"
)

// progressBar draws rows done, rows per second and the time left on stderr
// when stderr is a terminal; otherwise it stays silent, so logs of scripts
// are not filled with carriage returns.
type progressBar struct {
	w     io.Writer
	label string
	on    bool
	bar   progress.Model
	start time.Time
	last  time.Time
	drawn bool
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newProgress(w io.Writer, label string, quiet bool) *progressBar {
	on := !quiet && isTerminal(w)
	bar := progress.New(progress.WithWidth(30), progress.WithoutPercentage(), progress.WithSolidFill("#7D56F4"))
	if os.Getenv("NO_COLOR") != "" {
		bar = progress.New(progress.WithWidth(30), progress.WithoutPercentage(), progress.WithColorProfile(0))
	}
	return &progressBar{w: w, label: label, on: on, bar: bar, start: time.Now()}
}

// update redraws at most ten times a second.
func (p *progressBar) update(done, total int) {
	if !p.on || total <= 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	eta := "—"
	if rate > 0 && done < total {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	pct := float64(done) / float64(total)
	fmt.Fprintf(p.w, "\r%s %s %3.0f%%  %s/%s rows  %s rows/s  ETA %s \x1b[K",
		p.label, p.bar.ViewAs(pct), pct*100, count(done), count(total), count(int(rate)), eta)
	p.drawn = true
}

// finish ends the bar's line.
func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// count writes 1234567 as 1,234,567.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
