package catalog

import (
	"encoding/json"

	"github.com/persiandb/persiandb/storage"
)

// Column is one column of a table.
type Column struct {
	Name string `json:"name"`
	// Type is the storage type; PgType is the Postgres type name the user
	// declared (varchar, bigserial, ...) and Typmod its modifier (the n of
	// varchar(n), or precision<<16|scale for numeric), -1 if none.
	Type    storage.Type `json:"type"`
	PgType  string       `json:"pg_type"`
	Typmod  int32        `json:"typmod"`
	NotNull bool         `json:"not_null,omitempty"`
	// Default is the default expression as SQL text ("" for none).
	Default string `json:"default,omitempty"`
	// Hidden columns (the implicit row id of a table without a primary
	// key) are not returned by SELECT *.
	Hidden bool `json:"hidden,omitempty"`
	// Dropped columns keep their position, as in Postgres, so stored rows
	// stay decodable.
	Dropped bool `json:"dropped,omitempty"`
}

// Index is a secondary index or the primary key.
type Index struct {
	ID      uint32              `json:"id"`
	Name    string              `json:"name"`
	Unique  bool                `json:"unique,omitempty"`
	Columns []int               `json:"columns"`
	Keys    []storage.KeyColumn `json:"keys,omitempty"`
}

// Check is a CHECK constraint.
type Check struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// ForeignKey is a FOREIGN KEY constraint.
type ForeignKey struct {
	Name       string `json:"name"`
	Columns    []int  `json:"columns"`
	RefTable   string `json:"ref_table"`
	RefColumns []int  `json:"ref_columns"`
	OnDelete   string `json:"on_delete,omitempty"` // "", "cascade", "set null", "restrict"
}

// Table describes a table.
type Table struct {
	ID      uint32   `json:"id"`
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	// PrimaryKey is the storage key: the declared primary key, or the
	// hidden row id column.
	PrimaryKey  Index        `json:"primary_key"`
	Indexes     []Index      `json:"indexes,omitempty"`
	Checks      []Check      `json:"checks,omitempty"`
	ForeignKeys []ForeignKey `json:"foreign_keys,omitempty"`
}

// Clone returns a deep copy to modify.
func (t *Table) Clone() *Table {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err) // a Table always marshals
	}
	c := &Table{}
	if err := json.Unmarshal(b, c); err != nil {
		panic(err)
	}
	return c
}

// ColumnIndex returns the position of the named visible column, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.Columns {
		if c.Name == name && !c.Dropped {
			return i
		}
	}
	return -1
}

// Types returns the storage types of all columns, dropped ones included:
// the row encoding's schema.
func (t *Table) Types() []storage.Type {
	ts := make([]storage.Type, len(t.Columns))
	for i, c := range t.Columns {
		ts[i] = c.Type
	}
	return ts
}

func (t *Table) storageIndex(ix Index) storage.IndexSpec {
	return storage.IndexSpec{ID: ix.ID, Name: ix.Name, Unique: ix.Unique, Columns: ix.Columns, Keys: ix.Keys}
}
