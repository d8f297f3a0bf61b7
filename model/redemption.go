package model

import (
	"fmt"
	"time"
)

// RequestStatus is where a redemption request stands.
type RequestStatus uint8

// A request is pending until a moderator (or auto-approval) decides it;
// an approved request is fulfilled once the reward is delivered.
const (
	Pending RequestStatus = iota + 1
	Approved
	Rejected
	Fulfilled
)

var requestStatusNames = [...]string{"", "pending", "approved", "rejected", "fulfilled"}

func (s RequestStatus) String() string {
	if int(s) < len(requestStatusNames) && s != 0 {
		return requestStatusNames[s]
	}
	return "unknown"
}

// Request is a member's request for a reward. While pending it holds Cost
// points of their balance.
type Request struct {
	ID        string
	Member    string
	Reward    string
	At        time.Time
	Cost      int64 // the price when requested: later price changes do not touch it
	Status    RequestStatus
	DecidedBy string
	DecidedAt time.Time
	Reason    string // why rejected, or a note on approval
}

// HesitationKind is what a reason to hesitate is about.
type HesitationKind uint8

// The reasons to look twice before approving a request.
const (
	MemberSuspended HesitationKind = iota + 1
	MemberBanned
	OpenReports
	OutOfStock
	BelowTier
	NotInCatalogue
)

// Hesitation is a reason for a moderator to look twice before approving.
type Hesitation struct {
	Kind HesitationKind
	N    int    // the number of open reports
	Tier string // the tier the reward needs
}

// String says the reason in words: "member suspended", "2 open reports".
func (h Hesitation) String() string {
	switch h.Kind {
	case MemberSuspended:
		return "member suspended"
	case MemberBanned:
		return "member banned"
	case OpenReports:
		if h.N == 1 {
			return "1 open report"
		}
		return fmt.Sprintf("%d open reports", h.N)
	case OutOfStock:
		return "out of stock"
	case BelowTier:
		return "below tier " + h.Tier
	case NotInCatalogue:
		return "reward no longer in the catalogue"
	}
	return "check"
}

// Short says it in a few cells, for a list's column.
func (h Hesitation) Short() string {
	switch h.Kind {
	case MemberSuspended:
		return "suspended"
	case MemberBanned:
		return "banned"
	case OpenReports:
		return fmt.Sprintf("%d reported", h.N)
	case OutOfStock:
		return "no stock"
	case BelowTier:
		return "< " + h.Tier
	case NotInCatalogue:
		return "no reward"
	}
	return "check"
}

// Hesitations computes the reasons to hesitate over a request: a restricted
// member, open reports about them, no stock, a tier below the reward's.
func (p *Programme) Hesitations(req Request, m Member, openReports int, now time.Time) []Hesitation {
	var out []Hesitation
	switch m.StatusAt(now) {
	case Suspended:
		out = append(out, Hesitation{Kind: MemberSuspended})
	case Banned:
		out = append(out, Hesitation{Kind: MemberBanned})
	}
	if openReports > 0 {
		out = append(out, Hesitation{Kind: OpenReports, N: openReports})
	}
	if r, ok := p.Reward(req.Reward); !ok {
		out = append(out, Hesitation{Kind: NotInCatalogue})
	} else {
		if r.Stock == 0 {
			out = append(out, Hesitation{Kind: OutOfStock})
		}
		if r.MinTier != "" && m.Tier < p.TierIndex(r.MinTier) {
			out = append(out, Hesitation{Kind: BelowTier, Tier: r.MinTier})
		}
	}
	return out
}

// CanRequest says whether a member may ask for a reward now, and why not.
// A request that fails it is recorded as rejected, so nothing is lost.
func (p *Programme) CanRequest(r Reward, m Member, now time.Time) error {
	if m.Restricted(now) {
		return fmt.Errorf("member is %s", m.StatusAt(now))
	}
	if m.Available() < r.Cost {
		return fmt.Errorf("needs %d points, %d available", r.Cost, m.Available())
	}
	return nil
}

// CanApprove says whether a pending request can be approved now. Approval is
// refused when stock is out; the other hesitations are the moderator's call.
func (p *Programme) CanApprove(req Request, r Reward, m Member) error {
	if req.Status != Pending {
		return fmt.Errorf("request %s is %s, not pending", req.ID, req.Status)
	}
	if r.Stock == 0 {
		return fmt.Errorf("%s is out of stock", r.ID)
	}
	if m.Held < req.Cost || m.Balance < req.Cost {
		return fmt.Errorf("member holds %d points, the request needs %d", m.Held, req.Cost)
	}
	return nil
}

// AutoApproves says whether a new request is approved without a moderator:
// the reward allows it and there is no reason to hesitate.
func (p *Programme) AutoApproves(req Request, r Reward, m Member, openReports int, now time.Time) bool {
	return r.AutoApprove && len(p.Hesitations(req, m, openReports, now)) == 0
}
