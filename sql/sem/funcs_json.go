package sem

// JSON functions: typeof, builders, to_json, array length, strip_nulls,
// pretty and jsonb_set. Values become JSON as Postgres's to_json makes
// them (jsonText); a jsonb result is the jsonb input of that text, so
// both types agree on what a value becomes.

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/storage/jsonb"
)

var (
	tJSON  = storage.TypeJSON
	tJSONB = storage.TypeJSONB
)

func init() {
	register(
		fn("json_typeof", tText, types(tJSON), jsonTypeof),
		fn("jsonb_typeof", tText, types(tJSONB), jsonTypeof),
		fn("json_array_length", tInt4, types(tJSON), jsonArrayLength),
		fn("jsonb_array_length", tInt4, types(tJSONB), jsonArrayLength),
		fn("jsonb_strip_nulls", tJSONB, types(tJSONB), jsonbStripNulls),
		fn("jsonb_pretty", tText, types(tJSONB), jsonbPretty),
		fn("jsonb_set", tJSONB, types(tJSONB, storage.ArrayOf(tText), tJSONB), jsonbSet),
		fn("jsonb_set", tJSONB, types(tJSONB, storage.ArrayOf(tText), tJSONB, storage.TypeBool), jsonbSet),
		fn("to_json", tJSON, types(AnyType), func(ctx *Context, a []storage.Value) (storage.Value, error) {
			return storage.JSON(jsonText(ctx, a[0])), nil
		}),
		fn("to_jsonb", tJSONB, types(AnyType), func(ctx *Context, a []storage.Value) (storage.Value, error) {
			return parseJSONB(jsonText(ctx, a[0]))
		}),
		&Func{Name: "json_build_object", Args: types(AnyType), Variadic: true, NonStrict: true, Ret: tJSON, Fn: jsonBuildObject(false)},
		&Func{Name: "jsonb_build_object", Args: types(AnyType), Variadic: true, NonStrict: true, Ret: tJSONB, Fn: jsonBuildObject(true)},
		&Func{Name: "json_build_array", Args: types(AnyType), Variadic: true, NonStrict: true, Ret: tJSON, Fn: jsonBuildArray(false)},
		&Func{Name: "jsonb_build_array", Args: types(AnyType), Variadic: true, NonStrict: true, Ret: tJSONB, Fn: jsonBuildArray(true)},
	)
}

// JSONText is the JSON text to_json makes of v (exported for the json
// aggregates).
func JSONText(ctx *Context, v storage.Value) string { return jsonText(ctx, v) }

// jsonText writes v as to_json does: numbers and booleans bare (NaN and
// infinities quoted), json and jsonb as they are, timestamps in ISO 8601
// with a T, arrays as JSON arrays without spaces, everything else as
// its text output, quoted.
func jsonText(ctx *Context, v storage.Value) string {
	var b strings.Builder
	writeJSONValue(ctx, &b, v)
	return b.String()
}

func writeJSONValue(ctx *Context, b *strings.Builder, v storage.Value) {
	t := v.Type()
	switch {
	case v.IsNull():
		b.WriteString("null")
		return
	case t.IsArray():
		a := v.AsArray()
		if len(a.Dims) == 0 {
			b.WriteString("[]")
			return
		}
		k := 0
		var dim func(d int)
		dim = func(d int) {
			b.WriteByte('[')
			for i := int32(0); i < a.Dims[d].Len; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if d == len(a.Dims)-1 {
					writeJSONValue(ctx, b, a.Elems[k])
					k++
				} else {
					dim(d + 1)
				}
			}
			b.WriteByte(']')
		}
		dim(0)
		return
	}
	s := Format(v, ctx.loc())
	switch t {
	case storage.TypeBool:
		if v.AsBool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
		return
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64, storage.TypeJSON, storage.TypeJSONB:
		b.WriteString(s)
		return
	case storage.TypeFloat32, storage.TypeFloat64, storage.TypeNumeric:
		if jsonb.Valid(s) == nil {
			b.WriteString(s)
			return
		}
	case storage.TypeTimestamp, storage.TypeTimestampTZ:
		s = strings.Replace(s, " ", "T", 1)
		if t == storage.TypeTimestampTZ {
			// Postgres writes the offset as +HH:MM in JSON.
			if i := strings.LastIndexAny(s, "+-"); i > 10 && len(s)-i == 3 {
				s += ":00"
			}
		}
	}
	jsonb.Quote(b, s)
}

func jsonTypeof(_ *Context, a []storage.Value) (storage.Value, error) {
	n, err := JSONTree(a[0])
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Text(n.Kind.TypeName()), nil
}

func jsonArrayLength(_ *Context, a []storage.Value) (storage.Value, error) {
	n, err := JSONTree(a[0])
	if err != nil {
		return storage.Value{}, err
	}
	switch n.Kind {
	case jsonb.Array:
		return storage.Int32(int32(len(n.Elems))), nil
	case jsonb.Object:
		return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a non-array")
	}
	return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a scalar")
}

func stripNulls(n *jsonb.Node) *jsonb.Node {
	switch n.Kind {
	case jsonb.Object:
		out := &jsonb.Node{Kind: jsonb.Object}
		for _, p := range n.Pairs {
			if p.Value.Kind != jsonb.Null {
				out.Pairs = append(out.Pairs, jsonb.Pair{Key: p.Key, Value: stripNulls(p.Value)})
			}
		}
		return out
	case jsonb.Array:
		out := &jsonb.Node{Kind: jsonb.Array, Elems: make([]*jsonb.Node, len(n.Elems))}
		for i, e := range n.Elems {
			out.Elems[i] = stripNulls(e)
		}
		return out
	}
	return n
}

func jsonbStripNulls(_ *Context, a []storage.Value) (storage.Value, error) {
	n, err := JSONTree(a[0])
	if err != nil {
		return storage.Value{}, err
	}
	return JSONBValue(stripNulls(n)), nil
}

func jsonbPretty(_ *Context, a []storage.Value) (storage.Value, error) {
	n, err := JSONTree(a[0])
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Text(jsonb.FormatPretty(n)), nil
}

// jsonbSet is jsonb_set(target, path, value [, create_missing]): the
// path's last step is replaced, or added when create_missing (the
// default) and its parent exists: a new key, or for an index past either
// end of an array, a new first or last element.
func jsonbSet(_ *Context, a []storage.Value) (storage.Value, error) {
	n, err := JSONTree(a[0])
	if err != nil {
		return storage.Value{}, err
	}
	val, err := JSONTree(a[2])
	if err != nil {
		return storage.Value{}, err
	}
	create := len(a) < 4 || a[3].AsBool()
	path, nulls := textArray(a[1])
	for i, isNull := range nulls {
		if isNull {
			return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "path element at position %d is null", i+1)
		}
	}
	if n.Kind != jsonb.Object && n.Kind != jsonb.Array {
		return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot set path in scalar")
	}
	if len(path) == 0 {
		return a[0], nil
	}
	out, err := setPath(n, path, val, create, 0)
	if err != nil {
		return storage.Value{}, err
	}
	return JSONBValue(out), nil
}

func setPath(n *jsonb.Node, path []string, val *jsonb.Node, create bool, level int) (*jsonb.Node, error) {
	last := len(path) == 1
	switch n.Kind {
	case jsonb.Object:
		out := &jsonb.Node{Kind: jsonb.Object, Pairs: append([]jsonb.Pair(nil), n.Pairs...)}
		for i, p := range out.Pairs {
			if p.Key != path[0] {
				continue
			}
			if last {
				out.Pairs[i].Value = val
				return out, nil
			}
			v, err := setPath(p.Value, path[1:], val, create, level+1)
			if err != nil {
				return nil, err
			}
			out.Pairs[i].Value = v
			return out, nil
		}
		if last && create {
			out.Pairs = append(out.Pairs, jsonb.Pair{Key: path[0], Value: val})
		}
		return out, nil
	case jsonb.Array:
		idx, err := strconv.ParseInt(strings.TrimSpace(path[0]), 10, 32)
		if err != nil {
			return nil, pgerr.New(pgerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", level+1, path[0])
		}
		cnt := int64(len(n.Elems))
		if idx < 0 {
			idx += cnt
		}
		elems := append([]*jsonb.Node(nil), n.Elems...)
		out := &jsonb.Node{Kind: jsonb.Array, Elems: elems}
		switch {
		case idx < 0:
			if last && create {
				out.Elems = append([]*jsonb.Node{val}, elems...)
			}
			return out, nil
		case idx >= cnt:
			if last && create {
				out.Elems = append(elems, val)
			}
			return out, nil
		}
		if last {
			elems[idx] = val
			return out, nil
		}
		v, err := setPath(elems[idx], path[1:], val, create, level+1)
		if err != nil {
			return nil, err
		}
		elems[idx] = v
		return out, nil
	}
	return n, nil // a scalar in the middle of the path: nothing to set
}

// jsonKeyText is the text of a json_build_object key, which must not be
// NULL.
func jsonKeyText(ctx *Context, v storage.Value, pos int) (string, error) {
	if v.IsNull() {
		return "", pgerr.New(pgerr.InvalidParameterValue, "argument %d cannot be null", pos).WithHint("Object keys should be text.")
	}
	if v.Type().IsArray() || v.Type() == storage.TypeJSON || v.Type() == storage.TypeJSONB {
		return "", pgerr.New(pgerr.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
	}
	return Format(v, ctx.loc()), nil
}

func jsonBuildObject(forJSONB bool) func(*Context, []storage.Value) (storage.Value, error) {
	name := "json_build_object"
	if forJSONB {
		name = "jsonb_build_object"
	}
	return func(ctx *Context, a []storage.Value) (storage.Value, error) {
		if len(a)%2 != 0 {
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "argument list must have even number of elements").
				WithHint("The arguments of %s() must consist of alternating keys and values.", name)
		}
		var b strings.Builder
		b.WriteByte('{')
		for i := 0; i < len(a); i += 2 {
			k, err := jsonKeyText(ctx, a[i], i+1)
			if err != nil {
				return storage.Value{}, err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			jsonb.Quote(&b, k)
			b.WriteString(" : ")
			writeJSONValue(ctx, &b, a[i+1])
		}
		b.WriteByte('}')
		if forJSONB {
			return parseJSONB(b.String())
		}
		return storage.JSON(b.String()), nil
	}
}

func jsonBuildArray(forJSONB bool) func(*Context, []storage.Value) (storage.Value, error) {
	return func(ctx *Context, a []storage.Value) (storage.Value, error) {
		var b strings.Builder
		b.WriteByte('[')
		for i, v := range a {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONValue(ctx, &b, v)
		}
		b.WriteByte(']')
		if forJSONB {
			return parseJSONB(b.String())
		}
		return storage.JSON(b.String()), nil
	}
}

// JSONAggResult is the final value of json_agg and jsonb_agg (vals nil:
// an array of elems) or of json_object_agg and jsonb_object_agg (keys
// elems, values vals), with Postgres's json spacing; t is the result type.
func JSONAggResult(ctx *Context, t storage.Type, elems, vals []storage.Value) (storage.Value, error) {
	var b strings.Builder
	if vals == nil {
		b.WriteByte('[')
		for i, e := range elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONValue(ctx, &b, e)
		}
		b.WriteByte(']')
	} else {
		b.WriteString("{ ")
		for i, k := range elems {
			key, err := jsonKeyText(ctx, k, 1)
			if err != nil {
				return storage.Value{}, err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			jsonb.Quote(&b, key)
			b.WriteString(" : ")
			writeJSONValue(ctx, &b, vals[i])
		}
		b.WriteString(" }")
	}
	if t == storage.TypeJSONB {
		return parseJSONB(b.String())
	}
	return storage.JSON(b.String()), nil
}
