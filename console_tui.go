package main

import (
	"time"

	"steward/keymap"
	"steward/store"
	"steward/tui"
)

// console opens the Bubble Tea console on the store.
func console(st *store.Store, notice string, poll time.Duration) error {
	return tui.Run(st, keymap.Default(), tui.Options{Notice: notice, Poll: poll})
}
