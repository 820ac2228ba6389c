//go:build pgdiff

// Randomized differential tests against a real PostgreSQL 15 server:
//
//	PGDIFF_DSN='postgres://postgres@127.0.0.1:54329/postgres' go test -tags pgdiff -run PGDiff ./sql/sem/
//
// Each test prints its seed; set PGDIFF_SEED to replay one.

package sem

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

func pgdiffConn(t *testing.T) (*pgx.Conn, *rand.Rand) {
	dsn := os.Getenv("PGDIFF_DSN")
	if dsn == "" {
		t.Skip("PGDIFF_DSN not set")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	cfg.RuntimeParams["timezone"] = "UTC"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	seed := uint64(rand.Int64())
	if s := os.Getenv("PGDIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	return conn, rand.New(rand.NewPCG(seed, seed))
}

// pgEval returns Postgres's text result or its SQLSTATE.
func pgEval(t *testing.T, conn *pgx.Conn, sql string) (out string, code string) {
	var s *string
	err := conn.QueryRow(context.Background(), sql).Scan(&s)
	if err != nil {
		if e, ok := err.(interface{ SQLState() string }); ok {
			return "", e.SQLState()
		}
		t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return "<NULL>", ""
	}
	return *s, ""
}

func randNumeric(r *rand.Rand) string {
	digits := r.IntN(25) + 1
	b := make([]byte, 0, 32)
	if r.IntN(3) == 0 {
		b = append(b, '-')
	}
	point := r.IntN(digits + 1)
	for i := 0; i < digits; i++ {
		if i == point && i > 0 {
			b = append(b, '.')
		}
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}

func TestPGDiffNumericArith(t *testing.T) {
	conn, r := pgdiffConn(t)
	ops := []BinOp{OpAdd, OpSub, OpMul, OpDiv, OpMod}
	for i := 0; i < 3000; i++ {
		a, b, op := randNumeric(r), randNumeric(r), ops[r.IntN(len(ops))]
		sql := fmt.Sprintf("SELECT ('%s'::numeric %s '%s'::numeric)::text", a, op, b)
		want, code := pgEval(t, conn, sql)
		va, _ := ParseText(nil, a, storage.TypeNumeric)
		vb, _ := ParseText(nil, b, storage.TypeNumeric)
		got, err := Binary(nil, op, va, vb)
		if code != "" {
			if string(pgerr.CodeOf(err)) != code {
				t.Errorf("%s: got %v, want SQLSTATE %s", sql, err, code)
			}
			continue
		}
		if err != nil || Format(got, nil) != want {
			t.Errorf("%s: got %q %v, want %q", sql, Format(got, nil), err, want)
		}
	}
}

func TestPGDiffNumericFuncs(t *testing.T) {
	conn, r := pgdiffConn(t)
	names := []string{"sqrt", "exp", "ln", "log", "round", "trunc", "ceil", "floor", "abs"}
	for i := 0; i < 1500; i++ {
		name, a := names[r.IntN(len(names))], randNumeric(r)
		if name == "exp" && len(a) > 4 {
			a = a[:4]
		}
		sql := fmt.Sprintf("SELECT %s('%s'::numeric)::text", name, a)
		want, code := pgEval(t, conn, sql)
		v, _ := ParseText(nil, a, storage.TypeNumeric)
		f, err := Lookup(name, []storage.Type{storage.TypeNumeric})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Call(nil, []storage.Value{v})
		if code != "" {
			if string(pgerr.CodeOf(err)) != code {
				t.Errorf("%s: got %v, want SQLSTATE %s", sql, err, code)
			}
			continue
		}
		if err != nil || Format(got, nil) != want {
			t.Errorf("%s: got %q %v, want %q", sql, Format(got, nil), err, want)
		}
	}
}

func TestPGDiffFloatOutput(t *testing.T) {
	conn, r := pgdiffConn(t)
	for i := 0; i < 3000; i++ {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) {
			continue
		}
		if i%2 == 0 { // also numbers of everyday size
			f = (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))
		}
		typ, bits := "float8", 64
		if i%3 == 0 {
			typ, bits = "float4", 32
			f = float64(float32(f))
			if math.IsInf(f, 0) || (f != 0 && math.Abs(f) < math.SmallestNonzeroFloat32) {
				continue
			}
		}
		lit := strconv.FormatFloat(f, 'g', -1, bits)
		want, code := pgEval(t, conn, fmt.Sprintf("SELECT '%s'::%s::text", lit, typ))
		st := storage.TypeFloat64
		if bits == 32 {
			st = storage.TypeFloat32
		}
		v, err := ParseText(nil, lit, st)
		if code != "" {
			if string(pgerr.CodeOf(err)) != code {
				t.Errorf("%s::%s: got %v, want SQLSTATE %s", lit, typ, err, code)
			}
			continue
		}
		if err != nil || Format(v, nil) != want {
			t.Errorf("%s::%s: got %q %v, want %q", lit, typ, Format(v, nil), err, want)
		}
	}
}

func TestPGDiffTimestampArith(t *testing.T) {
	conn, r := pgdiffConn(t)
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"}
	for i := 0; i < 1500; i++ {
		tz := zones[r.IntN(len(zones))]
		ts := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", 1900+r.IntN(200), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60))
		iv := fmt.Sprintf("%d mons %d days %d seconds", r.IntN(40)-20, r.IntN(80)-40, r.IntN(200000)-100000)
		if _, err := conn.Exec(context.Background(), "SET TimeZone = '"+tz+"'"); err != nil {
			t.Fatal(err)
		}
		ctx := &Context{Loc: mustLoc(t, tz)}
		for _, typ := range []string{"timestamp", "timestamptz"} {
			st := storage.TypeTimestamp
			if typ == "timestamptz" {
				st = storage.TypeTimestampTZ
			}
			sql := fmt.Sprintf("SELECT ('%s'::%s + '%s'::interval)::text", ts, typ, iv)
			want, code := pgEval(t, conn, sql)
			a, err := ParseText(ctx, ts, st)
			if err != nil {
				t.Fatalf("%s: %v", ts, err)
			}
			b, _ := ParseText(ctx, iv, storage.TypeInterval)
			got, err := Binary(ctx, OpAdd, a, b)
			if code != "" || err != nil || Format(got, ctx.Loc) != want {
				t.Errorf("%s [%s]: got %q %v, want %q %s", sql, tz, Format(got, ctx.Loc), err, want, code)
			}
		}
	}
}
