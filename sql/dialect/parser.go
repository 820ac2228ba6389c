package dialect

import (
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/mysql"

	// The value driver must be linked or the parser panics on literals.
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"
)

// SQLMode is the TiDB parser mode that Stmt.Text is written for.
//
//   - ANSI_QUOTES: "x" is an identifier; Text double-quotes identifiers.
//   - PIPES_AS_CONCAT: || concatenates.
//   - IGNORE_SPACE: "f (x)" is a call; Text puts spaces between tokens.
//   - NO_BACKSLASH_ESCAPES: Text writes every string literal as '...' with
//     only the quote doubled (E-strings are decoded first), so a backslash is
//     always a plain character, as in Postgres standard_conforming_strings.
const SQLMode = mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeIgnoreSpace | mysql.ModeNoBackslashEscapes

// NewParser returns a TiDB parser configured for Stmt.Text. A parser is not
// safe for concurrent use; keep one per session.
func NewParser() *parser.Parser {
	p := parser.New()
	p.SetSQLMode(SQLMode)
	return p
}
