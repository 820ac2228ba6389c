package storage

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/rs/zerolog"
)

// Options configure a Store.
type Options struct {
	// PageBits sets the log page size to 1<<PageBits bytes (default 22, 4 MiB).
	PageBits uint
	Logger   zerolog.Logger
}

// Store is the storage engine: one hybrid log shared by all tables, the
// tables' indexes, and the epoch protection that makes reclamation safe.
type Store struct {
	log    *Log
	epochs *Epochs
	logger zerolog.Logger

	mu struct {
		sync.Mutex
		tables map[uint32]*Table
	}
	// tables is the published copy of mu.tables, replaced on every change so
	// readers never lock.
	tables atomic.Pointer[map[uint32]*Table]

	// garbage estimates the log bytes that are dead or will be once no
	// snapshot needs them: superseded and aborted versions, page fillers.
	garbage atomic.Int64
	// holds counts compaction holds (running checkpoints): while one is
	// held, no record moves.
	holds atomic.Int32
	gcMu  sync.Mutex // one collection at a time
	gcTotals
}

// Open returns an empty store.
func Open(opts Options) *Store {
	if opts.PageBits == 0 {
		opts.PageBits = DefaultPageBits
	}
	s := &Store{epochs: NewEpochs(), logger: opts.Logger}
	s.log = NewLog(opts.PageBits, s.epochs)
	s.log.onFiller = func(n uint64) { s.garbage.Add(int64(n)) }
	s.mu.tables = map[uint32]*Table{}
	s.publishTablesLocked()
	return s
}

func (s *Store) Log() *Log               { return s.log }
func (s *Store) Epochs() *Epochs         { return s.epochs }
func (s *Store) NewGuard() *Guard        { return s.epochs.NewGuard() }
func (s *Store) Logger() *zerolog.Logger { return &s.logger }

func (s *Store) publishTablesLocked() {
	m := make(map[uint32]*Table, len(s.mu.tables))
	for k, v := range s.mu.tables {
		m[k] = v
	}
	s.tables.Store(&m)
}

// CreateTable adds an empty table.
func (s *Store) CreateTable(id uint32, name string, schema Schema) (*Table, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.mu.tables[id]; ok {
		return nil, fmt.Errorf("%w: id %d", ErrTableExists, id)
	}
	t := newTable(s, id, name, schema)
	s.mu.tables[id] = t
	s.publishTablesLocked()
	return t, nil
}

// DropTable forgets a table. Its records stay in the log until garbage
// collection meets them and, having no table, drops them.
func (s *Store) DropTable(id uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.mu.tables[id]; !ok {
		return fmt.Errorf("%w: id %d", ErrNoTable, id)
	}
	delete(s.mu.tables, id)
	s.publishTablesLocked()
	return nil
}

// Table returns the table with the given id, or nil.
func (s *Store) Table(id uint32) *Table { return (*s.tables.Load())[id] }

// Tables returns every table, in no particular order.
func (s *Store) Tables() []*Table {
	m := *s.tables.Load()
	out := make([]*Table, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	return out
}

// NoteGarbage records that n log bytes became garbage (a superseded or
// aborted version), which drives when collection runs.
func (s *Store) NoteGarbage(n uint64) { s.garbage.Add(int64(n)) }

// Garbage returns the estimated garbage bytes in the log.
func (s *Store) Garbage() int64 { return s.garbage.Load() }

// HoldCompaction stops records from moving until the returned function is
// called. A checkpoint holds it while it scans the log: a record moved
// inside the scanned range would be seen twice or not at all.
func (s *Store) HoldCompaction() (release func()) {
	s.holds.Add(1)
	var once sync.Once
	// Wait out a pass that started before the hold: it checks the hold
	// only between records.
	s.gcMu.Lock()
	//lint:ignore SA2001 the empty critical section is the point: it waits for the pass
	s.gcMu.Unlock()
	return func() { once.Do(func() { s.holds.Add(-1) }) }
}
