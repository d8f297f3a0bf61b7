package model

import "time"

// AuditEntry records one action by a moderator or a script: who, when, what
// and on whom, with the state before and after. The log is append-only and
// hash-chained; undo appends a new entry that names the one it undoes.
type AuditEntry struct {
	Seq     uint64
	At      time.Time
	Actor   string // moderator name, SSH key or OS user
	Action  string // "award", "approve", "reject", "import", "undo", …
	Subject string // a member handle, a request id, a case id, a file
	Summary string // one line for people
	Before  string
	After   string
	Undoes  uint64 // for an undo: the Seq it compensates
	Undo    []byte // what the store needs to compensate this action; nil if it cannot be undone

	PrevHash [32]byte
	Hash     [32]byte
}

// Undoable reports whether the entry can be compensated.
func (a AuditEntry) Undoable() bool { return len(a.Undo) > 0 }
