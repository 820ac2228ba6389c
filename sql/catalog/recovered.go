package catalog

import "github.com/persiandb/persiandb/storage"

// SystemTableName is the storage name of the system table (SystemTableID).
const SystemTableName = "persiandb_catalog"

// StorageIndexes returns the storage specifications of t's secondary
// indexes, as CreateTable and AddIndex give them to storage: recovery
// recreates a recovered table's indexes with them.
func (t *Table) StorageIndexes() []storage.IndexSpec {
	out := make([]storage.IndexSpec, len(t.Indexes))
	for i, ix := range t.Indexes {
		out[i] = t.storageIndex(ix)
	}
	return out
}
