// Package catalog holds PersianDB's schema: tables, their columns,
// indexes and constraints, views and sequences, as descriptors stored in
// a system table of the storage engine and read and written through
// transactions.
//
// # The model
//
// Like Postgres's pg_class and friends, the catalog is data: each
// relation is a row of the system table (table id SystemTableID), keyed
// by 'T' and its name, its descriptor encoded as JSON with a "kind"
// (absent for tables; "view", "sequence", "index"). Tables, views,
// sequences and indexes share the namespace, as in Postgres: CREATE
// INDEX t ON ... fails if a table t exists. An index's row only names its
// table; the index itself is described in the table's descriptor. So DDL
// is transactional for free: a CREATE is invisible to other transactions
// until it commits, rolls back with its transaction or savepoint, and
// conflicts with concurrent DDL on the same name through the row lock. A
// checkpoint that copies the live row versions copies the catalog
// consistent with the data at the same cut, and recovery restores it with
// the rest.
//
// DDL that changes a relation first takes its row lock (LockTable,
// LockView: an update to an identical version, Postgres's exclusive lock
// on the relation) and works on the newest descriptor, so concurrent DDL
// on one table serializes instead of losing an update.
//
// Storage follows the descriptors:
//
//   - CreateTable creates the table's storage at once (under a fresh id
//     nobody else can name) and drops it if the transaction rolls back;
//     DropTable drops it once the transaction commits and no snapshot from
//     before the commit runs (reap).
//   - AddIndex adds a storage index at once (writers maintain it from
//     then on), fills it from the table's existing versions and checks
//     uniqueness (index.go has the steps); DropIndex demotes it to
//     non-unique at commit and drops it at the horizon, as DropTable.
//   - AlterTable widens the storage schema at once when columns are
//     appended, and restores it on rollback.
//   - Rekey (ADD PRIMARY KEY) copies the rows into new storage.
//   - Sequence counters are not transactional and live in memory here
//     (sequence.go): SequenceStates and SetSequenceState are the API a
//     checkpoint and its recovery use.
//
// # Invariants
//
//  1. Relation ids (tables, views, sequences) come from an in-memory
//     counter that Open sets past every id in the system table: ids are
//     unique and never reused within a run, even across rollbacks.
//  2. A name maps to at most one committed relation, of any kind (the
//     system table's primary key).
//  3. A descriptor read through a transaction is the version visible to
//     it; the decoded form is cached by (key, commit timestamp), so a
//     descriptor is decoded once per version, not per statement.
//  4. Every secondary index of a descriptor has a storage index of the
//     same id in its table's storage while the descriptor is visible to
//     some snapshot; storage may hold more (indexes being created by
//     running transactions, or dropped but still visible to old
//     snapshots), and index ids are not reused while they exist.
//
// # Lifetimes
//
// Descriptors returned by lookups are shared and must not be modified;
// to change one, Clone it and write the clone with AlterTable.
//
// # Debugging
//
// Every error names its relation (NameOf). A table whose queries fail
// with "index ... gone" has a descriptor index without storage: check
// invariant 4 against Storage(t).Indexes().
package catalog
