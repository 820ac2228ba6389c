package sem

// The json and jsonb operators: -> ->> #> #>> (both types), and jsonb's
// @> <@ ? ?| ?& || -. A piece taken out of a value keeps its source text
// (Node.Raw), which for json is the input's own spelling and for jsonb,
// stored normalized, is already the normalized text of the piece.

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/storage/jsonb"
)

// jsonResult makes a node taken from a value of type t a value of t, or
// its text for the ->> family; a missing node or, as text, a JSON null
// is SQL NULL.
func jsonResult(n *jsonb.Node, t storage.Type, asText bool) storage.Value {
	if n == nil {
		return storage.Null()
	}
	if asText {
		s, ok := jsonb.Text(n, true)
		if !ok {
			return storage.Null()
		}
		return storage.Text(s)
	}
	if t == storage.TypeJSONB {
		if n.Raw == "" {
			return JSONBValue(n)
		}
		return storage.JSONB(n.Raw)
	}
	return JSONValue(n)
}

// JSONGet is j -> key and j ->> key: key is text (an object field) or an
// integer (an array element, negative counting from the end).
func JSONGet(j, key storage.Value, asText bool) (storage.Value, error) {
	n, err := jsonOperand(j)
	if err != nil {
		return storage.Value{}, err
	}
	switch key.Type() {
	case storage.TypeText:
		return jsonResult(n.Field(key.AsString()), j.Type(), asText), nil
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		i := key.AsInt64()
		if j.Type() == storage.TypeJSONB && n.Kind != jsonb.Array && n.Kind != jsonb.Object && (i == 0 || i == -1) {
			// jsonb keeps a top-level scalar as a one-element array
			// internally, and Postgres lets -> 0 see through it.
			return jsonResult(n, j.Type(), asText), nil
		}
		return jsonResult(n.Index(i), j.Type(), asText), nil
	}
	return storage.Value{}, pgerr.New(pgerr.InternalError, "json key of type %s", key.Type())
}

// textArray returns the elements of a text[] value; NULL elements are
// reported by ok false at their index.
func textArray(v storage.Value) (elems []string, nulls []bool) {
	a := v.AsArray()
	elems, nulls = make([]string, len(a.Elems)), make([]bool, len(a.Elems))
	for i, e := range a.Elems {
		if e.IsNull() {
			nulls[i] = true
			continue
		}
		elems[i] = e.AsString()
	}
	return elems, nulls
}

// JSONPath is j #> path and j #>> path; a NULL path element gives NULL.
func JSONPath(j, path storage.Value, asText bool) (storage.Value, error) {
	n, err := jsonOperand(j)
	if err != nil {
		return storage.Value{}, err
	}
	steps, nulls := textArray(path)
	for _, isNull := range nulls {
		if isNull {
			return storage.Null(), nil
		}
	}
	return jsonResult(n.Path(steps), j.Type(), asText), nil
}

// JSONBContains is a @> b.
func JSONBContains(a, b storage.Value) (bool, error) {
	na, err := JSONTree(a)
	if err != nil {
		return false, err
	}
	nb, err := JSONTree(b)
	if err != nil {
		return false, err
	}
	return jsonb.Contains(na, nb), nil
}

// JSONBExists is j ? key.
func JSONBExists(j, key storage.Value) (bool, error) {
	n, err := jsonOperand(j)
	if err != nil {
		return false, err
	}
	return jsonb.Exists(n, key.AsString()), nil
}

// JSONBExistsKeys is j ?| keys (all false) and j ?& keys (all true); NULL
// elements of keys are ignored, as in Postgres.
func JSONBExistsKeys(j, keys storage.Value, all bool) (bool, error) {
	n, err := jsonOperand(j)
	if err != nil {
		return false, err
	}
	ks, nulls := textArray(keys)
	for i, k := range ks {
		if nulls[i] {
			continue
		}
		if jsonb.Exists(n, k) != all {
			return !all, nil
		}
	}
	return all, nil
}

// JSONBConcat is a || b: two objects merge with b's keys winning; any
// other pair concatenates as arrays, a non-array operand counting as a
// one-element array.
func JSONBConcat(a, b storage.Value) (storage.Value, error) {
	na, err := JSONTree(a)
	if err != nil {
		return storage.Value{}, err
	}
	nb, err := JSONTree(b)
	if err != nil {
		return storage.Value{}, err
	}
	if na.Kind == jsonb.Object && nb.Kind == jsonb.Object {
		out := &jsonb.Node{Kind: jsonb.Object, Pairs: append(append([]jsonb.Pair(nil), na.Pairs...), nb.Pairs...)}
		return JSONBValue(out), nil
	}
	elems := func(n *jsonb.Node) []*jsonb.Node {
		if n.Kind == jsonb.Array {
			return n.Elems
		}
		return []*jsonb.Node{n}
	}
	out := &jsonb.Node{Kind: jsonb.Array, Elems: append(append([]*jsonb.Node(nil), elems(na)...), elems(nb)...)}
	return JSONBValue(out), nil
}

// JSONBDelete is j - key (text: an object key, or string elements of an
// array), j - index (int: an array element) and j - keys (text[]).
func JSONBDelete(j, key storage.Value) (storage.Value, error) {
	n, err := jsonOperand(j)
	if err != nil {
		return storage.Value{}, err
	}
	if n.Kind != jsonb.Object && n.Kind != jsonb.Array {
		return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from scalar")
	}
	var drop map[string]bool
	switch kt := key.Type(); {
	case kt == storage.TypeText:
		drop = map[string]bool{key.AsString(): true}
	case kt.IsArray():
		ks, nulls := textArray(key)
		drop = map[string]bool{}
		for i, k := range ks {
			if !nulls[i] {
				drop[k] = true
			}
		}
	default:
		if n.Kind == jsonb.Object {
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from object using integer index")
		}
		i := key.AsInt64()
		if i < 0 {
			i += int64(len(n.Elems))
		}
		if i < 0 || i >= int64(len(n.Elems)) {
			return j, nil
		}
		out := &jsonb.Node{Kind: jsonb.Array, Elems: append(append([]*jsonb.Node(nil), n.Elems[:i]...), n.Elems[i+1:]...)}
		return JSONBValue(out), nil
	}
	out := &jsonb.Node{Kind: n.Kind}
	if n.Kind == jsonb.Object {
		for _, p := range n.Pairs {
			if !drop[p.Key] {
				out.Pairs = append(out.Pairs, p)
			}
		}
	} else {
		for _, e := range n.Elems {
			if e.Kind != jsonb.String || !drop[e.Str] {
				out.Elems = append(out.Elems, e)
			}
		}
	}
	return JSONBValue(out), nil
}

// JSONSetKind selects what JSONSet returns.
type JSONSetKind uint8

const (
	JSONSetElements JSONSetKind = iota // an array's elements
	JSONSetKeys                        // an object's keys
	JSONSetValues                      // an object's values, in key order
)

// JSONSet returns, as a SQL array, the rows a JSON set-returning function
// (named fn, for errors) yields from j: elements, keys or values. Values
// are json or jsonb as j is, or text (->> style) when asText. A json
// object with duplicate keys yields every pair, as Postgres's json does.
func JSONSet(j storage.Value, fn string, kind JSONSetKind, asText bool) (storage.Value, error) {
	parse := jsonOperand
	if kind == JSONSetElements {
		parse = JSONTree // Postgres copies elements out without de-escaping them
	}
	n, err := parse(j)
	if err != nil {
		return storage.Value{}, err
	}
	t := j.Type()
	elemT := t
	if asText {
		elemT = storage.TypeText
	}
	var out []storage.Value
	switch kind {
	case JSONSetElements:
		if n.Kind != jsonb.Array {
			what := "a scalar"
			if n.Kind == jsonb.Object {
				what = "an object"
			}
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot extract elements from %s", what)
		}
		for _, e := range n.Elems {
			out = append(out, jsonResult(e, t, asText))
		}
	default:
		if n.Kind != jsonb.Object {
			if kind == JSONSetKeys && fn != "json_each" && fn != "jsonb_each" && fn != "json_each_text" && fn != "jsonb_each_text" {
				what := "a scalar"
				if n.Kind == jsonb.Array {
					what = "an array"
				}
				return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot call %s on %s", fn, what)
			}
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot call %s on a non-object", fn)
		}
		elemT = storage.TypeText
		for _, p := range n.Pairs {
			if kind == JSONSetKeys {
				out = append(out, storage.Text(p.Key))
			} else {
				elemT = t
				if asText {
					elemT = storage.TypeText
				}
				out = append(out, jsonResult(p.Value, t, asText))
			}
		}
		if kind == JSONSetValues {
			elemT = t
			if asText {
				elemT = storage.TypeText
			}
		}
	}
	if len(out) == 0 {
		return storage.EmptyArray(elemT), nil
	}
	return storage.Array(elemT, []storage.ArrayDim{{Len: int32(len(out)), Lower: 1}}, out)
}
