package store

import (
	"fmt"
	"time"

	"steward/model"
)

const (
	recordV1 = 1
	// recordV2 is the member and activity records of schema 2: the member's
	// record carries the newest positions of their ledger entries and their
	// scores in the current rankings, so that a decision on a member writes
	// one record, not three; the activity record no longer carries them.
	recordV2 = 2
)

func checkVersion(d *dec, what string) error {
	_, err := checkVersionUpTo(d, what, recordV1)
	return err
}

func checkVersionUpTo(d *dec, what string, newest uint8) (uint8, error) {
	v := d.u8()
	switch {
	case d.err != nil:
	case v < recordV1:
		return v, &unreadableError{fmt.Sprintf("%s record has version %d, which no steward writes", what, v)}
	case v > newest:
		return v, &unreadableError{fmt.Sprintf("%s record has version %d, newer than this steward reads (%d)", what, v, newest)}
	}
	return v, nil
}

// periodScore is a member's score in one period's ranking.
type periodScore struct {
	period string
	score  int64
}

// memberState is a member's record as it is stored: the member, the newest
// positions of their ledger entries (the older ones are in chunks) and
// their scores in the rankings still kept (older ones, in the scores
// bucket).
type memberState struct {
	m      model.Member
	tail   []uint64
	scores []periodScore
}

func encodeMemberState(st memberState) []byte {
	m := st.m
	e := enc{b: make([]byte, 0, 64+len(m.Name)+3*len(st.tail)+12*len(st.scores))}
	e.u8(recordV2)
	e.str(m.Handle)
	e.str(m.Name)
	e.time(m.Joined)
	e.u8(uint8(m.Status))
	e.time(m.SuspendedUntil)
	e.time(m.StatusSince)
	e.strs(m.Tags)
	e.str(m.ReferredBy)
	e.i64(m.Balance)
	e.i64(m.Held)
	e.i64(m.Qualifying)
	e.u64(uint64(m.Tier))
	e.time(m.TierAt)
	e.time(m.LastActive)
	e.seqs(st.tail)
	e.u64(uint64(len(st.scores)))
	for _, p := range st.scores {
		e.str(p.period)
		e.i64(p.score)
	}
	return e.b
}

// decodeMember decodes the member alone, which is what lists and rankings
// show: the positions and scores after it are left undecoded.
func decodeMember(b []byte) (model.Member, error) {
	d := dec{b: b}
	m, _, err := decodeMemberFields(&d)
	return m, err
}

// referrerOf reads who referred a member from their record, without
// decoding the rest: the import asks it of every member in a chunk of events.
// The bytes are the record's own.
func referrerOf(b []byte) ([]byte, error) {
	d := dec{b: b}
	if _, err := checkVersionUpTo(&d, "member", recordV2); err != nil {
		return nil, err
	}
	d.view() // handle
	d.view() // name
	d.i64()  // joined
	d.u8()   // status
	d.i64()  // suspended until
	d.i64()  // status since
	for n := d.u64(); n > 0 && d.err == nil; n-- {
		d.view() // a tag
	}
	by := d.view()
	return by, d.err
}

func decodeMemberState(b []byte) (memberState, error) {
	d := dec{b: b}
	m, v, err := decodeMemberFields(&d)
	if err != nil || v < recordV2 {
		return memberState{m: m}, err
	}
	st := memberState{m: m, tail: d.seqs()}
	n := d.u64()
	if n > uint64(len(d.b)) {
		return st, errShort
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		st.scores = append(st.scores, periodScore{d.str(), d.i64()})
	}
	return st, d.err
}

func decodeMemberFields(d *dec) (model.Member, uint8, error) {
	v, err := checkVersionUpTo(d, "member", recordV2)
	if err != nil {
		return model.Member{}, v, err
	}
	m := model.Member{
		Handle:         d.str(),
		Name:           d.str(),
		Joined:         d.time(),
		Status:         model.Status(d.u8()),
		SuspendedUntil: d.time(),
		StatusSince:    d.time(),
		Tags:           d.strs(),
		ReferredBy:     d.str(),
		Balance:        d.i64(),
		Held:           d.i64(),
		Qualifying:     d.i64(),
		Tier:           int(d.u64()),
		TierAt:         d.time(),
		LastActive:     d.time(),
	}
	return m, v, d.err
}

func encodeActivity(a *model.Activity) []byte {
	e := enc{b: make([]byte, 0, 32+24*len(a.Kinds))}
	e.u8(recordV2)
	e.u64(uint64(len(a.Kinds)))
	for _, k := range a.Kinds {
		e.str(k.Kind)
		e.i64(k.Count)
		e.i64(k.Points)
		e.i64(k.Withheld)
		e.i64(int64(k.CapDay))
		e.i64(k.CapUsed)
		e.time(k.LastRewarded)
	}
	e.i64(int64(a.StreakDay))
	e.i64(int64(a.Streak))
	e.i64(int64(a.BestStreak))
	e.i64(a.Events)
	e.i64(int64(a.ReportsDecided))
	e.i64(int64(a.ReportsUpheld))
	e.bool(a.ReferralPaid)
	return e.b
}

// decodeActivity decodes an activity record; one of schema 1 also carries
// the member's newest ledger positions, which the migration moves.
func decodeActivity(b []byte) (model.Activity, []uint64, error) {
	var a model.Activity
	if b == nil {
		return a, nil, nil
	}
	d := dec{b: b}
	v, err := checkVersionUpTo(&d, "activity", recordV2)
	if err != nil {
		return a, nil, err
	}
	n := d.u64()
	if n > uint64(len(d.b)) {
		return a, nil, errShort
	}
	a.Kinds = make([]model.KindStats, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		a.Kinds = append(a.Kinds, model.KindStats{
			Kind:         d.str(),
			Count:        d.i64(),
			Points:       d.i64(),
			Withheld:     d.i64(),
			CapDay:       int32(d.i64()),
			CapUsed:      d.i64(),
			LastRewarded: d.time(),
		})
	}
	a.StreakDay = int32(d.i64())
	a.Streak = int32(d.i64())
	a.BestStreak = int32(d.i64())
	a.Events = d.i64()
	a.ReportsDecided = int32(d.i64())
	a.ReportsUpheld = int32(d.i64())
	a.ReferralPaid = d.bool()
	if v == recordV2 {
		return a, nil, d.err
	}
	return a, d.seqs(), d.err
}

// Ledger entries name their member by internal id: a handle repeated on ten
// million lines would double the file.
func encodeEntry(id uint32, x model.Entry) []byte {
	return appendEntry(make([]byte, 0, 40), id, x)
}

func appendEntry(dst []byte, id uint32, x model.Entry) []byte {
	e := enc{b: dst}
	e.u8(recordV1)
	e.u64(uint64(id))
	e.time(x.At)
	e.u8(uint8(x.Type))
	e.i64(x.Points)
	e.i64(x.Held)
	e.i64(x.Qualifying)
	e.str(x.Rule)
	e.i64(x.Withheld)
	e.str(x.Why)
	e.str(x.Ref)
	e.str(x.By)
	return e.b
}

func decodeEntry(seq uint64, b []byte) (uint32, model.Entry, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "ledger"); err != nil {
		return 0, model.Entry{}, err
	}
	id := uint32(d.u64())
	x := model.Entry{
		Seq:        seq,
		At:         d.time(),
		Type:       model.EntryType(d.u8()),
		Points:     d.i64(),
		Held:       d.i64(),
		Qualifying: d.i64(),
		Rule:       d.str(),
		Withheld:   d.i64(),
		Why:        d.str(),
		Ref:        d.str(),
		By:         d.str(),
	}
	return id, x, d.err
}

func encodeRequest(r model.Request) []byte {
	e := enc{}
	e.u8(recordV1)
	e.str(r.ID)
	e.str(r.Member)
	e.str(r.Reward)
	e.time(r.At)
	e.i64(r.Cost)
	e.u8(uint8(r.Status))
	e.str(r.DecidedBy)
	e.time(r.DecidedAt)
	e.str(r.Reason)
	return e.b
}

func decodeRequest(b []byte) (model.Request, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "request"); err != nil {
		return model.Request{}, err
	}
	r := model.Request{
		ID:        d.str(),
		Member:    d.str(),
		Reward:    d.str(),
		At:        d.time(),
		Cost:      d.i64(),
		Status:    model.RequestStatus(d.u8()),
		DecidedBy: d.str(),
		DecidedAt: d.time(),
		Reason:    d.str(),
	}
	return r, d.err
}

func encodeCase(c model.Case) []byte {
	e := enc{}
	e.u8(recordV1)
	e.u64(c.ID)
	e.str(c.Content)
	e.str(c.Subject)
	e.str(c.Guideline)
	e.str(c.Excerpt)
	e.time(c.FirstAt)
	e.u64(uint64(len(c.Reports)))
	for _, r := range c.Reports {
		e.str(r.ID)
		e.str(r.Reporter)
		e.str(r.Guideline)
		e.str(r.Excerpt)
		e.time(r.At)
	}
	e.u8(uint8(c.Status))
	e.u8(uint8(c.Action))
	e.str(c.DecidedBy)
	e.time(c.DecidedAt)
	e.str(c.Reason)
	e.u64(uint64(c.Priority))
	return e.b
}

func decodeCase(b []byte) (model.Case, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "case"); err != nil {
		return model.Case{}, err
	}
	c := model.Case{
		ID:        d.u64(),
		Content:   d.str(),
		Subject:   d.str(),
		Guideline: d.str(),
		Excerpt:   d.str(),
		FirstAt:   d.time(),
	}
	n := d.u64()
	if n > uint64(len(d.b)) {
		return c, errShort
	}
	c.Reports = make([]model.Report, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		c.Reports = append(c.Reports, model.Report{
			ID:        d.str(),
			Reporter:  d.str(),
			Guideline: d.str(),
			Excerpt:   d.str(),
			At:        d.time(),
			Subject:   c.Subject,
			Content:   c.Content,
		})
	}
	c.Status = model.CaseStatus(d.u8())
	c.Action = model.SanctionKind(d.u8())
	c.DecidedBy = d.str()
	c.DecidedAt = d.time()
	c.Reason = d.str()
	c.Priority = uint32(d.u64())
	return c, d.err
}

func encodeNote(n model.Note) []byte {
	e := enc{}
	e.u8(recordV1)
	e.time(n.At)
	e.str(n.By)
	e.str(n.Text)
	e.bool(n.Hidden)
	return e.b
}

func decodeNote(seq uint64, b []byte) (model.Note, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "note"); err != nil {
		return model.Note{}, err
	}
	n := model.Note{Seq: seq, At: d.time(), By: d.str(), Text: d.str(), Hidden: d.bool()}
	return n, d.err
}

func encodeGrant(g model.BadgeGrant) []byte {
	e := enc{}
	e.u8(recordV1)
	e.str(g.Badge)
	e.time(g.At)
	e.str(g.By)
	e.str(g.Note)
	e.bool(g.Revoked)
	return e.b
}

func decodeGrant(b []byte) (model.BadgeGrant, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "badge"); err != nil {
		return model.BadgeGrant{}, err
	}
	g := model.BadgeGrant{Badge: d.str(), At: d.time(), By: d.str(), Note: d.str(), Revoked: d.bool()}
	return g, d.err
}

func encodeSanction(s model.Sanction) []byte {
	e := enc{}
	e.u8(recordV1)
	e.u8(uint8(s.Kind))
	e.time(s.At)
	e.str(s.By)
	e.str(s.Reason)
	e.i64(s.Points)
	e.i64(int64(s.Duration))
	e.u64(s.Report)
	e.bool(s.Lifted)
	return e.b
}

func decodeSanction(seq uint64, b []byte) (model.Sanction, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "sanction"); err != nil {
		return model.Sanction{}, err
	}
	s := model.Sanction{
		Seq:      seq,
		Kind:     model.SanctionKind(d.u8()),
		At:       d.time(),
		By:       d.str(),
		Reason:   d.str(),
		Points:   d.i64(),
		Duration: time.Duration(d.i64()),
		Report:   d.u64(),
		Lifted:   d.bool(),
	}
	return s, d.err
}

// encodeAuditBody is the part of an audit entry the hash chain covers.
func encodeAuditBody(a model.AuditEntry) []byte {
	e := enc{}
	e.u8(recordV1)
	e.u64(a.Seq)
	e.time(a.At)
	e.str(a.Actor)
	e.str(a.Action)
	e.str(a.Subject)
	e.str(a.Summary)
	e.str(a.Before)
	e.str(a.After)
	e.u64(a.Undoes)
	e.bytes(a.Undo)
	e.b = append(e.b, a.PrevHash[:]...)
	return e.b
}

func encodeAudit(a model.AuditEntry) []byte {
	return append(encodeAuditBody(a), a.Hash[:]...)
}

func decodeAudit(b []byte) (model.AuditEntry, error) {
	d := dec{b: b}
	if err := checkVersion(&d, "audit"); err != nil {
		return model.AuditEntry{}, err
	}
	a := model.AuditEntry{
		Seq:     d.u64(),
		At:      d.time(),
		Actor:   d.str(),
		Action:  d.str(),
		Subject: d.str(),
		Summary: d.str(),
		Before:  d.str(),
		After:   d.str(),
		Undoes:  d.u64(),
		Undo:    d.bytes(),
	}
	if d.err != nil {
		return a, d.err
	}
	if len(d.b) != 64 {
		return a, errShort
	}
	copy(a.PrevHash[:], d.b[:32])
	copy(a.Hash[:], d.b[32:])
	return a, nil
}

// DecodeMember decodes a member record as it is stored, for benchmarks whose
// raw baseline reads the file without the store.
func DecodeMember(b []byte) (model.Member, error) { return decodeMember(b) }

// TimeKey and TallyKey are the keys of the last-active index and of the
// tallies, for the same benchmarks.
func TimeKey(t time.Time) []byte               { return timeKey(t) }
func TallyKey(kind byte, nums ...int32) []byte { return tallyKey(kind, nums...) }
