package store

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
)

// bbolt's own check (Tx.Check) walks the b-trees in a goroutine of its
// own, reading keys and following page ids through the memory map. On a
// damaged file a key's offset or size, or a child's page id, can point
// outside the map; the read then faults in that goroutine, where no guard
// can catch it, and the process dies with a stack trace — in the one
// command meant for damaged files. So check first reads every page the
// trees reach from the file itself (a read past its end is an error, not a
// fault) and makes sure that everything bbolt's walk will touch lies
// inside the file: page ids, element tables, keys and values, inline
// buckets, the freelist; that every page is a branch or a leaf as bbolt
// tells them apart; and that no page is reached twice. Without this, a
// cycle of pages sends a cursor down for ever, and a freelist that claims
// a huge overflow or count has bbolt's check count or allocate without
// end. Only a file that passes is walked by the store's cursors and handed
// to bbolt's check. FuzzCheckDamagedFile found most of these.
//
// The layout read here is bbolt's page format (go.etcd.io/bbolt's
// internal/common): a 16-byte page header (id 8, flags 2, count 2,
// overflow 4), then 16-byte elements — a branch element is key offset 4,
// key size 4, child page id 8; a leaf element is flags 4, key offset 4,
// key size 4, value size 4 — each offset counted from the element itself.
// A bucket's value starts with its root page id and sequence (8 each), and
// an inline bucket (root 0) carries its one leaf page after them. bbolt
// writes these in the machine's byte order.

const (
	pageHeaderSize  = 16
	pageElementSize = 16
	branchPageFlag  = 0x01
	leafPageFlag    = 0x02
	bucketLeafFlag  = 0x01
	bucketValueSize = 16 // root page id, sequence
	maxPageDepth    = 64 // far deeper than any real tree
)

// pageWalk reads pages from the file and notes what it finds wrong.
type pageWalk struct {
	f        io.ReaderAt
	pageSize int64
	pages    int64 // pages in use: the high-water mark of the meta page
	seen     map[uint64]bool
	problems []string
}

func (w *pageWalk) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// checkPages walks every tree of the file from the root bucket's page,
// the one the transaction's meta page names, and the freelist's pages, and
// returns what it found wrong, at most a few: after the first, bbolt's
// check is not run anyway.
func checkPages(f io.ReaderAt, pageSize int, pages int64, txid uint64) []string {
	w := &pageWalk{f: f, pageSize: int64(pageSize), pages: pages, seen: map[uint64]bool{}}
	m, ok := w.meta(txid)
	if !ok {
		return w.problems
	}
	w.freelist(m.freelist)
	w.tree(m.root, "the root of all buckets", 0)
	return w.problems
}

// metaPage is what checkPages reads of a meta page.
type metaPage struct{ root, freelist uint64 }

const (
	metaMagic   = 0xED0CDAED
	noFreelist  = ^uint64(0)
	freelistTag = 0x10
)

// meta reads the meta page of transaction txid, one of the first two
// pages, as bbolt chose it: the one whose checksum holds.
func (w *pageWalk) meta(txid uint64) (metaPage, bool) {
	for id := int64(0); id < 2; id++ {
		b := make([]byte, pageHeaderSize+64)
		if _, err := w.f.ReadAt(b, id*w.pageSize); err != nil {
			continue
		}
		// After the page header: magic, version, page size, flags (4
		// each), the root bucket's page and sequence, the freelist's
		// page, the high-water mark, the txid (8 each), then the
		// checksum of all that (FNV-1a, 64 bits).
		m := b[pageHeaderSize:]
		sum := fnv.New64a()
		sum.Write(m[:56])
		if binary.NativeEndian.Uint32(m) != metaMagic || binary.NativeEndian.Uint64(m[56:]) != sum.Sum64() || binary.NativeEndian.Uint64(m[48:]) != txid {
			continue
		}
		return metaPage{root: binary.NativeEndian.Uint64(m[16:]), freelist: binary.NativeEndian.Uint64(m[32:])}, true
	}
	w.problem("neither meta page is the one the file was opened with")
	return metaPage{}, false
}

// freelist checks the freelist's page: bbolt's check counts its overflow
// pages one by one, so a damaged overflow would have it count for ever.
func (w *pageWalk) freelist(id uint64) {
	if id == noFreelist {
		return
	}
	if id < 2 || int64(id) >= w.pages {
		w.problem("the freelist: page %d is outside the file's %d pages", id, w.pages)
		return
	}
	head := make([]byte, pageHeaderSize)
	if _, err := w.f.ReadAt(head, int64(id)*w.pageSize); err != nil {
		w.problem("the freelist: page %d cannot be read: %v", id, err)
		return
	}
	overflow := int64(binary.NativeEndian.Uint32(head[12:]))
	// The ids of the free pages (8 bytes each) follow the header; a count
	// of 0xFFFF says the true count is the first of them.
	count, first := uint64(binary.NativeEndian.Uint16(head[10:])), int64(0)
	if count == 0xFFFF {
		n := make([]byte, 8)
		if _, err := w.f.ReadAt(n, int64(id)*w.pageSize+pageHeaderSize); err == nil {
			count, first = binary.NativeEndian.Uint64(n), 1
		}
	}
	switch {
	case binary.NativeEndian.Uint64(head) != id:
		w.problem("the freelist: page %d says it is page %d", id, binary.NativeEndian.Uint64(head))
	case binary.NativeEndian.Uint16(head[8:]) != freelistTag:
		w.problem("the freelist: page %d is not a freelist page", id)
	case int64(id)+overflow >= w.pages:
		w.problem("the freelist: page %d runs %d pages past the file's %d", id, overflow, w.pages)
	case count > uint64((overflow+1)*w.pageSize/8):
		// bbolt's check makes room for every id it is told of.
		w.problem("the freelist: page %d lists %d free pages, more than it holds", id, count)
	case pageHeaderSize+(first+int64(count))*8 > (overflow+1)*w.pageSize:
		w.problem("the freelist: page %d lists %d free pages, more than it holds", id, count)
	}
	for i := int64(0); i <= overflow && int64(id)+i < w.pages; i++ {
		w.seen[id+uint64(i)] = true
	}
}

// tree checks the page id and the page it names, then its children.
func (w *pageWalk) tree(id uint64, what string, depth int) {
	if len(w.problems) > 3 {
		return
	}
	if id < 2 || int64(id) >= w.pages {
		w.problem("%s: page %d is outside the file's %d pages", what, id, w.pages)
		return
	}
	if w.seen[id] {
		w.problem("%s: page %d is reached twice", what, id)
		return
	}
	if depth > maxPageDepth {
		w.problem("%s: the tree is more than %d pages deep", what, maxPageDepth)
		return
	}
	w.seen[id] = true
	page := make([]byte, w.pageSize)
	if _, err := w.f.ReadAt(page, int64(id)*w.pageSize); err != nil {
		w.problem("%s: page %d cannot be read: %v", what, id, err)
		return
	}
	overflow := int64(binary.NativeEndian.Uint32(page[12:]))
	if got := binary.NativeEndian.Uint64(page); got != id {
		w.problem("%s: page %d says it is page %d", what, id, got)
		return
	}
	if int64(id)+overflow >= w.pages {
		w.problem("%s: page %d runs %d pages past the file's %d", what, id, overflow, w.pages)
		return
	}
	if overflow > 0 {
		page = make([]byte, (overflow+1)*w.pageSize)
		if _, err := w.f.ReadAt(page, int64(id)*w.pageSize); err != nil {
			w.problem("%s: page %d cannot be read: %v", what, id, err)
			return
		}
	}
	for i := int64(1); i <= overflow; i++ {
		w.seen[id+uint64(i)] = true
	}
	children, ok := w.page(page, id, what)
	if !ok {
		return
	}
	for _, c := range children {
		w.tree(c.id, c.what, depth+1)
	}
}

type childPage struct {
	id   uint64
	what string
}

// page checks one page's elements (p is the page and its overflow, or an
// inline bucket's page) and returns the pages it leads to: a branch's
// children, and the roots of the buckets a leaf holds.
func (w *pageWalk) page(p []byte, id uint64, what string) ([]childPage, bool) {
	if len(p) < pageHeaderSize {
		w.problem("%s: page %d is shorter than its header", what, id)
		return nil, false
	}
	flags := binary.NativeEndian.Uint16(p[8:])
	count := int(binary.NativeEndian.Uint16(p[10:]))
	if pageHeaderSize+count*pageElementSize > len(p) {
		w.problem("%s: page %d lists %d elements, more than it holds", what, id, count)
		return nil, false
	}
	if flags == branchPageFlag && count == 0 {
		// A cursor reads a branch's first element whatever its count.
		w.problem("%s: branch page %d has no elements", what, id)
		return nil, false
	}
	var out []childPage
	for i := range count {
		at := pageHeaderSize + i*pageElementSize
		e := p[at : at+pageElementSize]
		switch flags {
		case branchPageFlag:
			pos, ksize := binary.NativeEndian.Uint32(e), binary.NativeEndian.Uint32(e[4:])
			if !fits(at, pos, ksize, 0, len(p)) {
				w.problem("%s: key %d of branch page %d lies outside the page", what, i, id)
				return nil, false
			}
			out = append(out, childPage{binary.NativeEndian.Uint64(e[8:]), what})
		case leafPageFlag:
			eflags := binary.NativeEndian.Uint32(e)
			pos, ksize, vsize := binary.NativeEndian.Uint32(e[4:]), binary.NativeEndian.Uint32(e[8:]), binary.NativeEndian.Uint32(e[12:])
			if !fits(at, pos, ksize, vsize, len(p)) {
				w.problem("%s: key %d of leaf page %d lies outside the page", what, i, id)
				return nil, false
			}
			if eflags&bucketLeafFlag == 0 {
				continue
			}
			k := int(uint64(at) + uint64(pos))
			name, value := p[k:k+int(ksize)], p[k+int(ksize):k+int(ksize)+int(vsize)]
			if len(name) > 24 {
				name = name[:24] // a damaged size takes in what follows
			}
			inner := fmt.Sprintf("bucket %q", name)
			if len(value) < bucketValueSize {
				w.problem("%s: its value is too short for a bucket", inner)
				return nil, false
			}
			if root := binary.NativeEndian.Uint64(value); root != 0 {
				out = append(out, childPage{root, inner})
			} else if more, ok := w.inline(value[bucketValueSize:], id, inner); !ok {
				return nil, false
			} else {
				out = append(out, more...)
			}
		default:
			w.problem("%s: page %d is neither a branch nor a leaf (flags %#x)", what, id, flags)
			return nil, false
		}
	}
	return out, true
}

// inline checks the page an inline bucket carries in its value. It must
// be a leaf: bbolt gives every branch under an inline bucket the same page
// (it has no other), so a cursor would descend into it for ever. bbolt
// reads a page's type by equality — flags of 0x03 are no leaf to it, and
// its cursor descends through such a page as through a branch — and so
// does this walk.
func (w *pageWalk) inline(p []byte, id uint64, what string) ([]childPage, bool) {
	if len(p) >= pageHeaderSize && binary.NativeEndian.Uint16(p[8:]) != leafPageFlag {
		w.problem("%s: the page it carries inline, on page %d, is not a leaf", what, id)
		return nil, false
	}
	return w.page(p, id, what+" (inline)")
}

// fits says whether a key and value that start pos bytes after the element
// at offset at lie inside a page of size bytes.
func fits(at int, pos, ksize, vsize uint32, size int) bool {
	return uint64(at)+uint64(pos)+uint64(ksize)+uint64(vsize) <= uint64(size)
}
