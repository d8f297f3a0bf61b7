package serve

import (
	"io"
	"testing"
	"time"
)

// typed runs the pump on what a terminal sends, in the reads given, and
// returns what the console reads and what the probe learnt.
func typed(t *testing.T, late bool, reads ...string) (got string, dark, told, closed bool) {
	t.Helper()
	sr, sw := io.Pipe()
	pr, pw := io.Pipe()
	k := &keyboard{r: pr, dark: true, answer: make(chan bool, 1)}
	k.late.Store(late)
	go k.pump(sr, pw)
	go func() {
		for _, r := range reads {
			sw.Write([]byte(r))
		}
		sw.Close()
	}()
	b, err := io.ReadAll(pr)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case dark, told = <-k.answer:
		closed = !told
	case <-time.After(100 * time.Millisecond): // the pump is done: no answer is coming
	}
	return string(b), dark, told, closed
}

func TestTheProbeAnswersAreKeptFromTheConsole(t *testing.T) {
	for _, tc := range []struct {
		name              string
		late              bool
		reads             []string
		want              string
		dark, told, ended bool
	}{
		{name: "light terminal, then keys",
			reads: []string{"\x1b]11;rgb:ffff/ffff/dddd\x1b\\\x1b[?62;22c", "3y"},
			want:  "3y", dark: false, told: true},
		{name: "dark terminal answering with BEL, keys in the same read",
			reads: []string{"\x1b]11;rgb:1e1e/1e1e/2e2e\x07\x1b[?1;2cq"},
			want:  "q", dark: true, told: true},
		{name: "two-digit channels",
			reads: []string{"\x1b]11;rgb:ff/ff/ff\x07", "\x1b[?6c"},
			want:  "", dark: false, told: true},
		{name: "attributes only: the background stays unknown",
			reads: []string{"\x1b[?62c", "j"},
			want:  "j", ended: true},
		{name: "no answer, the console has stopped waiting",
			late: true, reads: []string{"q"},
			want: "q"},
		{name: "no answer and a paste before the console stopped waiting",
			reads: []string{"0123456789012345678901234567890123456789012345678901234567890123456789"},
			want:  "0123456789012345678901234567890123456789012345678901234567890123456789"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, dark, told, closed := typed(t, tc.late, tc.reads...)
			if got != tc.want {
				t.Errorf("the console read %q, want %q", got, tc.want)
			}
			if told != tc.told || (told && dark != tc.dark) {
				t.Errorf("background: told %v dark %v, want told %v dark %v", told, dark, tc.told, tc.dark)
			}
			if closed != tc.ended {
				t.Errorf("the probe's wait ended without a colour: %v, want %v", closed, tc.ended)
			}
		})
	}
}

func TestEnvironLastValueWins(t *testing.T) {
	e := environ{"TERM=vt100", "LANG=C", "TERM=xterm-256color"}
	if got := e.Getenv("TERM"); got != "xterm-256color" {
		t.Errorf("TERM = %q", got)
	}
	if got := e.Getenv("COLORTERM"); got != "" {
		t.Errorf("COLORTERM = %q", got)
	}
	if !hasNoColor([]string{"NO_COLOR=1"}) || hasNoColor([]string{"NO_COLOR="}) || hasNoColor(nil) {
		t.Error("NO_COLOR is set when it is not empty, and only then")
	}
}
