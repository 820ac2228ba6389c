package planner

import "github.com/persiandb/persiandb/storage"

// ApplyTypmod enforces t's modifier on v as Postgres's input and receive
// functions do for a column's atttypmod (explicit false) or as a cast does
// (explicit true). It is exported for the wire codecs, which must apply
// the same rules as casts and assignments without a plan.
func ApplyTypmod(v storage.Value, t Type, explicit bool) (storage.Value, error) {
	return applyTypmod(v, t, explicit)
}
