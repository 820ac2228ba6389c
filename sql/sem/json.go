package sem

// The json and jsonb types at the value level: text input and output, and
// the casts between them and to SQL scalars. The JSON model itself (parse,
// normalize, compare) lives in storage/jsonb.

import (
	"errors"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/storage/jsonb"
)

// jsonInputError turns a jsonb.SyntaxError into Postgres's error: 22P02
// with its DETAIL, or 22P05 for \u0000 in jsonb.
func jsonInputError(err error) error {
	var se *jsonb.SyntaxError
	if errors.As(err, &se) {
		if se.Overflow {
			return pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		if se.NulEscape {
			return pgerr.New(pgerr.UntranslatableCharacter, "unsupported Unicode escape sequence").WithDetail("%s", se.Detail)
		}
		return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail("%s", se.Detail)
	}
	return err
}

func parseJSON(s string) (storage.Value, error) {
	if err := jsonb.Valid(s); err != nil {
		return storage.Value{}, jsonInputError(err)
	}
	return storage.JSON(s), nil
}

func parseJSONB(s string) (storage.Value, error) {
	n, err := jsonb.Parse(s, true)
	if err != nil {
		return storage.Value{}, jsonInputError(err)
	}
	return JSONBValue(n), nil
}

// JSONBValue stores a tree as a jsonb value, normalizing it first.
func JSONBValue(n *jsonb.Node) storage.Value {
	return storage.JSONB(jsonb.Format(jsonb.Normalize(n)))
}

// JSONValue stores a built tree as a json value, printed as Postgres's
// json builders print (", " and ": " as jsonb does).
func JSONValue(n *jsonb.Node) storage.Value {
	if n.Raw != "" {
		return storage.JSON(n.Raw)
	}
	return storage.JSON(jsonb.Format(n))
}

// JSONTree parses a json or jsonb value's text into a tree. Stored values
// are valid, so an error here means corruption and is reported as such.
func JSONTree(v storage.Value) (*jsonb.Node, error) {
	n, err := jsonb.Parse(v.AsJSONText(), false)
	if err != nil {
		return nil, pgerr.New(pgerr.DataCorrupted, "corrupt %s value", v.Type())
	}
	return n, nil
}

// jsonOperand parses a json or jsonb value an operator or function takes
// apart. Postgres de-escapes json strings to do that and cannot hold
// \u0000 in text, so a json value holding it is 22P05 there.
func jsonOperand(v storage.Value) (*jsonb.Node, error) {
	n, err := JSONTree(v)
	if err == nil && n.HasNulEscape {
		return nil, pgerr.New(pgerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
			WithDetail("\\u0000 cannot be converted to text.")
	}
	return n, err
}

// castJSON converts json and jsonb to each other and jsonb to the SQL
// scalars (jsonb::numeric and the like, which need a JSON scalar of the
// matching kind).
func castJSON(v storage.Value, to storage.Type) (storage.Value, error) {
	from := v.Type()
	switch {
	case from == storage.TypeJSON && to == storage.TypeJSONB:
		return parseJSONB(v.AsJSONText())
	case from == storage.TypeJSONB && to == storage.TypeJSON:
		return storage.JSON(v.AsJSONText()), nil
	}
	n, err := JSONTree(v)
	if err != nil {
		return storage.Value{}, err
	}
	want, name := jsonb.Number, "numeric"
	if to == storage.TypeBool {
		want, name = jsonb.Bool, "boolean"
	} else if to != storage.TypeNumeric {
		name = to.String()
	}
	if n.Kind != want {
		return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", n.Kind.TypeName(), name)
	}
	if to == storage.TypeBool {
		return storage.Bool(n.Bool()), nil
	}
	d, _, err := apd.NewFromString(n.Str)
	if err != nil {
		return storage.Value{}, err
	}
	num := storage.Numeric(d)
	if to == storage.TypeNumeric {
		return num, nil
	}
	return castFromNumeric(num.AsNumeric(), to)
}
