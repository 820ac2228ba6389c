package catalog

import (
	"context"
	"errors"
	"testing"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

func newCatalog(t *testing.T) (*Catalog, *txn.Manager) {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{GCInterval: -1})
	t.Cleanup(m.Close)
	c, err := Open(m)
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}

func accounts() *Table {
	return &Table{
		Name: "accounts",
		Columns: []Column{
			{Name: "id", Type: storage.TypeInt64, PgType: "bigint", Typmod: -1, NotNull: true},
			{Name: "owner", Type: storage.TypeText, PgType: "text", Typmod: -1},
		},
		PrimaryKey: Index{Name: "accounts_pkey", Unique: true, Columns: []int{0}},
		Indexes:    []Index{{ID: 1, Name: "accounts_owner_idx", Columns: []int{1}}},
	}
}

func TestCreateTableIsTransactional(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	a, b := m.NewSession("a"), m.NewSession("b")
	defer a.Close()
	defer b.Close()

	ta := a.Begin(txn.TxnOptions{})
	tb := b.Begin(txn.TxnOptions{})
	tb.NewStatement() // b's snapshot predates the CREATE
	if err := c.CreateTable(ctx, ta, accounts()); err != nil {
		t.Fatal(err)
	}
	ta.NewStatement()
	got, err := c.Table(ta, "accounts")
	if err != nil || got.ID < firstUserID || got.ColumnIndex("owner") != 1 {
		t.Fatalf("own create: %+v %v", got, err)
	}
	if st := c.Storage(got); st == nil || len(st.Indexes()) != 1 {
		t.Fatalf("storage not created with its index: %v", st)
	}
	if _, err := c.Table(tb, "accounts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("uncommitted table visible to another transaction: %v", err)
	}
	if err := ta.Commit(); err != nil {
		t.Fatal(err)
	}
	tb.NewStatement() // READ COMMITTED: the next statement sees it
	if _, err := c.Table(tb, "accounts"); err != nil {
		t.Fatalf("committed table invisible: %v", err)
	}
	if err := c.CreateTable(ctx, tb, accounts()); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate create: %v", err)
	}
	tb.Rollback()
}

func TestCreateTableRollbackDropsStorage(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()

	tx := s.Begin(txn.TxnOptions{})
	desc := accounts()
	if err := c.CreateTable(ctx, tx, desc); err != nil {
		t.Fatal(err)
	}
	id := desc.ID
	tx.Rollback()
	if m.Store().Table(id) != nil {
		t.Fatal("storage of a rolled-back CREATE TABLE still exists")
	}

	// The same through a savepoint; the id is not reused.
	tx = s.Begin(txn.TxnOptions{})
	tx.Savepoint("sp")
	desc = accounts()
	if err := c.CreateTable(ctx, tx, desc); err != nil {
		t.Fatal(err)
	}
	if desc.ID == id {
		t.Fatalf("id %d reused", id)
	}
	if err := tx.RollbackTo("sp"); err != nil {
		t.Fatal(err)
	}
	if m.Store().Table(desc.ID) != nil {
		t.Fatal("storage survives rollback to savepoint")
	}
	tx.NewStatement()
	if _, err := c.Table(tx, "accounts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("table visible after rollback to savepoint: %v", err)
	}
	if err := c.CreateTable(ctx, tx, accounts()); err != nil {
		t.Fatalf("create after rollback to savepoint: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestDropTableWaitsForOlderSnapshots(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s, r := m.NewSession("s"), m.NewSession("r")
	defer s.Close()
	defer r.Close()

	tx := s.Begin(txn.TxnOptions{})
	desc := accounts()
	if err := c.CreateTable(ctx, tx, desc); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	reader := r.Begin(txn.TxnOptions{Isolation: txn.RepeatableRead})
	if _, err := c.Table(reader, "accounts"); err != nil {
		t.Fatal(err)
	}
	tx = s.Begin(txn.TxnOptions{})
	if err := c.DropTable(ctx, tx, "accounts"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	c.Reap()
	if m.Store().Table(desc.ID) == nil {
		t.Fatal("storage dropped while a snapshot from before the DROP still sees the table")
	}
	if _, err := c.Table(reader, "accounts"); err != nil {
		t.Fatalf("older snapshot lost the table: %v", err)
	}
	reader.Commit()
	c.Reap()
	if m.Store().Table(desc.ID) != nil {
		t.Fatal("storage not dropped once no snapshot sees the table")
	}
	tx = s.Begin(txn.TxnOptions{})
	if _, err := c.Table(tx, "accounts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dropped table visible: %v", err)
	}
	if err := c.DropTable(ctx, tx, "accounts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("drop of a missing table: %v", err)
	}
	tx.Rollback()
}

func TestAlterTableAndReopen(t *testing.T) {
	c, m := newCatalog(t)
	ctx := context.Background()
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{})
	desc := accounts()
	if err := c.CreateTable(ctx, tx, desc); err != nil {
		t.Fatal(err)
	}
	tx.NewStatement()
	cur, _ := c.Table(tx, "accounts")
	alt := cur.Clone()
	alt.Columns = append(alt.Columns, Column{Name: "balance", Type: storage.TypeNumeric, PgType: "numeric", Typmod: -1})
	if err := c.AlterTable(ctx, tx, alt); err != nil {
		t.Fatal(err)
	}
	if len(cur.Columns) != 2 {
		t.Fatal("Clone shares columns with the cached descriptor")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := len(m.Store().Table(desc.ID).Schema().Types); got != 3 {
		t.Fatalf("storage schema has %d columns after commit, want 3", got)
	}
	// A second catalog over the same store (a restart) continues ids.
	c2, err := Open(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.nextID.Load(); got != desc.ID+1 {
		t.Fatalf("reopened catalog's next id %d, want %d", got, desc.ID+1)
	}
	tx = s.Begin(txn.TxnOptions{})
	tabs, err := c2.Tables(tx)
	if err != nil || len(tabs) != 1 || len(tabs[0].Columns) != 3 {
		t.Fatalf("Tables: %v %v", tabs, err)
	}
	tx.Commit()
}
