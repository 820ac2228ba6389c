package jsonb

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Kind is the JSON type of a Node, numbered in jsonb's sort order.
type Kind uint8

const (
	Null Kind = iota
	String
	Number
	Bool
	Array
	Object
)

// TypeName is the name jsonb_typeof reports.
func (k Kind) TypeName() string {
	return [...]string{"null", "string", "number", "boolean", "array", "object"}[k]
}

// Node is one JSON value.
type Node struct {
	Kind  Kind
	Raw   string  // the exact source text (for built nodes, the Format output)
	Str   string  // a String's decoded value, a Number's text, "true"/"false"
	Elems []*Node // an Array's elements
	Pairs []Pair  // an Object's members
	// HasNulEscape, on the root of a json tree only, says that some
	// string or key held \u0000, which Str and Key keep as those six
	// characters: Postgres's json operators refuse such a value.
	HasNulEscape bool
}

// Pair is one object member.
type Pair struct {
	Key   string
	Value *Node
}

// Bool returns the truth of a Bool node.
func (n *Node) Bool() bool { return n.Str == "true" }

// NewString, NewNumber, NewBool and NewNull build scalar nodes; number
// must be valid JSON number text.
func NewString(s string) *Node { return &Node{Kind: String, Str: s} }
func NewNumber(s string) *Node { return &Node{Kind: Number, Str: s} }
func NewBool(b bool) *Node {
	if b {
		return &Node{Kind: Bool, Str: "true"}
	}
	return &Node{Kind: Bool, Str: "false"}
}
func NewNull() *Node { return &Node{Kind: Null} }

// keyLess is jsonb's storage order of object keys: shorter first, then
// bytewise.
func keyLess(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// Normalize returns n in jsonb's form (see the package comment). It does
// not modify n.
func Normalize(n *Node) *Node {
	switch n.Kind {
	case Number:
		return &Node{Kind: Number, Str: canonicalNumber(n.Str)}
	case Array:
		out := &Node{Kind: Array, Elems: make([]*Node, len(n.Elems))}
		for i, e := range n.Elems {
			out.Elems[i] = Normalize(e)
		}
		return out
	case Object:
		last := make(map[string]int, len(n.Pairs))
		for i, p := range n.Pairs {
			last[p.Key] = i
		}
		out := &Node{Kind: Object, Pairs: make([]Pair, 0, len(last))}
		for i, p := range n.Pairs {
			if last[p.Key] == i {
				out.Pairs = append(out.Pairs, Pair{p.Key, Normalize(p.Value)})
			}
		}
		slices.SortFunc(out.Pairs, func(a, b Pair) int { return keyLess(a.Key, b.Key) })
		return out
	}
	return &Node{Kind: n.Kind, Str: n.Str}
}

// canonicalNumber prints a JSON number as Postgres's numeric does: plain
// notation, the scale the input implies, no negative zero.
func canonicalNumber(s string) string {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return s
	}
	if d.Coeff.Sign() == 0 {
		d.Negative = false
		if d.Exponent > 0 {
			d.Exponent = 0
		}
	}
	return d.Text('f')
}

// Field returns the value of an object's member key (the last one in a
// json object with duplicates), or nil.
func (n *Node) Field(key string) *Node {
	if n.Kind != Object {
		return nil
	}
	for i := len(n.Pairs) - 1; i >= 0; i-- {
		if n.Pairs[i].Key == key {
			return n.Pairs[i].Value
		}
	}
	return nil
}

// Index returns an array's element i, counting from the end when i is
// negative, or nil.
func (n *Node) Index(i int64) *Node {
	if n.Kind != Array {
		return nil
	}
	if i < 0 {
		i += int64(len(n.Elems))
	}
	if i < 0 || i >= int64(len(n.Elems)) {
		return nil
	}
	return n.Elems[i]
}

// Path follows path (object keys, or array indexes written as integers)
// as #> does; nil when a step is missing.
func (n *Node) Path(path []string) *Node {
	for _, step := range path {
		switch n.Kind {
		case Object:
			n = n.Field(step)
		case Array:
			i, ok := parseIndex(step)
			if !ok {
				return nil
			}
			n = n.Index(i)
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

func parseIndex(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
