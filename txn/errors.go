package txn

import (
	"errors"
	"fmt"
)

// Errors a transaction returns. The SQL layer maps them to SQLSTATEs:
// ErrSerialization -> 40001, ErrDeadlock -> 40P01, ErrUniqueViolation ->
// 23505, ErrCanceled -> 57014.
var (
	// ErrSerialization: the transaction cannot be serialized (a concurrent
	// update under REPEATABLE READ or SERIALIZABLE, or a failed validation
	// of a SERIALIZABLE transaction's reads). Retrying may succeed.
	ErrSerialization = errors.New("txn: could not serialize access due to concurrent update")
	// ErrDeadlock: this transaction was chosen to break a lock-wait cycle.
	ErrDeadlock = errors.New("txn: deadlock detected")
	// ErrUniqueViolation: a key already exists in a unique index or the
	// primary key. Use errors.As with *UniqueError for the details.
	ErrUniqueViolation = errors.New("txn: duplicate key value violates unique constraint")
	// ErrDone: the transaction already committed or aborted.
	ErrDone = errors.New("txn: transaction is already finished")
	// ErrReadOnly: a write in a READ ONLY transaction.
	ErrReadOnly = errors.New("txn: cannot write in a read-only transaction")
	// ErrNoSavepoint: rollback to a savepoint that does not exist.
	ErrNoSavepoint = errors.New("txn: savepoint does not exist")
	// ErrCanceled: a lock wait ended because the statement's context ended.
	ErrCanceled = errors.New("txn: canceling statement")
	// ErrLockNotAvailable: LockRow with LockNoWait met a row another
	// transaction holds.
	ErrLockNotAvailable = errors.New("txn: could not obtain lock on row")
)

// UniqueError details a unique violation.
type UniqueError struct {
	Table uint32
	Index string // "" for the primary key
	Key   []byte // the encoded key that collided
}

func (e *UniqueError) Error() string {
	if e.Index == "" {
		return fmt.Sprintf("%v (primary key of table %d)", ErrUniqueViolation, e.Table)
	}
	return fmt.Sprintf("%v %q", ErrUniqueViolation, e.Index)
}

func (e *UniqueError) Unwrap() error { return ErrUniqueViolation }

// serializationError says which key conflicted, for the log and the
// client's detail line.
func serializationError(why string) error { return fmt.Errorf("%w (%s)", ErrSerialization, why) }
