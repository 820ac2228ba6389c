package sem

import (
	"time"

	"github.com/persiandb/persiandb/storage"
)

// Context is the session state value semantics depend on. The executor
// builds one per statement; the zero Context means TimeZone UTC and a
// clock read on demand.
type Context struct {
	// Loc is the session TimeZone, used to read and print timestamptz and
	// to convert between timestamp and timestamptz. Nil means UTC.
	Loc *time.Location
	// Now is the transaction start time that now(), current_timestamp,
	// 'now', 'today' and friends return. Zero means time.Now() at each use,
	// which is only right for tests and one-statement transactions.
	Now time.Time
	// Session gives session functions (current_setting, current_user,
	// pg_sleep) the session's state; nil outside a session.
	Session SessionInfo
	// Catalog answers the system catalog functions (pg_get_indexdef,
	// format_type, regclass input and output, ...) from the catalog as
	// the running statement's transaction sees it; nil outside a session.
	Catalog Catalog
}

// Catalog is what the catalog functions read. It is implemented over the
// engine's catalog (sql/syscat), which sem cannot import.
type Catalog interface {
	// CatalogFunc computes the catalog function name (registered in
	// funcs_catalog.go) on arguments already of its parameter types.
	CatalogFunc(name string, args []storage.Value) (storage.Value, error)
	// RegIn resolves the text of a reg* value (regclass: a relation
	// name, optionally schema-qualified, or a number) to an OID; an
	// unknown name is an error with Postgres's SQLSTATE (42P01 for a
	// relation, 42704 for a type).
	RegIn(typ, text string) (int64, error)
	// RegOut is the text form of a reg* value: the object's name, or the
	// number when no object has that OID (as Postgres prints it).
	RegOut(typ string, oid int64) string
}

// SessionInfo is what session functions read and change.
type SessionInfo interface {
	// Setting returns a run-time parameter's value; ok is false for an
	// unknown parameter when missingOK.
	Setting(name string, missingOK bool) (v string, ok bool, err error)
	// SetSetting sets a parameter as SET (or SET LOCAL) does and returns
	// its new value.
	SetSetting(name, value string, local bool) (string, error)
	// User is the session's role.
	User() string
	// BackendPID is the wire connection's process id (0 if none).
	BackendPID() int32
	// Sleep waits, ending early with 57014 when the statement is canceled.
	Sleep(d time.Duration) error
	// AdvisoryLock takes an advisory lock on key (two: the two-integer
	// form's key space), at session or transaction level, shared or
	// exclusive; wait false fails at once with false instead of waiting.
	AdvisoryLock(key int64, two, shared, xact, wait bool) (bool, error)
	// AdvisoryUnlock releases one session-level acquisition; false if
	// the session held none.
	AdvisoryUnlock(key int64, two, shared bool) bool
	// AdvisoryUnlockAll releases the session's session-level locks.
	AdvisoryUnlockAll()
	// TxnID is the statement's transaction's id (txid_current).
	TxnID() int64
	// Notify is pg_notify: a notification sent when the transaction
	// commits.
	Notify(channel, payload string) (storage.Value, error)
}

func (c *Context) loc() *time.Location {
	if c == nil || c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// nowMicros returns Now as µs since 2000-01-01 UTC.
func (c *Context) nowMicros() int64 {
	var t time.Time
	if c != nil {
		t = c.Now
	}
	if t.IsZero() {
		t = time.Now()
	}
	return timeToMicros(t)
}

func timeToMicros(t time.Time) int64 {
	return (t.Unix()-pgEpochUnix)*microsPerSecond + int64(t.Nanosecond()/1000)
}

func microsToTime(us int64) time.Time {
	secs, frac := splitSecs(us)
	return time.Unix(secs+pgEpochUnix, frac*1000).UTC()
}
