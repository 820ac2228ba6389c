package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// seqSession is a session's memory of its sequences, as Postgres keeps
// it per backend: the last value nextval (or setval with is_called)
// returned for each sequence, for currval, and the sequence nextval last
// advanced, for lastval. The counters themselves are the catalog's
// (catalog/sequence.go) and are not transactional.
type seqSession struct {
	last    map[uint32]int64
	lastSeq *catalog.Sequence
}

func (s *seqSession) note(seq *catalog.Sequence, v int64, advanced bool) {
	if s.last == nil {
		s.last = map[uint32]int64{}
	}
	s.last[seq.ID] = v
	if advanced {
		s.lastSeq = seq
	}
}

// ResetSequences forgets the session's sequence values (DISCARD
// SEQUENCES).
func (p *Planner) ResetSequences() { p.seq = seqSession{} }

// sequenceCall binds nextval/currval/setval/lastval. They are volatile
// plan.Func calls, never folded: each evaluation hands out or reads a
// value at execution time. A sequence named by a constant is looked up
// while planning (so a missing one fails then, as Postgres's regclass
// constant does); one named by an expression at each call.
func (p *Planner) sequenceCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	name := n.FnName.L
	want := map[string][]int{"nextval": {1}, "currval": {1}, "setval": {2, 3}, "lastval": {0}}[name]
	ok := false
	for _, k := range want {
		ok = ok || len(n.Args) == k
	}
	if !ok {
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(n.Args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	argTypes := []Type{TypeOf(storage.TypeText), TypeOf(storage.TypeInt64), TypeOf(storage.TypeBool)}
	args := make([]plan.Expr, len(n.Args))
	for i, a := range n.Args {
		x, err := p.expr(c, a)
		if err != nil {
			return texpr{}, err
		}
		if args[i], err = p.coerce(x, argTypes[i], sem.CastImplicit); err != nil {
			return texpr{}, err
		}
	}
	bigint := TypeOf(storage.TypeInt64)
	if name == "lastval" {
		impl := func([]storage.Value) (storage.Value, error) {
			s := p.seq.lastSeq
			if s == nil {
				return storage.Value{}, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
			}
			// The sequence may have been dropped since.
			if _, err := p.Cat.Sequence(p.Txn, s.Name); err != nil {
				return storage.Value{}, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
			}
			return storage.Int64(p.seq.last[s.ID]), nil
		}
		return texpr{e: plan.Func{Name: name, Impl: impl}, t: bigint}, nil
	}
	// The sequence: fixed now if named by a constant.
	var fixed *catalog.Sequence
	if k, isConst := args[0].(plan.Const); isConst && !k.Value.IsNull() {
		s, err := p.lookupSequence(k.Value.AsString())
		if err != nil {
			return texpr{}, err
		}
		fixed = s
	}
	seqOf := func(v storage.Value) (*catalog.Sequence, error) {
		if fixed != nil {
			return fixed, nil
		}
		return p.lookupSequence(v.AsString())
	}
	var impl func([]storage.Value) (storage.Value, error)
	switch name {
	case "nextval":
		impl = func(a []storage.Value) (storage.Value, error) {
			if p.Txn.ReadOnly() {
				return storage.Value{}, pgerr.New(pgerr.ReadOnlySQLTransaction, "cannot execute nextval() in a read-only transaction")
			}
			s, err := seqOf(a[0])
			if err != nil {
				return storage.Value{}, err
			}
			v, err := p.Cat.NextVal(s)
			if err != nil {
				return storage.Value{}, sequenceError(s, err)
			}
			p.seq.note(s, v, true)
			return storage.Int64(v), nil
		}
	case "currval":
		impl = func(a []storage.Value) (storage.Value, error) {
			s, err := seqOf(a[0])
			if err != nil {
				return storage.Value{}, err
			}
			v, ok := p.seq.last[s.ID]
			if !ok {
				return storage.Value{}, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "currval of sequence %q is not yet defined in this session", s.Name)
			}
			return storage.Int64(v), nil
		}
	case "setval":
		impl = func(a []storage.Value) (storage.Value, error) {
			if p.Txn.ReadOnly() {
				return storage.Value{}, pgerr.New(pgerr.ReadOnlySQLTransaction, "cannot execute setval() in a read-only transaction")
			}
			s, err := seqOf(a[0])
			if err != nil {
				return storage.Value{}, err
			}
			v, called := a[1].AsInt64(), true
			if len(a) > 2 {
				called = a[2].AsBool()
			}
			if err := p.Cat.SetVal(s, v, called); err != nil {
				if errors.Is(err, catalog.ErrSequenceRange) {
					return storage.Value{}, pgerr.New(pgerr.NumericValueOutOfRange, "setval: value %d is out of bounds for sequence %q (%d..%d)", v, s.Name, s.Min, s.Max)
				}
				return storage.Value{}, sequenceError(s, err)
			}
			if called {
				p.seq.note(s, v, false)
			}
			return storage.Int64(v), nil
		}
	}
	return texpr{e: plan.Func{Name: name, Args: args, Strict: true, Impl: impl}, t: bigint}, nil
}

// lookupSequence resolves a sequence named by text as Postgres's regclass
// input does: unquoted names fold to lower case, "quoted" ones do not, and
// a schema may qualify the name.
func (p *Planner) lookupSequence(text string) (*catalog.Sequence, error) {
	name, err := regclassName(text)
	if err != nil {
		return nil, err
	}
	s, err := p.Cat.Sequence(p.Txn, name)
	var wk *catalog.WrongKindError
	switch {
	case errors.As(err, &wk):
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a sequence", name)
	case errors.Is(err, catalog.ErrNotFound):
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
	}
	return s, err
}

// regclassName reads a relation name as regclass input: [schema.]name,
// each part folded to lower case unless double-quoted.
func regclassName(text string) (string, error) {
	var parts []string
	rest := strings.TrimSpace(text)
	for {
		var part string
		if strings.HasPrefix(rest, `"`) {
			end := 1
			var b strings.Builder
			for {
				i := strings.IndexByte(rest[end:], '"')
				if i < 0 {
					return "", pgerr.New(pgerr.InvalidName, "invalid name syntax")
				}
				b.WriteString(rest[end : end+i])
				end += i + 1
				if strings.HasPrefix(rest[end:], `"`) {
					b.WriteByte('"')
					end++
					continue
				}
				break
			}
			part, rest = b.String(), rest[end:]
		} else {
			i := strings.IndexByte(rest, '.')
			if i < 0 {
				i = len(rest)
			}
			part, rest = strings.ToLower(rest[:i]), rest[i:]
		}
		if part == "" {
			return "", pgerr.New(pgerr.InvalidName, "invalid name syntax")
		}
		parts = append(parts, part)
		if rest == "" {
			break
		}
		if rest[0] != '.' {
			return "", pgerr.New(pgerr.InvalidName, "invalid name syntax")
		}
		rest = rest[1:]
	}
	switch len(parts) {
	case 1:
		return parts[0], nil
	case 2:
		if parts[0] != "public" && parts[0] != "pg_catalog" {
			return "", pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", parts[0])
		}
		return parts[1], nil
	}
	return "", pgerr.New(pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", text)
}

// sequenceError words the catalog's sequence errors as Postgres does.
func sequenceError(s *catalog.Sequence, err error) error {
	switch {
	case errors.Is(err, catalog.ErrSequenceLimit):
		if s.Increment > 0 {
			return pgerr.New(pgerr.SequenceGeneratorLimitExceeded, "nextval: reached maximum value of sequence %q (%d)", s.Name, s.Max)
		}
		return pgerr.New(pgerr.SequenceGeneratorLimitExceeded, "nextval: reached minimum value of sequence %q (%d)", s.Name, s.Min)
	case errors.Is(err, catalog.ErrNotFound):
		return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", s.Name)
	}
	return fmt.Errorf("sequence %q: %w", s.Name, err)
}

// sequenceRelation plans SELECT * FROM a sequence: one row of
// last_value, log_cnt and is_called, read when the plan runs.
func (p *Planner) sequenceRelation(s *catalog.Sequence, alias string, parent *scope) *relation {
	state := func(i int) plan.Expr {
		return plan.Func{Name: "pg_sequence_state", Impl: func([]storage.Value) (storage.Value, error) {
			st, _ := p.Cat.SequenceState(s.ID)
			switch i {
			case 0:
				return storage.Int64(st.Value), nil
			case 1:
				return storage.Int64(0), nil
			}
			return storage.Bool(st.Called), nil
		}}
	}
	names := []string{"last_value", "log_cnt", "is_called"}
	types := []Type{TypeOf(storage.TypeInt64), TypeOf(storage.TypeInt64), TypeOf(storage.TypeBool)}
	vals := &plan.Values{Rows: [][]plan.Expr{{state(0), state(1), state(2)}}}
	sc := &scope{parent: parent}
	for i, n := range names {
		vals.Cols = append(vals.Cols, plan.Column{Name: n, Type: types[i].T})
		sc.cols = append(sc.cols, column{table: alias, name: n, typ: types[i]})
	}
	return &relation{node: vals, sc: sc}
}
