package pgcodec

import (
	"time"

	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// Format codes, as Bind, RowDescription and COPY carry them.
const (
	Text   int16 = 0
	Binary int16 = 1
)

// BinaryOK reports whether values of the type with this OID have a binary
// format here: every type the planner can resolve except the reg* types,
// whose values reach the wire as names (sql's regNames), so that a client
// must read them as text.
func BinaryOK(oid uint32) bool {
	switch oid {
	case planner.OIDBool, planner.OIDBytea, planner.OIDInt2, planner.OIDInt4, planner.OIDInt8,
		planner.OIDFloat4, planner.OIDFloat8, planner.OIDNumeric,
		planner.OIDText, planner.OIDVarchar, planner.OIDBpchar,
		planner.OIDDate, planner.OIDTimestamp, planner.OIDTimestampTZ,
		planner.OIDInterval, planner.OIDUUID, planner.OIDOid, planner.OIDName, planner.OIDChar,
		planner.OIDJSON, planner.OIDJSONB:
		return true
	}
	if t, ok := planner.TypeByOID(oid); ok && t.IsArray() {
		return BinaryOK(t.ElemOID())
	}
	return false
}

// AppendText appends v's text-format wire representation (never called
// for NULL). loc is the session TimeZone, used by timestamptz; nil is UTC.
// t is unused: a value's text form depends only on its own type, and the
// typmod was applied when the value was made.
func AppendText(buf []byte, v storage.Value, t planner.Type, loc *time.Location) []byte {
	return sem.AppendFormat(buf, v, loc)
}

// DecodeText parses a text-format Bind parameter or COPY field of type t
// as Postgres's typinput does, applying t's modifier as for a column
// (varchar(n) too long is 22001, numeric(p,s) rounds or overflows with
// 22003). Like any text from the client, src must be valid UTF-8 without
// NUL bytes (22021).
func DecodeText(ctx *sem.Context, src []byte, t planner.Type) (storage.Value, error) {
	if err := verifyUTF8(src); err != nil {
		return storage.Value{}, err
	}
	v, err := sem.ParseText(ctx, string(src), t.T)
	if err != nil {
		return storage.Value{}, err
	}
	return planner.ApplyTypmod(v, t, false)
}
