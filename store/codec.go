package store

import (
	"encoding/binary"
	"time"
)

// Records are stored in a compact binary form: the lists walk thousands of
// them per second, and decoding JSON costs a hundred times the cursor walk
// that finds a record. Every record starts with a version byte so a later
// steward can read what an earlier one wrote.

// errShort is returned when a record ends before its fields do: the file is
// damaged or was written by something else.
var errShort error = &unreadableError{"record is truncated"}

// unreadableError is a record that no steward up to this one wrote: the
// schema version of the file says that this steward reads all of it, so
// the record is damaged.
type unreadableError struct{ msg string }

func (e *unreadableError) Error() string { return e.msg }

type enc struct{ b []byte }

func (e *enc) u8(v uint8)   { e.b = append(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) i64(v int64)  { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}
func (e *enc) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *enc) bytes(p []byte) {
	e.b = binary.AppendUvarint(e.b, uint64(len(p)))
	e.b = append(e.b, p...)
}

// time stores Unix nanoseconds, 0 for the zero time.
func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.i64(0)
		return
	}
	e.i64(t.UnixNano())
}

// seqs stores ascending ledger positions as the gaps between them.
func (e *enc) seqs(ss []uint64) {
	e.u64(uint64(len(ss)))
	prev := uint64(0)
	for _, s := range ss {
		e.u64(s - prev)
		prev = s
	}
}

func (e *enc) strs(ss []string) {
	e.u64(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.b = nil
}

func (d *dec) u8() uint8 {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) u64() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) i64() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) bool() bool { return d.u8() != 0 }

func (d *dec) str() string {
	n := d.u64()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// view returns a string's bytes where they lie, without a copy: for a look
// at a field that is not kept.
func (d *dec) view() []byte {
	n := d.u64()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) bytes() []byte {
	n := d.u64()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	p := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return p
}

func (d *dec) time() time.Time {
	n := d.i64()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func (d *dec) seqs() []uint64 {
	n := d.u64()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]uint64, 0, n)
	prev := uint64(0)
	for i := uint64(0); i < n && d.err == nil; i++ {
		prev += d.u64()
		out = append(out, prev)
	}
	return out
}

func (d *dec) strs() []string {
	n := d.u64()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	var out []string
	if n > 0 {
		out = make([]string, 0, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.str())
	}
	return out
}

// Fixed-width big-endian keys sort in numeric order, which cursors rely on.

func u32key(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func u64key(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// timeKey orders times; times before 1970 sort first.
func timeKey(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())^(1<<63))
}

func cat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
