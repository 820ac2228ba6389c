package sql

import (
	"context"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// execStmt runs one prepared statement with parameter values.
func (s *Session) execStmt(ctx context.Context, st *dialect.Stmt, params []storage.Value) (*Result, error) {
	s.forgetCatalogSnapshot()
	if s.failed {
		switch st.Kind {
		case dialect.KindCommit, dialect.KindRollback, dialect.KindRollbackTo:
		default:
			return nil, errAborted
		}
	}
	switch st.Kind {
	case dialect.KindEmpty:
		return &Result{}, nil
	case dialect.KindBegin:
		return s.begin(st)
	case dialect.KindCommit:
		return s.commit(ctx)
	case dialect.KindRollback:
		return s.rollback()
	case dialect.KindSavepoint, dialect.KindRelease, dialect.KindRollbackTo:
		return s.savepoint(st)
	case dialect.KindSet:
		return s.set(st)
	case dialect.KindSetTxn:
		return s.setTxn(st)
	case dialect.KindReset:
		return s.reset(st)
	case dialect.KindShow:
		return s.show(st)
	case dialect.KindVacuum:
		return &Result{Tag: "VACUUM"}, nil
	case dialect.KindAnalyze:
		return &Result{Tag: "ANALYZE"}, nil
	case dialect.KindCheckpoint:
		return s.checkpoint(ctx)
	case dialect.KindTruncate:
		return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
			s.plan.Txn = tx
			return s.truncate(ctx, tx, st)
		})
	case dialect.KindComment:
		return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) { return s.comment(ctx, tx, st) })
	case dialect.KindSetConstraints:
		r := &Result{Tag: "SET CONSTRAINTS"}
		if s.tx == nil {
			r.Notices = []*pgerr.Error{pgerr.New(pgerr.NoActiveSQLTransaction, "SET CONSTRAINTS can only be used in transaction blocks").WithSeverity(pgerr.SeverityWarning)}
		}
		return r, nil
	case dialect.KindListen, dialect.KindUnlisten, dialect.KindNotify:
		kind := strings.ToUpper(st.Kind.String())
		payload := ""
		if len(st.Values) > 0 {
			payload = st.Values[0]
		}
		return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) { return s.listenStmt(tx, kind, st.Name, payload) })
	case dialect.KindCreateRole, dialect.KindAlterRole, dialect.KindDropRole:
		return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) { return s.roleStmt(ctx, tx, st) })
	case dialect.KindParsed:
		return s.execParsed(ctx, st, params)
	case dialect.KindPrepare:
		return s.prepareStmt(ctx, st)
	case dialect.KindExecute:
		return s.executeStmt(ctx, st, params)
	case dialect.KindDeallocate:
		return s.deallocate(st)
	case dialect.KindCopy:
		return s.copyStmt(ctx, st)
	case dialect.KindDiscard:
		if st.Name == "all" || st.Name == "plans" {
			clear(s.prepared)
		}
		if st.Name == "all" || st.Name == "sequences" {
			s.plan.ResetSequences()
		}
		return &Result{Tag: "DISCARD " + strings.ToUpper(st.Name)}, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "%s statements are not supported yet", strings.ToUpper(st.Kind.String()))
}

// inTxn runs f in the open block's transaction, or in a transaction of
// its own that commits if f succeeds (and, under synchronous_commit, is
// durable before inTxn returns; ctx bounds that wait).
func (s *Session) inTxn(ctx context.Context, f func(tx *txn.Txn) (*Result, error)) (*Result, error) {
	s.sem.Now = time.Now()
	if s.tx != nil {
		s.tx.NewStatement()
		return f(s.tx)
	}
	if s.optsGen != s.settings.gen+1 {
		s.opts, s.optsGen = s.txnOptions(dialect.TxnModes{}), s.settings.gen+1
	}
	if s.implicit {
		// The first statement of an implicit block opens its transaction;
		// the block's end commits or rolls it back (EndImplicit).
		s.tx, s.implicitTx, s.failed = s.ts.Begin(s.opts), true, false
		return f(s.tx)
	}
	tx := s.ts.Begin(s.opts)
	defer s.endDDL()
	r, err := f(tx)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := s.commitTxn(ctx, tx); err != nil {
		return nil, err
	}
	return r, nil
}

// endDDL invalidates cached plans when a transaction that changed the
// catalog ends, committed or not.
func (s *Session) endDDL() {
	if s.ddl {
		s.ddl = false
		s.e.version.Add(1)
	}
}

func (s *Session) txnOptions(m dialect.TxnModes) txn.TxnOptions {
	iso, _ := s.settings.get("default_transaction_isolation")
	if m.Isolation != "" {
		iso = m.Isolation
	}
	ro, _ := s.settings.get("default_transaction_read_only")
	opts := txn.TxnOptions{ReadOnly: ro == "on"}
	switch iso {
	case "repeatable read":
		opts.Isolation = txn.RepeatableRead
	case "serializable":
		opts.Isolation = txn.Serializable
	}
	if m.ReadOnly != nil {
		opts.ReadOnly = *m.ReadOnly
	}
	return opts
}

func (s *Session) begin(st *dialect.Stmt) (*Result, error) {
	r := &Result{Tag: "BEGIN"}
	if st.Start {
		r.Tag = "START TRANSACTION"
	}
	if s.implicitTx {
		// BEGIN inside an implicit block makes the block explicit.
		s.implicitTx, s.implicit = false, false
		return r, nil
	}
	if s.tx != nil {
		r.Notices = append(r.Notices, pgerr.New(pgerr.ActiveSQLTransaction, "there is already a transaction in progress").WithSeverity(pgerr.SeverityWarning))
		return r, nil
	}
	s.tx = s.ts.Begin(s.txnOptions(st.Txn))
	s.failed = false
	return r, nil
}

func (s *Session) commit(ctx context.Context) (*Result, error) {
	if s.tx == nil {
		return &Result{Tag: "COMMIT", Notices: []*pgerr.Error{noTxnWarning()}}, nil
	}
	tx, failed := s.tx, s.failed
	r := &Result{Tag: "COMMIT"}
	if s.implicitTx {
		r.Notices = append(r.Notices, noTxnWarning())
	}
	s.tx, s.failed, s.implicitTx = nil, false, false
	defer s.endDDL()
	if failed {
		tx.Rollback()
		s.endSettings(false)
		return &Result{Tag: "ROLLBACK"}, nil
	}
	// synchronous_commit as the transaction leaves it (SET LOCAL counts).
	sync := s.syncCommit()
	err := tx.Commit()
	s.endSettings(err == nil)
	if err != nil {
		return nil, err
	}
	if err := s.awaitDurable(ctx, tx, sync); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Session) rollback() (*Result, error) {
	if s.tx == nil {
		return &Result{Tag: "ROLLBACK", Notices: []*pgerr.Error{noTxnWarning()}}, nil
	}
	r := &Result{Tag: "ROLLBACK"}
	if s.implicitTx {
		r.Notices = append(r.Notices, noTxnWarning())
	}
	s.tx.Rollback()
	s.tx, s.failed, s.implicitTx = nil, false, false
	s.endSettings(false)
	s.endDDL()
	return r, nil
}

func noTxnWarning() *pgerr.Error {
	return pgerr.New(pgerr.NoActiveSQLTransaction, "there is no transaction in progress").WithSeverity(pgerr.SeverityWarning)
}

func (s *Session) savepoint(st *dialect.Stmt) (*Result, error) {
	if s.tx == nil {
		what := map[dialect.Kind]string{dialect.KindSavepoint: "SAVEPOINT", dialect.KindRelease: "RELEASE SAVEPOINT", dialect.KindRollbackTo: "ROLLBACK TO SAVEPOINT"}[st.Kind]
		return nil, pgerr.New(pgerr.NoActiveSQLTransaction, "%s can only be used in transaction blocks", what)
	}
	switch st.Kind {
	case dialect.KindSavepoint:
		if err := s.tx.Savepoint(st.Name); err != nil {
			return nil, err
		}
		s.savepointSettings(st.Name)
		return &Result{Tag: "SAVEPOINT"}, nil
	case dialect.KindRelease:
		if err := s.tx.Release(st.Name); err != nil {
			return nil, s.savepointErr(err, st.Name)
		}
		s.releaseSettings(st.Name)
		return &Result{Tag: "RELEASE"}, nil
	}
	if err := s.tx.RollbackTo(st.Name); err != nil {
		return nil, s.savepointErr(err, st.Name)
	}
	s.rollbackSettingsTo(st.Name)
	s.failed = false
	return &Result{Tag: "ROLLBACK"}, nil
}

func (s *Session) savepointErr(err error, name string) error {
	if err == txn.ErrNoSavepoint {
		return pgerr.New(pgerr.InvalidSavepointSpecification, "savepoint %q does not exist", name)
	}
	return err
}

func (s *Session) set(st *dialect.Stmt) (*Result, error) {
	name := strings.ToLower(st.Name)
	v := st.Value()
	if st.Default {
		def, _ := s.e.defaultSettings().get(name)
		v = def
	}
	if name == "transaction_isolation" && s.tx != nil {
		return s.setTxn(&dialect.Stmt{Txn: dialect.TxnModes{Isolation: v}})
	}
	if w := s.noteSet(name, st.Local); w != nil {
		return &Result{Tag: "SET", Notices: []*pgerr.Error{w}}, nil
	}
	if err := s.settings.set(name, v); err != nil {
		return nil, err
	}
	if name == "timezone" {
		loc, _ := loadZone(v)
		s.sem.Loc = loc
	}
	return &Result{Tag: "SET"}, nil
}

func (s *Session) setTxn(st *dialect.Stmt) (*Result, error) {
	if st.Session || s.tx == nil {
		if st.Txn.Isolation != "" {
			if err := s.settings.set("default_transaction_isolation", st.Txn.Isolation); err != nil {
				return nil, err
			}
		}
		if st.Txn.ReadOnly != nil {
			v := "off"
			if *st.Txn.ReadOnly {
				v = "on"
			}
			if err := s.settings.set("default_transaction_read_only", v); err != nil {
				return nil, err
			}
		}
		return &Result{Tag: "SET"}, nil
	}
	// Inside a block the isolation level and READ WRITE apply only before
	// the first query; READ ONLY applies at any point.
	opts := txn.TxnOptions{Isolation: s.tx.Isolation(), ReadOnly: s.tx.ReadOnly()}
	if st.Txn.Isolation != "" {
		opts.Isolation = s.txnOptions(dialect.TxnModes{Isolation: st.Txn.Isolation}).Isolation
	}
	if st.Txn.ReadOnly != nil {
		opts.ReadOnly = *st.Txn.ReadOnly
	}
	if opts == (txn.TxnOptions{Isolation: s.tx.Isolation(), ReadOnly: s.tx.ReadOnly()}) {
		return &Result{Tag: "SET"}, nil
	}
	if !s.tx.SetOptions(opts) {
		switch {
		case opts.Isolation != s.tx.Isolation():
			return nil, pgerr.New(pgerr.ActiveSQLTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query")
		case !opts.ReadOnly:
			return nil, pgerr.New(pgerr.ActiveSQLTransaction, "transaction read-write mode must be set before any query")
		}
		s.tx.SetReadOnly()
	}
	return &Result{Tag: "SET"}, nil
}

func (s *Session) isolationName() string {
	if s.tx == nil {
		v, _ := s.settings.get("default_transaction_isolation")
		return v
	}
	switch s.tx.Isolation() {
	case txn.RepeatableRead:
		return "repeatable read"
	case txn.Serializable:
		return "serializable"
	}
	return "read committed"
}

func (s *Session) reset(st *dialect.Stmt) (*Result, error) {
	defaults := s.e.defaultSettings()
	names := []string{strings.ToLower(st.Name)}
	if names[0] == "all" {
		names = defaults.names()
	}
	for _, n := range names {
		def, err := defaults.get(n)
		if err != nil {
			return nil, err
		}
		if v := s.settings.vals[n]; v != nil && v.check != nil {
			if _, err := v.check(def); err != nil {
				continue // read-only parameters keep their value
			}
		}
		s.noteSet(n, false)
		if err := s.settings.set(n, def); err != nil {
			return nil, err
		}
		if n == "timezone" {
			loc, _ := loadZone(def)
			s.sem.Loc = loc
		}
	}
	return &Result{Tag: "RESET"}, nil
}

func (s *Session) show(st *dialect.Stmt) (*Result, error) {
	name := strings.ToLower(st.Name)
	textCol := func(n string) planner.ResultColumn {
		return planner.ResultColumn{Name: n, Type: planner.TypeOf(storage.TypeText)}
	}
	if name == "all" {
		r := &Result{Columns: []planner.ResultColumn{textCol("name"), textCol("setting"), textCol("description")}}
		for _, n := range s.settings.names() {
			v, ok := s.liveSetting(n)
			if !ok {
				v, _ = s.settings.get(n)
			}
			r.Rows = append(r.Rows, []storage.Value{storage.Text(paramName(n)), storage.Text(v), storage.Text("")})
		}
		r.Tag = "SHOW"
		return r, nil
	}
	if name == "transaction isolation level" {
		name = "transaction_isolation"
	}
	v, ok := s.liveSetting(name)
	if !ok {
		var err error
		if v, err = s.settings.get(name); err != nil {
			return nil, err
		}
	}
	return &Result{Columns: []planner.ResultColumn{textCol(paramName(name))}, Rows: [][]storage.Value{{storage.Text(v)}}, Tag: "SHOW"}, nil
}

// mixedCaseParams are the parameters whose canonical names are not all
// lower case; SHOW's column header (and SHOW ALL's name) is the canonical
// name, whatever case the user typed.
var mixedCaseParams = map[string]string{"datestyle": "DateStyle", "intervalstyle": "IntervalStyle", "timezone": "TimeZone"}

// paramName is the canonical spelling of the lower-case parameter name n.
func paramName(n string) string {
	if c, ok := mixedCaseParams[n]; ok {
		return c
	}
	return n
}

// execParsed parses a rewritten statement and runs it.
func (s *Session) execParsed(ctx context.Context, st *dialect.Stmt, params []storage.Value) (*Result, error) {
	nodes, _, err := s.parser.Parse(st.Text, "", "")
	if err != nil {
		return nil, stmtParseError(st, err)
	}
	if len(nodes) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "cannot run %d statements as one", len(nodes))
	}
	node := nodes[0]
	return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
		s.plan.Txn = tx
		s.plan.Begin(st, nil)
		return s.run(ctx, tx, st, node, params)
	})
}

// run dispatches a parsed statement.
func (s *Session) run(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, node ast.StmtNode, params []storage.Value) (*Result, error) {
	if _, ok := node.(ast.DDLNode); ok {
		s.ddl = true
		s.e.version.Add(1)
	}
	switch n := node.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		return s.query(ctx, tx, n.(ast.ResultSetNode), params)
	case *ast.CreateTableStmt:
		return s.createTable(ctx, tx, st, n)
	case *ast.DropTableStmt:
		return s.dropTable(ctx, tx, st, n)
	case *ast.InsertStmt:
		return s.insert(ctx, tx, st, n, params)
	case *ast.UpdateStmt:
		return s.update(ctx, tx, st, n, params)
	case *ast.DeleteStmt:
		return s.delete(ctx, tx, st, n, params)
	case *ast.CreateIndexStmt:
		return s.createIndex(ctx, tx, st, n)
	case *ast.DropIndexStmt:
		return s.dropIndex(ctx, tx, st, n)
	case *ast.CreateViewStmt:
		return s.createView(ctx, tx, st, n)
	case *ast.AlterTableStmt:
		return s.alterTable(ctx, tx, st, n)
	case *ast.RenameTableStmt:
		return s.renameTable(ctx, tx, n)
	case *ast.CreateSequenceStmt:
		return s.createSequence(ctx, tx, st, n)
	case *ast.DropSequenceStmt:
		return s.dropSequence(ctx, tx, st, n)
	case *ast.AlterSequenceStmt:
		return s.alterSequence(ctx, tx, n)
	case *ast.ExplainStmt:
		return s.explain(ctx, tx, st, n, params)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "statement %T is not supported yet", node)
}
