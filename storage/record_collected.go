package storage

// Collected reports whether the collector has dealt with this record: it
// copied a live version forward (the copy, identical, lies at a higher
// address) or removed a tombstone's key. A reader that scans the log by
// address, as a checkpoint does, must skip such a record or it would see
// the version twice. Records pass to Collected only between collection
// passes (a compaction hold) if the answer must be stable.
func (r Record) Collected() bool { return r.Flags()&flagCollected != 0 }
