package catalog

import (
	"context"
	"errors"
	"testing"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

func commit(t *testing.T, tx *txn.Txn) {
	t.Helper()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestNamespaceIsShared: tables, views, sequences and indexes share one
// namespace; typed lookups of another kind are WrongKindErrors, which are
// ErrNotFound.
func TestNamespaceIsShared(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{})
	if err := c.CreateTable(ctx, tx, accounts()); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateView(ctx, tx, &View{Name: "accounts"}); !errors.Is(err, ErrExists) || NameOf(err) != "accounts" {
		t.Fatalf("view over a table's name: %v", err)
	}
	if err := c.CreateSequence(ctx, tx, &Sequence{Name: "accounts_owner_idx", Type: "bigint", Increment: 1, Min: 1, Max: 10, Start: 1}); !errors.Is(err, ErrExists) {
		t.Fatalf("sequence over an index's name: %v", err)
	}
	if err := c.CreateView(ctx, tx, &View{Name: "v", Query: "select 1"}); err != nil {
		t.Fatal(err)
	}
	tx.NewStatement()
	_, err := c.Table(tx, "v")
	var wk *WrongKindError
	if !errors.As(err, &wk) || wk.Kind != KindView || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Table of a view: %v", err)
	}
	if tn, err := c.IndexTable(tx, "accounts_owner_idx"); err != nil || tn != "accounts" {
		t.Fatalf("IndexTable: %q %v", tn, err)
	}
	if k, err := c.KindOf(tx, "accounts_owner_idx"); err != nil || k != KindIndex {
		t.Fatalf("KindOf index: %v %v", k, err)
	}
	tabs, err := c.Tables(tx)
	if err != nil || len(tabs) != 1 {
		t.Fatalf("Tables lists other kinds: %d %v", len(tabs), err)
	}
	commit(t, tx)

	// DropTable frees the index names.
	tx = s.Begin(txn.TxnOptions{})
	if err := c.DropTable(ctx, tx, "accounts"); err != nil {
		t.Fatal(err)
	}
	tx.NewStatement()
	if _, err := c.KindOf(tx, "accounts_owner_idx"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("index name after DROP TABLE: %v", err)
	}
	commit(t, tx)
}

func insertRow(t *testing.T, ctx context.Context, c *Catalog, tx *txn.Txn, tab *Table, id int64, owner storage.Value) {
	t.Helper()
	val, err := storage.EncodeRow(nil, tab.Types(), []storage.Value{storage.Int64(id), owner})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, c.Storage(tab), storage.AppendKeyValue(nil, storage.Int64(id), storage.KeyColumn{}), val); err != nil {
		t.Fatal(err)
	}
}

// TestAddIndexBackfillAndUnique: AddIndex files existing rows, a unique
// index over duplicates fails with DuplicateError (NULLs never conflict)
// and DropIndex keeps the storage index until the horizon passes.
func TestAddIndexBackfillAndUnique(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{})
	tab := accounts()
	tab.Indexes = nil
	if err := c.CreateTable(ctx, tx, tab); err != nil {
		t.Fatal(err)
	}
	insertRow(t, ctx, c, tx, tab, 1, storage.Text("ann"))
	insertRow(t, ctx, c, tx, tab, 2, storage.Null())
	insertRow(t, ctx, c, tx, tab, 3, storage.Null())
	commit(t, tx)

	tx = s.Begin(txn.TxnOptions{})
	locked, err := c.LockTable(ctx, tx, "accounts")
	if err != nil {
		t.Fatal(err)
	}
	nt, err := c.AddIndex(ctx, tx, locked, Index{Name: "owner_u", Unique: true, Columns: []int{1}})
	if err != nil {
		t.Fatalf("unique index over NULLs: %v", err)
	}
	if len(nt.Indexes) != 1 || nt.Indexes[0].ID == 0 {
		t.Fatalf("descriptor: %+v", nt.Indexes)
	}
	six := c.Storage(nt).Indexes()
	if len(six) != 1 || six[0].Spec().ID != nt.Indexes[0].ID || six[0].Len() != 3 {
		t.Fatalf("storage index: %d indexes", len(six))
	}
	commit(t, tx)

	tx = s.Begin(txn.TxnOptions{})
	insertRowErr := func() error {
		val, _ := storage.EncodeRow(nil, tab.Types(), []storage.Value{storage.Int64(4), storage.Text("ann")})
		return tx.Insert(ctx, c.Storage(nt), storage.AppendKeyValue(nil, storage.Int64(4), storage.KeyColumn{}), val)
	}
	if err := insertRowErr(); !errors.Is(err, txn.ErrUniqueViolation) {
		t.Fatalf("duplicate after the build: %v", err)
	}
	tx.Rollback()

	// DROP INDEX: the storage index stops enforcing at commit and goes
	// once no older snapshot runs.
	r := m.NewSession("r")
	defer r.Close()
	reader := r.Begin(txn.TxnOptions{Isolation: txn.RepeatableRead})
	if _, err := c.Table(reader, "accounts"); err != nil {
		t.Fatal(err)
	}
	tx = s.Begin(txn.TxnOptions{})
	locked, _ = c.LockTable(ctx, tx, "accounts")
	if _, err := c.DropIndex(ctx, tx, locked, "owner_u"); err != nil {
		t.Fatal(err)
	}
	commit(t, tx)
	c.Reap()
	if ix := c.Storage(nt).Indexes(); len(ix) != 1 || ix[0].Spec().Unique {
		t.Fatal("dropped unique index not kept non-unique for the older snapshot")
	}
	tx = s.Begin(txn.TxnOptions{})
	if err := insertRowErr(); err != nil {
		t.Fatalf("duplicate after DROP INDEX: %v", err)
	}
	insertRow(t, ctx, c, tx, tab, 5, storage.Text("bob"))
	insertRow(t, ctx, c, tx, tab, 6, storage.Text("bob"))
	commit(t, tx)
	reader.Commit()
	c.Reap()
	if n := len(c.Storage(nt).Indexes()); n != 0 {
		t.Fatalf("%d storage indexes after the reap", n)
	}

	tx = s.Begin(txn.TxnOptions{})
	locked, _ = c.LockTable(ctx, tx, "accounts")
	_, err = c.AddIndex(ctx, tx, locked, Index{Name: "owner_u", Unique: true, Columns: []int{1}})
	var de *DuplicateError
	if !errors.As(err, &de) || de.Index != "owner_u" {
		t.Fatalf("unique build over duplicates: %v", err)
	}
	if row, err := storage.DecodeRow(de.Row, tab.Types(), nil); err != nil || row[1].AsString() == "" {
		t.Fatalf("duplicate row %v %v", row, err)
	}
	if n := len(c.Storage(nt).Indexes()); n != 0 {
		t.Fatal("failed build left its storage index")
	}
	tx.Rollback()
}

// TestSequenceCounter: NextVal steps, wraps with CYCLE, stops without;
// SetVal checks bounds; RestartSequence is undone by rollback;
// CreateSequence's counter goes with a rollback.
func TestSequenceCounter(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{})
	seq := &Sequence{Name: "s", Type: "integer", Increment: 2}
	SequenceDefaults(seq, false, true, false)
	seq.Max = 5
	if err := CheckSequence(seq); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateSequence(ctx, tx, seq); err != nil {
		t.Fatal(err)
	}
	commit(t, tx)
	for _, want := range []int64{1, 3, 5} {
		if v, err := c.NextVal(seq); err != nil || v != want {
			t.Fatalf("NextVal %d %v, want %d", v, err, want)
		}
	}
	if _, err := c.NextVal(seq); !errors.Is(err, ErrSequenceLimit) {
		t.Fatalf("past MAXVALUE: %v", err)
	}
	cyc := *seq
	cyc.Cycle = true
	if v, err := c.NextVal(&cyc); err != nil || v != 1 {
		t.Fatalf("cycle: %d %v", v, err)
	}
	if err := c.SetVal(seq, 6, true); !errors.Is(err, ErrSequenceRange) {
		t.Fatalf("setval out of range: %v", err)
	}
	if err := c.SetVal(seq, 4, false); err != nil {
		t.Fatal(err)
	}
	tx = s.Begin(txn.TxnOptions{})
	if err := c.RestartSequence(tx, seq); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.SequenceState(seq.ID); st.Value != 1 || st.Called {
		t.Fatalf("restarted state %+v", st)
	}
	tx.Rollback()
	if v, _ := c.NextVal(seq); v != 4 {
		t.Fatalf("after a rolled-back restart nextval %d, want 4", v)
	}

	// Near the int64 edge the step does not overflow.
	big := &Sequence{Name: "big", Type: "bigint", Increment: 1 << 62}
	SequenceDefaults(big, false, false, false)
	tx = s.Begin(txn.TxnOptions{})
	if err := c.CreateSequence(ctx, tx, big); err != nil {
		t.Fatal(err)
	}
	id := big.ID
	for i := 0; i < 2; i++ {
		if _, err := c.NextVal(big); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.NextVal(big); !errors.Is(err, ErrSequenceLimit) {
		t.Fatalf("overflowing step: %v", err)
	}
	tx.Rollback()
	if _, ok := c.SequenceState(id); ok {
		t.Fatal("a rolled-back CREATE SEQUENCE left its counter")
	}

	// A reopened catalog continues ids past sequences and views and starts
	// counters at START.
	tx = s.Begin(txn.TxnOptions{})
	v := &View{Name: "v", Query: "select 1"}
	if err := c.CreateView(ctx, tx, v); err != nil {
		t.Fatal(err)
	}
	commit(t, tx)
	c2, err := Open(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.nextID.Load(); got != v.ID+1 {
		t.Fatalf("next id %d, want %d", got, v.ID+1)
	}
	if st, ok := c2.SequenceState(seq.ID); !ok || st.Value != 1 || st.Called {
		t.Fatalf("reopened counter %+v %v", st, ok)
	}
}

// TestRenameTableFollows: RenameTable moves the descriptor and updates
// index entries, owned sequences and foreign keys that reference it.
func TestRenameTableFollows(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{})
	if err := c.CreateTable(ctx, tx, accounts()); err != nil {
		t.Fatal(err)
	}
	child := &Table{Name: "child", Columns: []Column{{Name: "a", Type: storage.TypeInt64, PgType: "bigint", Typmod: -1, NotNull: true}},
		PrimaryKey:  Index{Name: "child_pkey", Unique: true, Columns: []int{0}},
		ForeignKeys: []ForeignKey{{Name: "child_a_fkey", Columns: []int{0}, RefTable: "accounts", RefColumns: []int{0}}}}
	if err := c.CreateTable(ctx, tx, child); err != nil {
		t.Fatal(err)
	}
	seq := &Sequence{Name: "accounts_id_seq", Type: "bigint", OwnedBy: &SequenceOwner{Table: "accounts", Column: "id"}}
	SequenceDefaults(seq, false, false, false)
	if err := c.CreateSequence(ctx, tx, seq); err != nil {
		t.Fatal(err)
	}
	commit(t, tx)

	tx = s.Begin(txn.TxnOptions{})
	locked, err := c.LockTable(ctx, tx, "accounts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RenameTable(ctx, tx, locked, "child"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename over a table: %v", err)
	}
	tx.Rollback()
	tx = s.Begin(txn.TxnOptions{})
	locked, _ = c.LockTable(ctx, tx, "accounts")
	if _, err := c.RenameTable(ctx, tx, locked, "acct"); err != nil {
		t.Fatal(err)
	}
	commit(t, tx)
	tx = s.Begin(txn.TxnOptions{})
	defer tx.Rollback()
	if _, err := c.Table(tx, "accounts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old name: %v", err)
	}
	if tn, _ := c.IndexTable(tx, "accounts_pkey"); tn != "acct" {
		t.Fatalf("pkey entry names %q", tn)
	}
	if ch, _ := c.Table(tx, "child"); ch.ForeignKeys[0].RefTable != "acct" {
		t.Fatalf("foreign key references %q", ch.ForeignKeys[0].RefTable)
	}
	if sq, _ := c.Sequence(tx, "accounts_id_seq"); sq.OwnedBy.Table != "acct" {
		t.Fatalf("sequence owned by %q", sq.OwnedBy.Table)
	}
	if refs, _ := c.Referencing(tx, "acct"); len(refs) != 1 {
		t.Fatalf("Referencing: %d", len(refs))
	}
}
