package serve

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
)

// The console asks the moderator's terminal for its background colour
// (OSC 11), so that its colours read on a light terminal as on a dark one,
// and for its attributes (DA1), which every terminal answers: that second
// answer ends the wait even where the first question goes unanswered.
const (
	probe     = "\x1b]11;?\a\x1b[c"
	probeWait = 750 * time.Millisecond
)

var (
	// ESC ] 11 ; rgb:RRRR/GGGG/BBBB, ended by BEL or ESC \
	backgroundReply = regexp.MustCompile(`\x1b\]11;rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})(?:\x07|\x1b\\)`)
	// ESC [ ? attributes c
	attributesReply = regexp.MustCompile(`\x1b\[\?[0-9;]*c`)
)

// keyboard is a session's input as its console reads it: the session's
// bytes, less the terminal's answers to the probe. bubbletea reads it
// through a pipe, never the SSH channel itself, so the wait for the answers
// has its own deadline and no key typed meanwhile is lost.
type keyboard struct {
	r      *io.PipeReader
	dark   bool // the background, as the terminal said or as assumed
	answer chan bool
	late   atomic.Bool // the wait is over: pass every byte on
	// last is when the moderator last typed (Unix nanoseconds), for the
	// server's idle limit.
	last atomic.Int64
}

// idleFor is how long the moderator has typed nothing.
func (k *keyboard) idleFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, k.last.Load()))
}

// newKeyboard sends the probe, starts reading the session and waits, up to
// probeWait, for the terminal's answers.
func newKeyboard(sess ssh.Session) *keyboard {
	pr, pw := io.Pipe()
	k := &keyboard{r: pr, dark: true, answer: make(chan bool, 1)}
	k.last.Store(time.Now().UnixNano())
	go k.pump(sess, pw)
	go func() {
		// Once the session is gone nobody reads the pipe: a pump stuck
		// writing keys into it must still end.
		<-sess.Context().Done()
		pr.CloseWithError(io.EOF)
	}()
	if _, err := io.WriteString(sess, probe); err == nil {
		select {
		case dark, told := <-k.answer:
			if told {
				k.dark = dark
			}
		case <-time.After(probeWait):
		}
	}
	k.late.Store(true)
	return k
}

// pump copies the session to the console. Until the terminal has answered
// the probe it keeps what it reads, takes the answers out, and passes the
// rest on once the answers are in.
func (k *keyboard) pump(sess io.Reader, pw *io.PipeWriter) {
	var held []byte
	answered := false
	buf := make([]byte, 4096)
	for {
		n, err := sess.Read(buf)
		if n > 0 {
			k.last.Store(time.Now().UnixNano())
		}
		chunk := buf[:n]
		if !answered && n > 0 {
			held = append(held, chunk...)
			var dark, told bool
			held, dark, told = takeBackground(held)
			if told {
				k.answer <- dark
			}
			if loc := attributesReply.FindIndex(held); loc != nil {
				held = append(held[:loc[0]], held[loc[1]:]...)
				answered = true
				if !told {
					close(k.answer)
				}
			}
			chunk = nil
			if answered || k.late.Load() || len(held) > 64 {
				// Once answered, once the console has stopped waiting, or
				// once the bytes are plainly keys from a terminal that
				// will not answer, they go to the console.
				chunk, held, answered = held, nil, true
			}
		}
		if len(chunk) > 0 {
			if _, werr := pw.Write(chunk); werr != nil {
				return
			}
		}
		if err != nil {
			pw.CloseWithError(err)
			return
		}
	}
}

// takeBackground finds the background colour's answer in b, takes it out,
// and says whether that colour is dark.
func takeBackground(b []byte) (rest []byte, dark, found bool) {
	m := backgroundReply.FindSubmatchIndex(b)
	if m == nil {
		return b, false, false
	}
	var l [3]float64
	for i := range l {
		hex := string(b[m[2+2*i]:m[3+2*i]])
		v, _ := strconv.ParseUint(hex, 16, 16)
		l[i] = float64(v) / float64(uint64(1)<<(4*len(hex))-1)
	}
	// The lightness of HSL: the mean of the brightest and darkest channel.
	light := (max(l[0], l[1], l[2]) + min(l[0], l[1], l[2])) / 2
	return append(b[:m[0]:m[0]], b[m[1]:]...), light < 0.5, true
}

// renderer draws for the session's terminal: its colours as TERM says,
// and its background as it answered.
func renderer(sess ssh.Session, term string, dark bool) *lipgloss.Renderer {
	env := environ(append(sess.Environ(), "TERM="+term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	if term == "" || term == "dumb" {
		r.SetColorProfile(termenv.Ascii)
	}
	r.SetHasDarkBackground(dark)
	return r
}

// environ is a session's environment, for termenv.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(key string) string {
	v := ""
	for _, kv := range e {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val // the last one wins, as TERM is added last
		}
	}
	return v
}

// hasNoColor says whether the session asked for no colours (NO_COLOR set
// and not empty, as https://no-color.org says).
func hasNoColor(env []string) bool {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == "NO_COLOR" && v != "" {
			return true
		}
	}
	return false
}
