package storage

// A timestamp word (a record's beginTS or endTS) holds one of:
//
//	0                      endTS only: the version is current (not superseded)
//	v<<40 | seq            a commit timestamp (bit 63 clear, nonzero)
//	MarkerBit | owner      a writer that has not committed yet; the owner bits
//	                       belong to the txn package (transaction id and
//	                       command id)
//
// Storage only needs to tell committed timestamps from markers: garbage
// collection reclaims versions by comparing committed timestamps with the
// horizon and never touches a record that carries a marker.

// MarkerBit is set in a timestamp word that names an uncommitted writer.
const MarkerBit uint64 = 1 << 63

// IsMarker reports whether ts names an in-flight writer rather than a commit.
func IsMarker(ts uint64) bool { return ts&MarkerBit != 0 }

// IsCommitted reports whether ts is a commit timestamp.
func IsCommitted(ts uint64) bool { return ts != 0 && ts&MarkerBit == 0 }
