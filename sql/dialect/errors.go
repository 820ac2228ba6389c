package dialect

import "fmt"

// SQLSTATE codes this package produces. The SQL layer copies Code into the
// error it sends to the client; it does not need to know which rule failed.
const (
	CodeSyntaxError         = "42601"
	CodeInvalidByteSequence = "22021" // a string decodes to invalid UTF-8 or NUL
	CodeFeatureNotSupported = "0A000"
	CodeReservedName        = "42939" // an identifier uses the internal pdb_ prefix
)

// SyntaxError is every error this package returns: the statement cannot be
// tokenized, classified or rewritten. Pos is a byte offset into the text that
// was passed in (the query for Tokenize and Split, the statement for Prepare).
// Position is what Postgres reports as "at character N": 1-based, in
// characters of that text; the exported functions (Tokenize, Split,
// SplitWithOffsets, Prepare, Stmt.SyntaxErrorAt) set it.
type SyntaxError struct {
	Code     string // SQLSTATE, CodeSyntaxError unless said otherwise
	Pos      int
	Position int
	Msg      string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("dialect: %s (at byte %d, SQLSTATE %s)", e.Msg, e.Pos, e.Code)
}

func syntaxErr(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Code: CodeSyntaxError, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func codedErr(code string, pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Code: code, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
