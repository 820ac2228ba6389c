package pgwire

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

func TestPgxTypesBothFormats(t *testing.T) {
	ts := startServer(t)
	for _, mode := range []string{"", "&default_query_exec_mode=simple_protocol", "&default_query_exec_mode=describe_exec"} {
		t.Run(strings.TrimPrefix(mode, "&"), func(t *testing.T) {
			c := ts.connect(t, mode)
			ctx := ctxT(t)
			ts := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
			var (
				b    bool
				i2   int16
				i4   int32
				i8   int64
				f4   float32
				f8   float64
				txt  string
				by   []byte
				num  pgtype.Numeric
				d    pgtype.Date
				tsv  time.Time
				tstz time.Time
				iv   pgtype.Interval
				u    pgtype.UUID
				null *int32
			)
			err := c.QueryRow(ctx, `select $1::bool, $2::int2, $3::int4, $4::int8, $5::float4, $6::float8, $7::text, $8::bytea,
				$9::numeric, $10::date, $11::timestamp, $12::timestamptz, $13::interval, $14::uuid, $15::int4`,
				true, int16(-32768), int32(math.MaxInt32), int64(math.MinInt64), float32(1.5), math.Inf(-1), "héllo ✓", []byte{0, 1, 255},
				"-12345.678900", pgtype.Date{Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Valid: true}, ts, ts,
				pgtype.Interval{Months: 14, Days: -3, Microseconds: 1500000, Valid: true},
				pgtype.UUID{Bytes: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Valid: true}, nil,
			).Scan(&b, &i2, &i4, &i8, &f4, &f8, &txt, &by, &num, &d, &tsv, &tstz, &iv, &u, &null)
			if err != nil {
				t.Fatal(err)
			}
			if !b || i2 != -32768 || i4 != math.MaxInt32 || i8 != math.MinInt64 || f4 != 1.5 || !math.IsInf(f8, -1) ||
				txt != "héllo ✓" || string(by) != "\x00\x01\xff" || null != nil {
				t.Errorf("scalars: %v %v %v %v %v %v %q %v %v", b, i2, i4, i8, f4, f8, txt, by, null)
			}
			if v, _ := num.Value(); v != "-12345.678900" {
				t.Errorf("numeric = %v", v)
			}
			if !d.Time.Equal(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) || !tsv.Equal(ts) || !tstz.Equal(ts) {
				t.Errorf("times: %v %v %v", d.Time, tsv, tstz)
			}
			if iv.Months != 14 || iv.Days != -3 || iv.Microseconds != 1500000 {
				t.Errorf("interval = %+v", iv)
			}
			if u.Bytes[15] != 16 {
				t.Errorf("uuid = %v", u)
			}
		})
	}
}

func TestPgxTableRoundTrip(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	mustExec(t, c, `create table acct (id int primary key, name text not null, bal numeric(10,2), seen timestamptz)`)
	for i := 1; i <= 20; i++ {
		if _, err := c.Exec(ctx, `insert into acct values ($1, $2, $3, $4)`, i, "n"+strings.Repeat("x", i), float64(i)*1.25, time.Unix(int64(i)*1000, 0)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := c.Query(ctx, `select id, name, bal from acct where id > $1 order by id`, 15)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int32
	for rows.Next() {
		var id int32
		var name string
		var bal pgtype.Numeric
		if err := rows.Scan(&id, &name, &bal); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if rows.Err() != nil || len(ids) != 5 || ids[0] != 16 {
		t.Fatalf("ids %v err %v", ids, rows.Err())
	}
	tag, err := c.Exec(ctx, `update acct set bal = bal + 1 where id <= $1`, 3)
	if err != nil || tag.String() != "UPDATE 3" {
		t.Fatalf("update: %v %v", tag, err)
	}
	tag, err = c.Exec(ctx, `delete from acct where id = 20`)
	if err != nil || tag.String() != "DELETE 1" {
		t.Fatalf("delete: %v %v", tag, err)
	}
	// Errors carry their SQLSTATE, and the connection stays usable.
	_, err = c.Exec(ctx, `insert into acct values (1, 'dup', 0, now())`)
	if sqlstate(err) != "23505" {
		t.Fatalf("duplicate key: %v", err)
	}
	_, err = c.Exec(ctx, `select * from nosuch`)
	if sqlstate(err) != "42P01" {
		t.Fatalf("undefined table: %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, `select count(*) from acct`).Scan(&n); err != nil || n != 19 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestPgxTransactions(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	mustExec(t, c, `create table kv (k int primary key, v text)`)
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, `insert into kv values (1, 'a')`)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `insert into kv values ($1, $2)`, 2, "b")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failed block refuses statements until ROLLBACK.
	tx, _ = c.Begin(ctx)
	_, err = tx.Exec(ctx, `insert into kv values (2, 'again')`)
	if sqlstate(err) != "23505" {
		t.Fatalf("want 23505, got %v", err)
	}
	_, err = tx.Exec(ctx, `select 1`)
	if sqlstate(err) != "25P02" {
		t.Fatalf("want 25P02, got %v", err)
	}
	_ = tx.Rollback(ctx)
	var got []string
	rows, _ := c.Query(ctx, `select v from kv order by k`)
	got, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(got) != 1 || got[0] != "b" {
		t.Fatalf("rows %v %v", got, err)
	}
}

// A batch is one pipeline up to Sync: its statements share an implicit
// transaction, so an error rolls back the statements before it.
func TestPgxBatchIsAtomic(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	mustExec(t, c, `create table b (k int primary key)`)
	batch := &pgx.Batch{}
	batch.Queue(`insert into b values (1)`)
	batch.Queue(`insert into b values (1)`)
	err := c.SendBatch(ctx, batch).Close()
	if sqlstate(err) != "23505" {
		t.Fatalf("want 23505, got %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, `select count(*) from b`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("count %d %v: the batch's first insert must roll back", n, err)
	}
}

func TestPgxPreparedReuse(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	if _, err := c.Prepare(ctx, "sq", `select $1::int * 2`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		var v int
		if err := c.QueryRow(ctx, "sq", i).Scan(&v); err != nil || v != 2*i {
			t.Fatalf("%d: %d %v", i, v, err)
		}
	}
	// A statement prepared before DDL still runs after it (re-planned).
	mustExec(t, c, `create table p (a int)`)
	if _, err := c.Prepare(ctx, "ins", `insert into p values ($1)`); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, `alter table p add column b int default 7`)
	if _, err := c.Exec(ctx, "ins", 1); err != nil {
		t.Fatal(err)
	}
}

func TestCancelAndTimeout(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	const slow = `select count(*) from generate_series(1, 2000000000)`
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Exec(ctx, slow)
	if err == nil {
		t.Fatal("slow query finished")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	// pgx closes the connection when its context ends mid-query; a new
	// one checks statement_timeout.
	c = ts.connect(t, "")
	mustExec(t, c, `set statement_timeout = 100`)
	_, err = c.Exec(ctxT(t), slow)
	if sqlstate(err) != "57014" || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("want 57014 statement timeout, got %v", err)
	}
	var one int
	if err := c.QueryRow(ctxT(t), `select 1`).Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestCancelRequest(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), `select count(*) from generate_series(1, 2000000000)`)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if err := c.PgConn().CancelRequest(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if sqlstate(err) != "57014" || !strings.Contains(err.Error(), "user request") {
			t.Fatalf("want 57014, got %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("cancel did not stop the statement")
	}
	var one int
	if err := c.QueryRow(ctxT(t), `select 1`).Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestMaxConnections(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxConnections = 2 })
	ts.connect(t, "")
	ts.connect(t, "")
	_, err := pgx.Connect(ctxT(t), ts.dsn(""))
	if sqlstate(err) != "53300" {
		t.Fatalf("want 53300, got %v", err)
	}
}

func TestStartupErrors(t *testing.T) {
	ts := startServer(t)
	_, err := pgx.Connect(ctxT(t), strings.Replace(ts.dsn(""), "/postgres?", "/nosuchdb?", 1))
	if sqlstate(err) != "3D000" {
		t.Fatalf("unknown database: %v", err)
	}
	_, err = pgx.Connect(ctxT(t), strings.Replace(ts.dsn(""), "postgres@", "nobody@", 1))
	if sqlstate(err) != "28000" {
		t.Fatalf("unknown role: %v", err)
	}
	_, err = pgx.Connect(ctxT(t), ts.dsn("&options=-c%20nosuch%3D1"))
	if sqlstate(err) != "42704" {
		t.Fatalf("unknown option: %v", err)
	}
	c := ts.connect(t, "&options=-c%20TimeZone%3DAsia/Tehran%20-c%20statement_timeout%3D5s&application_name=wiretest")
	var tz, to, app string
	if err := c.QueryRow(ctxT(t), `select current_setting('TimeZone'), current_setting('statement_timeout'), current_setting('application_name')`).Scan(&tz, &to, &app); err != nil {
		t.Fatal(err)
	}
	if tz != "Asia/Tehran" || to != "5s" || app != "wiretest" {
		t.Fatalf("settings %q %q %q", tz, to, app)
	}
	if got := c.PgConn().ParameterStatus("server_version"); !strings.HasPrefix(got, "15") {
		t.Fatalf("server_version %q", got)
	}
	mustExec(t, c, `set application_name = 'renamed'`)
	if got := c.PgConn().ParameterStatus("application_name"); got != "renamed" {
		t.Fatalf("ParameterStatus after SET: %q", got)
	}
}

func mustExec(t testing.TB, c interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, q string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
