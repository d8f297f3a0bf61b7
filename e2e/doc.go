// Package e2e holds the end-to-end tests that drive the built steward
// binary: crashes, races between moderators, failing disks, backups and
// waits, proved from outside the process as a moderator or a script sees
// them.
package e2e
