package sql

import (
	"bytes"
	"errors"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// Foreign keys are enforced at the end of each statement, as Postgres's
// RI triggers are (MATCH SIMPLE: a child key with a NULL references
// nothing).
//
//  1. While the statement writes, each row written queues events: an
//     inserted child row, or one whose key changed, must find its parent
//     (checkChild); a deleted parent row, or one whose referenced key
//     changed, must not be referenced still (parentChanged). Finding the
//     foreign keys that reference a table reads every descriptor in the
//     catalog, once per table per statement, and only for a delete or a
//     change of a primary or unique key.
//  2. At the end, the transaction starts a new command, so the statement's
//     own writes are visible (and READ COMMITTED reads a new snapshot), and
//     the events run in order. Cascaded deletes and SET NULL updates queue
//     events of their own, which run in the next round, after another new
//     command; rounds repeat until none is queued.
//
// A child check locks the parent row it finds (a write of an identical
// version: txn has one lock mode), so the parent cannot be deleted until
// the child's transaction ends; a parent delete locks the parent first, so
// its check for children sees every committed child. That is stronger than
// Postgres's FOR KEY SHARE: two transactions adding children of one parent
// serialize, and under REPEATABLE READ a parent changed since the snapshot
// fails the check with 40001.
//
// Actions (ON DELETE, ON UPDATE): NO ACTION ("") passes if another row
// carries the old key at the end of the statement; RESTRICT does not ask;
// CASCADE deletes the children, or gives them the parent's new key; SET
// NULL sets their key columns to NULL. Rows changed by an action are
// checked (NOT NULL, CHECK) and queue events of their own.
type fkState struct {
	queue []fkEvent
	// refs caches the foreign keys referencing a table, by table id.
	refs map[uint32][]fkRef
	// tables caches descriptors by name.
	tables map[string]*catalog.Table
	// present caches parent keys found, and locked, in this statement.
	present map[string]bool
}

// fkRef is a foreign key of table child.
type fkRef struct {
	child *catalog.Table
	fk    *catalog.ForeignKey
}

// fkEvent is one check or action.
type fkEvent struct {
	ref fkRef
	// parent is the referenced table: the one whose row changed for a
	// parent event.
	parent *catalog.Table
	// vals are the child's key (child check) or the old referenced key
	// (parent event); newVals the new referenced key of an updated parent
	// row.
	vals, newVals []storage.Value
	// onParent marks a parent event; del says the parent row was deleted.
	onParent, del bool
}

// afterInsert queues the foreign-key checks of a row inserted into w's
// table.
func (r *dmlRun) afterInsert(w *rowWriter, row []storage.Value) error {
	for i := range w.t.ForeignKeys {
		fk := &w.t.ForeignKeys[i]
		if vals, ok := keyValues(row, fk.Columns); ok {
			r.fk.queue = append(r.fk.queue, fkEvent{ref: fkRef{child: w.t, fk: fk}, vals: vals})
		}
	}
	return nil
}

// afterUpdate queues the work of an updated row: checks of its changed
// child keys, and the keys it no longer offers its children.
func (r *dmlRun) afterUpdate(w *rowWriter, old, new []storage.Value) error {
	for i := range w.t.ForeignKeys {
		fk := &w.t.ForeignKeys[i]
		if sameKey(old, new, fk.Columns) {
			continue
		}
		if vals, ok := keyValues(new, fk.Columns); ok {
			r.fk.queue = append(r.fk.queue, fkEvent{ref: fkRef{child: w.t, fk: fk}, vals: vals})
		}
	}
	return r.parentEvents(w.t, old, new)
}

// afterDelete queues the work of a deleted row for its children.
func (r *dmlRun) afterDelete(w *rowWriter, old []storage.Value) error {
	return r.parentEvents(w.t, old, nil)
}

// parentEvents queues an event per foreign key referencing t whose key
// the row old gave up (new is nil for a delete).
func (r *dmlRun) parentEvents(t *catalog.Table, old, new []storage.Value) error {
	if new != nil && !keyChanged(t, old, new) {
		// A foreign key references a primary key or unique index (the DDL
		// requires it): no such key changed, no child can notice.
		return nil
	}
	refs, err := r.referencing(t)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if new != nil && sameKey(old, new, ref.fk.RefColumns) {
			continue
		}
		if vals, ok := keyValues(old, ref.fk.RefColumns); ok {
			ev := fkEvent{ref: ref, parent: t, vals: vals, onParent: true, del: new == nil}
			if new != nil {
				ev.newVals = make([]storage.Value, len(ref.fk.RefColumns))
				for i, c := range ref.fk.RefColumns {
					ev.newVals[i] = new[c]
				}
			}
			r.fk.queue = append(r.fk.queue, ev)
		}
	}
	return nil
}

// keyChanged reports whether a column of t's primary key or of a unique
// index differs between old and new.
func keyChanged(t *catalog.Table, old, new []storage.Value) bool {
	if !sameKey(old, new, t.PrimaryKey.Columns) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique && !sameKey(old, new, ix.Columns) {
			return true
		}
	}
	return false
}

// referencing lists the foreign keys that reference t.
func (r *dmlRun) referencing(t *catalog.Table) ([]fkRef, error) {
	if refs, ok := r.fk.refs[t.ID]; ok {
		return refs, nil
	}
	tables, err := r.s.e.cat.Tables(r.tx)
	if err != nil {
		return nil, err
	}
	var refs []fkRef
	for _, c := range tables {
		if c.ID == t.ID {
			c = t // the statement's descriptor of its own table
		}
		for i := range c.ForeignKeys {
			if c.ForeignKeys[i].RefTable == t.Name {
				refs = append(refs, fkRef{child: c, fk: &c.ForeignKeys[i]})
			}
		}
	}
	if r.fk.refs == nil {
		r.fk.refs = map[uint32][]fkRef{}
	}
	r.fk.refs[t.ID] = refs
	return refs, nil
}

// table returns the descriptor of a referenced table.
func (r *dmlRun) table(name string) (*catalog.Table, error) {
	if t := r.fk.tables[name]; t != nil {
		return t, nil
	}
	t, err := r.s.e.cat.Table(r.tx, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
	}
	if err != nil {
		return nil, err
	}
	if r.fk.tables == nil {
		r.fk.tables = map[string]*catalog.Table{}
	}
	r.fk.tables[name] = t
	return t, nil
}

// finish runs the queued foreign-key work, round by round.
func (r *dmlRun) finish() error {
	for len(r.fk.queue) > 0 {
		r.tx.NewStatement()
		q := r.fk.queue
		r.fk.queue = nil
		for _, ev := range q {
			var err error
			if ev.onParent {
				err = r.parentChanged(ev)
			} else {
				err = r.checkChild(ev)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// checkChild makes sure a child key's parent row exists, and locks it.
func (r *dmlRun) checkChild(ev fkEvent) error {
	child, fk := ev.ref.child, ev.ref.fk
	parent, err := r.table(fk.RefTable)
	if err != nil {
		return err
	}
	vals, err := r.castKey(ev.vals, parent, fk.RefColumns)
	if err != nil {
		return err
	}
	ok, err := r.present(parent, fk.RefColumns, vals, true)
	if err != nil || ok {
		return err
	}
	cw, err := r.writer(child)
	if err != nil {
		return err
	}
	return pgerr.New(pgerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", child.Name, fk.Name).
		WithDetail("Key %s is not present in table %q.", keyText(child, fk.Columns, ev.vals, cw.s), parent.Name).
		WithTable(child.Name).WithConstraint(fk.Name)
}

// parentChanged handles a parent row that gave up a referenced key.
func (r *dmlRun) parentChanged(ev fkEvent) error {
	child, fk, parent := ev.ref.child, ev.ref.fk, ev.parent
	action := strings.ToLower(fk.OnUpdate)
	if ev.del {
		action = strings.ToLower(fk.OnDelete)
	}
	if action == "" || action == "no action" {
		// Another row may carry the key now.
		ok, err := r.present(parent, fk.RefColumns, ev.vals, false)
		if err != nil || ok {
			return err
		}
	}
	want, err := r.castKey(ev.vals, child, fk.Columns)
	if err != nil {
		return err
	}
	kids, err := r.children(child, fk.Columns, want)
	if err != nil || len(kids) == 0 {
		return err
	}
	switch action {
	case "", "no action", "restrict":
		return pgerr.New(pgerr.ForeignKeyViolation, "update or delete on table %q violates foreign key constraint %q on table %q", parent.Name, fk.Name, child.Name).
			WithDetail("Key %s is still referenced from table %q.", keyText(parent, fk.RefColumns, ev.vals, r.s), child.Name).
			WithTable(child.Name).WithConstraint(fk.Name)
	case "cascade", "set null":
		var to []storage.Value // nil: NULLs
		if action == "cascade" && !ev.del {
			// Stored in the child's columns: their exact types.
			to = make([]storage.Value, len(ev.newVals))
			for i, v := range ev.newVals {
				if to[i], err = sem.Cast(&r.s.sem, v, child.Columns[fk.Columns[i]].Type); err != nil {
					return err
				}
			}
		}
		for _, k := range kids {
			if action == "cascade" && ev.del {
				err = r.cascadeDelete(child, fk, want, k)
			} else {
				err = r.setKey(child, fk, want, to, k)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	what := "UPDATE"
	if ev.del {
		what = "DELETE"
	}
	return pgerr.New(pgerr.FeatureNotSupported, "ON %s %s is not supported", what, strings.ToUpper(action))
}

// fkRow is a row found by its foreign key.
type fkRow struct {
	key, val []byte
}

// cascadeDelete deletes a child row whose key was deleted from the parent
// (ON DELETE CASCADE).
func (r *dmlRun) cascadeDelete(child *catalog.Table, fk *catalog.ForeignKey, want []storage.Value, k fkRow) error {
	w, err := r.writer(child)
	if err != nil {
		return err
	}
	old := make([]storage.Value, len(child.Columns))
	expected := k.val
	for {
		if err := w.decode(expected, old); err != nil {
			return err
		}
		if !matches(old, fk.Columns, want) {
			return nil
		}
		o, cur, err := w.remove(r.ctx, k.key, expected)
		switch {
		case err != nil:
			return err
		case o == gone:
			return nil
		case o == changed:
			expected = cur
			continue
		}
		return r.afterDelete(w, old)
	}
}

// setKey sets a child row's foreign key to the parent's new key (ON
// UPDATE CASCADE), or to NULL if to is nil (SET NULL).
func (r *dmlRun) setKey(child *catalog.Table, fk *catalog.ForeignKey, want, to []storage.Value, k fkRow) error {
	w, err := r.writer(child)
	if err != nil {
		return err
	}
	if w.checks == nil && len(child.Checks) > 0 {
		es, err := r.s.plan.CheckExprs(child)
		if err != nil {
			return err
		}
		w.checks = r.compile(es)
	}
	old := make([]storage.Value, len(child.Columns))
	expected := k.val
	for {
		if err := w.decode(expected, old); err != nil {
			return err
		}
		if !matches(old, fk.Columns, want) {
			return nil
		}
		nr := append([]storage.Value(nil), old...)
		for i, c := range fk.Columns {
			nr[c] = storage.Null()
			if to != nil {
				nr[c] = to[i]
			}
		}
		if err := w.checkWith(w.checks, nr); err != nil {
			return err
		}
		o, cur, err := w.replace(r.ctx, k.key, expected, nr)
		switch {
		case err != nil:
			return err
		case o == gone:
			return nil
		case o == changed:
			expected = cur
			continue
		}
		return r.afterUpdate(w, old, nr)
	}
}

// present reports whether a row of t has vals in cols, reading the
// newest command's snapshot (this statement's writes included). With
// lock, the row found is locked (re-checked on its newest version).
func (r *dmlRun) present(t *catalog.Table, cols []int, vals []storage.Value, lock bool) (bool, error) {
	want := keyBytes(vals)
	memo := ""
	if lock {
		memo = string(appendUint32(nil, t.ID)) + string(appendInts(nil, cols)) + string(want)
		if r.fk.present[memo] {
			return true, nil
		}
	}
	w, err := r.writer(t)
	if err != nil {
		return false, err
	}
	var rows []fkRow
	if perm, ok := keyPrefix(t.PrimaryKey, t, cols); ok && len(cols) == len(t.PrimaryKey.Columns) {
		// The whole primary key: no search. Locking reads the newest
		// version (waiting for a running writer of it).
		key := prefixKey(t.PrimaryKey, perm, vals)
		if !lock {
			_, found, err := r.tx.Get(w.st, key, nil)
			return found, err
		}
		rows = append(rows, fkRow{key: key})
	} else if rows, err = r.find(w, cols, vals); err != nil {
		return false, err
	}
	for _, row := range rows {
		if !lock {
			return true, nil
		}
		ok, err := r.lockMatching(w, row.key, cols, want)
		if err != nil {
			return false, err
		}
		if ok {
			if r.fk.present == nil {
				r.fk.present = map[string]bool{}
			}
			r.fk.present[memo] = true
			return true, nil
		}
	}
	return false, nil
}

// lockMatching locks the row under key if its newest version still has
// the key want in cols.
func (r *dmlRun) lockMatching(w *rowWriter, key []byte, cols []int, want []byte) (bool, error) {
	var buf []byte
	var decodeErr error
	ok, err := r.tx.Update(r.ctx, w.st, key, func(cur []byte) ([]byte, bool, error) {
		buf, decodeErr = rowKeyBytes(buf[:0], cur, w.types, cols)
		if decodeErr != nil || !bytes.Equal(buf, want) {
			return nil, false, decodeErr
		}
		return append([]byte(nil), cur...), true, nil
	})
	if err != nil {
		return false, w.convert(err, nil)
	}
	return ok, nil
}

// children finds the rows of child whose cols hold want.
func (r *dmlRun) children(child *catalog.Table, cols []int, want []storage.Value) ([]fkRow, error) {
	w, err := r.writer(child)
	if err != nil {
		return nil, err
	}
	return r.find(w, cols, want)
}

// find returns the visible rows of w's table whose cols hold vals, through
// the primary key or an index whose leading columns are cols if there is
// one, else by a full scan.
func (r *dmlRun) find(w *rowWriter, cols []int, vals []storage.Value) ([]fkRow, error) {
	t := w.t
	want := keyBytes(vals)
	var out []fkRow
	var buf []byte
	var scanErr error
	visit := func(key, val []byte) bool {
		buf, scanErr = rowKeyBytes(buf[:0], val, w.types, cols)
		if scanErr != nil {
			return false
		}
		if bytes.Equal(buf, want) {
			out = append(out, fkRow{key: append([]byte(nil), key...), val: append([]byte(nil), val...)})
		}
		return true
	}
	var err error
	if perm, ok := keyPrefix(t.PrimaryKey, t, cols); ok {
		from := prefixKey(t.PrimaryKey, perm, vals)
		err = r.tx.Scan(w.st, from, storage.PrefixEnd(from), false, visit)
	} else if ix, perm, ok := indexFor(t, cols); ok {
		six := storageIndex(w.st, ix.ID)
		if six == nil {
			return nil, pgerr.New(pgerr.InternalError, "index %q of table %q has no storage", ix.Name, t.Name)
		}
		from := prefixKey(ix, perm, vals)
		err = r.tx.IndexScan(w.st, six, from, storage.PrefixEnd(from), false, visit)
	} else {
		err = r.tx.Scan(w.st, nil, nil, false, visit)
	}
	if err == nil {
		err = scanErr
	}
	return out, err
}

// keyPrefix reports whether the leading columns of ix are cols in some
// order, and the order: perm[i] is the position in cols of ix's i-th
// column. A hidden row-id key never is.
func keyPrefix(ix catalog.Index, t *catalog.Table, cols []int) ([]int, bool) {
	if len(ix.Columns) < len(cols) || len(cols) == 0 {
		return nil, false
	}
	perm := make([]int, len(cols))
	for i := range cols {
		c := ix.Columns[i]
		if t.Columns[c].Hidden {
			return nil, false
		}
		perm[i] = -1
		for j, fc := range cols {
			if fc == c {
				perm[i] = j
			}
		}
		if perm[i] < 0 {
			return nil, false
		}
	}
	return perm, true
}

// indexFor finds a secondary index whose leading columns are cols.
func indexFor(t *catalog.Table, cols []int) (catalog.Index, []int, bool) {
	for _, ix := range t.Indexes {
		if perm, ok := keyPrefix(ix, t, cols); ok {
			return ix, perm, true
		}
	}
	return catalog.Index{}, nil, false
}

// prefixKey encodes vals (in cols order) as a key prefix of ix.
func prefixKey(ix catalog.Index, perm []int, vals []storage.Value) []byte {
	var key []byte
	for i, j := range perm {
		var kc storage.KeyColumn
		if i < len(ix.Keys) {
			kc = ix.Keys[i]
		}
		key = storage.AppendKeyValue(key, vals[j], kc)
	}
	return key
}

// keyValues picks cols of row; ok is false if one is NULL.
func keyValues(row []storage.Value, cols []int) ([]storage.Value, bool) {
	out := make([]storage.Value, len(cols))
	for i, c := range cols {
		if row[c].IsNull() {
			return nil, false
		}
		out[i] = row[c]
	}
	return out, true
}

// sameKey reports whether a and b agree on cols, as stored keys compare
// (NULL equal to NULL).
func sameKey(a, b []storage.Value, cols []int) bool {
	var ka, kb []byte
	for _, c := range cols {
		ka = storage.AppendKeyValue(ka[:0], a[c], storage.KeyColumn{})
		kb = storage.AppendKeyValue(kb[:0], b[c], storage.KeyColumn{})
		if !bytes.Equal(ka, kb) {
			return false
		}
	}
	return true
}

// matches reports whether row holds want in cols.
func matches(row []storage.Value, cols []int, want []storage.Value) bool {
	var ka, kb []byte
	for i, c := range cols {
		ka = storage.AppendKeyValue(ka[:0], row[c], storage.KeyColumn{})
		kb = storage.AppendKeyValue(kb[:0], want[i], storage.KeyColumn{})
		if !bytes.Equal(ka, kb) {
			return false
		}
	}
	return true
}

// keyBytes encodes values for equality tests: integer widths encode
// alike.
func keyBytes(vals []storage.Value) []byte {
	var b []byte
	for _, v := range vals {
		b = storage.AppendKeyValue(b, v, storage.KeyColumn{})
	}
	return b
}

// rowKeyBytes appends keyBytes of an encoded row's cols.
func rowKeyBytes(dst, val []byte, types []storage.Type, cols []int) ([]byte, error) {
	for _, c := range cols {
		v, err := storage.DecodeColumn(val, types, c)
		if err != nil {
			return dst, err
		}
		dst = storage.AppendKeyValue(dst, v, storage.KeyColumn{})
	}
	return dst, nil
}

// castKey converts key values to the types of t's cols where they differ
// beyond integer width (a numeric key referencing an integer one).
func (r *dmlRun) castKey(vals []storage.Value, t *catalog.Table, cols []int) ([]storage.Value, error) {
	var out []storage.Value
	for i, c := range cols {
		want := t.Columns[c].Type
		if vals[i].Type() == want || isInt(vals[i].Type()) && isInt(want) {
			continue
		}
		if out == nil {
			out = append([]storage.Value(nil), vals...)
		}
		v, err := sem.Cast(&r.s.sem, vals[i], want)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	if out == nil {
		return vals, nil
	}
	return out, nil
}

func isInt(t storage.Type) bool {
	return t == storage.TypeInt16 || t == storage.TypeInt32 || t == storage.TypeInt64
}

// keyText formats "(a, b)=(1, 2)" for a key of t's cols.
func keyText(t *catalog.Table, cols []int, vals []storage.Value, s *Session) string {
	names := make([]string, len(cols))
	texts := make([]string, len(cols))
	for i, c := range cols {
		names[i] = t.Columns[c].Name
		texts[i] = formatValue(vals[i], s)
	}
	return "(" + strings.Join(names, ", ") + ")=(" + strings.Join(texts, ", ") + ")"
}

func appendUint32(b []byte, x uint32) []byte {
	return append(b, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
}

func appendInts(b []byte, xs []int) []byte {
	for _, x := range xs {
		b = appendUint32(b, uint32(x))
	}
	return b
}
