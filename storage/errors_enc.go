package storage

import "errors"

// Sentinel errors of the value, row and key encodings. Functions wrap them
// with %w and a short reason, so callers test them with errors.Is.
var (
	// ErrCorruptRow reports bytes that are not a valid row encoding for the
	// given column types: truncated input, lengths past the end, trailing
	// bytes, invalid tags, or a non-canonical encoding.
	ErrCorruptRow = errors.New("storage: corrupt row encoding")

	// ErrCorruptKey reports bytes that are not a valid key encoding for the
	// given column types.
	ErrCorruptKey = errors.New("storage: corrupt key encoding")

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
