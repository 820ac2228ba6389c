package logictest

import "testing"

// TestProjectFilesWire runs the project's own logic tests over the
// PostgreSQL protocol: the same files, the same expected results as
// TestProjectFiles in process. A record failing only here is a bug in
// pgwire or in how the pgx session code reads its results.
func TestProjectFilesWire(t *testing.T) {
	runProjectFiles(t, OpenPersianDBWire)
}
