package sql_test

import (
	"context"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// Styles PersianDB cannot print are refused, not silently ignored; the
// ones it prints are canonicalized as Postgres shows them.
func TestSettingStyles(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	for q, code := range map[string]pgerr.Code{
		"SET DateStyle = 'German'":          pgerr.FeatureNotSupported,
		"SET DateStyle = 'ISO, DMY'":        pgerr.FeatureNotSupported,
		"SET IntervalStyle = 'iso_8601'":    pgerr.FeatureNotSupported,
		"SET bytea_output = 'escape'":       pgerr.FeatureNotSupported,
		"SET extra_float_digits = 0":        pgerr.FeatureNotSupported,
		"SET extra_float_digits = 4":        pgerr.InvalidParameterValue,
		"SET statement_timeout = '5 weeks'": pgerr.InvalidParameterValue,
	} {
		if _, err := s.ExecOne(ctx, q); pgerr.CodeOf(err) != code {
			t.Errorf("%s: %v, want %s", q, err, code)
		}
	}
	for q, want := range map[string]string{
		"SET DateStyle = 'iso'":           "ISO, MDY",
		"SET extra_float_digits = 3":      "3",
		"SET statement_timeout = 60000":   "1min",
		"SET statement_timeout = '1500'":  "1500ms",
		"SET statement_timeout = '2s'":    "2s",
		"SET IntervalStyle = 'Postgres'":  "postgres",
		"SET lock_timeout = '3h'":         "3h",
		"SET bytea_output = 'HEX'":        "hex",
		"SET statement_timeout = default": "0",
	} {
		if _, err := s.ExecOne(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		name := map[byte]string{'D': "DateStyle", 'e': "extra_float_digits", 's': "statement_timeout", 'I': "IntervalStyle", 'l': "lock_timeout", 'b': "bytea_output"}[q[4]]
		if got := s.Param(name); got != want {
			t.Errorf("%s: SHOW gives %q, want %q", q, got, want)
		}
	}
}

// SET is transactional: ROLLBACK undoes it, SET LOCAL ends with its block.
func TestSetTransactional(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "SET application_name = 'a'")
	mustExec(t, s, "BEGIN; SET application_name = 'b'; ROLLBACK")
	if got := s.Param("application_name"); got != "a" {
		t.Fatalf("after ROLLBACK: %q", got)
	}
	mustExec(t, s, "BEGIN; SET LOCAL application_name = 'c'; COMMIT")
	if got := s.Param("application_name"); got != "a" {
		t.Fatalf("after SET LOCAL and COMMIT: %q", got)
	}
	mustExec(t, s, "BEGIN; SET application_name = 'd'; COMMIT")
	if got := s.Param("application_name"); got != "d" {
		t.Fatalf("after SET and COMMIT: %q", got)
	}
	r := mustExec(t, s, "SET LOCAL application_name = 'e'")
	if len(r[0].Notices) != 1 || s.Param("application_name") != "d" {
		t.Fatalf("SET LOCAL outside a block: notices %v, value %q", r[0].Notices, s.Param("application_name"))
	}
}

// ROLLBACK TO SAVEPOINT undoes the SETs made since the savepoint (SET
// LOCAL ones too), RELEASE keeps them, and a plain SET after a SET LOCAL
// is what COMMIT keeps. Each expectation was checked against
// PostgreSQL 15 with psql.
func TestSetSavepoints(t *testing.T) {
	s := newSession(t)
	show := func(q, want string) {
		t.Helper()
		if got := s.Param("application_name"); got != want {
			t.Fatalf("%s: application_name %q, want %q", q, got, want)
		}
	}
	steps := []struct{ sql, want string }{
		{"SET application_name = 'a'", "a"},
		{"BEGIN; SET application_name = 'b'; SAVEPOINT s1; SET application_name = 'c'; ROLLBACK TO s1", "b"},
		{"SET application_name = 'd'; ROLLBACK TO s1", "b"},
		{"RELEASE s1; COMMIT", "b"},
		{"BEGIN; SET application_name = 'x'; SAVEPOINT a; SET LOCAL application_name = 'y'", "y"},
		{"ROLLBACK TO a; COMMIT", "x"},
		{"BEGIN; SET LOCAL application_name = 'l1'; SAVEPOINT a; SET application_name = 'l2'; RELEASE a; COMMIT", "l2"},
		{"BEGIN; SAVEPOINT a; SET application_name = 'm1'; SAVEPOINT a; SET application_name = 'm2'; ROLLBACK TO a", "m1"},
		{"RELEASE a; ROLLBACK TO a", "l2"},
		{"COMMIT", "l2"},
		{"BEGIN; SAVEPOINT a; SET application_name = 'n1'; SAVEPOINT b; SET application_name = 'n2'; RELEASE b", "n2"},
		{"ROLLBACK TO a", "l2"},
		{"SET application_name = 'n3'; COMMIT", "n3"},
		{"BEGIN; SAVEPOINT a; SET application_name = 'o1'; ROLLBACK", "n3"},
	}
	for _, st := range steps {
		mustExec(t, s, st.sql)
		show(st.sql, st.want)
	}
	// A reported parameter goes back too.
	mustExec(t, s, "SET TimeZone = 'UTC'; BEGIN; SAVEPOINT a; SET TimeZone = 'Asia/Tokyo'; ROLLBACK TO a; COMMIT")
	if got := s.Param("TimeZone"); got != "UTC" {
		t.Fatalf("TimeZone after ROLLBACK TO: %q", got)
	}
}
