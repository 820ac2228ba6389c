package logictest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// fakeEngine is a tiny key-value "database" with a command language just
// big enough to test the runner without a server:
//
//	BEGIN | COMMIT | ROLLBACK          transactions (writes buffered per session)
//	SET <key> <value>                  write (value NULL deletes)
//	FAIL <SQLSTATE> <message>          fail with that code
//	GET <key>...                       one row, one column per key (NULL if absent)
//	KEYS                               rows (key, value) visible to the session
//	<any key of fixed>                 a fixed result
type fakeEngine struct {
	data   map[string]string // committed
	fixed  map[string]fakeResult
	closed bool
	opened []string // session names, in order
}

type fakeResult struct {
	cols []ColumnType
	rows [][]Value
}

// fakeErr carries a SQLSTATE, as the engine's own error type will.
type fakeErr struct{ code, msg string }

func (e *fakeErr) Error() string    { return e.msg }
func (e *fakeErr) SQLState() string { return e.code }

func newFake() *fakeEngine {
	return &fakeEngine{data: map[string]string{}, fixed: map[string]fakeResult{}}
}

func (e *fakeEngine) opener() Opener {
	return func(context.Context, string) (Engine, error) { return e, nil }
}

func (e *fakeEngine) NewSession(_ context.Context, name string) (Session, error) {
	e.opened = append(e.opened, name)
	return &fakeSession{e: e}, nil
}

func (e *fakeEngine) Close() error { e.closed = true; return nil }

type fakeSession struct {
	e   *fakeEngine
	txn map[string]*string // nil outside a transaction; nil value deletes
}

func (s *fakeSession) get(k string) (string, bool) {
	if v, ok := s.txn[k]; ok {
		if v == nil {
			return "", false
		}
		return *v, true
	}
	v, ok := s.e.data[k]
	return v, ok
}

func (s *fakeSession) Exec(_ context.Context, sql string) error {
	f := strings.Fields(sql)
	switch {
	case len(f) == 1 && f[0] == "BEGIN":
		s.txn = map[string]*string{}
	case len(f) == 1 && (f[0] == "COMMIT" || f[0] == "ROLLBACK"):
		if s.txn == nil {
			return &fakeErr{"25P01", "no transaction in progress"}
		}
		if f[0] == "COMMIT" {
			for k, v := range s.txn {
				if v == nil {
					delete(s.e.data, k)
				} else {
					s.e.data[k] = *v
				}
			}
		}
		s.txn = nil
	case len(f) == 3 && f[0] == "SET":
		var v *string
		if f[2] != "NULL" {
			v = &f[2]
		}
		if s.txn != nil {
			s.txn[f[1]] = v
		} else if v == nil {
			delete(s.e.data, f[1])
		} else {
			s.e.data[f[1]] = *v
		}
	case len(f) >= 2 && f[0] == "FAIL":
		return &fakeErr{f[1], strings.Join(f[2:], " ")}
	default:
		_, _, err := s.Query(context.Background(), sql)
		return err
	}
	return nil
}

func (s *fakeSession) Query(_ context.Context, sql string) ([]ColumnType, [][]Value, error) {
	if r, ok := s.e.fixed[sql]; ok {
		return r.cols, r.rows, nil
	}
	f := strings.Fields(sql)
	switch {
	case len(f) >= 2 && f[0] == "GET":
		var cols []ColumnType
		var row []Value
		for _, k := range f[1:] {
			cols = append(cols, ColumnType{Name: k, Type: "text"})
			if v, ok := s.get(k); ok {
				row = append(row, Text(v))
			} else {
				row = append(row, Null)
			}
		}
		return cols, [][]Value{row}, nil
	case len(f) == 1 && f[0] == "KEYS":
		keys := map[string]bool{}
		for k := range s.e.data {
			keys[k] = true
		}
		for k := range s.txn {
			keys[k] = true
		}
		var rows [][]Value
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if v, ok := s.get(k); ok {
				rows = append(rows, []Value{Text(k), Text(v)})
			}
		}
		return []ColumnType{{"key", "text"}, {"value", "text"}}, rows, nil
	}
	return nil, nil, &fakeErr{"42601", fmt.Sprintf("syntax error: %q", sql)}
}

func (s *fakeSession) Close() error { return nil }
