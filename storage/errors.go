package storage

import "errors"

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
