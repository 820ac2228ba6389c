package syscat

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/txn"
)

// Snapshot is the catalog as one transaction sees it, indexed by OID. It
// is built for each read of a system view or call of a catalog function
// and never changes after: a table created earlier in the same open
// transaction is in it, one dropped is not.
type Snapshot struct {
	Tables    []*catalog.Table
	Views     []*catalog.View
	Sequences []*catalog.Sequence
	Roles     []*catalog.Role

	// keys is the number of keys a table's storage holds (for the size
	// estimates); it counts versions no snapshot sees until they are
	// collected.
	keys func(*catalog.Table) int

	tableByID map[uint32]*catalog.Table
	byName    map[string]uint32 // relation name -> OID (indexes included)
}

// Load reads the catalog through tx.
func Load(cat *catalog.Catalog, tx *txn.Txn) (*Snapshot, error) {
	s := &Snapshot{tableByID: map[uint32]*catalog.Table{}, byName: map[string]uint32{}}
	s.keys = func(t *catalog.Table) int {
		if st := cat.Storage(t); st != nil {
			return st.Len()
		}
		return 0
	}
	var err error
	if s.Tables, err = cat.Tables(tx); err != nil {
		return nil, err
	}
	if s.Views, err = cat.Views(tx); err != nil {
		return nil, err
	}
	if s.Sequences, err = cat.Sequences(tx); err != nil {
		return nil, err
	}
	if s.Roles, err = cat.Roles(tx); err != nil {
		return nil, err
	}
	for _, t := range s.Tables {
		s.tableByID[t.ID] = t
		s.byName[t.Name] = RelOID(t.ID)
		for _, ix := range indexes(t) {
			s.byName[ix.Name] = IndexOID(t.ID, ix.ID)
		}
	}
	for _, v := range s.Views {
		s.byName[v.Name] = RelOID(v.ID)
	}
	for _, q := range s.Sequences {
		s.byName[q.Name] = RelOID(q.ID)
	}
	return s, nil
}

// indexes lists a table's indexes as pg_index has them: the declared
// primary key first, then the secondary indexes. The hidden row id key of
// a table without a primary key is no index in Postgres terms.
func indexes(t *catalog.Table) []catalog.Index {
	var out []catalog.Index
	if !t.HasRowID() {
		out = append(out, t.PrimaryKey)
	}
	return append(out, t.Indexes...)
}

// Relation is what an OID names among the user's relations.
type Relation struct {
	OID      uint32
	Name     string
	Kind     byte // relkind: 'r', 'v', 'S', 'i'
	Table    *catalog.Table
	Index    *catalog.Index // for an index; Table is its table
	View     *catalog.View
	Sequence *catalog.Sequence
}

// RelationByOID finds a user relation; ok is false for any other OID.
func (s *Snapshot) RelationByOID(oid uint32) (Relation, bool) {
	id, slot, ok := slotOf(oid)
	if !ok {
		return Relation{}, false
	}
	if t := s.tableByID[id]; t != nil {
		if slot == 0 {
			return Relation{OID: oid, Name: t.Name, Kind: 'r', Table: t}, true
		}
		for _, ix := range indexes(t) {
			if slot == slotIndex+ix.ID {
				ix := ix
				return Relation{OID: oid, Name: ix.Name, Kind: 'i', Table: t, Index: &ix}, true
			}
		}
		return Relation{}, false
	}
	if slot != 0 {
		return Relation{}, false
	}
	for _, v := range s.Views {
		if v.ID == id {
			return Relation{OID: oid, Name: v.Name, Kind: 'v', View: v}, true
		}
	}
	for _, q := range s.Sequences {
		if q.ID == id {
			return Relation{OID: oid, Name: q.Name, Kind: 'S', Sequence: q}, true
		}
	}
	return Relation{}, false
}

// RelOIDByName is a user relation's OID by name.
func (s *Snapshot) RelOIDByName(name string) (uint32, bool) {
	oid, ok := s.byName[name]
	return oid, ok
}

// TableByName returns the named table, nil if there is none.
func (s *Snapshot) TableByName(name string) *catalog.Table {
	if oid, ok := s.byName[name]; ok {
		if id, slot, _ := slotOf(oid); slot == 0 {
			return s.tableByID[id]
		}
	}
	return nil
}
