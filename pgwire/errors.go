package pgwire

import (
	"errors"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// errorResponse renders err as Postgres's ErrorResponse (or, with a
// notice severity, NoticeResponse's fields). Errors without a SQLSTATE
// are internal errors (XX000): the engine should not produce them.
func errorResponse(err error) *pgproto3.ErrorResponse {
	e := pgerr.As(err)
	if e == nil {
		e = pgerr.New(pgerr.InternalError, "%s", err.Error())
	}
	sev := e.Severity
	if sev == "" {
		sev = pgerr.SeverityError
	}
	r := &pgproto3.ErrorResponse{
		Severity:            sev,
		SeverityUnlocalized: sev,
		Code:                string(e.Code),
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(e.Position),
		SchemaName:          e.Schema,
		TableName:           e.Table,
		ColumnName:          e.Column,
		DataTypeName:        e.DataType,
		ConstraintName:      e.Constraint,
		Where:               e.Where,
	}
	if r.TableName != "" && r.SchemaName == "" {
		// Every table lives in schema public.
		r.SchemaName = "public"
	}
	return r
}

func noticeResponse(e *pgerr.Error) *pgproto3.NoticeResponse {
	r := errorResponse(e)
	if r.Severity == pgerr.SeverityError {
		r.Severity, r.SeverityUnlocalized = pgerr.SeverityNotice, pgerr.SeverityNotice
	}
	return (*pgproto3.NoticeResponse)(r)
}

// fatal marks an error as ending the session.
func fatalf(code pgerr.Code, format string, args ...any) *pgerr.Error {
	return pgerr.New(code, format, args...).WithSeverity(pgerr.SeverityFatal)
}

// errTimeout is the cause of a statement's context ending by
// statement_timeout; errShutdown by the server shutting down.
var (
	errTimeout  = errors.New("statement timeout")
	errShutdown = errors.New("server shutdown")
)

// canceledError rewrites a 57014 error to say why the statement was
// canceled, as Postgres words each cause.
func canceledError(err error, cause error) error {
	if pgerr.CodeOf(err) != pgerr.QueryCanceled {
		return err
	}
	if errors.Is(err, sql.ErrNotDurable) {
		// A commit's wait for durability: the transaction committed, which
		// the detail says whatever the cause.
		detail := pgerr.As(err).Detail
		switch cause {
		case errTimeout:
			return pgerr.New(pgerr.QueryCanceled, "canceling wait for a durable checkpoint due to statement timeout").WithDetail("%s", detail)
		case errShutdown:
			return fatalf(pgerr.AdminShutdown, "canceling the wait for a durable checkpoint and terminating connection due to administrator command").WithDetail("%s", detail)
		}
		return err
	}
	switch cause {
	case errTimeout:
		return pgerr.New(pgerr.QueryCanceled, "canceling statement due to statement timeout")
	case errShutdown:
		return errAdminShutdown
	}
	return err
}

// errAdminShutdown ends sessions when the server stops.
var errAdminShutdown = fatalf(pgerr.AdminShutdown, "terminating connection due to administrator command")
