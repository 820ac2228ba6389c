package syscat

import "hash/fnv"

// Fixed OIDs: the ones Postgres 15 gives the same objects, so that
// queries and clients that know them (psql compares classid with
// 'pg_catalog.pg_class'::regclass) keep working.
const (
	NamespaceCatalog = 11
	NamespacePublic  = 2200
	// NamespaceInfo is information_schema's; Postgres assigns it at initdb
	// (it varies between installations), so any value below 16384 will do.
	NamespaceInfo = 13000

	RoleBootstrap     = 10
	RoleDatabaseOwner = 6171 // pg_database_owner, the owner of public

	DatabaseOID   = 5 // postgres, as initdb makes it
	TablespaceDef = 1663
	TablespaceGlb = 1664
	AmHeap        = 2
	AmBtree       = 403
	CollDefault   = 100
	CollC         = 950
	CollPOSIX     = 951

	ClassPgClass = 1259 // pg_class's own OID: pg_depend.classid of relations
	ClassPgType  = 1247
	ClassPgConst = 2606
	ClassPgProc  = 1255
	ClassPgNsp   = 2615
)

// User OIDs. Every table, view and sequence has a catalog id (>= 100,
// never reused while the object exists, kept across restarts); its OID
// block is
//
//	base = FirstUserOID + (id-100)*blockSize
//
// and the objects that hang off a table take fixed slots in it:
//
//	base + 0                 the relation itself
//	base + 1 + indexID       an index (the primary key is index 0)
//	base + 256 + attnum      the default of a column (pg_attrdef)
//	base + 512 + indexID     the PRIMARY KEY/UNIQUE constraint of an index
//	base + 768 + k           the k-th CHECK constraint
//	base + 896 + k           the k-th FOREIGN KEY constraint
//
// So OIDs stay the same across statements and restarts, and an object's
// OID says which descriptor holds it. Index ids above 254, defaults of
// columns past the 255th, and more than
// 128 checks or foreign keys on one table would collide; ids above about
// four million would overflow. Constraint slots follow the descriptor's
// order, so dropping a CHECK renumbers the later ones, as Postgres's
// would if they were recreated.
const (
	FirstUserOID = 16384
	blockSize    = 1024
	slotIndex    = 1
	slotDefault  = 256
	slotKey      = 512
	slotCheck    = 768
	slotFK       = 896
)

// RelOID is the OID of the table, view or sequence with catalog id id.
func RelOID(id uint32) uint32 { return FirstUserOID + (id-100)*blockSize }

// IndexOID is the OID of index ix of the table with catalog id id.
func IndexOID(id, ix uint32) uint32 { return RelOID(id) + slotIndex + ix }

// slotOf splits a user OID into its relation's id and slot.
func slotOf(oid uint32) (id, slot uint32, ok bool) {
	if oid < FirstUserOID {
		return 0, 0, false
	}
	return (oid-FirstUserOID)/blockSize + 100, (oid - FirstUserOID) % blockSize, true
}

// RoleOID is a role's OID: 10 for the bootstrap superuser, as initdb
// makes it; the others are derived from the name (FNV-1a, folded into
// [2^30, 2^31)), as roles have no catalog id. Renaming a role changes its
// OID.
func RoleOID(name string) uint32 {
	switch name {
	case "postgres":
		return RoleBootstrap
	case "pg_database_owner":
		return RoleDatabaseOwner
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return 1<<30 | h.Sum32()&(1<<30-1)
}
