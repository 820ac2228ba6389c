// Package catalog holds PersianDB's schema: tables, their columns,
// indexes and constraints, as descriptors stored in a system table of the
// storage engine and read and written through transactions.
//
// # The model
//
// Like Postgres's pg_class and friends, the catalog is data: each
// descriptor is a row of the system table (table id SystemTableID), keyed
// by its kind and name and encoded as JSON. So DDL is transactional for
// free: a CREATE TABLE is invisible to other transactions until it
// commits, rolls back with its transaction or savepoint, and conflicts
// with concurrent DDL on the same name through the row lock. A checkpoint
// that copies the live row versions copies the catalog consistent with
// the data at the same cut, and recovery restores it with the rest.
//
// Storage follows the descriptors: CreateTable creates the table's
// storage at once (under a fresh id nobody else can name) and drops it if
// the transaction rolls back; DropTable drops the storage only once the
// transaction commits.
//
// # Invariants
//
//  1. Table ids are allocated from a counter row in the system table,
//     updated by the allocating transaction: ids are unique and never
//     reused, even across rollbacks.
//  2. A name maps to at most one committed descriptor of each kind (the
//     system table's primary key).
//  3. A descriptor read through a transaction is the version visible to
//     it; the decoded form is cached by (key, commit timestamp), so a
//     descriptor is decoded once per version, not per statement.
//
// # Lifetimes
//
// Descriptors returned by lookups are shared and must not be modified;
// to change one, Clone it and write the clone with AlterTable.
package catalog
