package sql

import (
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// Statement is one statement of a simple-Query string: its Text (through
// its terminating ';', if any) and Offset, the number of characters of the
// query before it.
type Statement = dialect.Statement

// SplitWithOffsets cuts a simple-Query string into statements, as Split
// does, keeping each one's terminating ';' and its start in the query.
//
// Error positions (pgerr.Error.Position) of ExecOne(ctx, st.Text) are
// relative to st.Text; Postgres reports them relative to the whole query
// string, so the caller adds st.Offset, with QueryPosition:
//
//	for _, st := range stmts {
//		r, err := sess.ExecOne(ctx, st.Text)
//		if err != nil {
//			return sql.QueryPosition(err, st.Offset)
//		}
//		...
//	}
//
// Passing Text with its ';' lets "SELECT 1 +;" fail "at or near ";"" as
// in Postgres (without it the error is "at end of input").
func SplitWithOffsets(query string) ([]Statement, error) {
	stmts, err := dialect.SplitWithOffsets(query)
	if err != nil {
		return nil, syntaxError(err)
	}
	return stmts, nil
}

// QueryPosition shifts err's position, relative to a statement that starts
// offset characters into the query, to be relative to the query. Errors
// without a position are returned unchanged.
func QueryPosition(err error, offset int) error {
	e := pgerr.As(err)
	if e == nil || e.Position == 0 || offset == 0 {
		return err
	}
	return e.WithPosition(e.Position + offset)
}

// CheckSyntax parses every statement of a multi-statement query without
// running any, and returns the first syntax error (positioned relative to
// the query), as Postgres parses the whole string before it runs the
// first statement: "INSERT ...; selec" inserts nothing. Statements that
// parse are not kept; ExecOne prepares them again.
func (s *Session) CheckSyntax(stmts []Statement) error {
	for _, part := range stmts {
		st, err := dialect.Prepare(part.Text)
		if err != nil {
			return QueryPosition(syntaxError(err), part.Offset)
		}
		if st.Kind != dialect.KindParsed {
			continue
		}
		if _, _, err := s.parser.Parse(st.Text, "", ""); err != nil {
			return QueryPosition(stmtParseError(st, err), part.Offset)
		}
	}
	return nil
}
