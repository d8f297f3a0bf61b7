package store

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"steward/ingest"
	"steward/model"
)

// eventChunk is the event rows an import holds at once (see regroupEvents),
// packed: the text of their fields in one buffer, and rows of fixed size
// that hold no pointer. Kept as ingest.EventRow values, a chunk of 100,000
// rows was 17 MB of small objects that the collector walked at each of its
// cycles, and under the import's memory limit it cycles often.
type eventChunk struct {
	// text gathers the fields as rows are added; str is the same bytes
	// once the chunk is read whole (see seal), whose substrings the
	// writer takes without a copy.
	text        []byte
	str         string
	rows        []packedEvent
	first, last int // the file lines they come from
	parts       []eventPart
	err         error // what ended reading, after the rows before it
}

// packedEvent is one event row; its strings are spans of the chunk's text.
type packedEvent struct {
	sec                   int64
	nsec                  int32
	line                  int32
	id, member, kind, ref span
}

type span struct{ off, n uint32 }

func (c *eventChunk) add(x ingest.EventRow) {
	if len(c.rows) == 0 {
		c.first = x.Line
	}
	c.last = x.Line
	c.rows = append(c.rows, packedEvent{
		sec: x.At.Unix(), nsec: int32(x.At.Nanosecond()), line: int32(x.Line),
		id: c.keep(x.ID), member: c.keep(x.Member), kind: c.keep(x.Kind), ref: c.keep(x.Ref),
	})
}

func (c *eventChunk) keep(s string) span {
	sp := span{uint32(len(c.text)), uint32(len(s))}
	c.text = append(c.text, s...)
	return sp
}

// seal ends the adding of rows: the text becomes one string, so that a
// million events make no string each for their id, member and ref.
func (c *eventChunk) seal() {
	if c.text != nil {
		c.str, c.text = string(c.text), nil
	}
}

// field is a span's text, without a copy.
func (c *eventChunk) field(s span) string {
	c.seal()
	return c.str[s.off : s.off+s.n]
}

// event is row i as the writer prices it. kinds interns the kind names,
// which a file repeats a million times over a few values.
func (c *eventChunk) event(i int32, kinds map[string]string) model.Event {
	r := &c.rows[i]
	kind, ok := kinds[c.field(r.kind)]
	if !ok {
		kind = strings.Clone(c.field(r.kind)) // kept past the chunk
		kinds[kind] = kind
	}
	return model.Event{
		ID: c.field(r.id), Member: c.field(r.member), Kind: kind,
		At: time.Unix(r.sec, int64(r.nsec)).UTC(), Ref: c.field(r.ref),
	}
}

// inTimeOrder sorts rows (indices into the chunk) by time, then id, then
// line: the order in which a batch is priced, so that caps and streaks see
// the events as they happened.
func (c *eventChunk) inTimeOrder(rows []int32) {
	slices.SortFunc(rows, func(i, j int32) int {
		a, b := &c.rows[i], &c.rows[j]
		if d := cmp.Compare(a.sec, b.sec); d != 0 {
			return d
		}
		if d := cmp.Compare(a.nsec, b.nsec); d != 0 {
			return d
		}
		if d := strings.Compare(c.field(a.id), c.field(b.id)); d != 0 {
			return d
		}
		return cmp.Compare(a.line, b.line)
	})
}

// inFileOrder cuts the chunk into parts of up to size rows as the file
// gives them, each priced in time order.
func (c *eventChunk) inFileOrder(size int) []eventPart {
	var parts []eventPart
	for lo := 0; lo < len(c.rows); lo += size {
		hi := min(lo+size, len(c.rows))
		rows := make([]int32, 0, hi-lo)
		for i := lo; i < hi; i++ {
			rows = append(rows, int32(i))
		}
		c.inTimeOrder(rows)
		parts = append(parts, eventPart{rows: rows})
	}
	return parts
}
