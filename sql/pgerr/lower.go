package pgerr

import (
	"errors"
	"strconv"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// TxnInfo names what the lower layers' errors do not know: the SQL command
// being executed and the constraint behind a storage index. The executor
// fills it in; the zero TxnInfo gives generic but valid messages.
type TxnInfo struct {
	// Command is the statement's command tag ("INSERT", "UPDATE", ...),
	// used in 25006 messages. Empty means "statement".
	Command string
	// Constraint maps a unique violation's table id and index name ("" for
	// the primary key) to the constraint's SQL name. Nil, or an empty
	// result, uses the index name, or "<table id>_pkey".
	Constraint func(table uint32, index string) string
	// Table maps a table id to its name for the error's Table field.
	Table func(table uint32) string
}

// FromTxn translates the documented sentinel errors of packages txn and
// storage into *Error values, with TxnInfo's zero value; see
// TxnInfo.Convert.
func FromTxn(err error) error { return TxnInfo{}.Convert(err) }

// Convert translates the documented sentinel errors of packages txn and
// storage into *Error values that wrap them (so errors.Is keeps working):
//
//	txn.ErrSerialization     40001 could not serialize access due to concurrent update
//	txn.ErrDeadlock          40P01 deadlock detected
//	*txn.UniqueError         23505 duplicate key value violates unique constraint "name"
//	txn.ErrCanceled          57014 canceling statement due to user request
//	txn.ErrReadOnly          25006 cannot execute INSERT in a read-only transaction
//	txn.ErrNoSavepoint       3B001 savepoint does not exist
//	txn.ErrDone              25000 the transaction is already finished
//	storage.ErrCorrupt       XX001 the lower-level message
//	storage.ErrRecordTooLarge 54000 row is too big
//
// An error that already carries an *Error, nil, and unknown errors are
// returned unchanged.
func (ti TxnInfo) Convert(err error) error {
	if err == nil || As(err) != nil {
		return err
	}
	var ue *txn.UniqueError
	switch {
	case errors.As(err, &ue):
		name := ""
		if ti.Constraint != nil {
			name = ti.Constraint(ue.Table, ue.Index)
		}
		if name == "" {
			name = ue.Index
		}
		if name == "" {
			name = strconv.FormatUint(uint64(ue.Table), 10) + "_pkey"
		}
		e := wrap(err, UniqueViolation, `duplicate key value violates unique constraint "`+name+`"`)
		e.Constraint = name
		if ti.Table != nil {
			e.Table = ti.Table(ue.Table)
		}
		return e
	case errors.Is(err, txn.ErrUniqueViolation):
		return wrap(err, UniqueViolation, "duplicate key value violates unique constraint")
	case errors.Is(err, txn.ErrSerialization):
		return wrap(err, SerializationFailure, "could not serialize access due to concurrent update")
	case errors.Is(err, txn.ErrDeadlock):
		return wrap(err, DeadlockDetected, "deadlock detected")
	case errors.Is(err, txn.ErrLockNotAvailable):
		return wrap(err, LockNotAvailable, "could not obtain lock on row")
	case errors.Is(err, txn.ErrCanceled):
		return wrap(err, QueryCanceled, "canceling statement due to user request")
	case errors.Is(err, txn.ErrReadOnly):
		cmd := ti.Command
		if cmd == "" {
			cmd = "statement"
		}
		return wrap(err, ReadOnlySQLTransaction, "cannot execute "+cmd+" in a read-only transaction")
	case errors.Is(err, txn.ErrNoSavepoint):
		return wrap(err, InvalidSavepointSpecification, "savepoint does not exist")
	case errors.Is(err, txn.ErrDone):
		return wrap(err, InvalidTransactionState, "the transaction is already finished")
	case errors.Is(err, storage.ErrCorrupt):
		return wrap(err, DataCorrupted, err.Error())
	case errors.Is(err, storage.ErrRecordTooLarge):
		return wrap(err, ProgramLimitExceeded, "row is too big")
	}
	return err
}

func wrap(err error, code Code, msg string) *Error {
	return &Error{Code: code, Severity: SeverityError, Message: msg, cause: err}
}
