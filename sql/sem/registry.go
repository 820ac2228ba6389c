package sem

import (
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// AnyType in a Func's Args accepts a value of any type, passed unchanged
// (concat's "any", greatest's anyelement). It is not a storage type.
const AnyType storage.Type = 255

// Func is one overload of a scalar function.
type Func struct {
	Name string
	Args []storage.Type // parameter types; AnyType accepts anything
	// Variadic: the last parameter repeats zero or more times.
	Variadic bool
	// Ret is the result type; AnyType means the common type of the
	// arguments (greatest, least), resolved by Lookup.
	Ret storage.Type
	// NonStrict functions are called with NULL arguments; strict ones
	// (the default, as in Postgres) return NULL for any NULL argument.
	NonStrict bool
	// Volatile functions (random, gen_random_uuid) must not be folded.
	Volatile bool
	// Fn computes the result from arguments already cast to Args.
	Fn func(ctx *Context, args []storage.Value) (storage.Value, error)
}

// Call casts args to the parameter types, applies strictness, and runs
// the function.
func (f *Func) Call(ctx *Context, args []storage.Value) (storage.Value, error) {
	cast := make([]storage.Value, len(args))
	for i, a := range args {
		if a.IsNull() {
			if !f.NonStrict {
				return storage.Null(), nil
			}
			cast[i] = a
			continue
		}
		pt := f.paramType(i)
		if pt == AnyType || pt == a.Type() {
			cast[i] = a
			continue
		}
		v, err := Cast(ctx, a, pt)
		if err != nil {
			return storage.Value{}, err
		}
		cast[i] = v
	}
	return f.Fn(ctx, cast)
}

func (f *Func) paramType(i int) storage.Type {
	if i >= len(f.Args) {
		return f.Args[len(f.Args)-1]
	}
	return f.Args[i]
}

// Signature is the Postgres-style description: round(numeric, integer).
func (f *Func) Signature() string { return f.Name + "(" + typeList(f.Args) + ")" }

func typeList(ts []storage.Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		switch t {
		case AnyType:
			names[i] = "\"any\""
		case storage.TypeNull:
			names[i] = "unknown"
		default:
			names[i] = t.String()
		}
	}
	return strings.Join(names, ", ")
}

var registry = map[string][]*Func{}

func register(fs ...*Func) {
	for _, f := range fs {
		registry[f.Name] = append(registry[f.Name], f)
	}
}

// preferredType is each category's preferred type (typispreferred).
func preferredType(t storage.Type) bool {
	switch t {
	case storage.TypeFloat64, storage.TypeText, storage.TypeTimestampTZ, storage.TypeInterval, storage.TypeBool:
		return true
	}
	return false
}

// Lookup resolves a function call by name (case-insensitive) and argument
// types as Postgres's func_select_candidate does, restricted to implicit
// casts: among the overloads every argument converts to implicitly, it
// keeps those with the most exact type matches, then those taking the
// category's preferred type (double precision, text, ...) at the most
// positions needing a conversion. TypeNull arguments (untyped NULLs)
// match any parameter. No match, or a tie, is 42883 "function %s(%s)
// does not exist".
func Lookup(name string, argTypes []storage.Type) (*Func, error) {
	name = strings.ToLower(name)
	var best []*Func
	bestExact, bestPref := -1, -1
	for _, f := range registry[name] {
		if len(argTypes) < len(f.Args)-btoi(f.Variadic) || (!f.Variadic && len(argTypes) != len(f.Args)) {
			continue
		}
		exact, pref, ok := 0, 0, true
		for i, at := range argTypes {
			pt := f.paramType(i)
			switch {
			case pt == AnyType || at == pt:
				exact++
			case at == storage.TypeNull:
			case CanCast(at, pt, CastImplicit):
				if preferredType(pt) {
					pref++
				}
			default:
				ok = false
			}
		}
		if !ok {
			continue
		}
		switch {
		case exact > bestExact || exact == bestExact && pref > bestPref:
			best, bestExact, bestPref = []*Func{f}, exact, pref
		case exact == bestExact && pref == bestPref:
			best = append(best, f)
		}
	}
	if len(best) != 1 {
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(argTypes)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	f := best[0]
	if f.Ret == AnyType {
		return resolvePolymorphic(f, argTypes)
	}
	return f, nil
}

// resolvePolymorphic fixes the result and parameter types of greatest and
// least to the common type of the arguments.
func resolvePolymorphic(f *Func, argTypes []storage.Type) (*Func, error) {
	common := storage.TypeNull
	for _, t := range argTypes {
		switch {
		case t == storage.TypeNull:
		case common == storage.TypeNull:
			common = t
		default:
			c, ok := comparisonType(common, t)
			if !ok {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", strings.ToUpper(f.Name), common, t)
			}
			common = c
		}
	}
	if common == storage.TypeNull {
		common = storage.TypeText
	}
	g := *f
	g.Ret = common
	g.Args = []storage.Type{common}
	return &g, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fn is shorthand for registering a strict function.
func fn(name string, ret storage.Type, args []storage.Type, f func(*Context, []storage.Value) (storage.Value, error)) *Func {
	return &Func{Name: name, Args: args, Ret: ret, Fn: f}
}

// types is shorthand for a parameter list.
func types(ts ...storage.Type) []storage.Type { return ts }
