package sem

import (
	"math"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Version is what version() returns: tools parse the leading
// "PostgreSQL <major>.<minor>".
var Version = "PostgreSQL 15.0 (PersianDB) on x86_64-pc-linux-gnu, compiled by Go"

func noSession() error {
	return pgerr.New(pgerr.FeatureNotSupported, "session functions need a session")
}

func init() {
	setting := func(c *Context, a []storage.Value) (storage.Value, error) {
		if c.Session == nil {
			return storage.Value{}, noSession()
		}
		missingOK := len(a) > 1 && !a[1].IsNull() && a[1].AsBool()
		v, ok, err := c.Session.Setting(str(a[0]), missingOK)
		if err != nil || !ok {
			return storage.Null(), err
		}
		return storage.Text(v), nil
	}
	user := func(c *Context, _ []storage.Value) (storage.Value, error) {
		if c.Session == nil {
			return storage.Text("postgres"), nil
		}
		return storage.Text(c.Session.User()), nil
	}
	text := func(v string) func(*Context, []storage.Value) (storage.Value, error) {
		return func(*Context, []storage.Value) (storage.Value, error) { return storage.Text(v), nil }
	}
	register(
		&Func{Name: "current_setting", Args: types(tText), Ret: tText, Volatile: true, Fn: setting},
		&Func{Name: "current_setting", Args: types(tText, storage.TypeBool), Ret: tText, Volatile: true, NonStrict: true, Fn: setting},
		&Func{Name: "set_config", Args: types(tText, tText, storage.TypeBool), Ret: tText, Volatile: true, NonStrict: true,
			Fn: func(c *Context, a []storage.Value) (storage.Value, error) {
				if c.Session == nil {
					return storage.Value{}, noSession()
				}
				if a[0].IsNull() {
					return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "SET requires parameter name")
				}
				val := ""
				if !a[1].IsNull() {
					val = str(a[1])
				}
				local := !a[2].IsNull() && a[2].AsBool()
				v, err := c.Session.SetSetting(str(a[0]), val, local)
				if err != nil {
					return storage.Value{}, err
				}
				return storage.Text(v), nil
			}},
		&Func{Name: "current_user", Ret: tText, Volatile: true, Fn: user},
		&Func{Name: "session_user", Ret: tText, Volatile: true, Fn: user},
		&Func{Name: "current_role", Ret: tText, Volatile: true, Fn: user},
		&Func{Name: "user", Ret: tText, Volatile: true, Fn: user},
		fn("current_database", tText, nil, text("postgres")),
		fn("current_catalog", tText, nil, text("postgres")),
		fn("current_schema", tText, nil, text("public")),
		// current_schemas(include_implicit): the effective search path;
		// pg_catalog is searched first, implicitly.
		fn("current_schemas", storage.ArrayOf(tText), types(storage.TypeBool), func(_ *Context, a []storage.Value) (storage.Value, error) {
			names := []storage.Value{storage.Text("public")}
			if a[0].AsBool() {
				names = append([]storage.Value{storage.Text("pg_catalog")}, names...)
			}
			return storage.Array(tText, []storage.ArrayDim{{Len: int32(len(names)), Lower: 1}}, names)
		}),
		fn("version", tText, nil, func(*Context, []storage.Value) (storage.Value, error) { return storage.Text(Version), nil }),
		&Func{Name: "pg_backend_pid", Ret: storage.TypeInt32, Volatile: true, Fn: func(c *Context, _ []storage.Value) (storage.Value, error) {
			if c.Session == nil {
				return storage.Int32(0), nil
			}
			return storage.Int32(c.Session.BackendPID()), nil
		}},
		&Func{Name: "pg_sleep", Args: types(tFloat8), Ret: tText, Volatile: true, Fn: func(c *Context, a []storage.Value) (storage.Value, error) {
			secs := a[0].AsFloat64()
			if secs > 0 && !math.IsNaN(secs) {
				d := time.Duration(math.Min(secs, 1e9) * float64(time.Second))
				if c.Session == nil {
					time.Sleep(d)
				} else if err := c.Session.Sleep(d); err != nil {
					return storage.Value{}, err
				}
			}
			return storage.Text(""), nil
		}},
	)
}
