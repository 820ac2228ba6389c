package sem

import "github.com/persiandb/persiandb/storage"

// comparisonType is the type two operands are compared in: their numeric
// common type, timestamp for date against timestamp, timestamptz when
// either side has a time zone (the other converts in the session
// TimeZone), else the shared type.
func comparisonType(l, r storage.Type) (storage.Type, bool) {
	switch {
	case l == r:
		return l, true
	case IsNumericType(l) && IsNumericType(r):
		return numericCommonType(l, r), true
	case isDateTime(l) && isDateTime(r):
		if l == storage.TypeTimestampTZ || r == storage.TypeTimestampTZ {
			return storage.TypeTimestampTZ, true
		}
		return storage.TypeTimestamp, true
	}
	return 0, false
}

// CompareValues orders two non-NULL values of comparable types after
// promoting them to their comparison type, returning -1, 0 or +1; NULLs
// order last as in storage.Compare. Incomparable types are 42883.
func CompareValues(ctx *Context, a, b storage.Value) (int, error) {
	if a.IsNull() || b.IsNull() {
		return storage.Compare(a, b), nil
	}
	at, bt := a.Type(), b.Type()
	t, ok := comparisonType(at, bt)
	if !ok {
		return 0, errNoOperator("=", at, bt)
	}
	if at != t && !(isIntType(at) && isIntType(t)) {
		var err error
		if a, err = Cast(ctx, a, t); err != nil {
			return 0, err
		}
	}
	if bt != t && !(isIntType(bt) && isIntType(t)) {
		var err error
		if b, err = Cast(ctx, b, t); err != nil {
			return 0, err
		}
	}
	return storage.Compare(a, b), nil
}

// Tri is a truth value of SQL's three-valued logic.
type Tri uint8

const (
	False   Tri = iota // false
	True               // true
	Unknown            // NULL
)

// TriOf reads a boolean or NULL value.
func TriOf(v storage.Value) Tri {
	if v.IsNull() {
		return Unknown
	}
	if v.AsBool() {
		return True
	}
	return False
}

// Value returns the Tri as a boolean value, NULL for Unknown.
func (t Tri) Value() storage.Value {
	switch t {
	case True:
		return storage.Bool(true)
	case False:
		return storage.Bool(false)
	}
	return storage.Null()
}

// And is SQL AND: false if either is false, else unknown if either is.
func And(a, b Tri) Tri {
	switch {
	case a == False || b == False:
		return False
	case a == Unknown || b == Unknown:
		return Unknown
	}
	return True
}

// Or is SQL OR: true if either is true, else unknown if either is.
func Or(a, b Tri) Tri {
	switch {
	case a == True || b == True:
		return True
	case a == Unknown || b == Unknown:
		return Unknown
	}
	return False
}

// Not is SQL NOT; NOT unknown is unknown.
func Not(a Tri) Tri {
	switch a {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

// IsDistinctFrom is a IS DISTINCT FROM b: NULLs compare equal to each other
// and unequal to everything else; never unknown.
func IsDistinctFrom(ctx *Context, a, b storage.Value) (bool, error) {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() != b.IsNull(), nil
	}
	c, err := CompareValues(ctx, a, b)
	return c != 0, err
}
