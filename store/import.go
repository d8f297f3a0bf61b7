package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"steward/ingest"
	"steward/model"
)

// Rows is a stream of parsed import rows: ingest.MemberRow, EventRow,
// RedemptionRow or ReportRow values. Next returns io.EOF at the end and an
// ingest.Problem for a bad row (the stream goes on after it).
type Rows interface {
	Next() (any, error)
	Close() error
}

// Source is one import input. Open is called once per pass: an import reads
// its sources twice, once to validate everything and once to write, so that
// a bad row anywhere means nothing is written and memory stays flat however
// large the file.
type Source struct {
	Name string
	Kind ingest.Kind
	Open func() (Rows, error)
}

// ImportOptions tune an import.
type ImportOptions struct {
	DryRun      bool // validate and price everything, then write nothing
	SkipInvalid bool // write the valid rows; list the rest
	BatchSize   int  // rows per transaction; 0 means 20,000
	// DryRunInPlace is the size, in rows, up to which a dry run is one
	// transaction on the database itself, rolled back at the end; a larger
	// one writes in batches on a copy of the database (see dryRunCopy). 0
	// means 100,000.
	DryRunInPlace int
	// ChunkSize is how many event rows are read at once and regrouped by
	// member into transactions of BatchSize rows (see regroupEvents); 0
	// means 5 × BatchSize, and BatchSize or less keeps the file's order.
	ChunkSize int
	// Progress, when set, is called as the rows are written — every few
	// thousand rows, and after each batch — with the rows written so far and
	// the rows to write in all.
	Progress func(done, total int)
	// Trusted skips the validating pass, for rows made by steward itself
	// (the demo); Total then says how many rows to expect.
	Trusted bool
	Total   int
}

// MaxProblems is how many problems an import lists before it only counts.
const MaxProblems = 20

// ImportReport is what an import did: the one-line summary and the problems.
type ImportReport struct {
	Read       int
	Imported   int
	Duplicates int
	Rejected   int
	Points     int64
	Problems   []error // the first MaxProblems, each "FILE:LINE: field: why"
	DryRun     bool
}

// Summary is the report's one line.
func (r ImportReport) Summary() string {
	verb := "imported"
	if r.DryRun {
		verb = "would import"
	}
	return fmt.Sprintf("read %d, %s %d, duplicates %d, rejected %d, points awarded %d", r.Read, verb, r.Imported, r.Duplicates, r.Rejected, r.Points)
}

// ErrRejected is returned when an import wrote nothing because of bad rows.
var ErrRejected = errors.New("the input has invalid rows; nothing was imported")

func (r *ImportReport) problem(err error) {
	r.Rejected++
	if len(r.Problems) < MaxProblems {
		r.Problems = append(r.Problems, err)
	}
}

// kindOrder is the order sources are taken in, whatever the command line
// said: members before the events that name them.
var kindOrder = map[ingest.Kind]int{ingest.Members: 0, ingest.Events: 1, ingest.Redemptions: 2, ingest.Reports: 3}

// Import validates every source, then writes them in batches, each batch one
// transaction. A crash leaves the batches already committed; running the
// same import again skips their ids and finishes the rest.
func (s *Store) Import(sources []Source, opt ImportOptions) (ImportReport, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 20000
	}
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = 5 * opt.BatchSize
	}
	if opt.DryRunInPlace <= 0 {
		opt.DryRunInPlace = 100_000
	}
	srcs := append([]Source(nil), sources...)
	sort.SliceStable(srcs, func(i, j int) bool { return kindOrder[srcs[i].Kind] < kindOrder[srcs[j].Kind] })
	rep := ImportReport{DryRun: opt.DryRun}
	v := newValidator(s)
	total := opt.Total
	if !opt.Trusted {
		for _, src := range srcs {
			if err := v.pass(src, &rep); err != nil {
				return rep, err
			}
		}
		if rep.Rejected > 0 && !opt.SkipInvalid {
			return rep, ErrRejected
		}
		total = rep.Read - rep.Rejected
	}
	if opt.DryRun && total <= opt.DryRunInPlace {
		return rep, s.dryRunInPlace(srcs, opt, &rep, v, total)
	}
	target := s
	if opt.DryRun {
		// A large dry run writes for real, in batches, on a copy of the
		// database beside it: rolled back in one transaction, it would
		// hold every page it changes in memory (600 MB for a million
		// rows).
		var cleanup func()
		var err error
		if target, cleanup, err = s.dryRunCopy(); err != nil {
			return rep, err
		}
		defer cleanup()
	}
	wr := &importWriter{s: target, opt: opt, rep: &rep, bad: v.bad, known: v.known, total: total}
	// Between batches other processes get their turn through the shared
	// handle, which lets go of the file for a moment once it has held it
	// for maxHold (see acquire).
	err := wr.all(srcs, target.update)
	if err == nil {
		err = target.update(func(w *writer) error { return w.closePeriods() })
	}
	return rep, err
}

// dryRunInPlace writes everything in one transaction and rolls it back.
func (s *Store) dryRunInPlace(srcs []Source, opt ImportOptions, rep *ImportReport, v *validator, total int) error {
	target, cleanup, err := s.scratch()
	if err != nil {
		return err
	}
	defer cleanup()
	// Regrouping would save nothing in one transaction, and the members the
	// same run adds are not there to be found.
	opt.ChunkSize = opt.BatchSize
	wr := &importWriter{s: s, opt: opt, rep: rep, bad: v.bad, known: v.known, total: total}
	err = target.update(func(w *writer) error {
		if err := wr.all(srcs, func(fn func(*writer) error) error { return fn(w) }); err != nil {
			return err
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return err
}

// dryRunCopy copies the database beside itself, on the same disk, for a dry
// run to write to; cleanup removes the copy.
func (s *Store) dryRunCopy() (*Store, func(), error) {
	if _, err := os.Stat(s.path); err != nil {
		return s.scratch()
	}
	out := fmt.Sprintf("%s.dry-run-%d", s.path, os.Getpid())
	if _, err := s.Backup(out); err != nil {
		return nil, nil, err
	}
	return Open(out, s.opt), func() { os.Remove(out) }, nil
}

var errDryRun = errors.New("dry run")

// validator is the first pass: every row parsed and checked against the
// database and the rows before it, nothing written.
type validator struct {
	s          *Store
	newMembers map[string]string       // handle → referrer, for members this import adds
	bad        map[string]map[int]bool // source name → lines that failed
	// known are handles found in the database, with their ids: an events
	// file names the same members again and again. Members are never
	// deleted nor renamed, so what was found stays true for the writing
	// pass, which regroups events by member id (see regroupEvents).
	known map[string]uint32
}

// maxKnown bounds the validator's memory of handles found.
const maxKnown = 200000

func newValidator(s *Store) *validator {
	return &validator{s: s, newMembers: map[string]string{}, bad: map[string]map[int]bool{}, known: map[string]uint32{}}
}

type pendingCheck struct {
	line    int
	field   string
	handles []string
}

func (v *validator) pass(src Source, rep *ImportReport) error {
	rows, err := src.Open()
	if err != nil {
		return err
	}
	defer rows.Close()
	var prog model.Programme
	if err := v.s.view(func(r *reader) error { prog = r.prog; return nil }); err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Kind != Missing {
			return err
		}
		prog = model.Default()
	}
	bad := func(line int, field, why string) {
		if v.bad[src.Name] == nil {
			v.bad[src.Name] = map[int]bool{}
		}
		if !v.bad[src.Name][line] {
			v.bad[src.Name][line] = true
			rep.problem(ingest.Problem{File: src.Name, Line: line, Field: field, Why: why})
		}
	}
	// Existence checks against the database go in chunks, each one short
	// read transaction, so a long file never holds the file for long.
	var checks []pendingCheck
	flush := func() error {
		if len(checks) == 0 {
			return nil
		}
		err := v.s.view(func(r *reader) error {
			for _, c := range checks {
				for _, h := range c.handles {
					if _, ok := v.newMembers[h]; ok {
						continue
					}
					if _, ok := v.known[h]; ok {
						continue
					}
					id, ok := r.memberID(h)
					if !ok {
						bad(c.line, c.field, fmt.Sprintf("unknown member %q", h))
						break
					}
					if len(v.known) < maxKnown {
						// A clone: the handle is a slice of its row's
						// text, which would stay with it.
						v.known[strings.Clone(h)] = id
					}
				}
			}
			return nil
		})
		var fe *FileError
		if errors.As(err, &fe) && fe.Kind == Missing {
			for _, c := range checks {
				for _, h := range c.handles {
					if _, ok := v.newMembers[h]; !ok {
						bad(c.line, c.field, fmt.Sprintf("unknown member %q", h))
						break
					}
				}
			}
			err = nil
		}
		checks = checks[:0]
		return err
	}
	var memberRows []ingest.MemberRow
	for {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		var p ingest.Problem
		if errors.As(err, &p) {
			rep.Read++
			bad(p.Line, p.Field, p.Why)
			continue
		}
		if err != nil {
			return err
		}
		rep.Read++
		switch x := row.(type) {
		case ingest.MemberRow:
			if _, seen := v.newMembers[x.Handle]; seen {
				continue // a repeated handle is a duplicate
			}
			v.newMembers[x.Handle] = x.ReferredBy
			if x.ReferredBy != "" {
				memberRows = append(memberRows, ingest.MemberRow{Line: x.Line, Handle: x.Handle, ReferredBy: x.ReferredBy})
			}
		case ingest.EventRow:
			if _, ok := prog.Action(x.Kind); !ok {
				bad(x.Line, "kind", fmt.Sprintf("unknown action kind %q (the programme has %s)", x.Kind, kindList(prog)))
				continue
			}
			checks = append(checks, pendingCheck{x.Line, "member", []string{x.Member}})
		case ingest.RedemptionRow:
			if _, ok := prog.Reward(x.Reward); !ok {
				bad(x.Line, "reward", fmt.Sprintf("unknown reward %q", x.Reward))
				continue
			}
			checks = append(checks, pendingCheck{x.Line, "member", []string{x.Member}})
		case ingest.ReportRow:
			if _, ok := prog.Guideline(x.Guideline); !ok {
				bad(x.Line, "guideline", fmt.Sprintf("unknown guideline %q", x.Guideline))
				continue
			}
			checks = append(checks, pendingCheck{x.Line, "reporter", []string{x.Reporter}})
			checks = append(checks, pendingCheck{x.Line, "subject", []string{x.Subject}})
		}
		if len(checks) >= 20000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return v.referrals(src, memberRows, bad)
}

// referrals checks that each referrer exists and that no chain of referrals
// among the new members comes back to where it started.
func (v *validator) referrals(src Source, rows []ingest.MemberRow, bad func(int, string, string)) error {
	var checks []pendingCheck
	for _, r := range rows {
		checks = append(checks, pendingCheck{r.Line, "referred_by", []string{r.ReferredBy}})
	}
	err := v.s.view(func(r *reader) error {
		for _, c := range checks {
			h := c.handles[0]
			if _, ok := v.newMembers[h]; ok {
				continue
			}
			if _, ok := r.memberID(h); !ok {
				bad(c.line, c.field, fmt.Sprintf("unknown member %q", h))
			}
		}
		return nil
	})
	var fe *FileError
	if errors.As(err, &fe) && fe.Kind == Missing {
		for _, c := range checks {
			if _, ok := v.newMembers[c.handles[0]]; !ok {
				bad(c.line, c.field, fmt.Sprintf("unknown member %q", c.handles[0]))
			}
		}
		err = nil
	}
	if err != nil {
		return err
	}
	for _, r := range rows {
		seen := map[string]bool{r.Handle: true}
		for h := r.ReferredBy; h != ""; h = v.newMembers[h] {
			if seen[h] {
				bad(r.Line, "referred_by", fmt.Sprintf("referral cycle: %s is referred, directly or not, by themself", r.Handle))
				break
			}
			seen[h] = true
		}
	}
	// A member refused here is not there for the rows after: their events,
	// requests and reports are refused too, not written half-way.
	for _, r := range rows {
		if v.bad[src.Name][r.Line] {
			delete(v.newMembers, r.Handle)
		}
	}
	return nil
}

func kindList(p model.Programme) string {
	s := ""
	for i, a := range p.Actions {
		if i > 0 {
			s += ", "
		}
		s += a.Kind
	}
	return s
}

// importWriter is the second pass.
type importWriter struct {
	s       *Store
	opt     ImportOptions
	rep     *ImportReport
	bad     map[string]map[int]bool
	known   map[string]uint32 // member ids the first pass found
	total   int
	done    int
	trusted int // rows read from trusted sources, counted by the reading goroutine
}

// all reads each source again and hands its rows, batch by batch, to
// commit, which runs the batch in a transaction.
func (iw *importWriter) all(srcs []Source, commit func(func(*writer) error) error) error {
	for _, src := range srcs {
		rows, err := src.Open()
		if err != nil {
			return err
		}
		err = iw.source(src, rows, commit)
		rows.Close()
		iw.rep.Read += iw.trusted
		iw.trusted = 0
		if err != nil {
			return err
		}
	}
	return nil
}

func (iw *importWriter) source(src Source, rows Rows, commit func(func(*writer) error) error) error {
	if src.Kind == ingest.Events {
		return iw.events(src, rows, commit)
	}
	// Rows are read and parsed in a goroutine of their own, one batch
	// ahead, so that parsing runs on another core while a batch is
	// written.
	batches := make(chan rowBatch)
	defer alongside(func(stop <-chan struct{}) { iw.read(src, rows, batches, stop) })()
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		lines := fmt.Sprintf("lines %d–%d", b.first, b.last)
		err := commit(func(w *writer) error {
			w.deferClose = true
			return iw.apply(w, src, b.rows, lines)
		})
		if err != nil {
			return err
		}
		iw.done += len(b.rows)
		if iw.opt.Progress != nil {
			iw.opt.Progress(iw.done, iw.total)
		}
	}
	return nil
}

// alongside runs read in a goroutine of its own; the function it returns
// tells read to stop and waits until it has, so that the rows it reads are
// not closed under it.
func alongside(read func(stop <-chan struct{})) (stopAndWait func()) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		read(stop)
	}()
	return func() {
		close(stop)
		<-done
	}
}

// events writes an events source a chunk at a time. A goroutine reads,
// parses and regroups the next chunk (see regroupEvents) while this one is
// written, so that all but the writing runs on another core; it then waits
// with that chunk ready, so the import holds two chunks at most.
func (iw *importWriter) events(src Source, rows Rows, commit func(func(*writer) error) error) error {
	chunks := make(chan *eventChunk)
	defer alongside(func(stop <-chan struct{}) { iw.readEvents(src, rows, chunks, stop) })()
	kinds := map[string]string{}
	for c := range chunks {
		for i, part := range c.parts {
			lines := fmt.Sprintf("lines %d–%d", c.first, c.last)
			if len(c.parts) > 1 {
				lines = fmt.Sprintf("%s, part %d of %d", lines, i+1, len(c.parts))
			}
			err := commit(func(w *writer) error {
				w.deferClose = true
				if err := w.preload(part.members); err != nil {
					return err
				}
				return iw.applyEvents(w, src, c, part.rows, kinds, lines)
			})
			if err != nil {
				return err
			}
			iw.done += len(part.rows)
			if iw.opt.Progress != nil {
				iw.opt.Progress(iw.done, iw.total)
			}
		}
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// rowBatch is the rows of one transaction, or the error that ended reading.
type rowBatch struct {
	rows        []any
	first, last int // the file lines they come from
	err         error
}

// read sends the source's valid rows in batches until the end, an error,
// or stop.
func (iw *importWriter) read(src Source, rows Rows, out chan<- rowBatch, stop <-chan struct{}) {
	defer close(out)
	send := func(b rowBatch) bool {
		select {
		case out <- b:
			return true
		case <-stop:
			return false
		}
	}
	size := iw.opt.BatchSize
	batch := rowBatch{rows: make([]any, 0, size)}
	for {
		row, err := iw.next(src, rows)
		if err == io.EOF {
			break
		}
		if err != nil {
			send(rowBatch{err: err})
			return
		}
		line := rowLine(row)
		if len(batch.rows) == 0 {
			batch.first = line
		}
		batch.last = line
		batch.rows = append(batch.rows, row)
		if len(batch.rows) >= size {
			if !send(batch) {
				return
			}
			batch = rowBatch{rows: make([]any, 0, size)}
		}
	}
	if len(batch.rows) > 0 {
		send(batch)
	}
}

// next is the source's next row to write: the rows the first pass listed
// as bad are passed over.
func (iw *importWriter) next(src Source, rows Rows) (any, error) {
	for {
		row, err := rows.Next()
		var p ingest.Problem
		if errors.As(err, &p) {
			continue // listed in the first pass
		}
		if err != nil {
			return nil, err
		}
		if iw.opt.Trusted {
			iw.trusted++
		}
		if iw.bad[src.Name][rowLine(row)] {
			continue
		}
		return row, nil
	}
}

// readEvents sends the source's valid event rows in chunks, each cut into
// the parts to write, until the end, an error, or stop. Chunks larger than a
// batch are regrouped by member; otherwise the file's order is kept.
func (iw *importWriter) readEvents(src Source, rows Rows, out chan<- *eventChunk, stop <-chan struct{}) {
	defer close(out)
	size := iw.opt.BatchSize
	chunkRows := max(iw.opt.ChunkSize, size)
	send := func(c *eventChunk) bool {
		c.seal()
		if len(c.rows) > size && chunkRows > size {
			parts, err := iw.s.regroupEvents(c, size, iw.known)
			if err != nil {
				c.rows, c.err = nil, err
			}
			c.parts = parts
		} else {
			c.parts = c.inFileOrder(size)
		}
		select {
		case out <- c:
			return c.err == nil
		case <-stop:
			return false
		}
	}
	c := &eventChunk{rows: make([]packedEvent, 0, chunkRows)}
	for {
		row, err := iw.next(src, rows)
		if err == io.EOF {
			break
		}
		if err != nil {
			c.err = err
			send(c)
			return
		}
		c.add(row.(ingest.EventRow))
		if len(c.rows) >= chunkRows {
			if !send(c) {
				return
			}
			c = &eventChunk{rows: make([]packedEvent, 0, chunkRows), text: make([]byte, 0, len(c.str))}
		}
	}
	if len(c.rows) > 0 {
		send(c)
	}
}

func rowLine(row any) int {
	switch x := row.(type) {
	case ingest.MemberRow:
		return x.Line
	case ingest.EventRow:
		return x.Line
	case ingest.RedemptionRow:
		return x.Line
	case ingest.ReportRow:
		return x.Line
	}
	return 0
}

// progressEvery is how often, in rows, a batch reports its progress: a
// batch of the demo takes seconds.
const progressEvery = 5000

// apply writes one batch of members, requests or reports in the writer's
// transaction and audits it.
func (iw *importWriter) apply(w *writer, src Source, batch []any, lines string) error {
	var n batchCount
	for i, row := range batch {
		if iw.opt.Progress != nil && i > 0 && i%progressEvery == 0 {
			iw.opt.Progress(iw.done+i, iw.total)
		}
		var dup bool
		var p int64
		var err error
		switch x := row.(type) {
		case ingest.MemberRow:
			p, dup, err = w.addMember(x)
		case ingest.RedemptionRow:
			_, dup, err = w.addRequest(model.Request{ID: x.ID, Member: x.Member, Reward: x.Reward, At: x.At})
		case ingest.ReportRow:
			dup, err = w.addReport(model.Report{ID: x.ID, Reporter: x.Reporter, Subject: x.Subject, Content: x.Content, Guideline: x.Guideline, Excerpt: x.Excerpt, At: x.At})
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", src.Name, rowLine(row), err)
		}
		n.add(p, dup)
	}
	return iw.audited(w, src, n, lines)
}

// applyEvents prices and records a part of a chunk of events, its rows in
// time order, in the writer's transaction, and audits it.
func (iw *importWriter) applyEvents(w *writer, src Source, c *eventChunk, rows []int32, kinds map[string]string, lines string) error {
	events := make([]model.Event, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		events[i] = c.event(r, kinds)
		ids[i] = events[i].ID
	}
	fresh := w.expectEvents(ids)
	var n batchCount
	for i, ev := range events {
		if iw.opt.Progress != nil && i > 0 && i%progressEvery == 0 {
			iw.opt.Progress(iw.done+i, iw.total)
		}
		p, dup, err := w.applyEvent(ev, fresh)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", src.Name, c.rows[rows[i]].line, err)
		}
		n.add(p, dup)
	}
	return iw.audited(w, src, n, lines)
}

// batchCount is what one batch did.
type batchCount struct {
	imported, dups int
	points         int64
}

func (n *batchCount) add(points int64, dup bool) {
	if dup {
		n.dups++
	} else {
		n.imported++
		n.points += points
	}
}

// audited adds a batch's counts to the report and writes its audit entry.
func (iw *importWriter) audited(w *writer, src Source, n batchCount, lines string) error {
	iw.rep.Imported += n.imported
	iw.rep.Duplicates += n.dups
	iw.rep.Points += n.points
	_, err := w.audit(model.AuditEntry{
		Action: "import", Subject: src.Name,
		Summary: fmt.Sprintf("imported %s from %s (%s): %d new, %d duplicates, %d points", src.Kind, src.Name, lines, n.imported, n.dups, n.points),
	}, nil)
	return err
}

// addMember adds a member with their welcome bonus. A handle already known
// is a duplicate and changes nothing.
func (w *writer) addMember(x ingest.MemberRow) (int64, bool, error) {
	if _, ok := w.memberID(x.Handle); ok {
		return 0, true, nil
	}
	joined := x.JoinedAt
	if joined.IsZero() {
		joined = w.now
	}
	ms, err := w.create(model.Member{Handle: x.Handle, Name: x.Name, Joined: joined, Tags: x.Tags, ReferredBy: x.ReferredBy})
	if err != nil {
		return 0, false, err
	}
	if w.prog.WelcomeBonus == 0 {
		return 0, false, nil
	}
	_, err = w.post(ms, model.Entry{At: joined, Type: model.Welcome, Points: w.prog.WelcomeBonus, Qualifying: w.prog.WelcomeBonus, Rule: "welcome"})
	return w.prog.WelcomeBonus, false, err
}
