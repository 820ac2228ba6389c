package storage

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// testRand returns a generator for a property test, logging its seed so a
// failure can be replayed with STORAGE_ENC_SEED=<seed> go test -run <test>.
func testRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("STORAGE_ENC_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("STORAGE_ENC_SEED: %v", err)
		}
	}
	t.Logf("seed %d (set STORAGE_ENC_SEED to replay)", seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func num(t testing.TB, s string) Value {
	t.Helper()
	v, err := NumericFromString(s)
	if err != nil {
		t.Fatalf("NumericFromString(%q): %v", s, err)
	}
	return v
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func TestTypeString(t *testing.T) {
	want := map[Type]string{
		TypeNull: "null", TypeBool: "boolean", TypeInt16: "smallint", TypeInt32: "integer",
		TypeInt64: "bigint", TypeFloat32: "real", TypeFloat64: "double precision",
		TypeNumeric: "numeric", TypeText: "text", TypeBytea: "bytea", TypeDate: "date",
		TypeTimestamp: "timestamp without time zone", TypeTimestampTZ: "timestamp with time zone",
		TypeInterval: "interval", TypeUUID: "uuid", Type(200): "Type(200)",
	}
	for typ, name := range want {
		if got := typ.String(); got != name {
			t.Errorf("Type(%d).String() = %q, want %q", uint8(typ), got, name)
		}
	}
}

func TestConstructorsAndAccessors(t *testing.T) {
	if !Null().IsNull() || !(Value{}).IsNull() || Null().Type() != TypeNull {
		t.Error("Null is not NULL")
	}
	if !Bool(true).AsBool() || Bool(false).AsBool() || Bool(true).Type() != TypeBool {
		t.Error("Bool")
	}
	for _, v := range []Value{Int16(math.MinInt16), Int32(math.MinInt32), Int64(math.MinInt64)} {
		if v.AsInt64() >= 0 {
			t.Errorf("%v: sign lost", v.Type())
		}
	}
	if Int16(-7).AsInt64() != -7 || Int32(1<<30).AsInt64() != 1<<30 || Int64(math.MaxInt64).AsInt64() != math.MaxInt64 {
		t.Error("int accessors")
	}
	if Float32(1.5).AsFloat64() != 1.5 || Float32(0.1).AsFloat64() != float64(float32(0.1)) {
		t.Error("Float32 must widen exactly")
	}
	if f := Float64(math.Copysign(0, -1)).AsFloat64(); f != 0 || !math.Signbit(f) {
		t.Error("Float64 must keep -0 (only comparison equates it with +0)")
	}
	if Text("héllo").AsString() != "héllo" || Text("x").Type() != TypeText {
		t.Error("Text")
	}
	b := []byte{0, 1, 255}
	bv := Bytea(b)
	b[0] = 9
	if got := bv.AsBytes(); got[0] != 0 || len(got) != 3 {
		t.Error("Bytea must copy its input")
	}
	got := bv.AsBytes()
	got[1] = 9
	if bv.AsBytes()[1] != 1 {
		t.Error("AsBytes must return a copy")
	}
	if Bytea(nil).IsNull() || Bytea(nil).AsString() != "" {
		t.Error("Bytea(nil) is an empty bytea, not NULL")
	}
	if Date(-730120).AsDate() != -730120 {
		t.Error("Date")
	}
	if Timestamp(-5).AsMicros() != -5 || TimestampTZ(math.MaxInt64).AsMicros() != math.MaxInt64 {
		t.Error("Timestamp")
	}
	for _, iv := range [][3]int64{{0, 0, 0}, {-1, 1, -1}, {math.MinInt32, math.MaxInt32, math.MinInt64}, {math.MaxInt32, math.MinInt32, math.MaxInt64}, {-5, -6, 7}} {
		m, d, us := Interval(int32(iv[0]), int32(iv[1]), iv[2]).AsInterval()
		if int64(m) != iv[0] || int64(d) != iv[1] || us != iv[2] {
			t.Errorf("Interval%v round trip = %d %d %d", iv, m, d, us)
		}
	}
	u := [16]byte{0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x80}
	if UUID(u).AsUUID() != u {
		t.Error("UUID round trip")
	}
}

func TestNumericConstruction(t *testing.T) {
	d := apd.New(-0, -2)
	d.Negative = true // apd can represent -0.00; Postgres cannot
	v := Numeric(d)
	if v.AsNumeric().Negative || v.AsNumeric().Exponent != -2 {
		t.Errorf("Numeric(-0.00) = %v, want 0.00", v)
	}
	d = apd.New(123, -1)
	v = Numeric(d)
	d.Coeff.SetInt64(999)
	if v.String() != "12.3" {
		t.Errorf("Numeric must copy its input, got %v", v)
	}
	neg := apd.New(0, 0)
	neg.Coeff.SetInt64(-5) // apd forbids negative coefficients; normalize instead of misbehaving
	if v := Numeric(neg); v.String() != "-5" || v.AsNumeric().Coeff.Sign() < 0 {
		t.Errorf("negative coefficient: %v", v)
	}
	if !Numeric(nil).IsNull() {
		t.Error("Numeric(nil) should be NULL")
	}
	if v := Numeric(&apd.Decimal{Form: apd.NaNSignaling, Negative: true}); v.AsNumeric().Form != apd.NaN || v.AsNumeric().Negative {
		t.Errorf("sNaN should become NaN: %+v", v.AsNumeric())
	}
	for _, c := range []struct{ in, out string }{
		{"1.50", "1.50"}, {" -0.0 ", "0.0"}, {"NaN", "NaN"}, {"nan", "NaN"},
		{"Infinity", "Infinity"}, {"-Infinity", "-Infinity"}, {"inf", "Infinity"},
		{"-INF", "-Infinity"}, {"+inf", "Infinity"}, {"1e3", "1000"}, {".5", "0.5"},
		{"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"},
	} {
		v, err := NumericFromString(c.in)
		if err != nil {
			t.Errorf("NumericFromString(%q): %v", c.in, err)
			continue
		}
		if v.String() != c.out {
			t.Errorf("NumericFromString(%q) = %q, want %q", c.in, v.String(), c.out)
		}
	}
	for _, bad := range []string{"", " ", "abc", "1.2.3", "sNaN", "-NaN", "NaN12", "1e", "--1", "1_000", "."} {
		if _, err := NumericFromString(bad); !errors.Is(err, ErrInvalidNumeric) {
			t.Errorf("NumericFromString(%q) err = %v, want ErrInvalidNumeric", bad, err)
		}
	}
}

func TestAccessorPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"AsInt64 on text", func() { Text("1").AsInt64() }},
		{"AsBool on NULL", func() { Null().AsBool() }},
		{"AsFloat64 on int", func() { Int64(1).AsFloat64() }},
		{"AsString on uuid", func() { UUID([16]byte{}).AsString() }},
		{"AsBytes on int", func() { Int32(1).AsBytes() }},
		{"AsMicros on date", func() { Date(1).AsMicros() }},
		{"AsNumeric on float", func() { Float64(1).AsNumeric() }},
		{"Compare int with text", func() { Compare(Int64(1), Text("1")) }},
		{"Compare int with numeric", func() { Compare(Int64(1), num(t, "1")) }},
		{"Compare date with timestamp", func() { Compare(Date(0), Timestamp(0)) }},
		{"Compare text with bytea", func() { Compare(Text("a"), Bytea([]byte("a"))) }},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

func TestCompareEdgeCases(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	negZero := math.Copysign(0, -1)
	const day = int64(24 * time.Hour / time.Microsecond)
	cases := []struct {
		name string
		a, b Value
		want int
	}{
		{"NULL = NULL", Null(), Null(), 0},
		{"NULL > int", Null(), Int64(math.MaxInt64), 1},
		{"text < NULL", Text(""), Null(), -1},
		{"NULL > NaN", Null(), Float64(nan), 1},
		{"NULL > numeric NaN", Null(), num(t, "NaN"), 1},

		{"false < true", Bool(false), Bool(true), -1},
		{"true = true", Bool(true), Bool(true), 0},

		{"int16 = int64", Int16(-3), Int64(-3), 0},
		{"int32 < int64", Int32(math.MaxInt32), Int64(math.MaxInt32 + 1), -1},
		{"min < max", Int64(math.MinInt64), Int64(math.MaxInt64), -1},

		{"-0 = +0", Float64(negZero), Float64(0), 0},
		{"float32 -0 = float64 +0", Float32(float32(negZero)), Float64(0), 0},
		{"NaN = NaN", Float64(nan), Float64(math.Float64frombits(0x7ff8000000000123)), 0},
		{"NaN > +Inf", Float64(nan), Float64(inf), 1},
		{"-Inf < NaN", Float64(-inf), Float32(float32(nan)), -1},
		{"negative NaN still > Inf", Float64(math.Float64frombits(0xfff8000000000000)), Float64(inf), 1},
		{"float32 = float64 same value", Float32(0.5), Float64(0.5), 0},
		{"float32(0.1) > float64 0.1", Float32(0.1), Float64(0.1), 1},
		{"-1 < -0", Float64(-1), Float64(negZero), -1},

		{"1.0 = 1.00", num(t, "1.0"), num(t, "1.00"), 0},
		{"1 = 1.000", num(t, "1"), num(t, "1.000"), 0},
		{"100 = 1e2", num(t, "100"), num(t, "1e2"), 0},
		{"0 = 0.000", num(t, "0"), num(t, "0.000"), 0},
		{"-0 = 0", num(t, "-0"), num(t, "0"), 0},
		{"NaN = NaN", num(t, "NaN"), num(t, "nan"), 0},
		{"NaN > +Inf", num(t, "NaN"), num(t, "Infinity"), 1},
		{"+Inf > huge", num(t, "Infinity"), num(t, "9e100000"), 1},
		{"-Inf < -huge", num(t, "-Infinity"), num(t, "-9e100000"), -1},
		{"-Inf = -Inf", num(t, "-Infinity"), num(t, "-inf"), 0},
		{"1.5 < 1.51", num(t, "1.5"), num(t, "1.51"), -1},
		{"-1.5 > -1.51", num(t, "-1.5"), num(t, "-1.51"), 1},
		{"0.001 < 0.01", num(t, "0.001"), num(t, "0.01"), -1},
		{"9.99 < 10", num(t, "9.99"), num(t, "10"), -1},
		{"-0.0001 < 0", num(t, "-0.0001"), num(t, "0"), -1},
		// apd's parser stops at exponent ±100000; build the extremes directly.
		{"tiny > 0", Numeric(apd.New(1, -2000000000)), num(t, "0"), 1},
		{"huge exponent gap", Numeric(apd.New(1, 2000000000)), Numeric(apd.New(1, -2000000000)), 1},
		{"huge negative", Numeric(apd.New(-1, math.MaxInt32)), Numeric(apd.New(-9, math.MinInt32)), -1},
		{"equal at extreme exponents", Numeric(apd.New(10, math.MaxInt32-1)), Numeric(apd.New(1, math.MaxInt32)), 0},
		{"equal across exponent gap", num(t, "1e100"), num(t, "10e99"), 0},
		{"long digits", num(t, "1234567890123456789012345678901234567890.5"), num(t, "1234567890123456789012345678901234567890.49999"), 1},

		{"text bytewise", Text("B"), Text("a"), -1},
		{"text prefix", Text("ab"), Text("abc"), -1},
		{"text empty", Text(""), Text("\x00"), -1},
		{"text utf8 vs 0xff", Text("é"), Text("\xff"), -1},
		{"bytea", Bytea([]byte{0, 0}), Bytea([]byte{0}), 1},

		{"date", Date(-1), Date(0), -1},
		{"date infinity", Date(math.MaxInt32), Date(1 << 30), 1},
		{"timestamp = timestamptz", Timestamp(42), TimestampTZ(42), 0},
		{"timestamptz < timestamp", TimestampTZ(-1), Timestamp(0), -1},

		{"1 mon = 30 days", Interval(1, 0, 0), Interval(0, 30, 0), 0},
		{"30 days = 720 hours", Interval(0, 30, 0), Interval(0, 0, 720*3600*1e6), 0},
		{"1 mon -1 day = 29 days", Interval(1, -1, 0), Interval(0, 29, 0), 0},
		{"1 day > 23:59:59", Interval(0, 1, 0), Interval(0, 0, day-1), 1},
		{"-1 mon < 0", Interval(-1, 0, 0), Interval(0, 0, 0), -1},
		{"mixed signs", Interval(1, -30, 1), Interval(0, 0, 0), 1},
		{"big months beat max micros", Interval(3600000, 0, 0), Interval(0, 0, math.MaxInt64), 1},
		{"no overflow at extremes", Interval(math.MaxInt32, math.MaxInt32, math.MaxInt64), Interval(math.MinInt32, math.MinInt32, math.MinInt64), 1},
		{"12 mons = 360 days", Interval(12, 0, 0), Interval(0, 360, 0), 0},

		{"uuid bytewise", UUID([16]byte{0x7f}), UUID([16]byte{0x80}), -1},
		{"uuid last byte", UUID([16]byte{15: 1}), UUID([16]byte{15: 2}), -1},
		{"uuid equal", UUID([16]byte{1, 2, 3}), UUID([16]byte{1, 2, 3}), 0},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("%s: Compare(%v, %v) = %d, want %d", c.name, c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("%s (swapped): Compare(%v, %v) = %d, want %d", c.name, c.b, c.a, got, -c.want)
		}
	}
}

// TestCompareNumericAgainstApd checks the digit-based numeric comparison
// against apd's arithmetic one where the latter is cheap to run.
func TestCompareNumericAgainstApd(t *testing.T) {
	r := testRand(t)
	for i := 0; i < 20000; i++ {
		a, b := randNumeric(r, false), randNumeric(r, false)
		if a.d.Form != apd.Finite || b.d.Form != apd.Finite {
			continue
		}
		if r.IntN(2) == 0 { // exponent gaps beyond what one uint64 multiplication spans
			d := new(apd.Decimal).Set(a.d)
			d.Exponent += int32(r.IntN(61) - 30)
			a = Numeric(d)
		}
		if diff := int64(a.d.Exponent) - int64(b.d.Exponent); diff > 400 || diff < -400 {
			continue
		}
		if got, want := Compare(a, b), a.d.Cmp(b.d); got != want {
			t.Fatalf("Compare(%v, %v) = %d, apd says %d", a, b, got, want)
		}
	}
}

// TestCompareIntervalAgainstBig checks the 128-bit span arithmetic against
// math/big.
func TestCompareIntervalAgainstBig(t *testing.T) {
	r := testRand(t)
	span := func(v Value) *big.Int {
		m, d, us := v.AsInterval()
		s := new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(30*86400e6))
		s.Add(s, new(big.Int).Mul(big.NewInt(int64(d)), big.NewInt(86400e6)))
		return s.Add(s, big.NewInt(us))
	}
	for i := 0; i < 20000; i++ {
		a, b := randValue(r, TypeInterval), randValue(r, TypeInterval)
		if got, want := Compare(a, b), span(a).Cmp(span(b)); got != want {
			t.Fatalf("Compare(%v, %v) = %d, big says %d", a, b, got, want)
		}
		hi, lo := intervalSpan(a)
		if got := new(big.Int).Or(new(big.Int).Lsh(big.NewInt(hi), 64), new(big.Int).SetUint64(lo)); got.Cmp(span(a)) != 0 {
			t.Fatalf("intervalSpan(%v) = %v, want %v", a, got, span(a))
		}
	}
}

// TestCompareIsTotalOrder checks antisymmetry and transitivity on random
// triples of one family, which sorting and btrees rely on.
func TestCompareIsTotalOrder(t *testing.T) {
	r := testRand(t)
	for _, fam := range allFamilies {
		for i := 0; i < 3000; i++ {
			a, b, c := randFamilyValue(r, fam), randFamilyValue(r, fam), randFamilyValue(r, fam)
			ab, bc, ac := Compare(a, b), Compare(b, c), Compare(a, c)
			if Compare(b, a) != -ab {
				t.Fatalf("not antisymmetric: %v %v", a, b)
			}
			if ab <= 0 && bc <= 0 && ac > 0 {
				t.Fatalf("not transitive: %v <= %v <= %v but %v > %v", a, b, c, a, c)
			}
			if Compare(a, a) != 0 {
				t.Fatalf("not reflexive: %v", a)
			}
		}
	}
}

// TestConcurrentReads shares values between goroutines the way tables
// share rows; run with -race it catches any hidden mutation on read (apd
// decimals are only safe because every path here only reads them).
func TestConcurrentReads(t *testing.T) {
	r := testRand(t)
	vals := make([]Value, 64)
	for i := range vals {
		vals[i] = randValue(r, TypeNumeric)
	}
	vals = append(vals, num(t, "123456789012345678901234567890.5"), Text("x"), Interval(1, 2, 3))
	types := make([]Type, len(vals))
	for i, v := range vals {
		types[i] = v.typ
	}
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for k := 0; k < 20; k++ {
				if _, err := EncodeRow(nil, types, vals); err != nil {
					t.Error(err)
					return
				}
				_ = EncodeKey(nil, nil, vals)
				for i := 1; i < 64; i++ {
					Compare(vals[i-1], vals[i])
					_ = vals[i].String()
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func TestValueString(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{Null(), "NULL"},
		{Bool(true), "true"},
		{Int16(-5), "-5"},
		{Float32(0.1), "0.1"},
		{Float64(math.Inf(-1)), "-Infinity"},
		{Float64(math.NaN()), "NaN"},
		{num(t, "-12.50"), "-12.50"},
		{num(t, "1e-5000"), "1E-5000"},
		{Text("hi"), "hi"},
		{Bytea([]byte{0xde, 0xad}), `\xdead`},
		{Date(0), "2000-01-01"},
		{Date(-1), "1999-12-31"},
		{Date(-730119 - 366), "0001-01-01 BC"}, {Date(-730119), "0001-01-01"},
		{Date(math.MaxInt32), "infinity"},
		{Timestamp(1_500_000), "2000-01-01 00:00:01.5"},
		{TimestampTZ(-1), "1999-12-31 23:59:59.999999+00"},
		{Timestamp(math.MinInt64), "-infinity"},
		{Interval(14, 3, 4*3600e6+5*60e6+6e6+700e3), "1 year 2 mons 3 days 04:05:06.7"},
		{Interval(0, 0, 0), "00:00:00"},
		{Interval(-1, -1, -1e6), "-1 mons -1 days -00:00:01"},
		{UUID([16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}), "12345678-9abc-def0-1234-56789abcdef0"},
	}
	for _, c := range cases {
		if got := c.v.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

// ---- random value generation, shared by the property tests ----

var allTypes = []Type{
	TypeBool, TypeInt16, TypeInt32, TypeInt64, TypeFloat32, TypeFloat64, TypeNumeric,
	TypeText, TypeBytea, TypeDate, TypeTimestamp, TypeTimestampTZ, TypeInterval, TypeUUID,
}

var allFamilies = []family{famBool, famInt, famFloat, famNumeric, famText, famBytea, famDate, famTimestamp, famInterval, famUUID}

var familyTypes = map[family][]Type{
	famBool: {TypeBool}, famInt: {TypeInt16, TypeInt32, TypeInt64},
	famFloat: {TypeFloat32, TypeFloat64}, famNumeric: {TypeNumeric},
	famText: {TypeText}, famBytea: {TypeBytea}, famDate: {TypeDate},
	famTimestamp: {TypeTimestamp, TypeTimestampTZ}, famInterval: {TypeInterval}, famUUID: {TypeUUID},
}

// randFamilyValue returns a random non-NULL value of a random type of fam.
func randFamilyValue(r *rand.Rand, fam family) Value {
	ts := familyTypes[fam]
	return randValue(r, ts[r.IntN(len(ts))])
}

// randInt returns an int64 whose magnitude is spread over all bit lengths,
// so that small values (and hence ties) are common.
func randInt(r *rand.Rand) int64 {
	x := int64(r.Uint64() >> r.IntN(64))
	if r.IntN(2) == 0 {
		x = -x
	}
	return x
}

// randValue returns a random non-NULL value of type t, with edge cases and
// small values over-represented so that ties and boundaries are exercised.
func randValue(r *rand.Rand, t Type) Value {
	edge := r.IntN(4) == 0
	switch t {
	case TypeBool:
		return Bool(r.IntN(2) == 0)
	case TypeInt16:
		if edge {
			return Int16([]int16{math.MinInt16, math.MaxInt16, 0, -1, 1}[r.IntN(5)])
		}
		return Int16(int16(randInt(r)))
	case TypeInt32:
		if edge {
			return Int32([]int32{math.MinInt32, math.MaxInt32, 0, -1, 1, math.MaxInt16 + 1}[r.IntN(6)])
		}
		return Int32(int32(randInt(r)))
	case TypeInt64:
		if edge {
			return Int64([]int64{math.MinInt64, math.MaxInt64, 0, -1, 1, math.MinInt16, math.MaxInt32}[r.IntN(7)])
		}
		return Int64(randInt(r))
	case TypeFloat32:
		if edge {
			e := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
				math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1, -1, 0.5}
			return Float32(e[r.IntN(len(e))])
		}
		if r.IntN(3) == 0 {
			return Float32(math.Float32frombits(r.Uint32())) // includes NaN payloads and subnormals
		}
		return Float32(float32(randInt(r)%1000) / 8)
	case TypeFloat64:
		if edge {
			e := []float64{0, math.Copysign(0, -1), math.NaN(), math.Float64frombits(0xfff0000000000001), math.Inf(1), math.Inf(-1),
				math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1, -1, 0.5, 0.1}
			return Float64(e[r.IntN(len(e))])
		}
		if r.IntN(3) == 0 {
			return Float64(math.Float64frombits(r.Uint64()))
		}
		return Float64(float64(randInt(r)%1000) / 8)
	case TypeNumeric:
		return randNumeric(r, true)
	case TypeJSON:
		return JSON([]string{`{"b":1,  "a":[1, 2.50]}`, `[]`, `"x"`, `null`, ` 1.5 `}[r.IntN(5)])
	case TypeJSONB:
		return JSONB([]string{`{"a": [1, 2.50], "b": 1}`, `[]`, `"x"`, `null`, `1.5`, `{"": {"k": true}}`}[r.IntN(6)])
	case TypeText, TypeBytea:
		s := randString(r)
		if t == TypeText {
			return Text(s)
		}
		return Bytea([]byte(s))
	case TypeDate:
		if edge {
			return Date([]int32{math.MinInt32, math.MaxInt32, 0, -1, 1, -2451545}[r.IntN(6)])
		}
		return Date(int32(randInt(r)))
	case TypeTimestamp, TypeTimestampTZ:
		x := randInt(r)
		if edge {
			x = []int64{math.MinInt64, math.MaxInt64, 0, -1, 1, -211813488000000000, 9223371331200000000 - 1}[r.IntN(7)]
		}
		if t == TypeTimestamp {
			return Timestamp(x)
		}
		return TimestampTZ(x)
	case TypeInterval:
		switch r.IntN(5) {
		case 0:
			e := [][3]int64{{math.MinInt32, math.MinInt32, math.MinInt64}, {math.MaxInt32, math.MaxInt32, math.MaxInt64},
				{math.MaxInt32, math.MinInt32, math.MinInt64}, {0, 0, 0}, {1, 0, 0}, {0, 30, 0}, {0, 0, 30 * 86400e6}, {1, -30, 0}}
			iv := e[r.IntN(len(e))]
			return Interval(int32(iv[0]), int32(iv[1]), iv[2])
		case 1:
			return Interval(int32(randInt(r)), int32(randInt(r)), randInt(r))
		default:
			// Small mixed-sign parts whose spans often coincide.
			return Interval(int32(r.IntN(5)-2), int32(r.IntN(61)-30), int64(r.IntN(5)-2)*86400e6+int64(r.IntN(3)-1))
		}
	case TypeUUID:
		var u [16]byte
		for i := range u {
			u[i] = []byte{0, 1, 0x7f, 0x80, 0xff}[r.IntN(5)]
			if r.IntN(3) == 0 {
				break // leave the rest zero: shared prefixes
			}
		}
		return UUID(u)
	}
	panic("randValue: " + t.String())
}

var stringPool = []string{"", "a", "ab", "abc", "a\x00", "a\x00b", "\x00", "\x00\x00", "\xff", "\xff\x00", "a\xff", "é", "日本", "b", "\x01"}

func randString(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return stringPool[r.IntN(len(stringPool))]
	}
	alphabet := []string{"\x00", "\x01", "\xff", "\xfe", "a", "b", "é", "日", "𝄞"}
	n := r.IntN(8)
	var s string
	for i := 0; i < n; i++ {
		s += alphabet[r.IntN(len(alphabet))]
	}
	return s
}

// randNumeric returns a random numeric: special values, values that are
// equal but differ in scale, long coefficients and extreme exponents.
func randNumeric(r *rand.Rand, extreme bool) Value {
	d := new(apd.Decimal)
	switch r.IntN(12) {
	case 0:
		d.Form = apd.NaN
	case 1:
		d.Form, d.Negative = apd.Infinite, r.IntN(2) == 0
	case 2:
		d.Exponent = int32(r.IntN(7) - 3) // zeros of various scales
	default:
		nd := 1 + r.IntN(4)
		if r.IntN(4) == 0 {
			nd = 1 + r.IntN(60)
		}
		digits := make([]byte, nd)
		for i := range digits {
			digits[i] = byte('0' + r.IntN(10))
			if r.IntN(3) == 0 {
				digits[i] = '0' // trailing/inner zeros make scale variants
			}
		}
		d.Coeff.SetString(string(digits), 10)
		d.Exponent = int32(r.IntN(9) - 6)
		if extreme && r.IntN(20) == 0 {
			d.Exponent = []int32{math.MinInt32, math.MaxInt32 - 100, -1000000, 1000000}[r.IntN(4)]
		}
		d.Negative = r.IntN(2) == 0
		// Same value, another scale: multiply the coefficient by 10^k.
		if k := r.IntN(4); k > 0 && d.Exponent > math.MinInt32+10 {
			d.Coeff.Mul(&d.Coeff, apd.NewBigInt(int64(math.Pow10(k))))
			d.Exponent -= int32(k)
		}
	}
	return Numeric(d)
}
