package recovery

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// ErrRefused is returned (wrapped) by Open under Options.Strict when the
// newest checkpoint could not be used whole.
var ErrRefused = errors.New("recovery: refused")

// Catalog is what recovery needs to know of the catalog it restores: the
// system table holding it, and the tables it names once its rows are
// back. The SQL layer implements it (sql/sqlrecover), so that recovery
// depends on storage, txn and cpr only.
type Catalog interface {
	// SystemTable is the id and name of the table holding the catalog.
	SystemTable() (id uint32, name string)
	// Tables reads the recovered catalog through m (whose store holds the
	// system table's rows, and no other table yet).
	Tables(m *txn.Manager) ([]TableSpec, error)
}

// TableSpec is a recovered table's storage: its id, name, row schema and
// secondary indexes.
type TableSpec struct {
	ID      uint32
	Name    string
	Schema  storage.Schema
	Indexes []storage.IndexSpec
}

// Options configure Open.
type Options struct {
	// Catalog reads the recovered catalog (required).
	Catalog Catalog
	// FS is the file system; nil means cpr.OSFS{}.
	FS  cpr.FS
	Log zerolog.Logger
	// Strict refuses to start from anything but the newest checkpoint
	// read to its end: any reason cpr.Load gives for passing over a newer
	// manifest or for stopping short in a delta log (Snapshot.Skipped)
	// fails Open with ErrRefused. Otherwise those reasons are logged as
	// warnings and the older state is used.
	Strict bool
	// ID, if not 0, recovers checkpoint ID instead of the newest
	// (cpr.LoadTo: a full checkpoint alone, or a delta with its chain's
	// full checkpoint and the deltas up to it). Nothing falls back: if it
	// cannot be read whole, Open fails. Newer checkpoints are not touched.
	ID uint64
	// Workers bounds the goroutines that read segments, sort, load rows
	// and build indexes (each phase in turn); 0 means GOMAXPROCS.
	Workers int
	// Storage and Txn configure the new store and manager; Open sets
	// Txn.StartVersion.
	Storage storage.Options
	Txn     txn.Options
}

// TableStats describes one recovered table.
type TableStats struct {
	ID      uint32
	Name    string
	Rows    int
	Indexes int
}

// Result is a recovered database. The caller owns Manager and closes it
// (after the engine's sessions and any checkpointer on it).
type Result struct {
	Manager *txn.Manager
	// Manifest is the newest checkpoint applied (nil: the directory held
	// no checkpoint and the database starts empty). Base is its chain's
	// full checkpoint and Deltas the number of deltas applied on it.
	Manifest *cpr.Manifest
	Base     *cpr.Manifest
	Deltas   int
	// Skipped is cpr.LoadStream's (cpr.Load's) list of what was passed
	// over, newest first.
	Skipped []string
	// Tables lists the recovered user tables by id; CatalogRows is the
	// number of system-table rows (descriptors, roles).
	Tables      []TableStats
	CatalogRows int
	// IgnoredRows counts rows of tables the recovered catalog does not
	// name (dropped below the cut; their storage was not yet released).
	IgnoredRows int
	// Bytes is the size of the checkpoint files read: the chain's full
	// checkpoint and the deltas applied.
	Bytes int64
	// Sessions are the recovered commit points by session name.
	Sessions map[string]uint64
	// Start is the log's tail once the rows were loaded: every record
	// below it came from the checkpoint (cpr.Recovered.Start).
	Start storage.Addr
	// MaxTableID is the largest table id any row read belongs to, the
	// ignored tables' included. The chain read may be extended after
	// the restart, and recovered again with these rows: a new table must
	// not take the id of one whose rows it holds.
	MaxTableID uint32
	// Timings: reading and verifying the checkpoint and loading its rows
	// into the tables (one pass: a segment's rows go into the log and the
	// primary btree as they are read), naming the tables and filling their
	// point indexes, building the secondary indexes, and the whole of Open.
	ReadTime, LoadTime, IndexTime, Total time.Duration
}

// Checkpoint is what a checkpointer over Manager needs to know of the
// recovered state (cpr.Options.Recovered): nil for a new database.
func (r *Result) Checkpoint() *cpr.Recovered {
	if r.Manifest == nil {
		return nil
	}
	return &cpr.Recovered{ID: r.Manifest.ID, Start: r.Start}
}

// Rows returns the number of user-table rows recovered.
func (r *Result) Rows() int {
	n := 0
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Open rebuilds the database from the newest valid checkpoint in dir (see
// doc.go). A missing or empty directory gives an empty database; a
// directory whose manifests are all damaged is an error, never an empty
// database.
func Open(dir string, opts Options) (*Result, error) {
	start := time.Now()
	if opts.FS == nil {
		opts.FS = cpr.OSFS{}
	}
	if opts.Catalog == nil {
		return nil, errors.New("recovery: Options.Catalog is required")
	}
	res := &Result{Sessions: map[string]uint64{}}
	// The rows, read, verified and loaded by cpr.LoadStream (cpr.LoadTo
	// for a given ID) into the loader's store.
	ld := &loader{opts: opts.Storage}
	var mf *cpr.Manifest
	var err error
	if opts.ID != 0 {
		var snap *cpr.Snapshot
		if snap, err = cpr.LoadTo(opts.FS, dir, opts.ID); err != nil {
			return nil, fmt.Errorf("recovery: reading checkpoint %d in %s: %w", opts.ID, dir, err)
		}
		if err = ld.fromSnapshot(snap); err != nil {
			return nil, fmt.Errorf("recovery: reading checkpoint %d in %s: %w", opts.ID, dir, err)
		}
		mf, res.Base, res.Deltas, res.Skipped, res.Bytes = snap.Manifest, snap.Base, snap.Deltas, snap.Skipped, snap.Bytes
	} else {
		var sr *cpr.StreamResult
		sr, err = cpr.LoadStream(opts.FS, dir, cpr.StreamOptions{Begin: ld.begin, Rows: ld.rows, End: ld.end, Workers: opts.Workers})
		if err == nil {
			mf, res.Base, res.Deltas, res.Skipped, res.Bytes = sr.Manifest, sr.Base, sr.Deltas, sr.Skipped, sr.Bytes
		}
	}
	switch {
	case errors.Is(err, cpr.ErrNoCheckpoint) || errors.Is(err, fs.ErrNotExist):
		return res.fresh(opts, start)
	case err != nil:
		return nil, fmt.Errorf("recovery: reading the checkpoints in %s: %w", dir, err)
	}
	res.ReadTime = time.Since(start)
	res.Manifest = mf
	if len(res.Skipped) > 0 {
		if opts.Strict {
			return nil, fmt.Errorf("%w: the newest checkpoint cannot be used whole (strict recovery): %s", ErrRefused, strings.Join(res.Skipped, "; "))
		}
		for _, why := range res.Skipped {
			opts.Log.Warn().Str("reason", why).Msg("recovery passed over checkpoint data; falling back to an older state")
		}
	}

	st := ld.st
	res.Start = st.Log().Tail()
	for id := range ld.tables {
		res.MaxTableID = max(res.MaxTableID, id)
	}
	rowsStart := time.Now()
	sysID, sysName := opts.Catalog.SystemTable()
	sys, err := ld.table(sysID)
	if err != nil {
		return nil, err
	}
	sys.SetName(sysName)
	sys.FinishLoad(opts.Workers)
	res.CatalogRows = sys.Len()

	topts := opts.Txn
	topts.StartVersion = mf.Version + 1
	m := txn.NewManager(st, topts)
	ok := false
	defer func() {
		if !ok {
			m.Close()
		}
	}()
	tables, err := opts.Catalog.Tables(m)
	if err != nil {
		return nil, fmt.Errorf("recovery: listing the recovered tables: %w", err)
	}
	named := map[uint32]bool{sysID: true}
	for _, t := range tables {
		named[t.ID] = true
	}
	for id, t := range ld.tables {
		if !named[id] {
			res.IgnoredRows += t.Len()
			opts.Log.Info().Uint32("table", id).Int("rows", t.Len()).Msg("recovery: ignoring the rows of a table dropped before the checkpoint")
			if err := st.DropTable(id); err != nil {
				return nil, err
			}
		}
	}

	// Name the loaded tables, fill their point indexes, then build their
	// secondary indexes, one table per worker.
	res.Tables = make([]TableStats, len(tables))
	stores := make([]*storage.Table, len(tables))
	for i, t := range tables {
		s, err := ld.table(t.ID)
		if err != nil {
			return nil, fmt.Errorf("recovery: loading rows: %w", err)
		}
		s.SetName(t.Name)
		s.SetSchema(t.Schema)
		s.FinishLoad(opts.Workers)
		stores[i] = s
		res.Tables[i] = TableStats{ID: t.ID, Name: t.Name, Rows: s.Len(), Indexes: len(t.Indexes)}
	}
	res.LoadTime = time.Since(rowsStart)
	ld = nil
	ixStart := time.Now()
	err = parallel(len(tables), opts.Workers, func(i int) error {
		g := st.NewGuard()
		defer g.Close()
		for _, spec := range tables[i].Indexes {
			ix, err := stores[i].AddIndex(spec)
			if err != nil {
				return err
			}
			stores[i].BuildIndex(g, ix, m.Horizon)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recovery: building indexes: %w", err)
	}
	res.IndexTime = time.Since(ixStart)

	for _, p := range mf.Sessions {
		res.Sessions[p.Name] = p.Serial
	}
	sort.Slice(res.Tables, func(i, j int) bool { return res.Tables[i].ID < res.Tables[j].ID })
	res.Manager = m
	res.Total = time.Since(start)
	ok = true
	return res, nil
}

// fresh is Open's result for a directory without checkpoints.
func (res *Result) fresh(opts Options, start time.Time) (*Result, error) {
	res.Manager = txn.NewManager(storage.Open(opts.Storage), opts.Txn)
	res.Total = time.Since(start)
	return res, nil
}

// parallel runs fn(0..n-1) on up to workers goroutines (0: GOMAXPROCS)
// and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for w := 0; w < min(n, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}
