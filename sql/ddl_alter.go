package sql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// ALTER TABLE
//
// The actions of one ALTER TABLE apply in order to the table's newest
// descriptor, locked first; each writes the descriptor through the
// transaction, so the whole statement commits or rolls back as one.
//
//   - ADD COLUMN appends the column. Rows are stored by position and a
//     row with fewer columns decodes the missing ones as NULL
//     (storage/rowenc.go), so a column without a default costs nothing;
//     with a default the existing rows are rewritten (updated in the
//     transaction) to hold it, evaluated per row if it is volatile
//     (nextval). Rows a statement planned before the ALTER writes
//     afterwards lack the column (NULL).
//   - DROP COLUMN keeps the column's position, marked Dropped, and drops
//     the indexes, CHECKs and foreign keys that use it; views that need it
//     refuse the DROP (2BP01).
//   - ADD PRIMARY KEY is allowed on a table keyed by its hidden row id:
//     the rows are copied into new storage under the new key
//     (catalog.Rekey).
//   - ADD CONSTRAINT UNIQUE/CHECK/FOREIGN KEY and SET NOT NULL check the
//     existing rows first.
//   - RENAME TO and RENAME COLUMN are refused (0A000) when a view needs
//     the old name: views are stored as text.

// alter is one ALTER TABLE statement's state: t is the newest descriptor.
type alter struct {
	s   *Session
	ctx context.Context
	tx  *txn.Txn
	t   *catalog.Table
	res *Result
}

// alterTable runs ALTER TABLE.
func (s *Session) alterTable(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.AlterTableStmt) (*Result, error) {
	res := &Result{Tag: "ALTER TABLE"}
	if err := checkSchema(n.Table.Schema.O); err != nil {
		return nil, err
	}
	name := n.Table.Name.O
	t, err := s.e.cat.LockTable(ctx, tx, name)
	var wk *catalog.WrongKindError
	switch {
	case errors.As(err, &wk):
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a table", name)
	case err != nil:
		return nil, relationError(err)
	}
	step(tx)
	a := &alter{s: s, ctx: ctx, tx: tx, t: t, res: res}
	var colTypes []dialect.ColumnType
	if st.Rewrites != nil {
		colTypes = st.Rewrites.Columns
	}
	for _, spec := range n.Specs {
		switch spec.Tp {
		case ast.AlterTableAddColumns:
			for _, cd := range spec.NewColumns {
				if len(colTypes) == 0 {
					return nil, pgerr.New(pgerr.InternalError, "column types were not recorded")
				}
				if err := a.addColumn(cd, colTypes[0], spec.IfNotExists); err != nil {
					return nil, err
				}
				colTypes = colTypes[1:]
			}
		case ast.AlterTableAddConstraint:
			if err := a.addConstraint(spec.Constraint); err != nil {
				return nil, err
			}
		case ast.AlterTableDropColumn:
			if err := a.dropColumn(spec.OldColumnName.Name.O, spec.IfExists); err != nil {
				return nil, err
			}
		case ast.AlterTableRenameColumn:
			if err := a.renameColumn(spec.OldColumnName.Name.O, spec.NewColumnName.Name.O); err != nil {
				return nil, err
			}
		case ast.AlterTableRenameTable:
			if err := checkSchema(spec.NewTable.Schema.O); err != nil {
				return nil, err
			}
			if err := a.rename(spec.NewTable.Name.O); err != nil {
				return nil, err
			}
		case ast.AlterTableAlterColumn:
			if err := a.alterColumn(spec.NewColumns[0]); err != nil {
				return nil, err
			}
		case ast.AlterTableDropCheck:
			if err := a.dropConstraint(spec.Constraint.Name); err != nil {
				return nil, err
			}
		case ast.AlterTableModifyColumn:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "ALTER COLUMN TYPE is not supported yet")
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "this ALTER TABLE action is not supported yet")
		}
		step(tx)
	}
	return res, nil
}

// renameTable runs the MySQL RENAME TABLE statement, which Postgres does
// not have.
func (s *Session) renameTable(ctx context.Context, tx *txn.Txn, n *ast.RenameTableStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.SyntaxError, "syntax error at or near \"RENAME\"")
}

// write stores the new descriptor.
func (a *alter) write(nt *catalog.Table) error {
	if err := a.s.e.cat.AlterTable(a.ctx, a.tx, nt); err != nil {
		return relationError(err)
	}
	a.t = nt
	return nil
}

// column finds a visible column by name.
func (a *alter) column(name string) int {
	i := a.t.ColumnIndex(name)
	if i >= 0 && a.t.Columns[i].Hidden {
		return -1
	}
	return i
}

func (a *alter) noColumn(name string) error {
	return pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", name, a.t.Name)
}

// addColumn runs ADD [COLUMN] [IF NOT EXISTS] c type [constraints].
func (a *alter) addColumn(cd *ast.ColumnDef, ct dialect.ColumnType, ifNotExists bool) error {
	s, t := a.s, a.t
	name := cd.Name.Name.O
	if a.column(name) >= 0 {
		if ifNotExists {
			a.res.Notices = append(a.res.Notices, skipping(pgerr.DuplicateColumn, "column %q of relation %q already exists, skipping", name, t.Name))
			return nil
		}
		return pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", name, t.Name)
	}
	typ, err := planner.ResolveType(ct.Type)
	if err != nil {
		return err
	}
	col := catalog.Column{Name: name, Type: typ.T, PgType: typ.Name, Typmod: typ.Typmod}
	if ct.Type.Serial() {
		seqName, err := s.freeName(a.tx, constraintName(t.Name, []string{name}, "seq"), nil)
		if err != nil {
			return err
		}
		seq := &catalog.Sequence{Name: seqName, Type: typ.Name, OwnedBy: &catalog.SequenceOwner{Table: t.Name, Column: name}}
		catalog.SequenceDefaults(seq, false, false, false)
		if err := s.e.cat.CreateSequence(a.ctx, a.tx, seq); err != nil {
			return relationError(err)
		}
		col.Default, col.NotNull = nextvalText(seqName), true
	}
	var checks []*ast.Constraint
	var uniques, pks []*ast.Constraint
	var fks []fkDef
	key := []*ast.IndexPartSpecification{{Column: &ast.ColumnName{Name: cd.Name.Name}}}
	for _, o := range cd.Options {
		switch o.Tp {
		case ast.ColumnOptionNotNull:
			col.NotNull = true
		case ast.ColumnOptionNull:
		case ast.ColumnOptionDefaultValue:
			if col.Default != "" {
				return pgerr.New(pgerr.SyntaxError, "multiple default values specified for column %q of table %q", name, t.Name)
			}
			if col.Default, err = defaultText(o.Expr); err != nil {
				return err
			}
		case ast.ColumnOptionCheck:
			checks = append(checks, &ast.Constraint{Tp: ast.ConstraintCheck, Name: o.ConstraintName, Expr: o.Expr})
		case ast.ColumnOptionUniqKey:
			uniques = append(uniques, &ast.Constraint{Tp: ast.ConstraintUniq, Name: o.ConstraintName, Keys: key})
		case ast.ColumnOptionPrimaryKey:
			pks = append(pks, &ast.Constraint{Tp: ast.ConstraintPrimaryKey, Name: o.ConstraintName, Keys: key})
		case ast.ColumnOptionReference:
			fks = append(fks, fkDef{name: o.ConstraintName, cols: []string{name}, ref: o.Refer})
		default:
			return pgerr.New(pgerr.FeatureNotSupported, "column option is not supported yet")
		}
	}
	nt := t.Clone()
	nt.Columns = append(nt.Columns, col)
	pos := len(nt.Columns) - 1
	// Bind the default before anything is written.
	q, constant, err := s.plan.PlanDefault(nt, pos)
	if col.Default != "" && err != nil && !ct.Type.Serial() {
		return err
	}
	if err := a.write(nt); err != nil {
		return err
	}
	step(a.tx)
	if col.Default != "" {
		if ct.Type.Serial() {
			// The sequence is visible now.
			if q, constant, err = s.plan.PlanDefault(nt, pos); err != nil {
				return err
			}
		}
		if err := a.fillColumn(pos, q, constant); err != nil {
			return err
		}
	} else if col.NotNull {
		if _, found, err := a.anyRow(fmt.Sprintf("select 1 from %s limit 1", quoteIdent(t.Name))); err != nil {
			return err
		} else if found {
			return pgerr.New(pgerr.NotNullViolation, "column %q of relation %q contains null values", name, t.Name).WithTable(t.Name).WithColumn(name)
		}
	}
	for _, c := range append(append(checks, uniques...), pks...) {
		if err := a.addConstraint(c); err != nil {
			return err
		}
	}
	for _, d := range fks {
		if err := a.addForeignKey(d); err != nil {
			return err
		}
	}
	return nil
}

// fillColumn stores column pos's default in every row visible to the
// transaction.
func (a *alter) fillColumn(pos int, q *planner.Query, constant bool) error {
	s, t := a.s, a.t
	eval := func() (storage.Value, error) {
		it, err := exec.Build(s.execContext(a.ctx, a.tx, nil), q.Plan)
		if err != nil {
			return storage.Value{}, err
		}
		defer it.Close()
		row, err := it.Next()
		if err != nil {
			return storage.Value{}, err
		}
		return row[0], nil
	}
	var fixed storage.Value
	if constant {
		v, err := eval()
		if err != nil {
			return err
		}
		if v.IsNull() && !t.Columns[pos].NotNull {
			return nil // rows decode the missing column as NULL already
		}
		fixed = v
	}
	st := s.e.cat.Storage(t)
	if st == nil {
		return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", t.Name)
	}
	types := t.Types()
	col := t.Columns[pos]
	return a.eachKey(st, func(key []byte) error {
		v := fixed
		if !constant {
			var err error
			if v, err = eval(); err != nil {
				return err
			}
		}
		if v.IsNull() && col.NotNull {
			return pgerr.New(pgerr.NotNullViolation, "column %q of relation %q contains null values", col.Name, t.Name).WithTable(t.Name).WithColumn(col.Name)
		}
		_, err := a.tx.Update(a.ctx, st, key, func(cur []byte) ([]byte, bool, error) {
			row, err := storage.DecodeRow(cur, types, nil)
			if err != nil {
				return nil, false, err
			}
			row[pos] = v
			val, err := storage.EncodeRow(nil, types, row)
			return val, err == nil, err
		})
		return err
	})
}

// eachKey calls fn with the key of every row of st visible to the
// transaction, reading keys in batches (fn may write: a scan's callback
// must not).
func (a *alter) eachKey(st *storage.Table, fn func(key []byte) error) error {
	const batch = 256
	var from []byte
	for {
		var keys [][]byte
		err := a.tx.Scan(st, from, nil, false, func(k, _ []byte) bool {
			keys = append(keys, append([]byte(nil), k...))
			return len(keys) < batch
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		if len(keys) < batch {
			return nil
		}
		from = append(keys[len(keys)-1], 0)
	}
}

// anyRow runs a query (TiDB text) and returns its first row. It sees
// every write the statement made so far.
func (a *alter) anyRow(text string) ([]storage.Value, bool, error) {
	step(a.tx)
	return a.s.firstRow(a.ctx, a.tx, text)
}

func (s *Session) firstRow(ctx context.Context, tx *txn.Txn, text string) ([]storage.Value, bool, error) {
	node, err := s.parseStmt(text)
	if err != nil {
		return nil, false, err
	}
	rs, ok := node.(ast.ResultSetNode)
	if !ok {
		return nil, false, pgerr.New(pgerr.InternalError, "check query is not a query")
	}
	q, err := s.plan.PlanSelect(rs)
	if err != nil {
		return nil, false, err
	}
	it, err := exec.Build(s.execContext(ctx, tx, nil), q.Plan)
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	row, err := it.Next()
	if err == io.EOF {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return append([]storage.Value(nil), row...), true, nil
}

// constraintTaken reports whether t has a constraint of that name.
func constraintTaken(t *catalog.Table, name string) bool {
	for _, c := range t.Checks {
		if c.Name == name {
			return true
		}
	}
	for _, fk := range t.ForeignKeys {
		if fk.Name == name {
			return true
		}
	}
	if ix, ok := t.Index(name); ok && ix.Constraint {
		return true
	}
	return !t.HasRowID() && t.PrimaryKey.Name == name
}

// addConstraint runs ADD [CONSTRAINT name] PRIMARY KEY / UNIQUE / CHECK /
// FOREIGN KEY.
func (a *alter) addConstraint(c *ast.Constraint) error {
	if c.Name != "" && constraintTaken(a.t, c.Name) {
		return pgerr.New(pgerr.DuplicateObject, "constraint %q for relation %q already exists", c.Name, a.t.Name)
	}
	switch c.Tp {
	case ast.ConstraintCheck:
		return a.addCheck(c)
	case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
		cols, err := keyColumns(c.Keys)
		if err != nil {
			return err
		}
		return a.addUnique(c.Name, cols)
	case ast.ConstraintPrimaryKey:
		cols, err := keyColumns(c.Keys)
		if err != nil {
			return err
		}
		return a.addPrimaryKey(c.Name, cols)
	case ast.ConstraintForeignKey:
		cols, err := keyColumns(c.Keys)
		if err != nil {
			return err
		}
		return a.addForeignKey(fkDef{name: c.Name, cols: cols, ref: c.Refer})
	}
	return pgerr.New(pgerr.FeatureNotSupported, "constraint is not supported yet")
}

// addCheck adds a CHECK constraint that every row must pass.
func (a *alter) addCheck(c *ast.Constraint) error {
	text, err := planner.ExprText(c.Expr)
	if err != nil {
		return err
	}
	name := c.Name
	if name == "" {
		name = checkName(a.t, c.Expr)
	}
	_, found, err := a.anyRow(fmt.Sprintf("select 1 from %s where not (%s) limit 1", quoteIdent(a.t.Name), text))
	if err != nil {
		return err
	}
	if found {
		return pgerr.New(pgerr.CheckViolation, "check constraint %q of relation %q is violated by some row", name, a.t.Name).
			WithTable(a.t.Name).WithConstraint(name)
	}
	nt := a.t.Clone()
	nt.Checks = append(nt.Checks, catalog.Check{Name: name, Expr: text})
	return a.write(nt)
}

// addUnique adds a UNIQUE constraint's index.
func (a *alter) addUnique(name string, cols []string) error {
	if name == "" {
		var err error
		if name, err = a.s.freeName(a.tx, constraintName(a.t.Name, cols, "key"), nil); err != nil {
			return err
		}
	}
	ix, err := indexOn(a.t, name, cols, true)
	if err != nil {
		return err
	}
	ix.Constraint = true
	nt, err := a.s.e.cat.AddIndex(a.ctx, a.tx, a.t, ix)
	if err != nil {
		return a.s.indexError(a.t, err)
	}
	a.t = nt
	return nil
}

// addPrimaryKey keys a table that has the hidden row id by cols.
func (a *alter) addPrimaryKey(name string, cols []string) error {
	t := a.t
	if !t.HasRowID() {
		return pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
	}
	if name == "" {
		var err error
		if name, err = a.s.freeName(a.tx, truncName(t.Name, 5)+"_pkey", nil); err != nil {
			return err
		}
	}
	ix, err := indexOn(t, name, cols, true)
	if err != nil {
		return err
	}
	ix.Constraint = true
	for _, c := range ix.Columns {
		cn := t.Columns[c].Name
		_, found, err := a.anyRow(fmt.Sprintf("select 1 from %s where %s is null limit 1", quoteIdent(t.Name), quoteIdent(cn)))
		if err != nil {
			return err
		}
		if found {
			return pgerr.New(pgerr.NotNullViolation, "column %q of relation %q contains null values", cn, t.Name).WithTable(t.Name).WithColumn(cn)
		}
	}
	nt := t.Clone()
	rowID := nt.PrimaryKey.Columns[0]
	nt.Columns[rowID].Dropped, nt.Columns[rowID].NotNull = true, false
	nt.PrimaryKey = ix
	for _, c := range ix.Columns {
		nt.Columns[c].NotNull = true
	}
	if err := a.s.e.cat.Rekey(a.ctx, a.tx, t, nt); err != nil {
		return a.s.indexError(nt, err)
	}
	a.t = nt
	return nil
}

// addForeignKey adds a FOREIGN KEY that every row must satisfy (MATCH
// SIMPLE: a row with a NULL key column passes).
func (a *alter) addForeignKey(d fkDef) error {
	fk, err := a.s.foreignKey(a.ctx, a.tx, a.t, d)
	if err != nil {
		return err
	}
	if constraintTaken(a.t, fk.Name) {
		return pgerr.New(pgerr.DuplicateObject, "constraint %q for relation %q already exists", fk.Name, a.t.Name)
	}
	parent := a.t
	if fk.RefTable != a.t.Name {
		if parent, err = a.s.e.cat.Table(a.tx, fk.RefTable); err != nil {
			return relationError(err)
		}
	}
	var sel, notNull, match []string
	for i, c := range fk.Columns {
		cn := quoteIdent(a.t.Columns[c].Name)
		pn := quoteIdent(parent.Columns[fk.RefColumns[i]].Name)
		sel = append(sel, `"pdb_child".`+cn)
		notNull = append(notNull, `"pdb_child".`+cn+" is not null")
		match = append(match, `"pdb_parent".`+pn+` = "pdb_child".`+cn)
	}
	text := fmt.Sprintf(`select %s from %s as "pdb_child" where %s and not exists (select 1 from %s as "pdb_parent" where %s) limit 1`,
		strings.Join(sel, ", "), quoteIdent(a.t.Name), strings.Join(notNull, " and "), quoteIdent(parent.Name), strings.Join(match, " and "))
	row, found, err := a.anyRow(text)
	if err != nil {
		return err
	}
	if found {
		names := make([]string, len(fk.Columns))
		vals := make([]string, len(fk.Columns))
		for i, c := range fk.Columns {
			names[i] = a.t.Columns[c].Name
			vals[i] = sem.Format(row[i], a.s.sem.Loc)
		}
		return pgerr.New(pgerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", a.t.Name, fk.Name).
			WithDetail("Key (%s)=(%s) is not present in table %q.", strings.Join(names, ", "), strings.Join(vals, ", "), parent.Name).
			WithTable(a.t.Name).WithConstraint(fk.Name)
	}
	nt := a.t.Clone()
	nt.ForeignKeys = append(nt.ForeignKeys, fk)
	return a.write(nt)
}

// checkMentions reports whether a stored CHECK expression names column.
func (s *Session) checkMentions(ck catalog.Check, column string) (bool, error) {
	e, err := s.parseExpr(ck.Expr)
	if err != nil {
		return false, err
	}
	f := &colFinder{}
	e.Accept(f)
	return slices.Contains(f.cols, column), nil
}

// dropColumn runs DROP [COLUMN] [IF EXISTS] c.
func (a *alter) dropColumn(name string, ifExists bool) error {
	s, t := a.s, a.t
	pos := a.column(name)
	if pos < 0 {
		if ifExists {
			a.res.Notices = append(a.res.Notices, skipping(pgerr.UndefinedColumn, "column %q of relation %q does not exist, skipping", name, t.Name))
			return nil
		}
		return a.noColumn(name)
	}
	if slices.Contains(t.PrimaryKey.Columns, pos) {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot drop column %q of table %q: it is part of the primary key, which cannot be dropped yet", name, t.Name)
	}
	refs, err := s.e.cat.Referencing(a.tx, t.Name)
	if err != nil {
		return err
	}
	for _, c := range refs {
		for _, fk := range c.ForeignKeys {
			if fk.RefTable == t.Name && slices.Contains(fk.RefColumns, pos) {
				return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop column %s of table %s because other objects depend on it", name, t.Name).
					WithDetail("constraint %s on table %s depends on column %s of table %s", fk.Name, c.Name, name, t.Name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
		}
	}
	// Indexes over the column go with it.
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, pos) {
			nt, err := s.e.cat.DropIndex(a.ctx, a.tx, a.t, ix.Name)
			if err != nil {
				return relationError(err)
			}
			a.t = nt
		}
	}
	nt := a.t.Clone()
	nt.Checks = nt.Checks[:0]
	for _, ck := range a.t.Checks {
		uses, err := s.checkMentions(ck, name)
		if err != nil {
			return err
		}
		if !uses {
			nt.Checks = append(nt.Checks, ck)
		}
	}
	nt.ForeignKeys = nt.ForeignKeys[:0]
	for _, fk := range a.t.ForeignKeys {
		if !slices.Contains(fk.Columns, pos) && !(fk.RefTable == t.Name && slices.Contains(fk.RefColumns, pos)) {
			nt.ForeignKeys = append(nt.ForeignKeys, fk)
		}
	}
	c := &nt.Columns[pos]
	c.Dropped, c.Default, c.NotNull = true, "", false
	if err := a.write(nt); err != nil {
		return err
	}
	seqs, err := s.e.cat.Sequences(a.tx)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		if seq.OwnedBy != nil && seq.OwnedBy.Table == t.Name && seq.OwnedBy.Column == name {
			if err := s.e.cat.DropSequence(a.ctx, a.tx, seq.Name); err != nil {
				return relationError(err)
			}
		}
	}
	step(a.tx)
	if v, err := a.brokenView(); err != nil {
		return err
	} else if v != "" {
		return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop column %s of table %s because other objects depend on it", name, t.Name).
			WithDetail("view %s depends on column %s of table %s", v, name, t.Name).
			WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	return nil
}

// brokenView returns the first view reading the table that no longer
// plans against the changed descriptor (written and stepped to).
func (a *alter) brokenView() (string, error) {
	views, err := a.s.e.cat.Dependents(a.tx, a.t.Name)
	if err != nil {
		return "", err
	}
	for _, v := range views {
		if _, err := a.s.plan.PlanView(v); err != nil {
			return v.Name, nil
		}
	}
	return "", nil
}

// renameColumn runs RENAME [COLUMN] a TO b.
func (a *alter) renameColumn(from, to string) error {
	s, t := a.s, a.t
	pos := a.column(from)
	if pos < 0 {
		return pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", from)
	}
	if a.t.ColumnIndex(to) >= 0 {
		return pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", to, t.Name)
	}
	nt := t.Clone()
	nt.Columns[pos].Name = to
	for i, ck := range nt.Checks {
		e, err := s.parseExpr(ck.Expr)
		if err != nil {
			return err
		}
		e.Accept(&colRenamer{table: t.Name, from: from, to: to})
		if nt.Checks[i].Expr, err = planner.ExprText(e); err != nil {
			return err
		}
		nt.Checks[i].Expr = quoteSeqFuncs(nt.Checks[i].Expr)
	}
	if err := a.write(nt); err != nil {
		return err
	}
	seqs, err := s.e.cat.Sequences(a.tx)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		if seq.OwnedBy != nil && seq.OwnedBy.Table == t.Name && seq.OwnedBy.Column == from {
			ns := *seq
			ns.OwnedBy = &catalog.SequenceOwner{Table: t.Name, Column: to}
			if err := s.e.cat.AlterSequence(a.ctx, a.tx, &ns); err != nil {
				return relationError(err)
			}
		}
	}
	step(a.tx)
	if v, err := a.brokenView(); err != nil {
		return err
	} else if v != "" {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot rename column %s of table %s because view %s depends on it", from, t.Name, v).
			WithHint("Views are stored as text here: drop the view, rename, and create it again.")
	}
	return nil
}

// colRenamer renames references to one column in an expression.
type colRenamer struct{ table, from, to string }

func (r *colRenamer) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok && c.Name.Name.O == r.from && (c.Name.Table.O == "" || c.Name.Table.O == r.table) {
		c.Name.Name = ast.NewCIStr(r.to)
	}
	return n, false
}

func (r *colRenamer) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// rename runs RENAME TO.
func (a *alter) rename(to string) error {
	s, t := a.s, a.t
	if _, err := s.e.cat.KindOf(a.tx, to); err == nil {
		return pgerr.New(pgerr.DuplicateTable, "relation %q already exists", to)
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	views, err := s.e.cat.Dependents(a.tx, t.Name)
	if err != nil {
		return err
	}
	if len(views) > 0 {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot rename table %s because view %s depends on it", t.Name, views[0].Name).
			WithHint("Views are stored as text here: drop the view, rename, and create it again.")
	}
	nt, err := s.e.cat.RenameTable(a.ctx, a.tx, t, to)
	if err != nil {
		return relationError(err)
	}
	a.t = nt
	return nil
}

// alterColumn runs ALTER [COLUMN] c SET DEFAULT e / DROP DEFAULT /
// SET NOT NULL / DROP NOT NULL (the dialect writes the last two as
// SET DEFAULT (pdb_set_not_null()) and (pdb_drop_not_null())).
func (a *alter) alterColumn(cd *ast.ColumnDef) error {
	s, t := a.s, a.t
	name := cd.Name.Name.O
	pos := a.column(name)
	if pos < 0 {
		return a.noColumn(name)
	}
	nt := t.Clone()
	col := &nt.Columns[pos]
	if len(cd.Options) == 0 {
		col.Default = ""
		return a.write(nt)
	}
	e := cd.Options[0].Expr
	for {
		if p, ok := e.(*ast.ParenthesesExpr); ok {
			e = p.Expr
			continue
		}
		break
	}
	if f, ok := e.(*ast.FuncCallExpr); ok {
		switch f.FnName.L {
		case dialect.FuncSetNotNull:
			if col.NotNull {
				return nil
			}
			_, found, err := a.anyRow(fmt.Sprintf("select 1 from %s where %s is null limit 1", quoteIdent(t.Name), quoteIdent(name)))
			if err != nil {
				return err
			}
			if found {
				return pgerr.New(pgerr.NotNullViolation, "column %q of relation %q contains null values", name, t.Name).WithTable(t.Name).WithColumn(name)
			}
			col.NotNull = true
			return a.write(nt)
		case dialect.FuncDropNotNull:
			if slices.Contains(t.PrimaryKey.Columns, pos) {
				return pgerr.New(pgerr.InvalidTableDefinition, "column %q is in a primary key", name)
			}
			col.NotNull = false
			return a.write(nt)
		}
	}
	text, err := defaultText(e)
	if err != nil {
		return err
	}
	col.Default = text
	if _, _, err := s.plan.PlanDefault(nt, pos); err != nil {
		return err
	}
	return a.write(nt)
}

// dropConstraint runs DROP CONSTRAINT name: a CHECK, a FOREIGN KEY or a
// UNIQUE constraint's index.
func (a *alter) dropConstraint(name string) error {
	t := a.t
	nt := t.Clone()
	for i, ck := range nt.Checks {
		if ck.Name == name {
			nt.Checks = slices.Delete(nt.Checks, i, i+1)
			return a.write(nt)
		}
	}
	for i, fk := range nt.ForeignKeys {
		if fk.Name == name {
			nt.ForeignKeys = slices.Delete(nt.ForeignKeys, i, i+1)
			return a.write(nt)
		}
	}
	if ix, ok := t.Index(name); ok && ix.Constraint {
		nt, err := a.s.e.cat.DropIndex(a.ctx, a.tx, t, name)
		if err != nil {
			return relationError(err)
		}
		a.t = nt
		return nil
	}
	if !t.HasRowID() && t.PrimaryKey.Name == name {
		return pgerr.New(pgerr.FeatureNotSupported, "dropping a primary key is not supported yet")
	}
	return pgerr.New(pgerr.UndefinedObject, "constraint %q of relation %q does not exist", name, t.Name)
}
