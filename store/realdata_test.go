package store

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"steward/ingest"
)

// The Stack Exchange dump beside the repository is a real community that
// nobody here wrote: unicode names, deleted users, votes dated by day only
// (so before the post they are about), a heavy tail of activity.
const realData = "../../shared/data/history-meta-stackexchange"

type seRow struct {
	ID           string `xml:"Id,attr"`
	DisplayName  string `xml:"DisplayName,attr"`
	CreationDate string `xml:"CreationDate,attr"`
	UserID       string `xml:"UserId,attr"`
	PostID       string `xml:"PostId,attr"`
	VoteTypeID   string `xml:"VoteTypeId,attr"`
}

func readSE(t testing.TB, name string, fn func(seRow)) {
	t.Helper()
	f, err := os.Open(filepath.Join(realData, name))
	if err != nil {
		t.Skipf("real data not found beside the repository: %v", err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "row" {
			var r seRow
			if err := d.DecodeElement(&r, &se); err != nil {
				t.Fatal(err)
			}
			fn(r)
		}
	}
}

// convertSE writes the dump as steward import files: users become members,
// questions posts, answers answers, comments replies, upvotes likes received
// by the post's author and acceptances answer_accepted for the answerer.
func convertSE(t testing.TB, dir string) (members, events string, nMembers, nEvents int) {
	t.Helper()
	members, events = filepath.Join(dir, "members.csv"), filepath.Join(dir, "events.csv")
	var mb, eb bytes.Buffer
	mw, ew := csv.NewWriter(&mb), csv.NewWriter(&eb)
	mw.Write([]string{"handle", "name", "joined_at"})
	ew.Write([]string{"id", "member", "kind", "at", "ref"})
	users := map[string]bool{}
	readSE(t, "Users.xml", func(r seRow) {
		users[r.ID] = true
		mw.Write([]string{"se" + r.ID, r.DisplayName, r.CreationDate})
	})
	owner := map[string]string{}
	f, err := os.Open(filepath.Join(realData, "Posts.csv"))
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	pr := csv.NewReader(f)
	header, err := pr.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for {
		rec, err := pr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id, who := rec[col["Id"]], rec[col["OwnerUserId"]]
		if who == "" || !users[who] {
			continue // a deleted account
		}
		owner[id] = who
		kind := map[string]string{"1": "post", "2": "answer"}[rec[col["PostTypeId"]]]
		if kind == "" {
			continue
		}
		ew.Write([]string{"p" + id, "se" + who, kind, rec[col["CreationDate"]], "post/" + id})
		nEvents++
	}
	readSE(t, "Comments.xml", func(r seRow) {
		if r.UserID == "" || !users[r.UserID] {
			return
		}
		ew.Write([]string{"c" + r.ID, "se" + r.UserID, "reply", r.CreationDate, "post/" + r.PostID})
		nEvents++
	})
	readSE(t, "Votes.xml", func(r seRow) {
		who := owner[r.PostID]
		kind := map[string]string{"1": "answer_accepted", "2": "like_received"}[r.VoteTypeID]
		if who == "" || kind == "" {
			return
		}
		ew.Write([]string{"v" + r.ID, "se" + who, kind, r.CreationDate, "post/" + r.PostID})
		nEvents++
	})
	mw.Flush()
	ew.Flush()
	nMembers = len(users)
	if err := os.WriteFile(members, mb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(events, eb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return members, events, nMembers, nEvents
}

func TestRealCommunityImportsWithExactLedgerSums(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 17,000 real actions")
	}
	dir := t.TempDir()
	membersFile, eventsFile, nMembers, nEvents := convertSE(t, dir)
	s, now := newStore(t)
	*now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	srcs := func() []Source {
		var out []Source
		for _, f := range []struct {
			path string
			kind ingest.Kind
		}{{eventsFile, ingest.Events}, {membersFile, ingest.Members}} {
			src, cleanup, err := FileSource(f.path, f.kind, "", nil, *now)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cleanup)
			out = append(out, src)
		}
		return out
	}
	rep, err := s.Import(srcs(), ImportOptions{BatchSize: 5000})
	if err != nil {
		t.Fatalf("import: %v %v", err, rep.Problems)
	}
	if rep.Rejected != 0 || rep.Imported != nMembers+nEvents {
		t.Fatalf("report %s, want every one of %d members and %d events imported", rep.Summary(), nMembers, nEvents)
	}
	chk := mustCheck(t, s)
	if chk.Members != nMembers {
		t.Fatalf("check saw %d members", chk.Members)
	}

	// Every balance is the sum of its ledger lines, read back through the
	// exports a script would use, and the points awarded are those lines.
	var ledger, members bytes.Buffer
	if _, err := s.Export(&ledger, "ledger", ExportOptions{Raw: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Export(&members, "members", ExportOptions{Raw: true}); err != nil {
		t.Fatal(err)
	}
	sums := map[string]int64{}
	var total, earned int64
	before := 0
	joined := map[string]time.Time{}
	for i, rec := range csvRecords(t, &members) {
		if i == 0 {
			continue
		}
		j, _ := time.Parse(time.RFC3339, rec[8])
		joined[rec[0]] = j
	}
	for i, rec := range csvRecords(t, &ledger) {
		if i == 0 {
			continue
		}
		p, _ := strconv.ParseInt(rec[4], 10, 64)
		sums[rec[1]] += p
		total += p
		if rec[3] == "earned" {
			earned += p
			at, _ := time.Parse(time.RFC3339, rec[2])
			if at.Before(joined[rec[1]]) {
				before++
			}
		}
	}
	if total != rep.Points {
		t.Fatalf("the ledger sums to %d, the import reported %d points", total, rep.Points)
	}
	for i, rec := range csvRecords(t, &members) {
		if i == 0 {
			continue
		}
		bal, _ := strconv.ParseInt(rec[4], 10, 64)
		if bal != sums[rec[0]] {
			t.Fatalf("%s: balance %d, ledger %d", rec[0], bal, sums[rec[0]])
		}
	}
	// Votes are dated by day: some land before the post, or the join, they
	// are about. They are kept and count from their own time.
	if before == 0 {
		t.Fatal("expected some actions dated before their member's join to be kept")
	}
	t.Logf("%s; %d points earned from events, %d events dated before their member joined", rep.Summary(), earned, before)

	// The same files again change nothing.
	again, err := s.Import(srcs(), ImportOptions{BatchSize: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || again.Duplicates != rep.Imported || again.Points != 0 {
		t.Fatalf("second import: %s", again.Summary())
	}
	chk2 := mustCheck(t, s)
	if chk2.Entries != chk.Entries {
		t.Fatalf("the ledger grew from %d to %d entries on a re-import", chk.Entries, chk2.Entries)
	}
	top, err := s.Leaderboard(AllTime, 3)
	if err != nil || len(top) != 3 {
		t.Fatalf("leaderboard: %v %v", top, err)
	}
	t.Logf("top 3: %s %d, %s %d, %s %d", top[0].Member.Name, top[0].Points, top[1].Member.Name, top[1].Points, top[2].Member.Name, top[2].Points)
}

func csvRecords(t testing.TB, r io.Reader) [][]string {
	t.Helper()
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
