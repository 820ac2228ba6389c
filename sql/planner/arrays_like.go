package planner

import (
	"regexp"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// matchOps are the pattern operators of x op ANY/ALL (array), as the
// dialect writes them, with the name Postgres gives the operator in
// errors.
var matchOps = map[string]string{
	"like": "~~", "not like": "!~~", "ilike": "~~*", "not ilike": "!~~*",
	"~": "~", "~*": "~*", "!~": "!~", "!~*": "!~*",
}

// anyMatch binds x LIKE ANY (array) and the other pattern operators with
// ANY/ALL: x and the array's elements are text (an unknown literal is
// text, an unknown array text[]), each element a pattern. NULLs make the
// result NULL where no element decides it, as for comparisons.
func (p *Planner) anyMatch(x, arr texpr, opText string, all bool) (texpr, error) {
	op := matchOps[opText]
	var err error
	if arr, err = p.arrayOperand(arr, ArrayOf(TypeOf(storage.TypeText))); err != nil {
		return arr, err
	}
	if !arr.t.IsArray() {
		return texpr{}, pgerr.New(pgerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	if !x.open() && x.t.T != storage.TypeText || arr.t.Elem().T != storage.TypeText {
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", typeNameOf(x), op, arr.t.Elem().Name).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
	}
	l, err := p.coerce(x, TypeOf(storage.TypeText), sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	r, err := p.coerce(arr, ArrayOf(TypeOf(storage.TypeText)), sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	not := strings.HasPrefix(op, "!")
	compile := patternCompiler(op)
	// A constant array's patterns are compiled once, at plan time; the
	// plan may run in several sessions at once, so nothing is cached
	// while it runs.
	var fixed []*regexp.Regexp
	if c, ok := r.(plan.Const); ok && !c.Value.IsNull() {
		for _, e := range sem.ArrayElems(c.Value) {
			var re *regexp.Regexp
			if !e.IsNull() {
				if re, err = compile(e.AsString()); err != nil {
					fixed = nil // reported when the plan runs
					break
				}
			}
			fixed = append(fixed, re)
		}
	}
	return fnExpr("any", TypeOf(storage.TypeBool), false, []plan.Expr{l, r}, func(a []storage.Value) (storage.Value, error) {
		if a[1].IsNull() {
			return storage.Null(), nil
		}
		sawNull := false
		for i, e := range sem.ArrayElems(a[1]) {
			if a[0].IsNull() || e.IsNull() {
				sawNull = true
				continue
			}
			var re *regexp.Regexp
			if fixed != nil {
				re = fixed[i]
			} else {
				var err error
				if re, err = compile(e.AsString()); err != nil {
					return storage.Value{}, err
				}
			}
			if re.MatchString(a[0].AsString()) != not != all {
				return storage.Bool(!all), nil
			}
		}
		if sawNull {
			return storage.Null(), nil
		}
		return storage.Bool(all), nil
	}), nil
}

// patternCompiler compiles the patterns of the operator op (Postgres's
// name: ~~ is LIKE, ~ a regular expression, * folds case, ! negates).
func patternCompiler(op string) func(string) (*regexp.Regexp, error) {
	op = strings.TrimPrefix(op, "!")
	fold := strings.HasSuffix(op, "*")
	if strings.HasPrefix(op, "~~") {
		return func(pat string) (*regexp.Regexp, error) { return likeRegexp(pat, '\\', fold) }
	}
	return func(pat string) (*regexp.Regexp, error) { return regexCompile(pat, fold) }
}
