package txn

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/rs/zerolog"
)

// env is a store, a manager and one table of raw byte rows.
type env struct {
	t     testing.TB
	store *storage.Store
	m     *Manager
	tbl   *storage.Table
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	return newEnvPages(t, opts, 16)
}

// newEnvPages is newEnv with 1<<pageBits byte log pages.
func newEnvPages(t testing.TB, opts Options, pageBits uint) *env {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: pageBits, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if opts.DeadlockTimeout == 0 {
		opts.DeadlockTimeout = 50 * time.Millisecond
	}
	m := NewManager(st, opts)
	tbl, err := st.CreateTable(1, "t", storage.Schema{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, m: m, tbl: tbl}
	t.Cleanup(func() {
		m.Close()
		g := st.NewGuard()
		defer g.Close()
		if err := st.CheckConsistency(g); err != nil {
			t.Error(err)
		}
	})
	return e
}

func k(i int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return b[:]
}

func v(i int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return b[:]
}

func dv(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }

// load commits rows key i -> value vals[i].
func (e *env) load(vals ...int64) {
	e.t.Helper()
	s := e.m.NewSession("")
	defer s.Close()
	tx := s.Begin(TxnOptions{})
	for i, x := range vals {
		if err := tx.Insert(context.Background(), e.tbl, k(i), v(x)); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) get(tx *Txn, i int) (int64, bool) {
	e.t.Helper()
	b, ok, err := tx.Get(e.tbl, k(i), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if !ok {
		return 0, false
	}
	return dv(b), true
}

func set(x int64) UpdateFunc {
	return func([]byte) ([]byte, bool, error) { return v(x), true, nil }
}

func add(d int64) UpdateFunc {
	return func(cur []byte) ([]byte, bool, error) { return v(dv(cur) + d), true, nil }
}
