package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"steward/model"
)

// undoPlan is what an audit entry keeps so that its action can be
// compensated later: which entries to reverse, which status to restore.
type undoPlan struct {
	Op        string      `json:"op"`
	Member    string      `json:"member,omitempty"`
	Entries   []uint64    `json:"entries,omitempty"`
	Request   string      `json:"request,omitempty"`
	Case      uint64      `json:"case,omitempty"`
	Sanction  uint64      `json:"sanction,omitempty"`
	Badge     string      `json:"badge,omitempty"`
	Note      uint64      `json:"note,omitempty"`
	Prev      *statusSnap `json:"prev,omitempty"`
	After     *statusSnap `json:"after,omitempty"` // what the action left: undo restores Prev only over it
	Reporters []string    `json:"reporters,omitempty"`
	Upheld    bool        `json:"upheld,omitempty"`
}

// statusSnap is a member's status before an action changed it.
type statusSnap struct {
	Status model.Status `json:"status"`
	Until  int64        `json:"until,omitempty"`
	Since  int64        `json:"since,omitempty"`
}

// audit appends an entry to the hash-chained log. plan, when not nil, makes
// the action undoable by this actor.
func (w *writer) audit(a model.AuditEntry, plan *undoPlan) (uint64, error) {
	log := w.bucket(bAudit)
	seq, err := log.NextSequence()
	if err != nil {
		return 0, err
	}
	a.Seq = seq
	a.At = w.now
	if a.Actor == "" {
		a.Actor = w.actor
	}
	if plan != nil {
		raw, err := json.Marshal(plan)
		if err != nil {
			return 0, err
		}
		a.Undo = raw
	}
	// The chain's head is the newest entry's hash, which ends its record:
	// kept nowhere else, a decision writes no page of the meta bucket.
	if k, v := log.Cursor().Last(); k != nil && len(v) >= 64 {
		copy(a.PrevHash[:], v[len(v)-32:])
	}
	a.Hash = sha256.Sum256(encodeAuditBody(a))
	if err := log.Put(u64key(seq), encodeAudit(a)); err != nil {
		return 0, err
	}
	return seq, nil
}

// HashHex writes a chain hash the way check and export print it.
func HashHex(h [32]byte) string { return hex.EncodeToString(h[:]) }
