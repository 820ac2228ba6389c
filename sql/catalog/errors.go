package catalog

import (
	"errors"
	"fmt"
)

// Errors; the SQL layer maps them to SQLSTATEs.
var (
	// ErrExists: a relation (table, view, sequence or index) of that name
	// already exists (42P07). Relation names share one namespace, as in
	// Postgres's pg_class. NameOf gives the name that clashed.
	ErrExists = errors.New("catalog: relation already exists")
	// ErrNotFound: no relation of that name (42P01), or one of another
	// kind (see WrongKindError, which wraps it).
	ErrNotFound = errors.New("catalog: relation does not exist")
	// ErrSequenceLimit: nextval passed a sequence's MAXVALUE or MINVALUE
	// without CYCLE (2200H).
	ErrSequenceLimit = errors.New("catalog: sequence reached its limit")
	// ErrSequenceRange: setval outside the sequence's bounds (22003).
	ErrSequenceRange = errors.New("catalog: value out of the sequence's bounds")
)

// RelationError names the relation an ErrExists or ErrNotFound is about.
type RelationError struct {
	Err  error
	Name string
}

func (e *RelationError) Error() string { return fmt.Sprintf("%v: %q", e.Err, e.Name) }
func (e *RelationError) Unwrap() error { return e.Err }

func exists(name string) error   { return &RelationError{Err: ErrExists, Name: name} }
func notFound(name string) error { return &RelationError{Err: ErrNotFound, Name: name} }

// NameOf returns the relation name an error from this package is about,
// or "".
func NameOf(err error) string {
	var re *RelationError
	if errors.As(err, &re) {
		return re.Name
	}
	var wk *WrongKindError
	if errors.As(err, &wk) {
		return wk.Name
	}
	return ""
}

// WrongKindError: the name is a relation of another kind than the lookup
// wanted ("v" is a view, not a table). It wraps ErrNotFound, so callers
// that only ask "is there a table t" see no table.
type WrongKindError struct {
	Name string
	Kind Kind // what the relation is
}

func (e *WrongKindError) Error() string {
	return fmt.Sprintf("catalog: %q is a %s", e.Name, e.Kind)
}
func (e *WrongKindError) Unwrap() error { return ErrNotFound }

// DuplicateError: building a unique index found two rows with the same
// key (23505). Row is the encoded value of one of them (the table's row
// encoding), for the error's detail.
type DuplicateError struct {
	Index string
	Row   []byte
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("catalog: could not create unique index %q", e.Index)
}
