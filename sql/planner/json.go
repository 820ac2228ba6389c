package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// isPlainJSON reports whether t is json (or an array of it): unlike jsonb,
// Postgres's json has no equality or ordering operators at all, so
// comparing, sorting, grouping or indexing it is an error, never an
// answer based on its text.
func isPlainJSON(t Type) bool { return t.T.Elem() == storage.TypeJSON }

// checkOrderable rejects json where an ordering or equality operator is
// needed (ORDER BY, DISTINCT, GROUP BY), with Postgres's 42883.
func checkOrderable(t Type, what string) error {
	if isPlainJSON(t) {
		return pgerr.New(pgerr.UndefinedFunction, "could not identify an %s operator for type %s", what, t.Name).
			WithHint("Use an explicit ordering operator or modify the query.")
	}
	return nil
}
