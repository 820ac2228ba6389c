package logictest

import (
	"context"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// OpenPersianDB is the Opener of the in-process engine: a fresh database
// per file, as the corpus expects.
func OpenPersianDB(ctx context.Context, path string) (Engine, error) {
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	e, err := sql.Open(m)
	if err != nil {
		m.Close()
		return nil, err
	}
	return &persianEngine{m: m, e: e}, nil
}

type persianEngine struct {
	m *txn.Manager
	e *sql.Engine
}

func (p *persianEngine) NewSession(ctx context.Context, name string) (Session, error) {
	return &persianSession{s: p.e.NewSession(name)}, nil
}

func (p *persianEngine) Close() error {
	p.m.Close()
	return nil
}

type persianSession struct{ s *sql.Session }

func (p *persianSession) Exec(ctx context.Context, q string) error {
	_, err := p.s.Exec(ctx, q)
	return err
}

// Query returns the last result with columns, as the PostgreSQL engine
// does for a query string of several statements.
func (p *persianSession) Query(ctx context.Context, q string) ([]ColumnType, [][]Value, error) {
	rs, err := p.s.Exec(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	var last *sql.Result
	for _, r := range rs {
		if r.Columns != nil {
			last = r
		}
	}
	if last == nil {
		return nil, nil, nil
	}
	cols := make([]ColumnType, len(last.Columns))
	for i, c := range last.Columns {
		cols[i] = ColumnType{Name: c.Name, Type: c.Type.Typname()}
	}
	loc := p.s.Location()
	rows := make([][]Value, len(last.Rows))
	for i, r := range last.Rows {
		row := make([]Value, len(r))
		for j, v := range r {
			if v.IsNull() {
				row[j] = Null
			} else {
				row[j] = Text(sem.Format(v, loc))
			}
		}
		rows[i] = row
	}
	return cols, rows, nil
}

func (p *persianSession) Close() error {
	p.s.Close()
	return nil
}
