package pgerr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

func TestNewAndWith(t *testing.T) {
	e := New(UndefinedTable, "relation %q does not exist", "t")
	if e.Error() != `relation "t" does not exist` || e.Code != "42P01" || e.Severity != SeverityError {
		t.Fatalf("got %+v", e)
	}
	// A message without args is used verbatim, even with a % in it.
	if m := New(SyntaxError, "at or near \"%\"").Message; m != `at or near "%"` {
		t.Fatalf("verbatim message: %q", m)
	}
	d := e.WithDetail("detail %d", 1).WithHint("hint").WithPosition(15).WithTable("t").
		WithColumn("c").WithSchema("public").WithConstraint("k").WithDataType("integer").
		WithSeverity(SeverityFatal)
	if e.Detail != "" || e.Position != 0 || e.Severity != SeverityError {
		t.Fatalf("With* mutated the original: %+v", e)
	}
	want := Error{Code: UndefinedTable, Severity: SeverityFatal, Message: e.Message, Detail: "detail 1",
		Hint: "hint", Position: 15, Constraint: "k", Table: "t", Column: "c", Schema: "public", DataType: "integer"}
	if *d != want {
		t.Fatalf("got %+v, want %+v", *d, want)
	}
}

func TestWrapAndCodeOf(t *testing.T) {
	base := errors.New("low")
	w := Wrap(base, InvalidParameterValue, "bad value %d", 3)
	if !errors.Is(w, base) || w.Error() != "bad value 3" || CodeOf(w) != InvalidParameterValue {
		t.Fatalf("wrap: %v %v", w, CodeOf(w))
	}
	if Wrap(nil, InternalError, "x") != nil {
		t.Fatal("Wrap(nil) != nil")
	}
	if w := Wrap(base, InternalError, ""); w.Error() != "low" {
		t.Fatalf("empty format keeps message: %q", w.Error())
	}
	deep := fmt.Errorf("context: %w", New(DivisionByZero, "division by zero"))
	if CodeOf(deep) != DivisionByZero {
		t.Fatalf("CodeOf through fmt wrap: %v", CodeOf(deep))
	}
	if CodeOf(errors.New("plain")) != InternalError {
		t.Fatal("plain error is not XX000")
	}
	if CodeOf(nil) != SuccessfulCompletion {
		t.Fatal("nil is not 00000")
	}
	if f := Flatten(errors.New("plain")); f.Code != InternalError || f.Message != "plain" {
		t.Fatalf("Flatten: %+v", f)
	}
	if p := As(WithPosition(deep, 7)); p.Position != 7 || p.Code != DivisionByZero {
		t.Fatalf("WithPosition: %+v", p)
	}
	if Code("23505").Class() != "23" {
		t.Fatal("Class")
	}
}

func TestFromTxn(t *testing.T) {
	cases := []struct {
		err  error
		code Code
		msg  string
	}{
		{fmt.Errorf("%w (key 3)", txn.ErrSerialization), SerializationFailure, "could not serialize access due to concurrent update"},
		{txn.ErrDeadlock, DeadlockDetected, "deadlock detected"},
		{&txn.UniqueError{Table: 5, Index: "t_b_key"}, UniqueViolation, `duplicate key value violates unique constraint "t_b_key"`},
		{&txn.UniqueError{Table: 5}, UniqueViolation, `duplicate key value violates unique constraint "5_pkey"`},
		{txn.ErrCanceled, QueryCanceled, "canceling statement due to user request"},
		{txn.ErrReadOnly, ReadOnlySQLTransaction, "cannot execute statement in a read-only transaction"},
		{fmt.Errorf("%w: bad tag", storage.ErrCorruptRow), DataCorrupted, "storage: corrupt data: row encoding: bad tag"},
		{storage.ErrRecordTooLarge, ProgramLimitExceeded, "row is too big"},
		{txn.ErrNoSavepoint, InvalidSavepointSpecification, "savepoint does not exist"},
	}
	for _, c := range cases {
		got := FromTxn(c.err)
		e := As(got)
		if e == nil || e.Code != c.code || e.Message != c.msg {
			t.Errorf("FromTxn(%v) = %+v, want %s %q", c.err, e, c.code, c.msg)
			continue
		}
		if !errors.Is(got, c.err) {
			t.Errorf("FromTxn(%v) lost the cause", c.err)
		}
		if CodeOf(c.err) != c.code {
			t.Errorf("CodeOf(%v) = %s, want %s", c.err, CodeOf(c.err), c.code)
		}
	}
	other := errors.New("other")
	if FromTxn(other) != other || FromTxn(nil) != nil {
		t.Error("unknown errors must pass through")
	}
	already := New(CheckViolation, "x")
	if FromTxn(already) != error(already) {
		t.Error("an *Error must pass through")
	}
	ti := TxnInfo{
		Command:    "INSERT",
		Constraint: func(table uint32, index string) string { return "t_pkey" },
		Table:      func(uint32) string { return "t" },
	}
	if e := As(ti.Convert(txn.ErrReadOnly)); e.Message != "cannot execute INSERT in a read-only transaction" {
		t.Errorf("read only: %q", e.Message)
	}
	if e := As(ti.Convert(&txn.UniqueError{Table: 1})); e.Constraint != "t_pkey" || e.Table != "t" ||
		e.Message != `duplicate key value violates unique constraint "t_pkey"` {
		t.Errorf("unique: %+v", e)
	}
}
