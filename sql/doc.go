// Package sql will parse PostgreSQL (a dialect front over the TiDB parser),
// plan and execute it over package txn. It is not written yet.
package sql
