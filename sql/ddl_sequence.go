package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// createSequence runs CREATE SEQUENCE [IF NOT EXISTS] s [INCREMENT [BY]
// n] [[NO] MINVALUE n] [[NO] MAXVALUE n] [START [WITH] n] [[NO] CYCLE]
// [CACHE n]. Sequences are bigint; the counter is the catalog's
// (catalog/sequence.go).
func (s *Session) createSequence(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateSequenceStmt) (*Result, error) {
	res := &Result{Tag: "CREATE SEQUENCE"}
	if err := checkSchema(n.Name.Schema.O); err != nil {
		return nil, err
	}
	name := n.Name.Name.O
	if _, err := s.e.cat.KindOf(tx, name); err == nil {
		if n.IfNotExists {
			res.Notices = append(res.Notices, skipping(pgerr.DuplicateTable, "relation %q already exists, skipping", name))
			return res, nil
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	seq := &catalog.Sequence{Name: name, Type: "bigint", Increment: 1}
	o, err := applySeqOptions(seq, n.SeqOptions, false)
	if err != nil {
		return nil, err
	}
	if len(n.TblOptions) > 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error in CREATE SEQUENCE")
	}
	catalog.SequenceDefaults(seq, o.hasMin, o.hasMax, o.hasStart)
	if err := catalog.CheckSequence(seq); err != nil {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "%s", err.Error())
	}
	if err := s.e.cat.CreateSequence(ctx, tx, seq); err != nil {
		return nil, relationError(err)
	}
	return res, nil
}

// dropSequence runs DROP SEQUENCE [IF EXISTS] a, b [CASCADE]. A column
// DEFAULT that calls nextval on the sequence depends on it: the DROP
// needs CASCADE, which removes those defaults.
func (s *Session) dropSequence(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.DropSequenceStmt) (*Result, error) {
	res := &Result{Tag: "DROP SEQUENCE"}
	cascade := st.Rewrites != nil && st.Rewrites.Cascade
	for _, sn := range n.Sequences {
		if err := checkSchema(sn.Schema.O); err != nil {
			return nil, err
		}
		name := sn.Name.O
		kind, err := s.e.cat.KindOf(tx, name)
		if errors.Is(err, catalog.ErrNotFound) {
			if n.IfExists {
				res.Notices = append(res.Notices, skipping(pgerr.UndefinedTable, "sequence %q does not exist, skipping", name))
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "sequence %q does not exist", name)
		}
		if err != nil {
			return nil, err
		}
		if kind != catalog.KindSequence {
			return nil, wrongKind(name, catalog.KindSequence, kind)
		}
		seq, err := s.e.cat.Sequence(tx, name)
		if err != nil {
			return nil, relationError(err)
		}
		if err := s.dropSequenceDefaults(ctx, tx, seq, cascade, &res.Notices); err != nil {
			return nil, err
		}
		if err := s.e.cat.DropSequence(ctx, tx, name); err != nil {
			return nil, relationError(err)
		}
	}
	return res, nil
}

// usesSequence reports whether a stored default calls nextval on seq.
func usesSequence(def, seq string) bool {
	return strings.Contains(def, "nextval") && strings.Contains(def, "'"+strings.ReplaceAll(seq, "'", "''")+"'")
}

// dropSequenceDefaults finds the column defaults that use seq (a serial
// column's included: DROP TABLE drops the sequence with the column, DROP
// SEQUENCE needs CASCADE) and refuses, or with cascade removes them.
func (s *Session) dropSequenceDefaults(ctx context.Context, tx *txn.Txn, seq *catalog.Sequence, cascade bool, notices *[]*pgerr.Error) error {
	tables, err := s.e.cat.Tables(tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		var cols []int
		for i, c := range t.Columns {
			if !c.Dropped && usesSequence(c.Default, seq.Name) {
				cols = append(cols, i)
			}
		}
		if len(cols) == 0 {
			continue
		}
		if !cascade {
			return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop sequence %s because other objects depend on it", seq.Name).
				WithDetail("default value for column %s of table %s depends on sequence %s", t.Columns[cols[0]].Name, t.Name, seq.Name).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		lt, err := s.e.cat.LockTable(ctx, tx, t.Name)
		if err != nil {
			return relationError(err)
		}
		nt := lt.Clone()
		for _, i := range cols {
			if i < len(nt.Columns) {
				nt.Columns[i].Default = ""
				*notices = append(*notices, pgerr.New(pgerr.SuccessfulCompletion, "%s",
					fmt.Sprintf("drop cascades to default value for column %s of table %s", nt.Columns[i].Name, t.Name)).WithSeverity(pgerr.SeverityNotice))
			}
		}
		if err := s.e.cat.AlterTable(ctx, tx, nt); err != nil {
			return err
		}
	}
	return nil
}

// seqOptions is what applySeqOptions saw besides the values it set.
type seqOptions struct {
	hasMin, hasMax, hasStart bool
	restart                  *int64 // ALTER ... RESTART [WITH n]; nil if absent
}

// applySeqOptions sets the options of CREATE or ALTER SEQUENCE on seq;
// alter allows RESTART.
func applySeqOptions(seq *catalog.Sequence, opts []*ast.SequenceOption, alter bool) (seqOptions, error) {
	var o seqOptions
	seen := map[ast.SequenceOptionType]bool{}
	for _, opt := range opts {
		kind := opt.Tp
		switch kind {
		case ast.SequenceNoMinValue:
			kind = ast.SequenceMinValue
		case ast.SequenceNoMaxValue:
			kind = ast.SequenceMaxValue
		case ast.SequenceNoCycle:
			kind = ast.SequenceCycle
		case ast.SequenceNoCache:
			kind = ast.SequenceCache
		case ast.SequenceRestartWith:
			kind = ast.SequenceRestart
		}
		if seen[kind] {
			return o, pgerr.New(pgerr.SyntaxError, "conflicting or redundant options")
		}
		seen[kind] = true
		switch opt.Tp {
		case ast.SequenceOptionIncrementBy:
			seq.Increment = opt.IntValue
			if seq.Increment == 0 {
				return o, pgerr.New(pgerr.InvalidParameterValue, "INCREMENT must not be zero")
			}
		case ast.SequenceStartWith:
			seq.Start, o.hasStart = opt.IntValue, true
		case ast.SequenceMinValue:
			seq.Min, o.hasMin = opt.IntValue, true
		case ast.SequenceMaxValue:
			seq.Max, o.hasMax = opt.IntValue, true
		case ast.SequenceCycle:
			seq.Cycle = true
		case ast.SequenceNoCycle:
			seq.Cycle = false
		case ast.SequenceCache:
			if opt.IntValue < 1 {
				return o, pgerr.New(pgerr.InvalidParameterValue, "CACHE (%d) must be greater than zero", opt.IntValue)
			}
		case ast.SequenceNoMinValue, ast.SequenceNoMaxValue, ast.SequenceNoCache:
		case ast.SequenceRestart, ast.SequenceRestartWith:
			if !alter {
				return o, pgerr.New(pgerr.SyntaxError, "RESTART is only for ALTER SEQUENCE")
			}
			if opt.Tp == ast.SequenceRestartWith {
				v := opt.IntValue
				o.restart = &v
			}
		default:
			return o, pgerr.New(pgerr.FeatureNotSupported, "sequence option is not supported")
		}
	}
	return o, nil
}

// alterSequence runs ALTER SEQUENCE [IF EXISTS] name options: the new
// definition is checked against the current value, and RESTART [WITH n]
// sets the value the next nextval returns (undone if the transaction
// rolls back).
func (s *Session) alterSequence(ctx context.Context, tx *txn.Txn, n *ast.AlterSequenceStmt) (*Result, error) {
	res := &Result{Tag: "ALTER SEQUENCE"}
	if err := checkSchema(n.Name.Schema.O); err != nil {
		return nil, err
	}
	name := n.Name.Name.O
	cur, err := s.e.cat.Sequence(tx, name)
	if errors.Is(err, catalog.ErrNotFound) {
		if n.IfExists {
			res.Notices = append(res.Notices, skipping(pgerr.UndefinedTable, "relation %q does not exist, skipping", name))
			return res, nil
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
	}
	if err != nil {
		return nil, err
	}
	seq := *cur
	noMin, noMax, restart := false, false, false
	for _, opt := range n.SeqOptions {
		switch opt.Tp {
		case ast.SequenceNoMinValue:
			noMin = true
		case ast.SequenceNoMaxValue:
			noMax = true
		case ast.SequenceRestart, ast.SequenceRestartWith:
			restart = true
		}
	}
	o, err := applySeqOptions(&seq, n.SeqOptions, true)
	if err != nil {
		return nil, err
	}
	catalog.SequenceDefaults(&seq, !noMin, !noMax, true)
	if err := catalog.CheckSequence(&seq); err != nil {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "%s", err.Error())
	}
	if err := s.e.cat.AlterSequence(ctx, tx, &seq); err != nil {
		return nil, relationError(err)
	}
	if restart {
		at := seq
		if o.restart != nil {
			at.Start = *o.restart
		}
		if at.Start < seq.Min || at.Start > seq.Max {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "RESTART value (%d) cannot be outside the range of the sequence (%d..%d)", at.Start, seq.Min, seq.Max)
		}
		if err := s.e.cat.RestartSequence(tx, &at); err != nil {
			return nil, err
		}
	}
	return res, nil
}
