//go:build pgdiff

// Randomized differential tests against a real PostgreSQL 15 server:
//
//	PGDIFF_DSN='postgres://postgres@127.0.0.1:54329/postgres' go test -tags pgdiff -run PGDiff ./sql/sem/
//
// Each test prints its seed; set PGDIFF_SEED to replay one.

package sem

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// pgEvalMsg returns Postgres's text result, or its SQLSTATE and message.
func pgEvalMsg(t *testing.T, conn *pgx.Conn, sql string) (out, code, msg string) {
	var s *string
	err := conn.QueryRow(context.Background(), sql).Scan(&s)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return "", pe.Code, pe.Message
		}
		t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return "<NULL>", "", ""
	}
	return *s, "", ""
}

// pgdiffCalls and pgdiffErrors count what pgdiffCall compared, for
// pgdiffReport.
var (
	pgdiffCalls  int
	pgdiffErrors = map[string]int{}
)

// pgdiffReport logs how many calls were compared and how many of them
// Postgres answered with an error, by SQLSTATE, then resets the counts.
func pgdiffReport(t *testing.T) {
	t.Logf("%d calls compared; errors by SQLSTATE: %v", pgdiffCalls, pgdiffErrors)
	pgdiffCalls, pgdiffErrors = 0, map[string]int{}
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// pgdiffCall runs name(args) on Postgres (TimeZone already set to the
// zone of ctx) and through Lookup and Call, and reports any difference in
// the text result or in the error's SQLSTATE and message.
func pgdiffCall(t *testing.T, conn *pgx.Conn, ctx *Context, name string, args ...arg) bool {
	t.Helper()
	pgdiffCalls++
	var lits []string
	var vals []storage.Value
	var typs []storage.Type
	for _, a := range args {
		lits = append(lits, sqlQuote(a.val)+"::"+a.typ.String())
		v, err := ParseText(ctx, a.val, a.typ)
		if err != nil {
			t.Fatalf("parse %q as %s: %v", a.val, a.typ, err)
		}
		vals = append(vals, v)
		typs = append(typs, a.typ)
	}
	sql := fmt.Sprintf("SELECT %s(%s)::text", name, strings.Join(lits, ", "))
	want, code, msg := pgEvalMsg(t, conn, sql)
	f, err := Lookup(name, typs)
	var got storage.Value
	if err == nil {
		got, err = f.Call(ctx, vals)
	}
	if code != "" {
		pgdiffErrors[code]++
		e := pgerr.As(err)
		if e == nil || string(e.Code) != code || e.Message != msg {
			t.Errorf("%s: got (%q, %v), want %s %q", sql, Format(got, ctx.Loc), err, code, msg)
			return false
		}
		return true
	}
	s := Format(got, ctx.Loc)
	if err == nil && got.IsNull() {
		s = "<NULL>"
	}
	if err != nil || s != want {
		t.Errorf("%s: got %q %v, want %q", sql, s, err, want)
		return false
	}
	return true
}

var pgdiffZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kathmandu"}

func pgdiffSetZone(t *testing.T, conn *pgx.Conn, r *rand.Rand) *Context {
	tz := pgdiffZones[r.IntN(len(pgdiffZones))]
	if _, err := conn.Exec(context.Background(), "SET TimeZone = '"+tz+"'"); err != nil {
		t.Fatal(err)
	}
	return &Context{Loc: mustLoc(t, tz)}
}

// randTimestamp is a timestamp literal, mostly in the common era, some BC
// and some near the ends of the range.
func randTimestamp(r *rand.Rand) string {
	year := 1 + r.IntN(2200)
	switch r.IntN(10) {
	case 0:
		year = 1 + r.IntN(4700)
	case 1:
		year = 1 + r.IntN(294000)
	}
	s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", year, 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60))
	if r.IntN(2) == 0 {
		s += fmt.Sprintf(".%06d", r.IntN(1000000))
	}
	if r.IntN(12) == 0 && year <= 4713 {
		s += " BC"
	}
	return s
}

var dchPatterns = []string{
	"HH", "HH12", "HH24", "MI", "SS", "MS", "US", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "SSSS", "SSSSS",
	"AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m.", "Y,YYY", "YYYY", "YYY", "YY", "Y",
	"IYYY", "IYY", "IY", "I", "BC", "AD", "B.C.", "a.d.", "bc", "MONTH", "Month", "month", "MON", "Mon", "mon",
	"MM", "DAY", "Day", "day", "DY", "Dy", "dy", "DDD", "IDDD", "DD", "D", "ID", "W", "WW", "IW", "CC", "J", "Q",
	"RM", "rm", "TZ", "tz", "TZH", "TZM", "OF", "FX", "hh24", "yyyy", "dd", "mi", "ss",
}

var dchLiterals = []string{" ", " ", "-", "/", ":", ".", ",", "T", `"text"`, `"a\"b"`, `\"`, `\`, "x", "é", "  ", `"HH"`}

func randDCHFormat(r *rand.Rand) string {
	var b strings.Builder
	for n := 1 + r.IntN(6); n > 0; n-- {
		if r.IntN(4) == 0 {
			b.WriteString(dchLiterals[r.IntN(len(dchLiterals))])
			continue
		}
		switch r.IntN(8) {
		case 0:
			b.WriteString("FM")
		case 1:
			b.WriteString("TM")
		}
		b.WriteString(dchPatterns[r.IntN(len(dchPatterns))])
		switch r.IntN(8) {
		case 0:
			b.WriteString("TH")
		case 1:
			b.WriteString("th")
		case 2:
			b.WriteString("SP")
		}
		if r.IntN(2) == 0 {
			b.WriteString(dchLiterals[r.IntN(len(dchLiterals))])
		}
	}
	return b.String()
}

func TestPGDiffToCharTimestamp(t *testing.T) {
	conn, r := pgdiffConn(t)
	defer pgdiffReport(t)
	fails := 0
	for i := 0; i < 4000 && fails < 20; i++ {
		ctx := pgdiffSetZone(t, conn, r)
		typ := storage.TypeTimestamp
		switch r.IntN(3) {
		case 0:
			typ = storage.TypeTimestampTZ
		case 1:
			if r.IntN(4) == 0 {
				typ = storage.TypeDate
			}
		}
		ts := randTimestamp(r)
		if typ == storage.TypeDate {
			d, _, _ := strings.Cut(ts, " ")
			if strings.HasSuffix(ts, "BC") {
				d += " BC"
			}
			ts = d
		}
		switch r.IntN(50) {
		case 0:
			ts = "infinity"
		case 1:
			ts = "-infinity"
		}
		f := randDCHFormat(r)
		if r.IntN(100) == 0 {
			f = ""
		}
		if !pgdiffCall(t, conn, ctx, "to_char", arg{typ, ts}, arg{storage.TypeText, f}) {
			fails++
		}
	}
}

func TestPGDiffToCharInterval(t *testing.T) {
	conn, r := pgdiffConn(t)
	defer pgdiffReport(t)
	fails := 0
	for i := 0; i < 2000 && fails < 20; i++ {
		ctx := pgdiffSetZone(t, conn, r)
		iv := fmt.Sprintf("%d years %d mons %d days %d hours %d minutes %d.%06d seconds",
			r.IntN(40)-20, r.IntN(30)-15, r.IntN(80)-40, r.IntN(100)-50, r.IntN(120)-60, r.IntN(120)-60, r.IntN(1000000))
		if r.IntN(3) == 0 {
			iv = fmt.Sprintf("%d mons %d hours", r.IntN(30), r.IntN(50))
		}
		if !pgdiffCall(t, conn, ctx, "to_char", arg{storage.TypeInterval, iv}, arg{storage.TypeText, randDCHFormat(r)}) {
			fails++
		}
	}
}

// randNUMFormat builds a number template: an optional sign or fill
// prefix, digits with group separators, an optional fraction, an
// optional sign, ordinal or exponent suffix; sometimes any tokens at all.
func randNUMFormat(r *rand.Rand) string {
	tokens := []string{"9", "0", ".", "D", ",", "G", "S", "MI", "PL", "SG", "PR", "FM", "EEEE", "TH", "th", "L", "V", "RN", "rn", "B", " ", "x", `"n="`, "-"}
	var b strings.Builder
	if r.IntN(6) == 0 {
		for n := 1 + r.IntN(8); n > 0; n-- {
			b.WriteString(tokens[r.IntN(len(tokens))])
		}
		return b.String()
	}
	pre := []string{"", "", "", "FM", "S", "SG", "PL", "MI", "L", "FMS", `"$"`, "FMSG"}
	b.WriteString(pre[r.IntN(len(pre))])
	for n := r.IntN(10); n > 0; n-- {
		switch r.IntN(6) {
		case 0:
			b.WriteString("0")
		case 1:
			if n > 1 {
				b.WriteString([]string{",", "G"}[r.IntN(2)])
			}
		default:
			b.WriteString("9")
		}
	}
	if r.IntN(2) == 0 {
		b.WriteString([]string{".", "D"}[r.IntN(2)])
		for n := r.IntN(6); n > 0; n-- {
			b.WriteString([]string{"9", "9", "0"}[r.IntN(3)])
		}
	}
	suf := []string{"", "", "", "S", "MI", "PL", "PR", "EEEE", "TH", "th", "SG", " x"}
	b.WriteString(suf[r.IntN(len(suf))])
	return b.String()
}

func randNumberArg(r *rand.Rand) arg {
	switch r.IntN(4) {
	case 0:
		return arg{storage.TypeInt32, strconv.FormatInt(int64(int32(r.Uint32()))>>r.IntN(32), 10)}
	case 1:
		return arg{storage.TypeInt64, strconv.FormatInt(int64(r.Uint64())>>r.IntN(64), 10)}
	case 2:
		f := (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(24)-8))
		switch r.IntN(40) {
		case 0:
			return arg{storage.TypeFloat64, "NaN"}
		case 1:
			return arg{storage.TypeFloat64, "-Infinity"}
		}
		if r.IntN(8) == 0 {
			return arg{storage.TypeFloat32, strconv.FormatFloat(float64(float32(f)), 'g', -1, 32)}
		}
		return arg{storage.TypeFloat64, strconv.FormatFloat(f, 'g', -1, 64)}
	}
	if r.IntN(40) == 0 {
		return arg{storage.TypeNumeric, "NaN"}
	}
	return arg{storage.TypeNumeric, randNumeric(r)}
}

func TestPGDiffToCharNumber(t *testing.T) {
	conn, r := pgdiffConn(t)
	defer pgdiffReport(t)
	fails := 0
	for i := 0; i < 5000 && fails < 20; i++ {
		f := randNUMFormat(r)
		if r.IntN(100) == 0 {
			f = ""
		}
		if !pgdiffCall(t, conn, &Context{}, "to_char", randNumberArg(r), arg{storage.TypeText, f}) {
			fails++
		}
	}
}

var parsePatterns = []string{"YYYY", "YY", "Y,YYY", "MM", "DD", "HH24", "HH12", "HH", "MI", "SS", "MS", "US", "FF3", "FF6",
	"Mon", "MONTH", "DDD", "J", "AM", "pm", "DY", "Day", "IYYY", "IW", "ID", "WW", "W", "CC", "BC", "RM", "SSSS", "Q", "TZH", "TZM"}

func randParseFormat(r *rand.Rand) string {
	var b strings.Builder
	for n := 1 + r.IntN(6); n > 0; n-- {
		if r.IntN(8) == 0 {
			b.WriteString([]string{"FM", "FX"}[r.IntN(2)])
		}
		b.WriteString(parsePatterns[r.IntN(len(parsePatterns))])
		if r.IntN(10) == 0 {
			b.WriteString("TH")
		}
		b.WriteString([]string{"", " ", "-", "/", ":", " ", "T", `"at"`, "é", "  "}[r.IntN(10)])
	}
	return b.String()
}

// mangle perturbs a to_char output so that to_timestamp has to cope with
// missing, doubled or different separators, case changes and junk.
func mangle(r *rand.Rand, s string) string {
	if s == "" || r.IntN(3) == 0 {
		return s
	}
	b := []rune(s)
	i := r.IntN(len(b))
	switch r.IntN(6) {
	case 0:
		b = append(b[:i], b[i+1:]...)
	case 1:
		b = append(b[:i], append([]rune{' '}, b[i:]...)...)
	case 2:
		b[i] = []rune("-/: x9é")[r.IntN(7)]
	case 3:
		return strings.ToLower(s)
	case 4:
		return " " + s + " "
	default:
		return strings.ReplaceAll(s, " ", "")
	}
	return string(b)
}

func TestPGDiffToTimestamp(t *testing.T) {
	conn, r := pgdiffConn(t)
	defer pgdiffReport(t)
	fails := 0
	for i := 0; i < 4000 && fails < 20; i++ {
		ctx := pgdiffSetZone(t, conn, r)
		f := randParseFormat(r)
		ts := randTimestamp(r)
		in, code, _ := pgEvalMsg(t, conn, fmt.Sprintf("SELECT to_char(%s::timestamp, %s)", sqlQuote(ts), sqlQuote(f)))
		if code != "" || in == "<NULL>" {
			continue
		}
		in = mangle(r, in)
		if r.IntN(10) == 0 { // anything at all
			b := make([]byte, r.IntN(12))
			for i := range b {
				b[i] = "0123456789 -:/.,+ABCDEFMPTamp"[r.IntN(29)]
			}
			in = string(b)
		}
		name := []string{"to_timestamp", "to_date"}[r.IntN(2)]
		if !pgdiffCall(t, conn, ctx, name, arg{storage.TypeText, in}, arg{storage.TypeText, f}) {
			fails++
		}
	}
}

func TestPGDiffAge(t *testing.T) {
	conn, r := pgdiffConn(t)
	defer pgdiffReport(t)
	fails := 0
	for i := 0; i < 3000 && fails < 20; i++ {
		ctx := pgdiffSetZone(t, conn, r)
		typ := []storage.Type{storage.TypeTimestamp, storage.TypeTimestampTZ}[r.IntN(2)]
		a, b := randTimestamp(r), randTimestamp(r)
		if r.IntN(40) == 0 {
			a = []string{"infinity", "-infinity"}[r.IntN(2)]
		}
		if r.IntN(2) == 0 { // close together, where the borrowing matters
			b = fmt.Sprintf("%s-%02d-%02d %02d:%02d:%02d", a[:4], 1+r.IntN(12), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60))
			if strings.HasSuffix(a, "BC") {
				b += " BC"
			}
			if _, err := ParseText(ctx, b, typ); err != nil {
				continue
			}
		}
		ok := pgdiffCall(t, conn, ctx, "age", arg{typ, a}, arg{typ, b})
		iv := fmt.Sprintf("%d mons %d days %d seconds", r.IntN(100)-50, r.IntN(200)-100, r.Int64N(20000000)-10000000)
		fn := []string{"justify_days", "justify_hours", "justify_interval"}[r.IntN(3)]
		ok = pgdiffCall(t, conn, ctx, fn, arg{storage.TypeInterval, iv}) && ok
		y, m, d := r.IntN(6000)-3000, r.IntN(15)-1, r.IntN(33)-1
		ok = pgdiffCall(t, conn, ctx, "make_date", arg{storage.TypeInt32, strconv.Itoa(y)}, arg{storage.TypeInt32, strconv.Itoa(m)}, arg{storage.TypeInt32, strconv.Itoa(d)}) && ok
		sec := strconv.FormatFloat(float64(r.IntN(62000000))/1e6, 'f', -1, 64)
		mk := []string{"make_timestamp", "make_timestamptz"}[r.IntN(2)]
		ok = pgdiffCall(t, conn, ctx, mk, arg{storage.TypeInt32, strconv.Itoa(y)}, arg{storage.TypeInt32, strconv.Itoa(m)}, arg{storage.TypeInt32, strconv.Itoa(d)},
			arg{storage.TypeInt32, strconv.Itoa(r.IntN(26) - 1)}, arg{storage.TypeInt32, strconv.Itoa(r.IntN(61))}, arg{storage.TypeFloat64, sec}) && ok
		var margs []arg
		for n := r.IntN(8); len(margs) < n; {
			if len(margs) == 6 {
				margs = append(margs, arg{storage.TypeFloat64, strconv.FormatFloat((r.Float64()-0.5)*1e6, 'f', 3, 64)})
			} else {
				n := r.IntN(2000) - 1000
				if r.IntN(20) == 0 {
					n = int(int32(r.Uint32()))
				}
				margs = append(margs, arg{storage.TypeInt32, strconv.Itoa(n)})
			}
		}
		ok = pgdiffCall(t, conn, ctx, "make_interval", margs...) && ok
		epoch := strconv.FormatFloat((r.Float64()-0.3)*1e11, 'f', r.IntN(7), 64)
		switch r.IntN(40) {
		case 0:
			epoch = []string{"NaN", "Infinity", "-Infinity", "1e300", "-1e20", "9224318016000", "-210866803200"}[r.IntN(7)]
		case 1:
			epoch = strconv.FormatFloat((r.Float64()-0.5)*2e13, 'g', -1, 64)
		}
		ok = pgdiffCall(t, conn, ctx, "to_timestamp", arg{storage.TypeFloat64, epoch}) && ok
		if !ok {
			fails++
		}
	}
}
