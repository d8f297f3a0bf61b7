// Package store keeps a community in one bbolt file: buckets, indexes,
// transactions, import and export. Every operation opens the file for the
// time of one transaction, so a console left open for hours never keeps a
// script's import waiting, and every write leaves the data consistent.
package store
