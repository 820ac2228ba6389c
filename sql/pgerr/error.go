package pgerr

import (
	"errors"
	"fmt"
)

// Severities, as the wire's S and V fields spell them.
const (
	SeverityError   = "ERROR"
	SeverityFatal   = "FATAL"
	SeverityPanic   = "PANIC"
	SeverityWarning = "WARNING"
	SeverityNotice  = "NOTICE"
	SeverityDebug   = "DEBUG"
	SeverityInfo    = "INFO"
	SeverityLog     = "LOG"
)

// Error is an error with its SQLSTATE and the optional fields of
// Postgres's ErrorResponse. Message is the primary message as Postgres words
// it: lower case, no trailing period. Detail and Hint are full sentences.
// Position is the 1-based character offset into the query text, 0 if none.
//
// An *Error is immutable once returned: the With* methods return a
// modified copy, so an error may be shared (as a package variable, or by
// several goroutines) without copying first.
type Error struct {
	Code       Code
	Severity   string // SeverityError unless set otherwise
	Message    string
	Detail     string
	Hint       string
	Position   int
	Constraint string
	Table      string
	Column     string
	Schema     string
	DataType   string
	// Where is the CONTEXT line ("COPY t, line 2, column a: ...").
	Where string

	cause error // the wrapped lower-layer error, if any
}

// New returns an ERROR with the given code; the message is formatted with
// fmt.Sprintf when args are given and used verbatim otherwise.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Severity: SeverityError, Message: sprintf(format, args)}
}

// Wrap returns an ERROR with the given code that wraps err, so that
// errors.Is and errors.As still see err (and its sentinels). The message is
// formatted from format and args; an empty format keeps err's message.
// Wrap(nil, ...) returns nil.
func Wrap(err error, code Code, format string, args ...any) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if format != "" {
		msg = sprintf(format, args)
	}
	return &Error{Code: code, Severity: SeverityError, Message: msg, cause: err}
}

func sprintf(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Error returns the primary message, as the client sees it.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the wrapped lower-layer error, or nil.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) clone() *Error { c := *e; return &c }

// WithDetail returns a copy of e with the detail set.
func (e *Error) WithDetail(format string, args ...any) *Error {
	c := e.clone()
	c.Detail = sprintf(format, args)
	return c
}

// WithHint returns a copy of e with the hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := e.clone()
	c.Hint = sprintf(format, args)
	return c
}

// WithPosition returns a copy of e with the 1-based query position set.
func (e *Error) WithPosition(pos int) *Error { c := e.clone(); c.Position = pos; return c }

// WithConstraint returns a copy of e naming the constraint.
func (e *Error) WithConstraint(name string) *Error { c := e.clone(); c.Constraint = name; return c }

// WithTable returns a copy of e naming the table.
func (e *Error) WithTable(name string) *Error { c := e.clone(); c.Table = name; return c }

// WithColumn returns a copy of e naming the column.
func (e *Error) WithColumn(name string) *Error { c := e.clone(); c.Column = name; return c }

// WithSchema returns a copy of e naming the schema.
func (e *Error) WithSchema(name string) *Error { c := e.clone(); c.Schema = name; return c }

// WithDataType returns a copy of e naming the data type.
func (e *Error) WithDataType(name string) *Error { c := e.clone(); c.DataType = name; return c }

// WithWhere returns a copy of e with the CONTEXT text set.
func (e *Error) WithWhere(format string, args ...any) *Error {
	c := e.clone()
	c.Where = sprintf(format, args)
	return c
}

// WithSeverity returns a copy of e with the severity set (SeverityFatal for
// errors that end the session).
func (e *Error) WithSeverity(s string) *Error { c := e.clone(); c.Severity = s; return c }

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns the SQLSTATE of err: SuccessfulCompletion for nil, the
// code of the first *Error in the chain, else the code FromTxn would give a
// known lower-layer sentinel, else InternalError.
func CodeOf(err error) Code {
	if err == nil {
		return SuccessfulCompletion
	}
	if e := As(err); e != nil {
		return e.Code
	}
	if e := As(FromTxn(err)); e != nil {
		return e.Code
	}
	return InternalError
}

// Flatten returns err as an *Error for the wire: the first *Error in the
// chain, else the FromTxn translation, else an XX000 carrying err's
// message. Flatten(nil) is nil.
func Flatten(err error) *Error {
	if err == nil {
		return nil
	}
	if e := As(err); e != nil {
		return e
	}
	if e := As(FromTxn(err)); e != nil {
		return e
	}
	return &Error{Code: InternalError, Severity: SeverityError, Message: err.Error(), cause: err}
}

// WithPosition attaches a query position to err's *Error, converting err
// first as Flatten does; the parser and planner use it on errors from
// below that know nothing of the query text. A nil err stays nil.
func WithPosition(err error, pos int) error {
	if err == nil {
		return nil
	}
	return Flatten(err).WithPosition(pos)
}

// SQLState returns the error's SQLSTATE code, as drivers' error types do.
func (e *Error) SQLState() string { return string(e.Code) }
