package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"steward/store"
)

// The monkey: keys no test scripted, in any order, on a community the
// console really writes to. What must hold whatever is pressed: no panic,
// and every frame exactly fills the terminal.

// monkeyKeys are what the monkey presses: every binding, the keys of the
// prompts, text (a reason, an amount, a filter), and some sizes to resize
// to. q and ctrl+c are left out: they end the console, and the test.
var monkeyKeys = []string{
	"up", "down", "k", "j", "pgup", "pgdown", "ctrl+b", "ctrl+f", "home", "end", "g", "G",
	"enter", "esc", "tab", "shift+tab", "1", "2", "3", "4", "5",
	"a", "b", "n", "w", "s", "y", "x", "space", "d", "p", "B", "o", "/", "u", "ctrl+r", "?",
	"Y", "N", "backspace", "7", "0", "-", "e", "é", "漢", "\x1b[2J", "Annabel",
}

var monkeySizes = [][2]int{{60, 15}, {80, 24}, {100, 30}, {120, 30}, {140, 40}, {200, 12}}

// monkey presses the keys picks chooses, checking each frame, and says
// what it pressed when one fails, so that it can be replayed. It returns
// the store it wrote to.
func monkey(t *testing.T, picks []byte) *store.Store {
	st := demoStore(t)
	d := newAppDriver(t, st, 80, 24)
	w, h := 80, 24
	var pressed []string
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic %v after %s", r, strings.Join(pressed, " "))
		}
	}()
	for i, b := range picks {
		if b >= 250 {
			s := monkeySizes[int(b)%len(monkeySizes)]
			w, h = s[0], s[1]
			pressed = append(pressed, fmt.Sprintf("[%d×%d]", w, h))
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
		} else {
			k := monkeyKeys[int(b)%len(monkeyKeys)]
			pressed = append(pressed, k)
			if len([]rune(k)) > 1 && keyMsg(k).Type == tea.KeyRunes {
				d.typeText(k)
			} else {
				d.press(k)
			}
		}
		if d.quit {
			t.Fatalf("the console quit after %s", strings.Join(pressed, " "))
		}
		view := d.a.View()
		lines := strings.Split(view, "\n")
		if len(lines) != h {
			t.Fatalf("key %d: %d lines for a terminal %d high after %s", i, len(lines), h, strings.Join(pressed, " "))
		}
		for n, l := range lines {
			if got := ansi.StringWidth(l); got != w {
				t.Fatalf("key %d: line %d is %d cells at %d×%d after %s:\n%s", i, n, got, w, h, strings.Join(pressed, " "), view)
			}
		}
	}
	return st
}

// TestConsoleSurvivesTheMonkey: a few thousand random keys, from seeds
// that stay the same run to run.
func TestConsoleSurvivesTheMonkey(t *testing.T) {
	before, err := store.Open(demoPath, store.Options{}).Counts()
	if err != nil {
		t.Fatal(err)
	}
	wrote := 0
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			picks := make([]byte, 400)
			for i := range picks {
				picks[i] = byte(rng.IntN(256))
			}
			after, err := monkey(t, picks).Counts()
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				wrote++
			}
		})
	}
	// A monkey that never got a decision through would prove little.
	if wrote == 0 {
		t.Fatal("no seed changed the queues")
	}
}

func FuzzConsoleKeys(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte("3\x14\x14\x1e\x1e\x17\x1c\x1c"))
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 200 {
			picks = picks[:200]
		}
		monkey(t, picks)
	})
}
