package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
)

// Explain renders a plan as an indented tree, one line per entry, in the
// manner of Postgres's EXPLAIN: each node names its operation, its
// details follow indented, and inputs follow as "->" children.
func Explain(n Node) []string { return ExplainWith(n, nil) }

// ExplainWith is Explain with note(node) appended to each node's line
// (EXPLAIN ANALYZE's actual row counts); note may be nil.
func ExplainWith(n Node, note func(Node) string) []string {
	var lines []string
	explainNode(n, 0, &lines, note)
	return lines
}

func explainNode(n Node, depth int, out *[]string, note func(Node) string) {
	first := len(*out)
	defer func() {
		if note != nil && first < len(*out) {
			(*out)[first] += note(n)
		}
	}()
	pad := strings.Repeat("  ", depth)
	head := pad
	if depth > 0 {
		head = strings.Repeat("  ", depth-1) + "->  "
	}
	detail := func(format string, args ...any) {
		*out = append(*out, pad+"      "+fmt.Sprintf(format, args...))
	}
	var inputs []Node
	switch n := n.(type) {
	case *Values:
		*out = append(*out, head+fmt.Sprintf("Values (%d rows)", len(n.Rows)))
	case *Scan:
		name := "Seq Scan on " + n.Table.Name
		if n.Spans != nil {
			name = "Primary Key Scan on " + n.Table.Name
		}
		if n.Reverse {
			name += " (reverse)"
		}
		*out = append(*out, head+name)
		if n.Spans != nil {
			detail("Key: %s", spansText(n.Spans, n.Table.Columns, n.Table.PrimaryKey.Columns))
		}
	case *IndexScan:
		name := "Index Scan using " + n.Index.Name + " on " + n.Table.Name
		if n.Reverse {
			name += " (reverse)"
		}
		*out = append(*out, head+name)
		if n.Spans != nil {
			detail("Key: %s", spansText(n.Spans, n.Table.Columns, n.Index.Columns))
		}
	case *Series:
		*out = append(*out, head+"Function Scan on generate_series")
	case *Unnest:
		*out = append(*out, head+"Function Scan on unnest")
	case *Ordinality:
		*out = append(*out, head+"With Ordinality")
		inputs = []Node{n.Input}
	case *ProjectSet:
		*out = append(*out, head+"ProjectSet")
		inputs = []Node{n.Input}
	case *LateralJoin:
		*out = append(*out, head+"Nested Loop (lateral)")
		inputs = []Node{n.Left, n.Right}
	case *Virtual:
		*out = append(*out, head+"Function Scan on "+n.Name)
	case *RecursiveUnion:
		*out = append(*out, head+"Recursive Union")
		inputs = []Node{n.Init, n.Step}
	case *WorkTable:
		*out = append(*out, head+"WorkTable Scan")
	case *Filter:
		*out = append(*out, head+"Filter")
		detail("Condition: %s", ExprString(n.Pred, n.Input.Columns()))
		inputs = []Node{n.Input}
	case *Project:
		names := make([]string, len(n.Exprs))
		for i, e := range n.Exprs {
			names[i] = ExprString(e, n.Input.Columns())
		}
		*out = append(*out, head+"Project")
		detail("Output: %s", strings.Join(names, ", "))
		inputs = []Node{n.Input}
	case *Sort:
		*out = append(*out, head+"Sort")
		detail("Sort Key: %s", sortKeysText(n.Keys, n.Input.Columns()))
		inputs = []Node{n.Input}
	case *Limit:
		*out = append(*out, head+"Limit")
		inputs = []Node{n.Input}
	case *LockRows:
		*out = append(*out, head+"LockRows")
		inputs = []Node{n.Input}
	case *HashJoin:
		*out = append(*out, head+"Hash "+joinName(n.Kind))
		cols := joinColumns(n.Left, n.Right)
		conds := make([]string, len(n.LeftKeys))
		for i := range n.LeftKeys {
			conds[i] = ExprString(n.LeftKeys[i], n.Left.Columns()) + " = " + ExprString(n.RightKeys[i], n.Right.Columns())
		}
		detail("Hash Cond: %s", strings.Join(conds, " AND "))
		if n.Residual != nil {
			detail("Join Filter: %s", ExprString(n.Residual, cols))
		}
		inputs = []Node{n.Left, n.Right}
	case *NestedLoopJoin:
		*out = append(*out, head+"Nested Loop "+joinName(n.Kind))
		if n.On != nil {
			detail("Join Filter: %s", ExprString(n.On, joinColumns(n.Left, n.Right)))
		}
		inputs = []Node{n.Left, n.Right}
	case *Group:
		name := "Aggregate"
		if len(n.GroupBy) > 0 {
			name = "HashAggregate"
		}
		*out = append(*out, head+name)
		if len(n.GroupBy) > 0 {
			keys := make([]string, len(n.GroupBy))
			for i, e := range n.GroupBy {
				keys[i] = ExprString(e, n.Input.Columns())
			}
			detail("Group Key: %s", strings.Join(keys, ", "))
		}
		inputs = []Node{n.Input}
	case *Distinct:
		if len(n.On) > 0 {
			*out = append(*out, head+"Unique (DISTINCT ON)")
		} else {
			*out = append(*out, head+"HashDistinct")
		}
		inputs = []Node{n.Input}
	case *SetOp:
		name := [...]string{"Union", "Intersect", "Except"}[n.Kind]
		if n.All {
			name += " All"
		}
		*out = append(*out, head+name)
		inputs = []Node{n.Left, n.Right}
	case *Window:
		*out = append(*out, head+"WindowAgg")
		inputs = []Node{n.Input}
	default:
		*out = append(*out, head+fmt.Sprintf("%T", n))
	}
	for _, in := range inputs {
		explainNode(in, depth+1, out, note)
	}
}

func joinName(k JoinKind) string {
	return [...]string{"Join", "Left Join", "Right Join", "Full Join"}[k]
}

func sortKeysText(keys []SortKey, cols []Column) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = ExprString(k.Expr, cols)
		if k.Desc {
			parts[i] += " DESC"
		}
		if k.NullsFirst != k.Desc {
			if k.NullsFirst {
				parts[i] += " NULLS FIRST"
			} else {
				parts[i] += " NULLS LAST"
			}
		}
	}
	return strings.Join(parts, ", ")
}

func spansText(spans []Span, tcols []catalog.Column, keyCols []int) string {
	names := make([]string, len(keyCols))
	for i, c := range keyCols {
		names[i] = tcols[c].Name
	}
	parts := make([]string, 0, len(spans))
	for _, s := range spans {
		parts = append(parts, spanText(s, names))
	}
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("... (%d spans)", len(spans)))
	}
	return strings.Join(parts, " OR ")
}

func spanText(s Span, names []string) string {
	vals := func(b *KeyBound) string {
		v := make([]string, len(b.Vals))
		for i, e := range b.Vals {
			v[i] = ExprString(e, nil)
		}
		return "(" + strings.Join(v, ", ") + ")"
	}
	cols := func(n int) string { return "(" + strings.Join(names[:min(n, len(names))], ", ") + ")" }
	if s.Lo != nil && s.Hi != nil && s.Lo == s.Hi {
		return cols(len(s.Lo.Vals)) + " = " + vals(s.Lo)
	}
	var parts []string
	if s.Lo != nil {
		op := " > "
		if s.Lo.Inclusive {
			op = " >= "
		}
		parts = append(parts, cols(len(s.Lo.Vals))+op+vals(s.Lo))
	}
	if s.Hi != nil {
		op := " < "
		if s.Hi.Inclusive {
			op = " <= "
		}
		parts = append(parts, cols(len(s.Hi.Vals))+op+vals(s.Hi))
	}
	return strings.Join(parts, " AND ")
}

var cmpText = [...]string{"=", "<>", "<", "<=", ">", ">=", "IS NOT DISTINCT FROM"}

// ExprString renders an expression over input columns cols.
func ExprString(e Expr, cols []Column) string {
	switch e := e.(type) {
	case Col:
		if e.Idx < len(cols) {
			return cols[e.Idx].Name
		}
		return "$col" + strconv.Itoa(e.Idx)
	case Outer:
		return fmt.Sprintf("outer%d.$%d", e.Depth, e.Idx)
	case Const:
		if e.Value.IsNull() {
			return "NULL"
		}
		return e.Value.String()
	case Param:
		return "$" + strconv.Itoa(e.N)
	case Cmp:
		return "(" + ExprString(e.L, cols) + " " + cmpText[e.Op] + " " + ExprString(e.R, cols) + ")"
	case And:
		return "(" + ExprString(e.L, cols) + " AND " + ExprString(e.R, cols) + ")"
	case Or:
		return "(" + ExprString(e.L, cols) + " OR " + ExprString(e.R, cols) + ")"
	case Not:
		return "(NOT " + ExprString(e.X, cols) + ")"
	case IsNull:
		if e.Negate {
			return "(" + ExprString(e.X, cols) + " IS NOT NULL)"
		}
		return "(" + ExprString(e.X, cols) + " IS NULL)"
	case Func:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = ExprString(a, cols)
		}
		if len(args) == 2 && !isIdent(e.Name) {
			return "(" + args[0] + " " + e.Name + " " + args[1] + ")"
		}
		return e.Name + "(" + strings.Join(args, ", ") + ")"
	case Case:
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range e.Whens {
			b.WriteString(" WHEN " + ExprString(w.Cond, cols) + " THEN " + ExprString(w.Then, cols))
		}
		if e.Else != nil {
			b.WriteString(" ELSE " + ExprString(e.Else, cols))
		}
		b.WriteString(" END")
		return b.String()
	case Coalesce:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = ExprString(a, cols)
		}
		return "COALESCE(" + strings.Join(args, ", ") + ")"
	case InList:
		args := make([]string, len(e.List))
		for i, a := range e.List {
			args[i] = ExprString(a, cols)
		}
		return "(" + ExprString(e.X, cols) + " IN (" + strings.Join(args, ", ") + "))"
	case Subquery:
		kind := [...]string{"SubPlan", "EXISTS(SubPlan)", "ANY(SubPlan)", "ALL(SubPlan)"}[e.Kind]
		if e.Left != nil {
			return "(" + ExprString(e.Left, cols) + " " + cmpText[e.Op] + " " + kind + ")"
		}
		return kind
	}
	return fmt.Sprintf("%T", e)
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
