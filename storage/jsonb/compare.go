package jsonb

import (
	"cmp"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// CompareTop orders two whole jsonb values. It is Compare except that an
// empty array sorts before a scalar: Postgres stores a top-level scalar
// as a one-element array and compares element counts first.
func CompareTop(a, b *Node) int {
	scalar := func(n *Node) bool { return n.Kind != Array && n.Kind != Object }
	switch {
	case a.Kind == Array && len(a.Elems) == 0 && scalar(b):
		return -1
	case b.Kind == Array && len(b.Elems) == 0 && scalar(a):
		return 1
	}
	return Compare(a, b)
}

// Compare orders two normalized trees as Postgres's jsonb btree operators
// do (invariant 3 of the package comment) and returns -1, 0 or +1.
func Compare(a, b *Node) int {
	if a.Kind != b.Kind {
		return cmp.Compare(a.Kind, b.Kind)
	}
	switch a.Kind {
	case Null:
		return 0
	case String:
		return strings.Compare(a.Str, b.Str)
	case Number:
		return compareNumbers(a.Str, b.Str)
	case Bool:
		return cmp.Compare(boolCmp(a.Str == "true"), boolCmp(b.Str == "true")) // false < true
	case Array:
		if c := cmp.Compare(len(a.Elems), len(b.Elems)); c != 0 {
			return c
		}
		for i := range a.Elems {
			if c := Compare(a.Elems[i], b.Elems[i]); c != 0 {
				return c
			}
		}
		return 0
	}
	if c := cmp.Compare(len(a.Pairs), len(b.Pairs)); c != 0 {
		return c
	}
	for i := range a.Pairs {
		if c := strings.Compare(a.Pairs[i].Key, b.Pairs[i].Key); c != 0 {
			return c
		}
		if c := Compare(a.Pairs[i].Value, b.Pairs[i].Value); c != 0 {
			return c
		}
	}
	return 0
}

func boolCmp(b bool) int {
	if b {
		return 1
	}
	return 0
}

func compareNumbers(a, b string) int {
	da, _, errA := apd.NewFromString(a)
	db, _, errB := apd.NewFromString(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return da.Cmp(db)
}

// EqualKey returns a string equal for two normalized trees exactly when
// Compare says they are equal: the Format text with every number reduced
// to its value (1.50 and 1.5 give the same key). Hash joins, DISTINCT and
// GROUP BY group by it.
func EqualKey(n *Node) string {
	var b strings.Builder
	writeKey(&b, n)
	return b.String()
}

func writeKey(b *strings.Builder, n *Node) {
	switch n.Kind {
	case Number:
		d, _, err := apd.NewFromString(n.Str)
		if err == nil {
			d.Reduce(d)
			b.WriteString(d.Text('e'))
		} else {
			b.WriteString(n.Str)
		}
	case Array:
		b.WriteByte('[')
		for i, e := range n.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeKey(b, e)
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i, p := range n.Pairs {
			if i > 0 {
				b.WriteByte(',')
			}
			Quote(b, p.Key)
			b.WriteByte(':')
			writeKey(b, p.Value)
		}
		b.WriteByte('}')
	default:
		write(b, n, false, 0)
	}
}

// Contains reports whether a @> b under Postgres's rules: an object
// contains an object whose every pair it contains (values recursively);
// an array contains an array whose every element some element of it
// contains, ignoring order and duplicates; a top-level array also
// contains a scalar it has as an element; scalars contain equal scalars.
func Contains(a, b *Node) bool {
	if a.Kind == Array && b.Kind != Array && b.Kind != Object {
		for _, e := range a.Elems {
			if e.Kind == b.Kind && Compare(e, b) == 0 {
				return true
			}
		}
		return false
	}
	return contains(a, b)
}

func contains(a, b *Node) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Object:
		for _, p := range b.Pairs {
			v := a.Field(p.Key)
			if v == nil || !contains(v, p.Value) {
				return false
			}
		}
		return true
	case Array:
		for _, be := range b.Elems {
			found := false
			for _, ae := range a.Elems {
				if contains(ae, be) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return Compare(a, b) == 0
}

// Exists is the ? operator: an object has key as a key, or an array has it
// as a string element, or the value is that string.
func Exists(n *Node, key string) bool {
	switch n.Kind {
	case Object:
		return n.Field(key) != nil
	case Array:
		for _, e := range n.Elems {
			if e.Kind == String && e.Str == key {
				return true
			}
		}
		return false
	case String:
		return n.Str == key
	}
	return false
}
