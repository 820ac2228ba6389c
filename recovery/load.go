package recovery

import (
	"errors"
	"fmt"
	"sync"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/storage"
)

// loader receives cpr.LoadStream's rows and loads them straight into a
// new store, one storage table per table id, created when its first
// rows arrive (the catalog that names the tables is itself one of them,
// read only once every row is in). Nothing is kept between a batch and
// the log: the rows' bytes are copied into log records as they come, so
// recovery touches about the checkpoint's size of new memory, not twice
// that, and the garbage collector has no per-row pointers to scan.
//
// Keys are checked for uniqueness by the tables' btrees as the rows are
// loaded: a key that came twice (from two segments, or twice in one) is
// ErrCorrupt, and LoadStream then passes over the chain; the next one's
// Begin starts from a new, empty store.
type loader struct {
	opts storage.Options
	st   *storage.Store

	mu     sync.Mutex
	tables map[uint32]*storage.Table
	// bufs[src] is source src's LoadRow batch, reused (Rows is never
	// called concurrently for one source).
	bufs [][]storage.LoadRow
}

func (l *loader) begin(base *cpr.Manifest) error {
	l.st = storage.Open(l.opts)
	l.tables = map[uint32]*storage.Table{}
	l.bufs = make([][]storage.LoadRow, len(base.Segments)+1)
	return nil
}

// table returns table id's storage, creating it (unnamed, schema to come
// from the catalog) on first use.
func (l *loader) table(id uint32) (*storage.Table, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.tables[id]; t != nil {
		return t, nil
	}
	t, err := l.st.CreateTable(id, "", storage.Schema{})
	if err != nil {
		return nil, err
	}
	l.tables[id] = t
	return t, nil
}

func (l *loader) rows(src int, table uint32, rows []cpr.Record) error {
	t, err := l.table(table)
	if err != nil {
		return err
	}
	buf := l.bufs[src][:0]
	for _, r := range rows {
		buf = append(buf, storage.LoadRow{Key: r.Key, Value: r.Value, BeginTS: r.BeginTS})
	}
	l.bufs[src] = buf
	return l.load(t, buf)
}

// load is Table.LoadRows with a key loaded twice reported as corruption.
func (l *loader) load(t *storage.Table, rows []storage.LoadRow) error {
	if err := t.LoadRows(rows); err != nil {
		if errors.Is(err, storage.ErrLoadedTwice) {
			return fmt.Errorf("%w: %w", cpr.ErrCorrupt, err)
		}
		return err
	}
	return nil
}

func (l *loader) end() error {
	l.bufs = nil
	return nil
}

// fromSnapshot loads a snapshot read whole (cpr.LoadTo).
func (l *loader) fromSnapshot(snap *cpr.Snapshot) error {
	if err := l.begin(snap.Base); err != nil {
		return err
	}
	const batch = 8192
	for id, recs := range snap.Tables {
		t, err := l.table(id)
		if err != nil {
			return err
		}
		rows := make([]storage.LoadRow, 0, min(batch, len(recs)))
		for _, r := range recs {
			rows = append(rows, storage.LoadRow{Key: r.Key, Value: r.Value, BeginTS: r.BeginTS})
			if len(rows) == batch {
				if err := l.load(t, rows); err != nil {
					return err
				}
				rows = rows[:0]
			}
		}
		if err := l.load(t, rows); err != nil {
			return err
		}
	}
	return l.end()
}
