// Package ingest reads import files (CSV, JSON Lines) into validated rows.
package ingest
