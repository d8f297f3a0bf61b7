// Package keymap declares every key of the console once, with the help
// text the console draws its key hints from.
package keymap
