package sql

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// DML execution: INSERT (dml_insert.go), UPDATE and DELETE
// (dml_update.go), ON CONFLICT (dml_conflict.go) and foreign keys
// (fk.go) share the machinery here.
//
// # The model
//
// A statement reads its candidate rows at the statement's snapshot (its
// own earlier writes in the transaction included, this statement's not:
// txn's command ids), and writes each through the transaction, which
// locks the row and hands the write function the row's newest version.
// Writes compare that version with the one the statement read:
//
//  1. The same bytes: the new row computed from the snapshot is written.
//  2. Different (READ COMMITTED only: another transaction committed a
//     change after the snapshot, and txn waited for it): nothing is
//     written; the statement puts the newest version in place of the old
//     one, re-checks WHERE on it and recomputes the new row, then tries
//     again expecting that version (Postgres's EvalPlanQual). Under
//     REPEATABLE READ and SERIALIZABLE txn fails with 40001 instead.
//  3. No live row: deleted concurrently; the row is skipped.
//
// The comparison and the write happen inside txn's write function, which
// runs under the storage epoch guard, so it does no more than compare
// and copy bytes: expressions (which may run subqueries that scan) are
// evaluated outside it, and the retry loop lives in the statement.
//
// Each target row is written at most once per statement: UPDATE ... FROM
// keeps the first join row of a target row, as Postgres does, and ON
// CONFLICT DO UPDATE meeting a row the statement already wrote is 21000.
//
// NOT NULL and CHECK are checked before the write, unique constraints by
// txn during it (storage indexes), and foreign keys at the end of the
// statement (fk.go), as Postgres's RI triggers are: so a statement may
// insert a child before its parent, or swap referenced keys.
//
// A newest version under another primary key is not followed: a row
// whose key a concurrent transaction changed counts as deleted (Postgres
// follows the update chain to the new key and re-checks there).
//
// # Atomicity
//
// A statement that fails part way leaves its earlier writes in the
// transaction; outside a block the implicit transaction then rolls back,
// and inside one the block is failed (only ROLLBACK, or ROLLBACK TO a
// savepoint taken before the statement, which undoes its writes, is
// accepted), as in Postgres.

// dmlRun is one DML statement's execution state.
type dmlRun struct {
	s   *Session
	ctx context.Context
	tx  *txn.Txn
	ec  *exec.Context
	// writers holds a rowWriter per table the statement writes, by id.
	writers map[uint32]*rowWriter
	// written holds, per table id, the primary keys of the rows this
	// statement inserted or updated (ON CONFLICT uses it).
	written map[uint32]map[string]bool
	fk      fkState
}

func (s *Session) newRun(ctx context.Context, tx *txn.Txn, params []storage.Value) *dmlRun {
	return &dmlRun{s: s, ctx: ctx, tx: tx, ec: s.execContext(ctx, tx, params), writers: map[uint32]*rowWriter{}}
}

// writer returns the rowWriter of table t.
func (r *dmlRun) writer(t *catalog.Table) (*rowWriter, error) {
	if w := r.writers[t.ID]; w != nil {
		return w, nil
	}
	st := r.s.e.cat.Storage(t)
	if st == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", t.Name)
	}
	w := &rowWriter{s: r.s, tx: r.tx, t: t, st: st, types: t.Types()}
	r.writers[t.ID] = w
	return w, nil
}

// noteWritten records that the statement wrote the row under key.
func (r *dmlRun) noteWritten(t *catalog.Table, key []byte) {
	if r.written == nil {
		r.written = map[uint32]map[string]bool{}
	}
	m := r.written[t.ID]
	if m == nil {
		m = map[string]bool{}
		r.written[t.ID] = m
	}
	m[string(key)] = true
}

func (r *dmlRun) wasWritten(t *catalog.Table, key []byte) bool {
	return r.written[t.ID][string(key)]
}

// compiled is a list of expressions compiled for one statement.
type compiled []exec.Eval

func (r *dmlRun) compile(es []plan.Expr) compiled {
	out := make(compiled, len(es))
	for i, e := range es {
		out[i] = exec.Compile(r.ec, e)
	}
	return out
}

// eval computes every expression over row into a new slice.
func (c compiled) eval(row []storage.Value) ([]storage.Value, error) {
	out := make([]storage.Value, len(c))
	for i, f := range c {
		v, err := f(row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// isTrue evaluates a predicate (nil: true) as WHERE does.
func isTrue(f exec.Eval, row []storage.Value) (bool, error) {
	if f == nil {
		return true, nil
	}
	v, err := f(row)
	if err != nil {
		return false, err
	}
	return !v.IsNull() && v.AsBool(), nil
}

// returning collects the RETURNING rows of a statement.
type returning struct {
	exprs compiled
	rows  [][]storage.Value
}

func (r *dmlRun) returning(ret *planner.Returning) *returning {
	if ret == nil {
		return nil
	}
	return &returning{exprs: r.compile(ret.Exprs)}
}

// add evaluates the list over row.
func (rt *returning) add(row []storage.Value) error {
	if rt == nil {
		return nil
	}
	out, err := rt.exprs.eval(row)
	if err != nil {
		return err
	}
	rt.rows = append(rt.rows, out)
	return nil
}

// result is the statement's Result with tag and, with RETURNING, rows.
func (rt *returning) result(tag string, ret *planner.Returning) *Result {
	res := &Result{Tag: tag}
	if rt != nil {
		res.Columns, res.Rows = ret.Columns, rt.rows
		if res.Columns == nil {
			res.Columns = []planner.ResultColumn{}
		}
	}
	return res
}

// drain reads an iterator to the end, calling f with a copy of each row.
func drain(it exec.Iterator, f func(row []storage.Value) error) error {
	defer it.Close()
	for {
		r, err := it.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(append([]storage.Value(nil), r...)); err != nil {
			return err
		}
	}
}

// rowWriter writes rows of one table, enforcing its constraints.
type rowWriter struct {
	s     *Session
	tx    *txn.Txn
	t     *catalog.Table
	st    *storage.Table
	types []storage.Type
	key   []byte
	val   []byte
	// checks are the CHECK constraints over a row, compiled on first use
	// by code that does not plan them with the statement (foreign-key
	// actions).
	checks compiled
}

// check enforces NOT NULL and the CHECK results computed for row.
func (w *rowWriter) check(row, checks []storage.Value, cks []catalog.Check) error {
	for i, c := range w.t.Columns {
		if c.NotNull && row[i].IsNull() && !(c.Hidden && c.Name == rowIDColumn) {
			return pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, w.t.Name).
				WithDetail("Failing row contains %s.", w.describe(row)).WithTable(w.t.Name).WithColumn(c.Name)
		}
	}
	for i, v := range checks {
		if !v.IsNull() && !v.AsBool() {
			return pgerr.New(pgerr.CheckViolation, "new row for relation %q violates check constraint %q", w.t.Name, cks[i].Name).
				WithDetail("Failing row contains %s.", w.describe(row)).WithTable(w.t.Name).WithConstraint(cks[i].Name)
		}
	}
	return nil
}

// checkWith evaluates compiled CHECK constraints on row, then check.
func (w *rowWriter) checkWith(cks compiled, row []storage.Value) error {
	vals, err := cks.eval(row)
	if err != nil {
		return err
	}
	return w.check(row, vals, w.t.Checks)
}

// describe formats a row as Postgres's "Failing row contains (...)".
func (w *rowWriter) describe(row []storage.Value) string {
	var b strings.Builder
	b.WriteByte('(')
	first := true
	for i, c := range w.t.Columns {
		if c.Hidden || c.Dropped {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		if row[i].IsNull() {
			b.WriteString("null")
		} else {
			b.WriteString(sem.Format(row[i], w.s.sem.Loc))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// keyOf encodes row's primary key into a new slice.
func (w *rowWriter) keyOf(row []storage.Value) []byte {
	pk := w.t.PrimaryKey
	var key []byte
	for i, c := range pk.Columns {
		kc := storage.KeyColumn{}
		if i < len(pk.Keys) {
			kc = pk.Keys[i]
		}
		key = storage.AppendKeyValue(key, row[c], kc)
	}
	return key
}

// encode encodes row into a new slice.
func (w *rowWriter) encode(row []storage.Value) ([]byte, error) {
	return storage.EncodeRow(nil, w.types, row)
}

// decode decodes a stored row into dst (len(t.Columns) values).
func (w *rowWriter) decode(val []byte, dst []storage.Value) error {
	_, err := storage.DecodeRow(val, w.types, dst[:0])
	return err
}

// assignRowID gives a row of a table without a primary key its hidden
// row id, unless it has one.
func (w *rowWriter) assignRowID(row []storage.Value) {
	pk := w.t.PrimaryKey
	if len(pk.Columns) == 1 && w.t.Columns[pk.Columns[0]].Hidden && row[pk.Columns[0]].IsNull() {
		row[pk.Columns[0]] = storage.Int64(w.s.e.rowID.Add(1))
	}
}

// insert stores a new row, assigning the hidden row id if the table has
// one and the row has none yet.
func (w *rowWriter) insert(ctx context.Context, row []storage.Value) error {
	w.assignRowID(row)
	w.key = w.key[:0]
	pk := w.t.PrimaryKey
	for i, c := range pk.Columns {
		kc := storage.KeyColumn{}
		if i < len(pk.Keys) {
			kc = pk.Keys[i]
		}
		w.key = storage.AppendKeyValue(w.key, row[c], kc)
	}
	var err error
	if w.val, err = storage.EncodeRow(w.val[:0], w.types, row); err != nil {
		return err
	}
	if err := w.tx.Insert(ctx, w.st, w.key, w.val); err != nil {
		return w.convert(err, row)
	}
	return nil
}

// outcome is what a write found (see the model above).
type outcome uint8

const (
	wrote   outcome = iota // the row was written
	gone                   // no live row: skip it
	changed                // a newer version: re-evaluate with it
)

// expect returns a write function that applies only to the version
// expected, remembering any other version it is shown in *cur.
func expect(expected, newVal []byte, cur *[]byte) txn.UpdateFunc {
	return func(c []byte) ([]byte, bool, error) {
		if !bytes.Equal(c, expected) {
			*cur = append((*cur)[:0], c...)
			return nil, false, nil
		}
		*cur = nil
		return newVal, true, nil
	}
}

// replace writes newRow in place of the row under oldKey, whose newest
// version must be expected. A changed primary key deletes the old key
// and inserts the new one. With outcome changed, cur is the newest
// version.
func (w *rowWriter) replace(ctx context.Context, oldKey, expected []byte, newRow []storage.Value) (outcome, []byte, error) {
	newVal, err := w.encode(newRow)
	if err != nil {
		return 0, nil, err
	}
	newKey := w.keyOf(newRow)
	var cur []byte
	fn := expect(expected, newVal, &cur)
	var ok bool
	if bytes.Equal(newKey, oldKey) {
		ok, err = w.tx.Update(ctx, w.st, oldKey, fn)
	} else if ok, err = w.tx.Delete(ctx, w.st, oldKey, fn); ok && err == nil {
		err = w.tx.Insert(ctx, w.st, newKey, newVal)
	}
	switch {
	case err != nil:
		return 0, nil, w.convert(err, newRow)
	case ok:
		return wrote, nil, nil
	case cur != nil:
		return changed, cur, nil
	}
	return gone, nil, nil
}

// remove deletes the row under key, whose newest version must be
// expected; outcomes as for replace.
func (w *rowWriter) remove(ctx context.Context, key, expected []byte) (outcome, []byte, error) {
	var cur []byte
	ok, err := w.tx.Delete(ctx, w.st, key, expect(expected, nil, &cur))
	switch {
	case err != nil:
		return 0, nil, w.convert(err, nil)
	case ok:
		return wrote, nil, nil
	case cur != nil:
		return changed, cur, nil
	}
	return gone, nil, nil
}

// probe returns the newest live version of the row under key, waiting
// for a running writer of it, without writing (ON CONFLICT's arbiter
// check). Under REPEATABLE READ a version newer than the snapshot is
// 40001, as in Postgres.
func (w *rowWriter) probe(ctx context.Context, key []byte) ([]byte, bool, error) {
	var cur []byte
	found := false
	_, err := w.tx.Update(ctx, w.st, key, func(c []byte) ([]byte, bool, error) {
		cur, found = append(cur[:0], c...), true
		return nil, false, nil
	})
	if err != nil {
		return nil, false, w.convert(err, nil)
	}
	return cur, found, nil
}

// convert names constraints in errors from below.
func (w *rowWriter) convert(err error, row []storage.Value) error {
	t := w.t
	info := pgerr.TxnInfo{
		Constraint: func(_ uint32, index string) string {
			if index == "" {
				return t.PrimaryKey.Name
			}
			return index
		},
		Table: func(uint32) string { return t.Name },
	}
	err = info.Convert(err)
	if e := pgerr.As(err); e != nil && e.Code == pgerr.UniqueViolation && row != nil {
		ix := t.PrimaryKey
		for _, x := range t.Indexes {
			if x.Name == e.Constraint {
				ix = x
			}
		}
		return e.WithDetail("Key %s already exists.", w.keyText(ix.Columns, row))
	}
	return err
}

// keyText formats "(a, b)=(1, 2)" for the named columns of row.
func (w *rowWriter) keyText(cols []int, row []storage.Value) string {
	names := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		names[i] = w.t.Columns[c].Name
		vals[i] = formatValue(row[c], w.s)
	}
	return "(" + strings.Join(names, ", ") + ")=(" + strings.Join(vals, ", ") + ")"
}

func formatValue(v storage.Value, s *Session) string {
	if v.IsNull() {
		return "null"
	}
	return sem.Format(v, s.sem.Loc)
}

// planDML plans INSERT, UPDATE or DELETE without running it, for a
// prepared statement's parameter types (left in the planner) and the
// columns its RETURNING list returns (nil without one). ok is false for
// other statements.
func (s *Session) planDML(node ast.StmtNode) (cols []planner.ResultColumn, ok bool, err error) {
	var ret *planner.Returning
	switch n := node.(type) {
	case *ast.InsertStmt:
		var ins *planner.Insert
		if ins, err = s.plan.PlanInsert(n); err == nil {
			ret = ins.Returning
		}
	case *ast.UpdateStmt:
		var d *planner.DML
		if d, err = s.plan.PlanUpdate(n); err == nil {
			ret = d.Returning
		}
	case *ast.DeleteStmt:
		var d *planner.DML
		if d, err = s.plan.PlanDelete(n); err == nil {
			ret = d.Returning
		}
	default:
		return nil, false, nil
	}
	if ret != nil {
		cols = ret.Columns
	}
	return cols, true, err
}
