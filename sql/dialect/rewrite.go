package dialect

import (
	"strconv"
	"strings"
)

// Internal names written into Stmt.Text. User identifiers with the prefix
// are rejected by Prepare, so every such name in Text came from a rewrite.
const (
	internalPrefix = "pdb_"
	// FuncCast is pdb_cast(expr, 'type'): a Postgres cast; the second
	// argument is TypeName.String() (read it with ParseTypeName).
	FuncCast = "pdb_cast"
	// FuncNullsFirst / FuncNullsLast wrap an ORDER BY item's expression
	// (in SELECT, window and aggregate ORDER BY alike): ORDER BY
	// pdb_nulls_first(x) DESC means ORDER BY x DESC NULLS FIRST. The
	// wrapped expression may be an output-column ordinal or alias.
	FuncNullsFirst = "pdb_nulls_first"
	FuncNullsLast  = "pdb_nulls_last"
	// FuncDistinctOn is the first select field pdb_distinct_on(e1, ...)
	// AS pdb_distinct_on, standing for SELECT DISTINCT ON (e1, ...): the
	// planner removes the field and keeps its arguments.
	FuncDistinctOn = "pdb_distinct_on"
	// FuncRegexMatch(s, pattern) is s ~ pattern; FuncRegexIMatch is ~*.
	// !~ and !~* are written as (NOT pdb_regex_match(...)).
	FuncRegexMatch  = "pdb_regex_match"
	FuncRegexIMatch = "pdb_regex_imatch"
	// SeriesTablePrefix names the pseudo-table standing for the i-th
	// FuncConcat is the concat() function: the TiDB parser turns the ||
	// operator into a call named concat, and the two differ in Postgres
	// (concat skips NULLs, || yields NULL), so calls the user wrote are
	// renamed.
	FuncConcat = "pdb_concat"
	// FuncExtract is EXTRACT(field FROM x), written pdb_extract('field', x).
	FuncExtract = "pdb_extract"
	// generate_series call in FROM: pdb_series_<i>, see Series.
	SeriesTablePrefix = "pdb_series_"
)

// Cast is one Postgres cast written into Text as pdb_cast.
type Cast struct {
	Type TypeName
	Pos  int // source offset of the "::" or CAST it came from
}

// Rewrites is what the parse-level rewrites of a KindParsed statement
// stripped from or changed in Text. Nested statements carry their own
// parameter maps and casts.
type Rewrites struct {
	// Returning is the RETURNING list of INSERT/UPDATE/DELETE, as the
	// statement "SELECT <list>" (evaluated per affected row).
	Returning *Stmt
	// OnConflict is INSERT's ON CONFLICT clause, stripped from Text.
	OnConflict *OnConflict
	// Columns lists the Postgres type of every column defined in CREATE
	// TABLE / ALTER TABLE ADD COLUMN / ALTER COLUMN TYPE, in order. The
	// MySQL type in the AST is a placeholder; this is authoritative.
	Columns []ColumnType
	// Series lists generate_series calls in FROM; the i-th is the table
	// pdb_series_<i> in Text.
	Series []Series
	// IndexName is set when CREATE INDEX had no name: the one generated
	// (Postgres style, <table>_<col>_idx) and written into Text.
	IndexName string
	// StorageParams are the WITH (name = value, ...) options stripped from
	// CREATE TABLE / CREATE INDEX (fillfactor ...); accepted and ignored.
	StorageParams []Option
	// Cascade is set when DROP TABLE/VIEW/SEQUENCE/INDEX ended in CASCADE
	// (stripped from Text, as is RESTRICT, the default).
	Cascade bool
	// DropNames are the indexes of DROP INDEX; Text names only
	// DropIndexPlaceholder.
	DropNames []ObjectName
}

// OnConflict is INSERT ... ON CONFLICT.
type OnConflict struct {
	Columns    []string // conflict target columns; nil with Constraint or none
	Constraint string   // ON CONFLICT ON CONSTRAINT name
	DoNothing  bool
	// Update is DO UPDATE SET ... [WHERE ...] as the statement
	// "UPDATE <table> SET ... [WHERE ...]": references to the proposed row
	// are kept as the qualifier "excluded" (excluded.col), which Postgres
	// reserves for exactly this.
	Update *Stmt
}

// ColumnType is the Postgres type of one column in DDL.
type ColumnType struct {
	Table  ObjectName
	Column string
	Type   TypeName
}

// Series is a set-returning function call in FROM (generate_series,
// unnest, generate_subscripts), written as "pdb_series_<i> AS <alias>" in
// Text.
type Series struct {
	Func  string // "generate_series", "unnest" or "generate_subscripts"
	Table string // pdb_series_<i>
	Alias string // table alias; the function's name if none was given
	// Aliased says the alias was written: a function of one column then
	// names that column after it, as Postgres does.
	Aliased bool
	// Columns is the alias's column list, nil without one; it names the
	// first len(Columns) output columns.
	Columns []string
	// Ordinality is WITH ORDINALITY: a last bigint column counting rows
	// from 1.
	Ordinality bool
	Args       *Stmt // "SELECT args"; nil if the call had none
}

func (s *Stmt) rewrites() *Rewrites {
	if s.Rewrites == nil {
		s.Rewrites = &Rewrites{}
	}
	return s.Rewrites
}

// rewrite turns a KindParsed statement's tokens into s.Text.
func rewrite(s *Stmt, toks []Token) error {
	toks, err := rewriteExplain(toks)
	if err != nil {
		return err
	}
	if toks, err = rewriteIdentity(toks); err != nil {
		return err
	}
	if toks, err = rewriteQualified(toks); err != nil {
		return err
	}
	toks = rewriteExpandArray(toks)
	toks, err = rewriteStructure(s, toks)
	if err != nil {
		return err
	}
	return rewriteExprs(s, toks)
}

// rewriteExprs applies the expression-level rewrites and emits s.Text.
func rewriteExprs(s *Stmt, toks []Token) error {
	casts := map[int]TypeName{}
	toks, err := rewriteCasts(toks, casts)
	if err != nil {
		return err
	}
	if toks, err = rewriteArrayOps(toks); err != nil {
		return err
	}
	if toks, err = rewriteAnyAll(toks); err != nil {
		return err
	}
	if toks, err = rewriteArrayAssign(toks); err != nil {
		return err
	}
	if toks, err = rewriteArrays(toks); err != nil {
		return err
	}
	if toks, err = rewriteArrayNames(toks); err != nil {
		return err
	}
	if toks, err = rewriteDistinctFrom(toks); err != nil {
		return err
	}
	if toks, err = rewriteRegex(toks); err != nil {
		return err
	}
	if toks, err = rewriteOpCalls(toks); err != nil {
		return err
	}
	if toks, err = rewriteBitOps(toks); err != nil {
		return err
	}
	toks = rewriteNulls(toks)
	toks = rewriteSeqFuncs(toks)
	toks = rewriteConcatFunc(toks)
	toks = rewriteValueFuncs(toks)
	toks = rewriteExtract(toks)
	toks = rewriteLimit(toks)
	if toks, err = rewriteFullJoin(toks); err != nil {
		return err
	}
	if toks, err = rewriteDistinctOn(toks); err != nil {
		return err
	}
	if toks, err = rewriteSeries(s, toks, casts); err != nil {
		return err
	}
	return emit(s, quoteReserved(toks), casts)
}

// subStmt builds a nested KindParsed statement of parent from lead
// (keywords such as "select", or "update t") followed by toks; positions
// stay relative to parent's Source.
func subStmt(parent *Stmt, lead, toks []Token) (*Stmt, error) {
	s := &Stmt{Kind: KindParsed, Source: parent.Source, base: parent.base}
	all := append(append([]Token(nil), lead...), toks...)
	if err := rewriteExprs(s, all); err != nil {
		return nil, err
	}
	s.NumParams = maxParam(s)
	return s, nil
}

// synth makes a token that a rewrite adds; Pos points at the source token
// it stands for, so errors and SourcePos still lead somewhere useful.
func synth(kind TokenKind, text string, pos int) Token {
	return Token{Kind: kind, Text: text, Pos: pos}
}

// opsOK are the operators passed to the TiDB parser unchanged: they mean
// the same in MySQL (with PIPES_AS_CONCAT). Anything else (#, ?, @>, ->,
// ^ ...) would be misread by the MySQL lexer (# starts a comment, ? is a
// marker, ^ is XOR), so it is rejected rather than silently changed.
var opsOK = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "<": true, ">": true,
	"<=": true, ">=": true, "<>": true, "||": true, "&": true, "|": true, "<<": true, ">>": true,
	"~": true, "<=>": true,
}

// emit writes toks as TiDB text into s: identifiers lower case unquoted or
// double-quoted exact, strings re-quoted, $n as ? with s.Params.
func emit(s *Stmt, toks []Token, casts map[int]TypeName) error {
	var b strings.Builder
	var prev Token
	s.spans = make([]span, 0, len(toks))
	for i, t := range toks {
		if i > 0 && space(prev, t) {
			b.WriteByte(' ')
		}
		prev = t
		s.spans = append(s.spans, span{text: int32(b.Len()), src: int32(t.Pos)})
		switch t.Kind {
		case Ident:
			if t.Text == FuncCast {
				if ty, ok := casts[t.Pos]; ok {
					s.Casts = append(s.Casts, Cast{Type: ty, Pos: t.Pos})
				}
			}
			b.WriteString(t.Text)
		case QuotedIdent:
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(t.Text, `"`, `""`))
			b.WriteByte('"')
		case String:
			writeString(&b, t.Text)
		case BitString:
			if t.Raw != "" && (t.Raw[0] == 'x' || t.Raw[0] == 'X') {
				b.WriteString("x'" + t.Text + "'")
			} else {
				b.WriteString("b'" + t.Text + "'")
			}
		case Number:
			b.WriteString(t.Text)
		case Param:
			n, _ := strconv.Atoi(t.Text)
			s.Params = append(s.Params, n)
			s.ParamOffsets = append(s.ParamOffsets, b.Len())
			b.WriteByte('?')
		case Op:
			if !opsOK[t.Text] {
				return codedErr(CodeFeatureNotSupported, t.Pos, "operator %s is not supported", t.Text)
			}
			b.WriteString(t.Text)
		case Punct:
			if t.Text == ":" || t.Text == ";" {
				return syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
			}
			b.WriteString(t.Text)
		}
	}
	s.Text = b.String()
	return nil
}

func writeString(b *strings.Builder, v string) {
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(v, "'", "''"))
	b.WriteByte('\'')
}

// space decides whether a space goes between two emitted tokens. Spaces
// are always safe for the TiDB lexer (IGNORE_SPACE makes "f (x)" a call);
// they are left out only around . ( [ and before , ) ] for readability.
func space(prev, t Token) bool {
	if prev.Kind == Punct && (prev.Text == "(" || prev.Text == "[" || prev.Text == ".") {
		return false
	}
	if t.Kind == Punct && (t.Text == "," || t.Text == ")" || t.Text == "]" || t.Text == ".") {
		return false
	}
	return true
}
