package sql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
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

// DDL
//
// Every DDL statement writes catalog rows through the statement's
// transaction (sql/catalog), so it commits and rolls back with it. A
// statement that changes a relation first locks its descriptor row
// (Catalog.LockTable and friends, Postgres's exclusive lock) and works
// on the newest version; under READ COMMITTED it then takes a new
// snapshot (step), so that what it checks next (dependent views, foreign
// keys) includes everything committed before it got the lock. A DDL
// statement that must read back what it wrote earlier in the same
// statement (a sequence it just created, a column it just added) steps
// too: Txn.NewStatement makes the transaction's earlier writes visible.
//
// What DML running concurrently with DDL sees is documented with each
// statement: rows are not locked against DDL as Postgres's table locks
// would, so a statement planned with the old descriptor may still write
// rows the DDL's scan of the table did not see (ALTER TABLE ADD COLUMN ...
// DEFAULT, ADD PRIMARY KEY, TRUNCATE).

// rowIDColumn is the hidden primary key of a table declared without one.
const rowIDColumn = "pdb_rowid"

// step starts a new command within the running DDL statement: later
// catalog reads see the statement's own earlier writes and, under READ
// COMMITTED, a fresh snapshot.
func step(tx *txn.Txn) { tx.NewStatement() }

// relationError words catalog errors about a relation for the client.
func relationError(err error) error {
	name := catalog.NameOf(err)
	var wk *catalog.WrongKindError
	switch {
	case errors.As(err, &wk):
		return pgerr.New(pgerr.WrongObjectType, "%q is not a table", wk.Name)
	case errors.Is(err, catalog.ErrExists):
		return pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	case errors.Is(err, catalog.ErrNotFound):
		return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
	}
	return err
}

// wrongKind is Postgres's error for DROP of a relation of another kind.
func wrongKind(name string, want, got catalog.Kind) error {
	e := pgerr.New(pgerr.WrongObjectType, "%q is not a%s %s", name, article(want.String()), want)
	switch got {
	case catalog.KindTable:
		e = e.WithHint("Use DROP TABLE to remove a table.")
	case catalog.KindView:
		e = e.WithHint("Use DROP VIEW to remove a view.")
	case catalog.KindSequence:
		e = e.WithHint("Use DROP SEQUENCE to remove a sequence.")
	case catalog.KindIndex:
		e = e.WithHint("Use DROP INDEX to remove an index.")
	}
	return e
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "n"
	}
	return ""
}

// checkSchema accepts an unqualified name or one in public.
func checkSchema(schema string) error {
	if schema != "" && schema != "public" {
		return pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", schema)
	}
	return nil
}

// Postgres raises these notices without a code of their own (00000); code
// documents which error the IF [NOT] EXISTS spared.
func skipping(code pgerr.Code, format string, args ...any) *pgerr.Error {
	_ = code
	return pgerr.New(pgerr.SuccessfulCompletion, format, args...).WithSeverity(pgerr.SeverityNotice)
}

// quoteIdent double-quotes a name for text given to the TiDB parser
// (ANSI_QUOTES).
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// freeName returns base, or base with the smallest numeric suffix that
// makes it a free relation name (Postgres's ChooseRelationName), also
// avoiding the names in taken.
func (s *Session) freeName(tx *txn.Txn, base string, taken map[string]bool) (string, error) {
	for i := 0; ; i++ {
		name := base
		if i > 0 {
			suffix := strconv.Itoa(i)
			name = truncName(base, len(suffix)) + suffix
		}
		if taken[name] {
			continue
		}
		_, err := s.e.cat.KindOf(tx, name)
		if errors.Is(err, catalog.ErrNotFound) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// truncName cuts a name so that reserve more bytes fit within
// Postgres's 63-byte identifiers.
func truncName(name string, reserve int) string {
	if len(name)+reserve > 63 {
		return name[:63-reserve]
	}
	return name
}

// constraintName is Postgres's generated name: table_cols_suffix, cut to
// 63 bytes.
func constraintName(table string, cols []string, suffix string) string {
	parts := append([]string{table}, cols...)
	return truncName(strings.Join(parts, "_"), len(suffix)+1) + "_" + suffix
}

// createTable runs CREATE TABLE.
func (s *Session) createTable(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateTableStmt) (*Result, error) {
	if n.ReferTable != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE TABLE ... LIKE is not supported yet")
	}
	if err := checkSchema(n.Table.Schema.O); err != nil {
		return nil, err
	}
	name := n.Table.Name.O
	res := &Result{Tag: "CREATE TABLE"}
	if _, err := s.e.cat.KindOf(tx, name); err == nil {
		if n.IfNotExists {
			res.Notices = append(res.Notices, skipping(pgerr.DuplicateTable, "relation %q already exists, skipping", name))
			return res, nil
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	if n.Select != nil {
		return s.createTableAs(ctx, tx, n)
	}
	t, seqs, err := s.tableDesc(ctx, tx, st, n)
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		if err := s.e.cat.CreateSequence(ctx, tx, seq); err != nil {
			return nil, relationError(err)
		}
	}
	if err := s.e.cat.CreateTable(ctx, tx, t); err != nil {
		return nil, relationError(err)
	}
	return res, nil
}

// createTableAs runs CREATE TABLE name AS query: the table gets the
// query's column names and types (and the hidden row id), then its rows.
func (s *Session) createTableAs(ctx context.Context, tx *txn.Txn, n *ast.CreateTableStmt) (*Result, error) {
	q, err := s.plan.PlanSelect(n.Select)
	if err != nil {
		return nil, err
	}
	t := &catalog.Table{Name: n.Table.Name.O}
	for _, c := range q.Columns {
		if t.ColumnIndex(c.Name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", c.Name)
		}
		typ := c.Type
		if typ.T == storage.TypeNull {
			typ = planner.TypeOf(storage.TypeText)
		}
		t.Columns = append(t.Columns, catalog.Column{Name: c.Name, Type: typ.T, PgType: typ.Name, Typmod: typ.Typmod})
	}
	addRowID(t)
	if err := s.e.cat.CreateTable(ctx, tx, t); err != nil {
		return nil, relationError(err)
	}
	it, err := exec.Build(s.execContext(ctx, tx, nil), q.Plan)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	stor, types := s.e.cat.Storage(t), t.Types()
	rowID := len(t.Columns) - 1
	var key, val []byte
	count := 0
	for {
		r, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row := make([]storage.Value, len(t.Columns))
		copy(row, r[:len(q.Columns)])
		row[rowID] = storage.Int64(s.e.rowID.Add(1))
		key = storage.AppendKeyValue(key[:0], row[rowID], storage.KeyColumn{})
		if val, err = storage.EncodeRow(val[:0], types, row); err != nil {
			return nil, err
		}
		if err := tx.Insert(ctx, stor, key, val); err != nil {
			return nil, pgerr.FromTxn(err)
		}
		count++
	}
	return &Result{Tag: "SELECT " + strconv.Itoa(count)}, nil
}

// addRowID keys t by the hidden row id.
func addRowID(t *catalog.Table) {
	t.Columns = append(t.Columns, catalog.Column{Name: rowIDColumn, Type: storage.TypeInt64, PgType: "bigint", Typmod: -1, Hidden: true, NotNull: true})
	t.PrimaryKey = catalog.Index{Name: t.Name + "_pkey", Unique: true, Columns: []int{len(t.Columns) - 1}}
}

// fkDef is a FOREIGN KEY / REFERENCES clause before resolution.
type fkDef struct {
	name string
	cols []string
	ref  *ast.ReferenceDef
}

// tableDesc builds a table descriptor from CREATE TABLE, and the
// sequences its serial columns own.
func (s *Session) tableDesc(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateTableStmt) (*catalog.Table, []*catalog.Sequence, error) {
	t := &catalog.Table{Name: n.Table.Name.O}
	var types []dialect.ColumnType
	if st.Rewrites != nil {
		types = st.Rewrites.Columns
	}
	if len(types) != len(n.Cols) {
		return nil, nil, pgerr.New(pgerr.InternalError, "column types were not recorded")
	}
	type keyDef struct {
		name string
		cols []string
	}
	var pk *keyDef
	var uniques []keyDef
	var fks []fkDef
	var seqs []*catalog.Sequence
	taken := map[string]bool{t.Name: true}
	for i, cd := range n.Cols {
		typ, err := planner.ResolveType(types[i].Type)
		if err != nil {
			return nil, nil, err
		}
		col := catalog.Column{Name: cd.Name.Name.O, Type: typ.T, PgType: typ.Name, Typmod: typ.Typmod}
		if t.ColumnIndex(col.Name) >= 0 {
			return nil, nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", col.Name)
		}
		serial := types[i].Type.Serial()
		if serial {
			seqName, err := s.freeName(tx, constraintName(t.Name, []string{col.Name}, "seq"), taken)
			if err != nil {
				return nil, nil, err
			}
			taken[seqName] = true
			seq := &catalog.Sequence{Name: seqName, Type: typ.Name, OwnedBy: &catalog.SequenceOwner{Table: t.Name, Column: col.Name}}
			catalog.SequenceDefaults(seq, false, false, false)
			seqs = append(seqs, seq)
			col.Default = nextvalText(seqName)
			col.NotNull = true
		}
		for _, o := range cd.Options {
			switch o.Tp {
			case ast.ColumnOptionNotNull:
				col.NotNull = true
			case ast.ColumnOptionNull:
				if col.NotNull && !serial {
					return nil, nil, pgerr.New(pgerr.SyntaxError, "conflicting NULL/NOT NULL declarations for column %q of table %q", col.Name, t.Name)
				}
			case ast.ColumnOptionPrimaryKey:
				if pk != nil {
					return nil, nil, pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
				}
				pk = &keyDef{name: o.ConstraintName, cols: []string{col.Name}}
			case ast.ColumnOptionUniqKey:
				uniques = append(uniques, keyDef{name: o.ConstraintName, cols: []string{col.Name}})
			case ast.ColumnOptionDefaultValue:
				if serial || col.Default != "" {
					return nil, nil, pgerr.New(pgerr.SyntaxError, "multiple default values specified for column %q of table %q", col.Name, t.Name)
				}
				text, err := defaultText(o.Expr)
				if err != nil {
					return nil, nil, err
				}
				col.Default = text
			case ast.ColumnOptionCheck:
				text, err := planner.ExprText(o.Expr)
				if err != nil {
					return nil, nil, err
				}
				name := o.ConstraintName
				if name == "" {
					name = checkName(t, o.Expr)
				}
				t.Checks = append(t.Checks, catalog.Check{Name: name, Expr: text})
			case ast.ColumnOptionReference:
				fks = append(fks, fkDef{name: o.ConstraintName, cols: []string{col.Name}, ref: o.Refer})
			default:
				return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "column option is not supported yet")
			}
		}
		t.Columns = append(t.Columns, col)
	}
	for _, c := range n.Constraints {
		cols, err := keyColumns(c.Keys)
		if err != nil {
			return nil, nil, err
		}
		switch c.Tp {
		case ast.ConstraintPrimaryKey:
			if pk != nil {
				return nil, nil, pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
			}
			pk = &keyDef{name: c.Name, cols: cols}
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			uniques = append(uniques, keyDef{name: c.Name, cols: cols})
		case ast.ConstraintCheck:
			text, err := planner.ExprText(c.Expr)
			if err != nil {
				return nil, nil, err
			}
			name := c.Name
			if name == "" {
				name = checkName(t, c.Expr)
			}
			t.Checks = append(t.Checks, catalog.Check{Name: name, Expr: text})
		case ast.ConstraintForeignKey:
			fks = append(fks, fkDef{name: c.Name, cols: cols, ref: c.Refer})
		default:
			return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "constraint is not supported yet")
		}
	}
	if pk == nil {
		addRowID(t)
	} else {
		name := pk.name
		if name == "" {
			var err error
			if name, err = s.freeName(tx, truncName(t.Name, 5)+"_pkey", taken); err != nil {
				return nil, nil, err
			}
		}
		taken[name] = true
		ix, err := indexOn(t, name, pk.cols, true)
		if err != nil {
			return nil, nil, err
		}
		ix.Constraint = true
		t.PrimaryKey = ix
		for _, c := range ix.Columns {
			t.Columns[c].NotNull = true
		}
	}
	for i, u := range uniques {
		name := u.name
		if name == "" {
			var err error
			if name, err = s.freeName(tx, constraintName(t.Name, u.cols, "key"), taken); err != nil {
				return nil, nil, err
			}
		}
		taken[name] = true
		ix, err := indexOn(t, name, u.cols, true)
		if err != nil {
			return nil, nil, err
		}
		ix.ID = uint32(i + 1)
		ix.Constraint = true
		t.Indexes = append(t.Indexes, ix)
	}
	for _, d := range fks {
		fk, err := s.foreignKey(ctx, tx, t, d)
		if err != nil {
			return nil, nil, err
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
	// Defaults must bind (a serial's nextval names a sequence this
	// statement creates: it is checked by use).
	for i, c := range t.Columns {
		if c.Default == "" || c.Default == nextvalText(seqOwned(seqs, c.Name)) {
			continue
		}
		if _, _, err := s.plan.PlanDefault(t, i); err != nil {
			return nil, nil, err
		}
	}
	return t, seqs, nil
}

func seqOwned(seqs []*catalog.Sequence, col string) string {
	for _, s := range seqs {
		if s.OwnedBy.Column == col {
			return s.Name
		}
	}
	return ""
}

// keyColumns reads a constraint's column list.
func keyColumns(keys []*ast.IndexPartSpecification) ([]string, error) {
	cols := make([]string, len(keys))
	for i, k := range keys {
		if k.Column == nil {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "expression keys are not supported")
		}
		cols[i] = k.Column.Name.O
	}
	return cols, nil
}

// checkName is Postgres's name for an unnamed CHECK constraint: the
// table and the column the expression names if it names exactly one
// (t_a_check, else t_check), with a number if t has a constraint of that
// name already.
func checkName(t *catalog.Table, e ast.ExprNode) string {
	f := &colFinder{}
	e.Accept(f)
	var cols []string
	for _, c := range f.cols {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	if len(cols) != 1 {
		cols = nil
	}
	base := constraintName(t.Name, cols, "check")
	name := base
	for i := 1; constraintTaken(t, name); i++ {
		suffix := strconv.Itoa(i)
		name = truncName(base, len(suffix)) + suffix
	}
	return name
}

// colFinder collects the column names an expression mentions, in order.
type colFinder struct{ cols []string }

func (f *colFinder) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok {
		f.cols = append(f.cols, c.Name.Name.O)
	}
	return n, false
}

func (f *colFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// nextvalText is the stored default of a serial column. Stored
// expressions are TiDB text, where nextval must be quoted (see
// sql/dialect's rewriteSeqFuncs).
func nextvalText(seq string) string {
	return `"nextval"('` + strings.ReplaceAll(seq, "'", "''") + `')`
}

// defaultText is the stored text of a DEFAULT expression, without the
// dialect's pdb_default wrapper.
func defaultText(e ast.ExprNode) (string, error) {
	for {
		if p, ok := e.(*ast.ParenthesesExpr); ok {
			e = p.Expr
			continue
		}
		break
	}
	if f, ok := e.(*ast.FuncCallExpr); ok && f.FnName.L == dialect.FuncDefault && len(f.Args) == 1 {
		e = f.Args[0]
	}
	f := &colFinder{}
	e.Accept(f)
	if len(f.cols) > 0 {
		return "", pgerr.New(pgerr.FeatureNotSupported, "cannot use column reference in DEFAULT expression")
	}
	text, err := planner.ExprText(e)
	if err != nil {
		return "", err
	}
	return quoteSeqFuncs(text), nil
}

// quoteSeqFuncs quotes the sequence functions' names in restored text,
// outside string literals, so the TiDB parser reads them back as calls.
func quoteSeqFuncs(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\'' || c == '"' {
			j := i + 1
			for j < len(text) {
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(text))
			b.WriteString(text[i:end])
			i = end
			continue
		}
		if isIdentByte(c) && (i == 0 || !isIdentByte(text[i-1])) {
			j := i
			for j < len(text) && isIdentByte(text[j]) {
				j++
			}
			word := text[i:j]
			switch strings.ToLower(word) {
			case "nextval", "currval", "setval", "lastval":
				if j < len(text) && text[j] == '(' {
					b.WriteString(`"` + strings.ToLower(word) + `"`)
					i = j
					continue
				}
			}
			b.WriteString(word)
			i = j
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// indexOn describes an index over named columns.
func indexOn(t *catalog.Table, name string, cols []string, unique bool) (catalog.Index, error) {
	ix := catalog.Index{Name: name, Unique: unique}
	for _, c := range cols {
		i := t.ColumnIndex(c)
		if i < 0 || t.Columns[i].Hidden {
			return ix, pgerr.New(pgerr.UndefinedColumn, "column %q named in key does not exist", c)
		}
		if err := checkIndexable(t, i); err != nil {
			return ix, err
		}
		ix.Columns = append(ix.Columns, i)
	}
	return ix, nil
}

// referOption maps a referential action.
func referOption(o ast.ReferOptionType) (string, error) {
	switch o {
	case ast.ReferOptionNoOption, ast.ReferOptionNoAction:
		return "", nil
	case ast.ReferOptionRestrict:
		return "restrict", nil
	case ast.ReferOptionCascade:
		return "cascade", nil
	case ast.ReferOptionSetNull:
		return "set null", nil
	}
	return "", pgerr.New(pgerr.FeatureNotSupported, "ON DELETE/UPDATE SET DEFAULT is not supported yet")
}

// foreignKey resolves a FOREIGN KEY of table t (the descriptor being
// created or altered). The referenced columns must be the parent's
// primary key or have a unique index (42830); the parent's descriptor
// is locked, so a concurrent DROP of it waits for this transaction.
func (s *Session) foreignKey(ctx context.Context, tx *txn.Txn, t *catalog.Table, d fkDef) (catalog.ForeignKey, error) {
	var fk catalog.ForeignKey
	ref := d.ref
	if ref == nil || ref.Table == nil {
		return fk, pgerr.New(pgerr.SyntaxError, "syntax error in REFERENCES")
	}
	if err := checkSchema(ref.Table.Schema.O); err != nil {
		return fk, err
	}
	parentName := ref.Table.Name.O
	parent := t
	if parentName != t.Name {
		p, err := s.e.cat.LockTable(ctx, tx, parentName)
		var wk *catalog.WrongKindError
		switch {
		case errors.As(err, &wk):
			return fk, pgerr.New(pgerr.WrongObjectType, "referenced relation %q is not a table", parentName)
		case errors.Is(err, catalog.ErrNotFound):
			return fk, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", parentName)
		case err != nil:
			return fk, err
		}
		parent = p
	}
	refCols, err := keyColumns(ref.IndexPartSpecifications)
	if err != nil {
		return fk, err
	}
	for _, c := range d.cols {
		i := t.ColumnIndex(c)
		if i < 0 || t.Columns[i].Hidden {
			return fk, pgerr.New(pgerr.UndefinedColumn, "column %q referenced in foreign key constraint does not exist", c)
		}
		fk.Columns = append(fk.Columns, i)
	}
	if len(refCols) == 0 {
		if parent.HasRowID() {
			return fk, pgerr.New(pgerr.UndefinedObject, "there is no primary key for referenced table %q", parentName)
		}
		fk.RefColumns = append([]int(nil), parent.PrimaryKey.Columns...)
	} else {
		for _, c := range refCols {
			i := parent.ColumnIndex(c)
			if i < 0 || parent.Columns[i].Hidden {
				return fk, pgerr.New(pgerr.UndefinedColumn, "column %q referenced in foreign key constraint does not exist", c)
			}
			fk.RefColumns = append(fk.RefColumns, i)
		}
	}
	if len(fk.Columns) != len(fk.RefColumns) {
		return fk, pgerr.New(pgerr.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
	}
	if !hasUniqueOn(parent, fk.RefColumns) {
		return fk, pgerr.New(pgerr.InvalidForeignKey, "there is no unique constraint matching given keys for referenced table %q", parentName)
	}
	fk.Name = d.name
	if fk.Name == "" {
		fk.Name = constraintName(t.Name, d.cols, "fkey")
	}
	for i, c := range fk.Columns {
		ct, pt := t.Columns[c], parent.Columns[fk.RefColumns[i]]
		if ct.Type != pt.Type && !sem.CanCast(ct.Type, pt.Type, sem.CastImplicit) && !sem.CanCast(pt.Type, ct.Type, sem.CastImplicit) {
			return fk, pgerr.New(pgerr.DatatypeMismatch, "foreign key constraint %q cannot be implemented", fk.Name).
				WithDetail("Key columns %q and %q are of incompatible types: %s and %s.", ct.Name, pt.Name, ct.PgType, pt.PgType)
		}
	}
	fk.RefTable = parentName
	if ref.OnDelete != nil {
		if fk.OnDelete, err = referOption(ref.OnDelete.ReferOpt); err != nil {
			return fk, err
		}
	}
	if ref.OnUpdate != nil {
		if fk.OnUpdate, err = referOption(ref.OnUpdate.ReferOpt); err != nil {
			return fk, err
		}
	}
	return fk, nil
}

// hasUniqueOn reports whether t's primary key or a unique index covers
// exactly the columns cols (in any order).
func hasUniqueOn(t *catalog.Table, cols []int) bool {
	same := func(ix catalog.Index) bool {
		if !ix.Unique || len(ix.Columns) != len(cols) {
			return false
		}
		for _, c := range cols {
			found := false
			for _, x := range ix.Columns {
				found = found || x == c
			}
			if !found {
				return false
			}
		}
		return true
	}
	if !t.HasRowID() && same(t.PrimaryKey) {
		return true
	}
	for _, ix := range t.Indexes {
		if same(ix) {
			return true
		}
	}
	return false
}

// dropTable runs DROP TABLE and DROP VIEW [IF EXISTS] a, b [CASCADE].
func (s *Session) dropTable(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.DropTableStmt) (*Result, error) {
	want, res := catalog.KindTable, &Result{Tag: "DROP TABLE"}
	if n.IsView {
		want, res.Tag = catalog.KindView, "DROP VIEW"
	}
	var names []string
	for _, tn := range n.Tables {
		if err := checkSchema(tn.Schema.O); err != nil {
			return nil, err
		}
		name := tn.Name.O
		kind, err := s.e.cat.KindOf(tx, name)
		if errors.Is(err, catalog.ErrNotFound) {
			if n.IfExists {
				res.Notices = append(res.Notices, skipping(pgerr.UndefinedTable, "%s %q does not exist, skipping", want, name))
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "%s %q does not exist", want, name)
		}
		if err != nil {
			return nil, err
		}
		if kind != want {
			return nil, wrongKind(name, want, kind)
		}
		names = append(names, name)
	}
	notices, err := s.dropRelations(ctx, tx, want, names, st.Rewrites != nil && st.Rewrites.Cascade)
	if err != nil {
		return nil, err
	}
	res.Notices = append(res.Notices, notices...)
	return res, nil
}

// fkName names one foreign key.
type fkName struct{ table, name string }

// dropRelations drops tables or views with what depends on them: views
// reading them and foreign keys referencing them refuse the DROP (2BP01)
// unless cascade, which drops those views (and theirs) and constraints.
func (s *Session) dropRelations(ctx context.Context, tx *txn.Txn, kind catalog.Kind, names []string, cascade bool) ([]*pgerr.Error, error) {
	// Lock first, then look for dependents with a snapshot that sees
	// every dependent committed before the lock was granted.
	for _, name := range names {
		var err error
		if kind == catalog.KindTable {
			_, err = s.e.cat.LockTable(ctx, tx, name)
		} else {
			_, err = s.e.cat.LockView(ctx, tx, name)
		}
		if err != nil {
			return nil, relationError(err)
		}
	}
	step(tx)
	kinds := map[string]catalog.Kind{}
	for _, n := range names {
		kinds[n] = kind
	}
	views, fks, err := s.dependents(tx, kinds, names, cascade)
	if err != nil {
		return nil, err
	}
	var notices []*pgerr.Error
	if n := len(views) + len(fks); n > 0 {
		var lines []string
		for _, fk := range fks {
			lines = append(lines, fmt.Sprintf("drop cascades to constraint %s on table %s", fk.name, fk.table))
		}
		for _, v := range views {
			lines = append(lines, "drop cascades to view "+v)
		}
		if n == 1 {
			notices = append(notices, pgerr.New(pgerr.SuccessfulCompletion, "%s", lines[0]).WithSeverity(pgerr.SeverityNotice))
		} else {
			notices = append(notices, pgerr.New(pgerr.SuccessfulCompletion, "drop cascades to %d other objects", n).
				WithSeverity(pgerr.SeverityNotice).WithDetail("%s", strings.Join(lines, "\n")))
		}
	}
	if err := s.dropForeignKeys(ctx, tx, fks); err != nil {
		return nil, err
	}
	for _, v := range views {
		if err := s.e.cat.DropView(ctx, tx, v); err != nil {
			return nil, relationError(err)
		}
	}
	for _, name := range names {
		var err error
		if kind == catalog.KindTable {
			err = s.e.cat.DropTable(ctx, tx, name)
		} else {
			err = s.e.cat.DropView(ctx, tx, name)
		}
		if err != nil {
			return nil, relationError(err)
		}
	}
	return notices, nil
}

// dependents finds the views and foreign keys that depend on the
// relations in order (kinds gives their kinds), transitively through
// views. Without cascade a dependent outside the set is an error.
func (s *Session) dependents(tx *txn.Txn, kinds map[string]catalog.Kind, order []string, cascade bool) (views []string, fks []fkName, err error) {
	queue := append([]string(nil), order...)
	for i := 0; i < len(queue); i++ {
		name := queue[i]
		kind := kinds[name]
		var lines []string
		deps, err := s.e.cat.Dependents(tx, name)
		if err != nil {
			return nil, nil, err
		}
		for _, v := range deps {
			if _, ok := kinds[v.Name]; ok {
				continue
			}
			lines = append(lines, fmt.Sprintf("view %s depends on %s %s", v.Name, kind, name))
			if cascade {
				kinds[v.Name] = catalog.KindView
				views = append(views, v.Name)
				queue = append(queue, v.Name)
			}
		}
		if kind == catalog.KindTable {
			refs, err := s.e.cat.Referencing(tx, name)
			if err != nil {
				return nil, nil, err
			}
			for _, c := range refs {
				if _, ok := kinds[c.Name]; ok {
					continue
				}
				for _, fk := range c.ForeignKeys {
					if fk.RefTable == name {
						lines = append(lines, fmt.Sprintf("constraint %s on table %s depends on table %s", fk.Name, c.Name, name))
						fks = append(fks, fkName{table: c.Name, name: fk.Name})
					}
				}
			}
		}
		if len(lines) > 0 && !cascade {
			return nil, nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", kind, name).
				WithDetail("%s", strings.Join(lines, "\n")).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
	}
	return views, fks, nil
}

// dropForeignKeys removes foreign key constraints from their tables.
func (s *Session) dropForeignKeys(ctx context.Context, tx *txn.Txn, fks []fkName) error {
	byTable := map[string][]string{}
	var order []string
	for _, fk := range fks {
		if _, ok := byTable[fk.table]; !ok {
			order = append(order, fk.table)
		}
		byTable[fk.table] = append(byTable[fk.table], fk.name)
	}
	for _, name := range order {
		t, err := s.e.cat.LockTable(ctx, tx, name)
		if err != nil {
			return relationError(err)
		}
		nt := t.Clone()
		nt.ForeignKeys = nt.ForeignKeys[:0]
		for _, fk := range t.ForeignKeys {
			drop := false
			for _, n := range byTable[name] {
				drop = drop || fk.Name == n
			}
			if !drop {
				nt.ForeignKeys = append(nt.ForeignKeys, fk)
			}
		}
		if err := s.e.cat.AlterTable(ctx, tx, nt); err != nil {
			return err
		}
	}
	return nil
}
