package sem

import "github.com/persiandb/persiandb/storage"

// The advisory lock functions, txid_current and pg_notify. Postgres's lock
// functions return void; here they return an empty text, which prints as
// Postgres's empty void does.
func init() {
	// key returns the lock key of the bigint or the two-integer form.
	key := func(a []storage.Value) (int64, bool) {
		if len(a) == 2 {
			return a[0].AsInt64()<<32 | int64(uint32(a[1].AsInt64())), true
		}
		return a[0].AsInt64(), false
	}
	lock := func(shared, xact, wait bool) func(*Context, []storage.Value) (storage.Value, error) {
		return func(c *Context, a []storage.Value) (storage.Value, error) {
			if c.Session == nil {
				return storage.Value{}, noSession()
			}
			k, two := key(a)
			ok, err := c.Session.AdvisoryLock(k, two, shared, xact, wait)
			if err != nil {
				return storage.Value{}, err
			}
			if wait {
				return storage.Text(""), nil
			}
			return storage.Bool(ok), nil
		}
	}
	unlock := func(shared bool) func(*Context, []storage.Value) (storage.Value, error) {
		return func(c *Context, a []storage.Value) (storage.Value, error) {
			if c.Session == nil {
				return storage.Value{}, noSession()
			}
			k, two := key(a)
			return storage.Bool(c.Session.AdvisoryUnlock(k, two, shared)), nil
		}
	}
	var fs []*Func
	for _, shared := range []bool{false, true} {
		suffix := ""
		if shared {
			suffix = "_shared"
		}
		for _, xact := range []bool{false, true} {
			level := "_"
			if xact {
				level = "_xact_"
			}
			for _, args := range [][]storage.Type{{tInt8}, {tInt4, tInt4}} {
				fs = append(fs,
					&Func{Name: "pg_advisory" + level + "lock" + suffix, Args: args, Ret: tText, Volatile: true, Fn: lock(shared, xact, true)},
					&Func{Name: "pg_try_advisory" + level + "lock" + suffix, Args: args, Ret: storage.TypeBool, Volatile: true, Fn: lock(shared, xact, false)})
			}
		}
		for _, args := range [][]storage.Type{{tInt8}, {tInt4, tInt4}} {
			fs = append(fs, &Func{Name: "pg_advisory_unlock" + suffix, Args: args, Ret: storage.TypeBool, Volatile: true, Fn: unlock(shared)})
		}
	}
	txid := func(c *Context, _ []storage.Value) (storage.Value, error) {
		if c.Session == nil {
			return storage.Value{}, noSession()
		}
		return storage.Int64(c.Session.TxnID()), nil
	}
	fs = append(fs,
		&Func{Name: "pg_advisory_unlock_all", Ret: tText, Volatile: true, Fn: func(c *Context, _ []storage.Value) (storage.Value, error) {
			if c.Session == nil {
				return storage.Value{}, noSession()
			}
			c.Session.AdvisoryUnlockAll()
			return storage.Text(""), nil
		}},
		&Func{Name: "txid_current", Ret: tInt8, Volatile: true, Fn: txid},
		&Func{Name: "pg_notify", Args: types(tText, tText), Ret: tText, Volatile: true, NonStrict: true, Fn: func(c *Context, a []storage.Value) (storage.Value, error) {
			if c.Session == nil {
				return storage.Value{}, noSession()
			}
			var ch, payload string
			if !a[0].IsNull() {
				ch = a[0].AsString()
			}
			if !a[1].IsNull() {
				payload = a[1].AsString()
			}
			return c.Session.Notify(ch, payload)
		}},
		&Func{Name: "pg_current_xact_id", Ret: tInt8, Volatile: true, Fn: txid},
	)
	register(fs...)
}
