// Package tui is steward's console: the Bubble Tea program with which
// moderators triage and recognise the members of their community.
package tui
