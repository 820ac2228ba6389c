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
	// Comment is COMMENT ON COLUMN's text ("" for none).
	Comment string `json:"comment,omitempty"`
}

// Index is a secondary index or the primary key. ID is the storage
// index id within the table (0 for the primary key); ids are never
// reused within a table while a storage index of that id may exist.
type Index struct {
	ID      uint32              `json:"id"`
	Name    string              `json:"name"`
	Unique  bool                `json:"unique,omitempty"`
	Columns []int               `json:"columns"`
	Keys    []storage.KeyColumn `json:"keys,omitempty"`
	// Constraint is set for the index of a UNIQUE or PRIMARY KEY
	// constraint: it is dropped with ALTER TABLE DROP CONSTRAINT, not
	// DROP INDEX.
	Constraint bool `json:"constraint,omitempty"`
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
	// OnDelete and OnUpdate are the referential actions: "" (NO ACTION,
	// Postgres's default), "restrict", "cascade", "set null".
	OnDelete string `json:"on_delete,omitempty"`
	OnUpdate string `json:"on_update,omitempty"`
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
	// Comment is COMMENT ON TABLE's text ("" for none).
	Comment string `json:"comment,omitempty"`
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

// HasRowID reports whether the table's storage key is the hidden row id
// (it was declared without a primary key).
func (t *Table) HasRowID() bool {
	pk := t.PrimaryKey.Columns
	return len(pk) == 1 && t.Columns[pk[0]].Hidden
}

// Index returns the secondary index with the given name.
func (t *Table) Index(name string) (Index, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}

// IndexNames lists the relation names of the table's indexes: the
// secondary ones and a declared primary key's.
func (t *Table) IndexNames() []string {
	var out []string
	if !t.HasRowID() {
		out = append(out, t.PrimaryKey.Name)
	}
	for _, ix := range t.Indexes {
		out = append(out, ix.Name)
	}
	return out
}

func (t *Table) storageIndex(ix Index) storage.IndexSpec {
	return storage.IndexSpec{ID: ix.ID, Name: ix.Name, Unique: ix.Unique, Columns: ix.Columns, Keys: ix.Keys}
}

// Kind is the kind of a relation: relations of every kind share one
// namespace.
type Kind uint8

const (
	KindTable Kind = iota
	KindView
	KindSequence
	KindIndex
)

var kindNames = [...]string{"table", "view", "sequence", "index"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "relation"
}

// View is a view: its defining query as Postgres text, planned wherever
// the view is named (names in it resolve then).
type View struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	// Query is the defining query as the user wrote it (Postgres text,
	// for sql/dialect.Prepare).
	Query string `json:"query"`
	// Columns are the view's columns when it was created (or replaced):
	// names, after a column list, and types. A view keeps them if a table
	// it reads gains columns (SELECT * is expanded once, as in Postgres).
	Columns []ViewColumn `json:"columns"`
	// Deps names the tables and views the query reads: DROP of one of
	// them needs CASCADE while the view exists.
	Deps []string `json:"deps,omitempty"`
	// Comment is COMMENT ON VIEW's text ("" for none).
	Comment string `json:"comment,omitempty"`
}

// ViewColumn is one column of a view.
type ViewColumn struct {
	Name   string       `json:"name"`
	Type   storage.Type `json:"type"`
	PgType string       `json:"pg_type"`
	Typmod int32        `json:"typmod"`
}

// Sequence is a sequence's definition; its counter lives in the
// catalog's memory (see Catalog.NextVal and SequenceState).
type Sequence struct {
	ID        uint32 `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"` // "bigint", "integer" or "smallint"
	Increment int64  `json:"increment"`
	Min       int64  `json:"min"`
	Max       int64  `json:"max"`
	Start     int64  `json:"start"`
	Cycle     bool   `json:"cycle,omitempty"`
	// OwnedBy is the column a serial column's sequence belongs to: it is
	// dropped with the column's table.
	OwnedBy *SequenceOwner `json:"owned_by,omitempty"`
	// Comment is COMMENT ON SEQUENCE's text ("" for none).
	Comment string `json:"comment,omitempty"`
}

// SequenceOwner is a column that owns a sequence.
type SequenceOwner struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// indexRel is an index's entry in the relation namespace: it only names
// the table whose descriptor holds the index.
type indexRel struct {
	Table string `json:"table"`
}
