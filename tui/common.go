package tui

import (
	"errors"
	"time"

	"steward/keymap"
	"steward/model"
	"steward/store"
)

// Common is what every pane shares: the store, the keys, the styles, the
// clock and the programme in force. The app owns it and hands a pointer to
// each constructor; only the app's Update changes it (the programme, when
// the data changes), and commands copy what they need from it before they
// leave for their goroutine.
type Common struct {
	Store  *store.Store
	Keys   keymap.KeyMap
	Styles Styles
	Now    func() time.Time
	Prog   model.Programme
}

// now is the console's clock in UTC.
func (c *Common) now() time.Time { return c.Now().UTC() }

// tierName names a member's tier in the programme in force.
func (c *Common) tierName(i int) string { return c.Prog.TierName(i) }

// guidelineTitle is a guideline's title, or its id when the programme no
// longer has it.
func (c *Common) guidelineTitle(id string) string {
	if g, ok := c.Prog.Guideline(id); ok {
		return g.Title
	}
	return id
}

// wideAt is the width from which a list and its detail sit side by side.
const wideAt = 120

// Minimum size of the terminal below which only a notice is shown.
const (
	minWidth  = 60
	minHeight = 15
)

// missing reports whether err says there is no database file yet: the
// console then shows an empty community rather than an error.
func missing(err error) bool {
	var fe *store.FileError
	return errors.As(err, &fe) && fe.Kind == store.Missing
}

// busy reports whether err says another process holds the file: the
// operation wrote nothing and can be tried again.
func busy(err error) bool {
	var fe *store.FileError
	return errors.As(err, &fe) && fe.Kind == store.Busy
}

// fatal reports whether err leaves the console nothing useful to do: the
// file is damaged, too new, or cannot be read at all.
func fatal(err error, reading bool) bool {
	var fe *store.FileError
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Kind {
	case store.Damaged, store.TooNew:
		return true
	case store.Unusable:
		return reading
	}
	return false
}
