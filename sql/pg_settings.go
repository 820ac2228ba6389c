package sql

import (
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// pg_settings is the session's run-time parameters as a pg_catalog view
// (what SHOW ALL lists, with Postgres 15's columns). It lives here and
// not in sql/syscat because its rows are the session's, not the
// catalog's. Only name, setting, context, vartype and source say
// something; the rest is NULL or empty.
var pgSettingsColumns = func() []planner.VirtualColumn {
	text := planner.TypeOf(storage.TypeText)
	var cols []planner.VirtualColumn
	for _, n := range []string{"name", "setting", "unit", "category", "short_desc", "extra_desc", "context",
		"vartype", "source", "min_val", "max_val"} {
		cols = append(cols, planner.VirtualColumn{Name: n, Type: text})
	}
	cols = append(cols, planner.VirtualColumn{Name: "enumvals", Type: planner.ArrayOf(text)})
	for _, n := range []string{"boot_val", "reset_val", "sourcefile"} {
		cols = append(cols, planner.VirtualColumn{Name: n, Type: text})
	}
	return append(cols, planner.VirtualColumn{Name: "sourceline", Type: planner.TypeOf(storage.TypeInt32)},
		planner.VirtualColumn{Name: "pending_restart", Type: planner.TypeOf(storage.TypeBool)})
}()

// settingsRows are pg_settings' rows for the session.
func (s *Session) settingsRows() [][]storage.Value {
	var out [][]storage.Value
	null := storage.Null()
	for _, n := range s.settings.names() {
		v, ok := s.liveSetting(n)
		if !ok {
			v, _ = s.settings.get(n)
		}
		out = append(out, []storage.Value{storage.Text(paramName(n)), storage.Text(v), null, null, null, null,
			storage.Text("user"), storage.Text("string"), storage.Text("default"), null, null, null, null, null,
			null, null, storage.Bool(false)})
	}
	return out
}
