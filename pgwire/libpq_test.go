package pgwire

// Tests through database/sql and github.com/lib/pq. lib/pq differs from pgx
// in ways the server must absorb: it sends every parameter as text (bytea
// as \x hex, time.Time as a timestamp with offset whatever the column
// type), runs argument-less statements with the simple protocol, prepares
// named statements for db.Prepare, copies with COPY FROM STDIN in text
// format, and cancels by CancelRequest on a connection of its own.

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
)

// openPQ opens a lib/pq pool on ts; extra is appended to the DSN's query.
func (ts *testServer) openPQ(t testing.TB, extra string) *dbsql.DB {
	t.Helper()
	return openPQDSN(t, ts.dsn(extra))
}

func openPQDSN(t testing.TB, dsn string) *dbsql.DB {
	t.Helper()
	db, err := dbsql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.PingContext(ctxT(t)); err != nil {
		t.Fatalf("ping %s: %v", dsn, err)
	}
	return db
}

// pqErr is the *pq.Error in err's chain, or nil.
func pqErr(err error) *pq.Error {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// pqCode is the SQLSTATE of a lib/pq error ("" if none).
func pqCode(err error) string {
	if pe := pqErr(err); pe != nil {
		return string(pe.Code)
	}
	return ""
}

func pqExec(t testing.TB, db interface {
	ExecContext(context.Context, string, ...any) (dbsql.Result, error)
}, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(ctxT(t), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// backendPID is pg_backend_pid() of the pool's connection (the pools
// of these tests hold one).
func backendPID(t testing.TB, db *dbsql.DB) int64 {
	t.Helper()
	var pid int64
	if err := db.QueryRowContext(ctxT(t), `select pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatalf("pg_backend_pid: %v", err)
	}
	return pid
}

// Every type we support, sent as lib/pq sends it (text) and decoded from
// text results, through the unnamed statement, binary_parameters (bytea
// in binary) and a named prepared statement.
func TestLibpqTypes(t *testing.T) {
	ts := startServer(t)
	const q = `select $1::bool, $2::int2, $3::int4, $4::int8, $5::float4, $6::float8, $7::float8,
		$8::numeric, $9::numeric, $10::text, $11::varchar(20), $12::bytea, $13::date, $14::date,
		$15::timestamp, $16::timestamptz, $17::interval, $18::uuid, $19::int4, $20::text`
	tehran := time.FixedZone("", 3*3600+1800)
	// Nanoseconds: Postgres rounds to microseconds.
	stamp := time.Date(2024, 2, 29, 13, 14, 15, 123456789, tehran)
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	const text = "héllo ✓ 'q' \"dq\" \\ \t\n$1"
	args := []any{
		true, int16(-32768), int32(math.MaxInt32), int64(math.MinInt64), float32(1.5), 0.1, math.Inf(-1),
		"-12345.678900", "123456789012345678901234567890.123456789", text, "varchär", allBytes,
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "2024-02-29",
		stamp, stamp, "1 year 2 mons -3 days 00:00:01.5", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}", nil, "",
	}
	check := func(t *testing.T, row interface{ Scan(...any) error }) {
		t.Helper()
		var (
			b         bool
			i2        int16
			i4        int32
			i8        int64
			f4        float32
			f8a, f8b  float64
			num, big  string
			txt, vc   string
			by        []byte
			d1, d2    time.Time
			tsv, tstz time.Time
			iv, u     string
			null      dbsql.NullInt32
			empty     dbsql.NullString
		)
		if err := row.Scan(&b, &i2, &i4, &i8, &f4, &f8a, &f8b, &num, &big, &txt, &vc, &by, &d1, &d2,
			&tsv, &tstz, &iv, &u, &null, &empty); err != nil {
			t.Fatal(err)
		}
		if !b || i2 != -32768 || i4 != math.MaxInt32 || i8 != math.MinInt64 || f4 != 1.5 || f8a != 0.1 || !math.IsInf(f8b, -1) {
			t.Errorf("numbers: %v %v %v %v %v %v %v", b, i2, i4, i8, f4, f8a, f8b)
		}
		if num != "-12345.678900" || big != "123456789012345678901234567890.123456789" {
			t.Errorf("numeric: %q %q", num, big)
		}
		if txt != text || vc != "varchär" || string(by) != string(allBytes) {
			t.Errorf("strings: %q %q %x", txt, vc, by)
		}
		if got := d1.Format("2006-01-02") + " " + d2.Format("2006-01-02"); got != "2000-01-01 2024-02-29" {
			t.Errorf("dates: %s", got)
		}
		// timestamp ignores the offset lib/pq sends; timestamptz keeps the instant.
		if got := tsv.Format("2006-01-02 15:04:05.999999"); got != "2024-02-29 13:14:15.123457" {
			t.Errorf("timestamp = %s", got)
		}
		if want := time.Date(2024, 2, 29, 13, 14, 15, 123457000, tehran); !tstz.Equal(want) {
			t.Errorf("timestamptz = %v, want %v", tstz, want)
		}
		if iv != "1 year 2 mons -3 days +00:00:01.5" {
			t.Errorf("interval = %q", iv)
		}
		if u != "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" {
			t.Errorf("uuid = %q", u)
		}
		if null.Valid || !empty.Valid || empty.String != "" {
			t.Errorf("null %v, empty %v", null, empty)
		}
	}
	for _, extra := range []string{"", "&binary_parameters=yes"} {
		t.Run("unnamed"+extra, func(t *testing.T) {
			db := ts.openPQ(t, extra)
			check(t, db.QueryRowContext(ctxT(t), q, args...))
		})
		t.Run("prepared"+extra, func(t *testing.T) {
			db := ts.openPQ(t, extra)
			st, err := db.PrepareContext(ctxT(t), q)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for range 3 {
				check(t, st.QueryRowContext(ctxT(t), args...))
			}
		})
	}

	// Values lib/pq decodes from a table, written without parameters
	// (simple protocol) and read back with them.
	db := ts.openPQ(t, "")
	pqExec(t, db, `create table ty (id int primary key, b bool, f4 real, n numeric(10,3), vc varchar(5), bin bytea, d date, ts timestamp, tz timestamptz, iv interval, u uuid)`)
	pqExec(t, db, `insert into ty values (1, false, -0.25, 3.14159, 'abcde', '\x00ff', '1999-12-31', '2000-02-29 23:59:59.999999', '2000-02-29 23:59:59.999999+00', '-1 day', '00000000-0000-0000-0000-000000000000')`)
	var (
		b    bool
		f4   float32
		n    string
		vc   string
		by   []byte
		d    time.Time
		tsv  time.Time
		tz   time.Time
		iv   string
		u    string
		none dbsql.NullString
	)
	err := db.QueryRowContext(ctxT(t), `select b, f4, n, vc, bin, d, ts, tz, iv, u, (select vc from ty where id = $2) from ty where id = $1`, 1, 2).
		Scan(&b, &f4, &n, &vc, &by, &d, &tsv, &tz, &iv, &u, &none)
	if err != nil {
		t.Fatal(err)
	}
	if b || f4 != -0.25 || n != "3.142" || vc != "abcde" || string(by) != "\x00\xff" || d.Format(time.DateOnly) != "1999-12-31" ||
		tsv.Format("2006-01-02 15:04:05.999999") != "2000-02-29 23:59:59.999999" ||
		!tz.Equal(time.Date(2000, 2, 29, 23, 59, 59, 999999000, time.UTC)) || iv != "-1 days" || u != "00000000-0000-0000-0000-000000000000" || none.Valid {
		t.Errorf("table row: %v %v %q %q %x %v %v %v %q %q %v", b, f4, n, vc, by, d, tsv, tz, iv, u, none)
	}
	if _, err := db.ExecContext(ctxT(t), `insert into ty (id, vc) values ($1, $2)`, 2, "toolong"); pqCode(err) != "22001" {
		t.Errorf("varchar(5) overflow: want 22001, got %v", err)
	}
}

// db.Prepare makes named statements that are executed many times, inside
// and outside transactions, and survive an error.
func TestLibpqPreparedReuse(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	pqExec(t, db, `create table kv (k int primary key, v text not null, n numeric(12,2))`)
	ins, err := db.PrepareContext(ctx, `insert into kv values ($1, $2, $3)`)
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	sel, err := db.PrepareContext(ctx, `select v, n from kv where k = $1`)
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	const n = 500
	for i := range n {
		res, err := ins.ExecContext(ctx, i, fmt.Sprintf("v%03d", i), float64(i)/4)
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		if ra, _ := res.RowsAffected(); ra != 1 {
			t.Fatalf("insert %d: %d rows affected", i, ra)
		}
	}
	for i := 0; i < n; i += 7 {
		var v, num string
		if err := sel.QueryRowContext(ctx, i).Scan(&v, &num); err != nil {
			t.Fatalf("select %d: %v", i, err)
		}
		if v != fmt.Sprintf("v%03d", i) || num != fmt.Sprintf("%.2f", float64(i)/4) {
			t.Fatalf("row %d = %q %q", i, v, num)
		}
	}
	if err := sel.QueryRowContext(ctx, n+1).Scan(new(string), new(string)); !errors.Is(err, dbsql.ErrNoRows) {
		t.Fatalf("missing key: %v", err)
	}
	// An error on a prepared statement leaves it and the connection usable.
	pid := backendPID(t, db)
	if _, err := ins.ExecContext(ctx, 1, "dup", 0); pqCode(err) != "23505" {
		t.Fatalf("duplicate: want 23505, got %v", err)
	}
	if _, err := ins.ExecContext(ctx, n, "after", 1); err != nil {
		t.Fatal(err)
	}
	if backendPID(t, db) != pid {
		t.Fatal("the error cost the connection")
	}
	// The same statement inside a transaction, rolled back.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := n + 1; i < n+50; i++ {
		if _, err := tx.StmtContext(ctx, ins).ExecContext(ctx, i, "tx", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var count, sum int64
	if err := db.QueryRowContext(ctx, `select count(*), sum(k) from kv`).Scan(&count, &sum); err != nil {
		t.Fatal(err)
	}
	if count != n+1 || sum != n*(n-1)/2+n {
		t.Fatalf("count %d sum %d", count, sum)
	}
}

func TestLibpqTransactions(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	pqExec(t, db, `create table acct (id int primary key, bal int not null)`)
	count := func() int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, `select count(*) from acct`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pqExec(t, tx, `insert into acct values (1, 100), (2, 200)`)
	pqExec(t, tx, `update acct set bal = bal + $1 where id = $2`, 5, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if count() != 2 {
		t.Fatal("commit lost rows")
	}

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pqExec(t, tx, `insert into acct values ($1, $2)`, 3, 300)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if count() != 2 {
		t.Fatal("rollback kept a row")
	}

	// A failed transaction block refuses everything until it ends, in
	// both protocols, and COMMIT then rolls back.
	pid := backendPID(t, db)
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pqExec(t, tx, `insert into acct values (4, 400)`)
	if _, err := tx.ExecContext(ctx, `insert into acct values (1, 0)`); pqCode(err) != "23505" {
		t.Fatalf("want 23505, got %v", err)
	}
	_, err = tx.ExecContext(ctx, `select 1`)
	if pe := pqErr(err); pe == nil || pe.Code != "25P02" ||
		pe.Message != "current transaction is aborted, commands ignored until end of transaction block" {
		t.Fatalf("simple protocol in failed block: %v", err)
	}
	if err := tx.QueryRowContext(ctx, `select $1::int`, 1).Scan(new(int)); pqCode(err) != "25P02" {
		t.Fatalf("extended protocol in failed block: want 25P02, got %v", err)
	}
	if err := tx.Commit(); !errors.Is(err, pq.ErrInFailedTransaction) {
		t.Fatalf("commit of failed block: %v", err)
	}
	if count() != 2 || backendPID(t, db) != pid {
		t.Fatal("failed block kept a row or lost the connection")
	}
	var bal int
	if err := db.QueryRowContext(ctx, `select bal from acct where id = $1`, 1).Scan(&bal); err != nil || bal != 105 {
		t.Fatalf("bal = %d, %v", bal, err)
	}

	// BeginTx options become BEGIN's.
	tx, err = db.BeginTx(ctx, &dbsql.TxOptions{Isolation: dbsql.LevelSerializable, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var iso, ro string
	if err := tx.QueryRowContext(ctx, `select current_setting('transaction_isolation'), current_setting('transaction_read_only')`).Scan(&iso, &ro); err != nil {
		t.Fatal(err)
	}
	if iso != "serializable" || ro != "on" {
		t.Errorf("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY: isolation %q, read only %q", iso, ro)
	}
	if _, err := tx.ExecContext(ctx, `delete from acct`); pqCode(err) != "25006" {
		t.Errorf("write in read-only transaction: want 25006, got %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if count() != 2 {
		t.Error("read-only transaction wrote")
	}

	// SET TRANSACTION READ ONLY, as a driver-independent way to the same.
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pqExec(t, tx, `set transaction read only`)
	if _, err := tx.ExecContext(ctx, `insert into acct values ($1, $2)`, 5, 500); pqCode(err) != "25006" {
		t.Errorf("insert after SET TRANSACTION READ ONLY: want 25006, got %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}

// Errors carry their SQLSTATE and position, from either protocol, and
// leave the connection usable.
func TestLibpqErrors(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	db.SetMaxOpenConns(1)
	pqExec(t, db, `create table u (id int primary key, s text)`)
	pqExec(t, db, `insert into u values (1, 'a')`)
	pid := backendPID(t, db)
	for _, tc := range []struct {
		q        string
		args     []any
		code     string
		msg      string
		position string // "" is not checked
	}{
		{q: `insert into u values (1, 'b')`, code: "23505", msg: `duplicate key value violates unique constraint "u_pkey"`},
		{q: `insert into u values ($1, $2)`, args: []any{1, "b"}, code: "23505", msg: `duplicate key value violates unique constraint "u_pkey"`},
		{q: `select * from nosuch`, code: "42P01", msg: `relation "nosuch" does not exist`, position: "15"},
		{q: `select * from nosuch where id = $1`, args: []any{1}, code: "42P01", msg: `relation "nosuch" does not exist`, position: "15"},
		{q: `select 'abc'::int`, code: "22P02", msg: `invalid input syntax for type integer: "abc"`, position: "8"},
		{q: `select $1::int`, args: []any{"abc"}, code: "22P02", msg: `invalid input syntax for type integer: "abc"`},
		{q: `select * from u where id = $1`, args: []any{"1.5"}, code: "22P02", msg: `invalid input syntax for type integer: "1.5"`},
		{q: `selec 1`, code: "42601", msg: `syntax error at or near "selec"`, position: "1"},
		{q: `select * from u where`, code: "42601", msg: `syntax error at end of input`, position: "22"},
		{q: `selec $1`, args: []any{1}, code: "42601", msg: `syntax error at or near "selec"`, position: "1"},
		{q: `select 1/0`, code: "22012", msg: `division by zero`},
	} {
		_, err := db.ExecContext(ctxT(t), tc.q, tc.args...)
		pe := pqErr(err)
		switch {
		case pe == nil:
			t.Errorf("%s: want %s, got %v", tc.q, tc.code, err)
			continue
		case string(pe.Code) != tc.code || pe.Message != tc.msg || pe.Severity != "ERROR":
			t.Errorf("%s: got %s %s %q, want ERROR %s %q", tc.q, pe.Severity, pe.Code, pe.Message, tc.code, tc.msg)
		case tc.position != "" && pe.Position != tc.position:
			t.Errorf("%s: position %q, want %q", tc.q, pe.Position, tc.position)
		}
		if tc.code == "23505" && (pe.Detail != "Key (id)=(1) already exists." || pe.Table != "u" || pe.Constraint != "u_pkey") {
			t.Errorf("%s: detail %q table %q constraint %q", tc.q, pe.Detail, pe.Table, pe.Constraint)
		}
		if got := backendPID(t, db); got != pid {
			t.Fatalf("%s cost the connection (pid %d, was %d)", tc.q, got, pid)
		}
	}
	var n int
	if err := db.QueryRowContext(ctxT(t), `select count(*) from u`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
}

// COPY FROM STDIN through pq.CopyIn: lib/pq escapes tabs, newlines and
// backslashes and sends nil as \N.
func TestLibpqCopyIn(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	pqExec(t, db, `create table cp (id int primary key, name text not null, val numeric(12,2), note text)`)
	notes := map[int]any{1: "tab\there", 2: "new\nline\r\n", 3: `back\slash`, 4: `\N`, 5: "", 6: nil, 7: "ünï ✓", 8: `\.`}
	const rows = 10000
	copyRows := func(from, to int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }()
		st, err := tx.PrepareContext(ctx, `COPY "cp" ("id", "name", "val", "note") FROM STDIN`)
		if err != nil {
			return err
		}
		for i := from; i <= to; i++ {
			note, ok := notes[i]
			if !ok {
				note = "n"
			}
			if _, err := st.ExecContext(ctx, i, fmt.Sprintf("name-%d", i), fmt.Sprintf("%d.%02d", i, i%100), note); err != nil {
				return err
			}
		}
		if _, err := st.ExecContext(ctx); err != nil {
			return err
		}
		if err := st.Close(); err != nil {
			return err
		}
		return tx.Commit()
	}
	if err := copyRows(1, rows); err != nil {
		t.Fatal(err)
	}
	var cents int64
	for i := int64(1); i <= rows; i++ {
		cents += i*100 + i%100
	}
	var count, sumID int64
	var sumVal string
	if err := db.QueryRowContext(ctx, `select count(*), sum(id), sum(val) from cp`).Scan(&count, &sumID, &sumVal); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d.%02d", cents/100, cents%100); count != rows || sumID != rows*(rows+1)/2 || sumVal != want {
		t.Fatalf("count %d sum(id) %d sum(val) %s, want %d %d %s", count, sumID, sumVal, rows, rows*(rows+1)/2, want)
	}
	for id, want := range notes {
		var got dbsql.NullString
		if err := db.QueryRowContext(ctx, `select note from cp where id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if (want == nil) != !got.Valid || (want != nil && got.String != want) {
			t.Errorf("note %d = %+v, want %q", id, got, want)
		}
	}
	var name string
	if err := db.QueryRowContext(ctx, `select name from cp where id = $1`, rows).Scan(&name); err != nil || name != fmt.Sprintf("name-%d", rows) {
		t.Fatalf("last row name %q, %v", name, err)
	}

	// A failing COPY reports its SQLSTATE, rolls back and leaves the
	// connection usable.
	pid := backendPID(t, db)
	if err := copyRows(rows-5, rows+5); pqCode(err) != "23505" {
		t.Fatalf("copy of duplicates: want 23505, got %v", err)
	}
	if err := db.QueryRowContext(ctx, `select count(*) from cp`).Scan(&count); err != nil || count != rows {
		t.Fatalf("after failed copy: count %d, %v", count, err)
	}
	notes[rows+2] = nil
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `COPY "cp" ("id", "name", "val") FROM STDIN`)
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := st.ExecContext(ctx, rows+1, "bad", "not a number")
	_, err2 := st.ExecContext(ctx)
	err3 := st.Close()
	if err := errors.Join(err1, err2, err3); pqCode(err) != "22P02" {
		t.Fatalf("copy of bad numeric: want 22P02, got %v", err)
	}
	_ = tx.Rollback()
	if backendPID(t, db) != pid {
		t.Fatal("failed copies cost the connection")
	}
}

// A context that ends mid-statement cancels it with a CancelRequest: the
// statement fails with 57014 and the pool goes on working.
func TestLibpqCancel(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	const slow = `select count(*) from generate_series(1, 2000000000)`
	for _, args := range [][]any{nil, {1}} {
		q := slow
		if args != nil {
			q += ` where $1 = 1`
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		_, err := db.ExecContext(ctx, q, args...)
		cancel()
		if pe := pqErr(err); pe == nil || pe.Code != "57014" || pe.Message != "canceling statement due to user request" {
			t.Fatalf("%s: want 57014, got %v", q, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("cancel took %v", d)
		}
		var one int
		if err := db.QueryRowContext(ctxT(t), `select $1::int`, 1).Scan(&one); err != nil || one != 1 {
			t.Fatalf("pool after cancel: %d, %v", one, err)
		}
	}
	// A query's rows: database/sql may report its own context error
	// instead of the server's when it closes the rows first.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := db.QueryRowContext(ctx, slow).Scan(new(int64))
	if pqCode(err) != "57014" && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("query: want 57014, got %v", err)
	}
	if err := db.PingContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}

// Start-up through lib/pq: an unknown database, and `options` in both
// DSN forms.
func TestLibpqStartup(t *testing.T) {
	ts := startServer(t)
	db, err := dbsql.Open("postgres", strings.Replace(ts.dsn(""), "/postgres?", "/nosuchdb?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.PingContext(ctxT(t))
	if pe := pqErr(err); pe == nil || pe.Code != "3D000" || pe.Message != `database "nosuchdb" does not exist` || pe.Severity != "FATAL" {
		t.Fatalf("unknown database: %v", err)
	}
	db, err = dbsql.Open("postgres", strings.Replace(ts.dsn(""), "postgres@", "nobody@", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctxT(t)); pqCode(err) != "28000" {
		t.Fatalf("unknown role: %v", err)
	}

	settings := func(t *testing.T, db *dbsql.DB) (sp, app, to string) {
		t.Helper()
		err := db.QueryRowContext(ctxT(t), `select current_setting('search_path'), current_setting('application_name'), current_setting('statement_timeout')`).
			Scan(&sp, &app, &to)
		if err != nil {
			t.Fatal(err)
		}
		return sp, app, to
	}
	t.Run("url", func(t *testing.T) {
		db := ts.openPQ(t, "&options=-c%20search_path%3Dpublic&application_name=pqtest")
		if sp, app, _ := settings(t, db); sp != "public" || app != "pqtest" {
			t.Fatalf("search_path %q application_name %q", sp, app)
		}
	})
	t.Run("keyword", func(t *testing.T) {
		// lib/pq unescapes \\ in the quoted value; the server reads the
		// remaining backslash as escaping the space.
		dsn := fmt.Sprintf(`host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable options='-c search_path=public,pg_catalog --statement-timeout=5s -c application_name=two\\ words'`, ts.addr.Port)
		db := openPQDSN(t, dsn)
		if sp, app, to := settings(t, db); sp != "public,pg_catalog" || app != "two words" || to != "5s" {
			t.Fatalf("search_path %q application_name %q statement_timeout %q", sp, app, to)
		}
	})
	t.Run("protocol 3.2", func(t *testing.T) {
		// The server answers NegotiateProtocolVersion; lib/pq goes on
		// with 3.0 and its 4-byte cancel key.
		db := ts.openPQ(t, "&max_protocol_version=latest")
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if _, err := db.ExecContext(ctx, `select count(*) from generate_series(1, 2000000000)`); pqCode(err) != "57014" {
			t.Fatalf("cancel under negotiated protocol: %v", err)
		}
		if err := db.PingContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	})
}
