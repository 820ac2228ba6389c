package logictest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Postgres is the oracle engine: a PostgreSQL server reached through pgx.
// Each file gets a database of its own, created by Open and dropped by the
// Engine's Close, so files may run in parallel and always start empty.
// Sessions are separate connections; statements go over the simple query
// protocol, so results arrive in text format, exactly as psql prints them.
type Postgres struct {
	dsn string
	seq atomic.Int64 // numbers the per-file databases

	mu struct {
		sync.Mutex
		admin *pgconn.PgConn // protected by mu; creates and drops databases
	}
}

// NewPostgres connects to the server at dsn, whose user must be allowed
// to create databases.
func NewPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	admin, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	p := &Postgres{dsn: dsn}
	p.mu.admin = admin
	return p, nil
}

// Close closes the admin connection.
func (p *Postgres) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mu.admin.Close(context.Background())
}

func (p *Postgres) admin(ctx context.Context, sql string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.mu.admin.Exec(ctx, sql).ReadAll()
	return err
}

// Open creates a fresh database for one file; it is an Opener.
func (p *Postgres) Open(ctx context.Context, path string) (Engine, error) {
	name := fmt.Sprintf("slt_%d_%d", os.Getpid(), p.seq.Add(1))
	if err := p.admin(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	return &pgEngine{p: p, db: name}, nil
}

// pgEngine is one file's database.
type pgEngine struct {
	p  *Postgres
	db string
}

func (e *pgEngine) NewSession(ctx context.Context, name string) (Session, error) {
	return openPGSession(ctx, e.p.dsn, e.db)
}

// Close drops the database, forcing out any session left connected.
func (e *pgEngine) Close() error {
	return e.p.admin(context.Background(), "DROP DATABASE IF EXISTS "+e.db+" WITH (FORCE)")
}

// pgSession is one connection to a file's database.
type pgSession struct {
	dsn, db string
	conn    *pgconn.PgConn
	types   *pgtype.Map // OID -> type name
}

// openPGSession connects to database db of the server at dsn. Engines
// other than the oracle (the wire engine in wire.go) use it too, so that
// every server reached over pgx is compared in exactly the same way.
func openPGSession(ctx context.Context, dsn, db string) (*pgSession, error) {
	s := &pgSession{dsn: dsn, db: db, types: pgtype.NewMap()}
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *pgSession) connect(ctx context.Context) error {
	cfg, err := pgconn.ParseConfig(s.dsn)
	if err != nil {
		return err
	}
	cfg.Database = s.db
	s.conn, err = pgconn.ConnectConfig(ctx, cfg)
	return err
}

// pgResult is one statement's result, copied out of pgconn's buffers.
type pgResult struct {
	fields []pgconn.FieldDescription // nil if the statement returns no rows
	rows   [][]Value
}

// run sends sql as a simple query and reads every result. A connection
// lost to a cancelled (timed out) statement is reopened for the next call,
// without the transaction it had.
func (s *pgSession) run(ctx context.Context, sql string) ([]pgResult, error) {
	if s.conn.IsClosed() {
		if err := s.connect(ctx); err != nil {
			return nil, err
		}
	}
	mrr := s.conn.Exec(ctx, sql)
	var results []pgResult
	var firstErr error
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		// pgconn's Result drops the columns of an empty result: read by hand.
		res := pgResult{fields: slices.Clone(rr.FieldDescriptions())}
		for rr.NextRow() {
			vals := rr.Values()
			row := make([]Value, len(vals))
			for i, v := range vals {
				if v == nil {
					row[i] = Null
				} else {
					row[i] = Text(string(v))
				}
			}
			res.rows = append(res.rows, row)
		}
		if _, err := rr.Close(); err != nil && firstErr == nil {
			firstErr = err
		}
		results = append(results, res)
	}
	if err := mrr.Close(); err != nil && firstErr == nil {
		firstErr = err
	}
	return results, firstErr
}

func (s *pgSession) Exec(ctx context.Context, sql string) error {
	_, err := s.run(ctx, sql)
	return err
}

// Query returns the last result that has columns (a query string may hold
// several statements).
func (s *pgSession) Query(ctx context.Context, sql string) ([]ColumnType, [][]Value, error) {
	results, err := s.run(ctx, sql)
	if err != nil {
		return nil, nil, err
	}
	var res *pgResult
	for i := range results {
		if results[i].fields != nil {
			res = &results[i]
		}
	}
	if res == nil {
		return nil, nil, errors.New("statement returned no result columns")
	}
	cols := make([]ColumnType, len(res.fields))
	for i, fd := range res.fields {
		cols[i].Name = fd.Name
		if t, ok := s.types.TypeForOID(fd.DataTypeOID); ok {
			cols[i].Type = t.Name
		}
	}
	return cols, res.rows, nil
}

func (s *pgSession) Close() error {
	return s.conn.Close(context.Background())
}
