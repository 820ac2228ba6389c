package sql

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// checkIndexable rejects json and jsonb key columns. json has no btree
// operator class in Postgres (42704); jsonb has one, but the key encoding
// groups equal jsonb values without following jsonb's order, so an index
// over it would scan ranges wrongly: refused with 0A000 until it does.
func checkIndexable(t *catalog.Table, col int) error {
	c := t.Columns[col]
	switch c.Type.Elem() {
	case storage.TypeJSON:
		return pgerr.New(pgerr.UndefinedObject, "data type %s has no default operator class for access method \"btree\"", c.PgType).
			WithHint("You must specify an operator class for the index or define a default operator class for the data type.")
	case storage.TypeJSONB:
		return pgerr.New(pgerr.FeatureNotSupported, "indexes on %s columns are not supported", c.PgType)
	}
	return nil
}
