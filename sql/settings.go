package sql

import (
	"sort"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// setting is one run-time parameter (GUC).
type setting struct {
	value string
	// check validates and canonicalizes a new value.
	check func(string) (string, error)
}

type settings struct {
	vals map[string]*setting
	// reported are the parameters a ParameterStatus message carries.
	changed []string
	// gen counts changes, so derived state can be cached.
	gen uint64
}

// defaults are the parameters clients read or set, with Postgres's
// defaults for a UTF8 database in ISO date style.
func newSettings() *settings {
	s := &settings{vals: map[string]*setting{}}
	add := func(name, v string, check func(string) (string, error)) {
		s.vals[name] = &setting{value: v, check: check}
	}
	add("application_name", "", nil)
	add("client_encoding", "UTF8", checkEncoding)
	add("server_encoding", "UTF8", readOnly("server_encoding"))
	add("datestyle", "ISO, MDY", checkDateStyle)
	add("intervalstyle", "postgres", onlyValue("IntervalStyle", "postgres"))
	add("timezone", "UTC", checkTimeZone)
	add("standard_conforming_strings", "on", nil)
	add("integer_datetimes", "on", readOnly("integer_datetimes"))
	add("server_version", "15.0", readOnly("server_version"))
	add("server_version_num", "150000", readOnly("server_version_num"))
	add("transaction_isolation", "read committed", nil)
	add("default_transaction_isolation", "read committed", checkIsolation)
	add("default_transaction_read_only", "off", checkBool)
	add("transaction_read_only", "off", checkBool)
	add("statement_timeout", "0", checkMillis("statement_timeout"))
	add("lock_timeout", "0", checkMillis("lock_timeout"))
	add("idle_in_transaction_session_timeout", "0", checkMillis("idle_in_transaction_session_timeout"))
	add("extra_float_digits", "1", checkFloatDigits)
	add("search_path", "\"$user\", public", nil)
	add("synchronous_commit", "on", checkSyncCommit)
	add("max_identifier_length", "63", readOnly("max_identifier_length"))
	// Preset options drivers read (pgjdbc's getImportedKeys asks for
	// max_index_keys), at Postgres's values.
	add("max_index_keys", "32", readOnly("max_index_keys"))
	add("max_function_args", "100", readOnly("max_function_args"))
	add("block_size", "8192", readOnly("block_size"))
	add("is_superuser", "on", readOnly("is_superuser"))
	add("session_authorization", "postgres", nil)
	add("in_hot_standby", "off", readOnly("in_hot_standby"))
	add("enable_seqscan", "on", checkBool)
	add("client_min_messages", "notice", nil)
	add("bytea_output", "hex", onlyValue("bytea_output", "hex"))
	add("lc_messages", "C", nil)
	add("lc_monetary", "C", nil)
	add("lc_numeric", "C", nil)
	add("lc_time", "C", nil)
	add("row_security", "on", nil)
	add("jit", "off", nil)
	// PersianDB's own (durability.go): the session's name, fixed at
	// start-up, and its commit points, computed when read.
	add(paramSessionName, "", readOnly(paramSessionName))
	add(paramCommitPoint, "0", readOnly(paramCommitPoint))
	add(paramDurablePoint, "0", readOnly(paramDurablePoint))
	return s
}

func (s *settings) get(name string) (string, error) {
	v, ok := s.vals[strings.ToLower(name)]
	if !ok {
		return "", pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	return v.value, nil
}

func (s *settings) set(name, value string) error {
	name = strings.ToLower(name)
	v, ok := s.vals[name]
	if !ok {
		return pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	if v.check != nil {
		c, err := v.check(value)
		if err != nil {
			return err
		}
		value = c
	}
	v.value = value
	s.changed = append(s.changed, name)
	s.gen++
	return nil
}

// force sets a value without its check, for parameters only the server
// may change (is_superuser, session_authorization at start-up).
func (s *settings) force(name, value string) {
	if v, ok := s.vals[strings.ToLower(name)]; ok {
		v.value = value
		s.changed = append(s.changed, strings.ToLower(name))
		s.gen++
	}
}

func (s *settings) names() []string {
	out := make([]string, 0, len(s.vals))
	for n := range s.vals {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func readOnly(name string) func(string) (string, error) {
	return func(string) (string, error) {
		return "", pgerr.New(pgerr.CantChangeRuntimeParam, "parameter %q cannot be changed", name)
	}
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "parameter requires a Boolean value")
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", pgerr.New(pgerr.FeatureNotSupported, "encoding %q is not supported; only UTF8 is", v)
}

func checkIsolation(v string) (string, error) {
	switch l := strings.ToLower(v); l {
	case "read committed", "repeatable read", "serializable":
		return l, nil
	case "read uncommitted":
		return "read committed", nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"default_transaction_isolation\": %q", v)
}

func checkTimeZone(v string) (string, error) {
	if _, err := loadZone(v); err != nil {
		return "", err
	}
	return v, nil
}

// loadZone reads a TimeZone setting: an IANA name, UTC, or a POSIX-style
// numeric offset in hours (Postgres treats "+5" as UTC+5 in SET TIME ZONE).
func loadZone(v string) (*time.Location, error) {
	switch strings.ToLower(v) {
	case "utc", "gmt", "z", "zulu", "local", "default":
		return time.UTC, nil
	}
	if loc, err := time.LoadLocation(v); err == nil {
		return loc, nil
	}
	return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
}
