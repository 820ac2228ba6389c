package sql

import (
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/sem"
)

// reportedParams are the parameters Postgres reports to the client with
// ParameterStatus at start-up and whenever they change (GUC_REPORT).
var reportedParams = []string{
	"application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
	"in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding",
	"server_version", "session_authorization", "standard_conforming_strings", "TimeZone",
}

// ReportedParams lists the ParameterStatus parameters with their current
// values, spelled as Postgres spells them on the wire.
func (s *Session) ReportedParams() [][2]string {
	out := make([][2]string, 0, len(reportedParams))
	s.reported = map[string]string{}
	for _, n := range reportedParams {
		v, _ := s.settings.get(n)
		out = append(out, [2]string{n, v})
		s.reported[n] = v
	}
	return out
}

// ChangedParams returns the reported parameters whose value changed since
// they were last reported, for ParameterStatus messages: setting a
// parameter to the value it has says nothing, as in Postgres.
func (s *Session) ChangedParams() [][2]string {
	if len(s.settings.changed) == 0 {
		return nil
	}
	var out [][2]string
	for _, n := range reportedParams {
		for _, c := range s.settings.changed {
			if c == strings.ToLower(n) {
				if v, _ := s.settings.get(n); v != s.reported[n] {
					out = append(out, [2]string{n, v})
					s.reported[n] = v
				}
				break
			}
		}
	}
	s.settings.changed = s.settings.changed[:0]
	return out
}

// SetParam applies a run-time parameter as SET does; the wire server uses
// it for start-up parameters and `options=-c name=value`.
func (s *Session) SetParam(name, value string) error {
	_, err := s.set(&dialect.Stmt{Kind: dialect.KindSet, Name: name, Values: []string{value}})
	return err
}

// Param returns a parameter's current value ("" if unknown).
func (s *Session) Param(name string) string {
	v, _ := s.settings.get(name)
	return v
}

// SetAuthorization records the authenticated role, as Postgres reports it
// in session_authorization and is_superuser.
func (s *Session) SetAuthorization(role string, superuser bool) {
	s.settings.force("session_authorization", role)
	v := "off"
	if superuser {
		v = "on"
	}
	s.settings.force("is_superuser", v)
	s.settings.changed = s.settings.changed[:0]
}

// StatementTimeout is statement_timeout as a duration (0: none).
func (s *Session) StatementTimeout() time.Duration {
	v, _ := s.settings.get("statement_timeout")
	return millis(v)
}

// Split cuts a simple-Query string into its statements, with Postgres's
// syntax errors for unterminated quotes and comments.
func Split(query string) ([]string, error) {
	parts, err := dialect.Split(query)
	if err != nil {
		return nil, syntaxError(err)
	}
	return parts, nil
}

// ValueContext is the session's value semantics (TimeZone, DateStyle),
// for decoding parameters as the session would cast them.
func (s *Session) ValueContext() *sem.Context { return &s.sem }
