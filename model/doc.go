// Package model is steward's domain: members, activity, the points ledger,
// the programme's rules, redemptions, reports and the audit log, as plain
// types and pure functions. It knows nothing of files, bbolt or terminals.
package model
