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

// DroppedBefore lists the tables whose drop committed below cut and whose
// storage is not released yet (it is, lazily, once the drop is below the
// GC horizon): a checkpoint at cut leaves their rows out.
func (c *Catalog) DroppedBefore(cut uint64) []uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []uint32
	for _, d := range c.mu.drops {
		if d.index == 0 && !d.sequence && d.commitTS < cut {
			out = append(out, d.id)
		}
	}
	return out
}
