package storage

import (
	"errors"
	"fmt"
)

var (
	// ErrRecordTooLarge: a key or value does not fit in a log record.
	ErrRecordTooLarge = errors.New("storage: record too large")
	// ErrNoTable: no table has that id.
	ErrNoTable = errors.New("storage: no such table")
	// ErrTableExists: a table with that id already exists.
	ErrTableExists = errors.New("storage: table already exists")
	// ErrCorrupt marks damaged data; test with errors.Is.
	ErrCorrupt = errors.New("storage: corrupt data")
)

// Errors of the value, row and key encodings. Functions wrap them with %w
// and a short reason, so callers test them with errors.Is. The corruption
// errors wrap ErrCorrupt.
var (
	// ErrCorruptRow reports bytes that are not a valid row encoding for the
	// given column types: truncated input, lengths past the end, trailing
	// bytes, invalid tags, or a non-canonical encoding.
	ErrCorruptRow = fmt.Errorf("%w: row encoding", ErrCorrupt)

	// ErrCorruptKey reports bytes that are not a valid key encoding for the
	// given column types.
	ErrCorruptKey = fmt.Errorf("%w: key encoding", ErrCorrupt)

	// ErrTypeMismatch reports a value whose type cannot be stored in a
	// column of the given type.
	ErrTypeMismatch = errors.New("storage: value type does not match column type")

	// ErrOutOfRange reports a value of a compatible type that does not fit
	// the column type, e.g. 70000 in a smallint column.
	ErrOutOfRange = errors.New("storage: value out of range for column type")

	// ErrColumnCount reports a row whose length differs from its schema.
	ErrColumnCount = errors.New("storage: row has the wrong number of columns")

	// ErrUnknownType reports a column type that is not a valid Type.
	ErrUnknownType = errors.New("storage: unknown column type")

	// ErrInvalidNumeric reports text that is not a valid numeric literal.
	ErrInvalidNumeric = errors.New("storage: invalid input syntax for type numeric")
)
