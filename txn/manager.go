package txn

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/rs/zerolog"
)

// Options configure a Manager.
type Options struct {
	// DeadlockTimeout is how long a lock wait lasts before it looks for a
	// cycle, as Postgres's deadlock_timeout (default 1s).
	DeadlockTimeout time.Duration
	// GCInterval is how often the background collector checks whether the
	// log needs compaction (default 10ms; negative disables the collector,
	// for tests that drive Collect themselves).
	GCInterval time.Duration
	// GCMaxPages bounds the pages one collection pass compacts (default 64).
	GCMaxPages int
	// StartVersion is the clock's first CPR version (default 1). Recovery
	// passes the version after the restored checkpoint's.
	StartVersion uint64
	Logger       zerolog.Logger
}

// Manager runs transactions over a Store. It owns the commit clock, the
// registry of running writers (for lock waits), the snapshot registry (for
// the garbage-collection horizon) and the background collector.
//
// Commit protocol (why visibility needs no reader-side waiting):
//
//  1. A writer installs new versions with beginTS = its marker and locks a
//     key by swapping the key's slot to its new version.
//  2. At commit it takes commitMu, validates (SERIALIZABLE), takes a
//     timestamp from the clock, replaces its markers with the timestamp,
//     publishes visible = ts, releases the clock count, and unlocks.
//  3. A snapshot is the value of visible. Because of 2, every commit with
//     ts <= visible is fully installed, so a reader treats every marker it
//     meets as "not committed for me" and never waits.
//
// commitMu serializes only the installation (a few stores per written
// row); transactions run their statements concurrently.
type Manager struct {
	store *storage.Store
	clock *Clock
	opts  Options
	log   zerolog.Logger

	visible  atomic.Uint64 // every commit with ts <= visible is installed
	commitMu sync.Mutex
	nextID   atomic.Uint64

	running  [64]runningShard // writers by id, for lock waits
	snaps    snapRegistry
	gcFloor  atomic.Uint64 // see horizon
	deadlock sync.Mutex    // serializes cycle checks so one victim is chosen

	sessMu   sync.Mutex
	sessions map[uint64]*Session
	closed   map[string]*Session // the last closed session of each name that committed
	nextSess atomic.Uint64

	stop chan struct{}
	wg   sync.WaitGroup
	gcG  *storage.Guard
}

type runningShard struct {
	mu sync.RWMutex
	m  map[uint64]*Txn
	_  [32]byte
}

// NewManager starts a transaction manager over store.
func NewManager(store *storage.Store, opts Options) *Manager {
	if opts.DeadlockTimeout == 0 {
		opts.DeadlockTimeout = time.Second
	}
	if opts.GCInterval == 0 {
		opts.GCInterval = 10 * time.Millisecond
	}
	if opts.GCMaxPages == 0 {
		opts.GCMaxPages = 64
	}
	if opts.StartVersion == 0 {
		opts.StartVersion = 1
	}
	m := &Manager{store: store, opts: opts, log: opts.Logger, clock: NewClock(opts.StartVersion)}
	m.visible.Store(m.clock.Now())
	for i := range m.running {
		m.running[i].m = map[uint64]*Txn{}
	}
	m.sessions = map[uint64]*Session{}
	m.closed = map[string]*Session{}
	m.snaps.init()
	m.stop = make(chan struct{})
	m.gcG = store.NewGuard()
	if opts.GCInterval > 0 {
		m.wg.Add(1)
		go m.gcLoop()
	}
	return m
}

// Close stops the background collector.
func (m *Manager) Close() {
	select {
	case <-m.stop:
		return
	default:
	}
	close(m.stop)
	m.wg.Wait()
	m.gcG.Close()
}

func (m *Manager) Store() *storage.Store { return m.store }
func (m *Manager) Clock() *Clock         { return m.clock }

// Visible returns the newest timestamp whose commits are all installed:
// the snapshot a new statement would read at.
func (m *Manager) Visible() uint64 { return m.visible.Load() }

func (m *Manager) shard(id uint64) *runningShard { return &m.running[id&63] }

func (m *Manager) register(t *Txn) {
	s := m.shard(t.id)
	s.mu.Lock()
	s.m[t.id] = t
	s.mu.Unlock()
}

func (m *Manager) unregister(t *Txn) {
	s := m.shard(t.id)
	s.mu.Lock()
	delete(s.m, t.id)
	s.mu.Unlock()
}

// lookup returns the running writer with the given id, or nil if it ended.
func (m *Manager) lookup(id uint64) *Txn {
	s := m.shard(id)
	s.mu.RLock()
	t := s.m[id]
	s.mu.RUnlock()
	return t
}

// RegisterReader holds the garbage-collection horizon at or below ts until
// release is called: a checkpoint reading the state at ts uses it.
func (m *Manager) RegisterReader(ts uint64) (release func()) {
	sl := m.snaps.acquire()
	sl.Store(ts)
	var once sync.Once
	return func() { once.Do(func() { sl.Store(0); m.snaps.release(sl) }) }
}

// Horizon returns the oldest snapshot any transaction or registered reader
// may still read at. Versions superseded at or below it are garbage.
//
// Registration races with this scan like Dekker's algorithm: a reader
// stores its snapshot and then loads gcFloor; Horizon stores gcFloor and
// then loads the snapshots. With sequentially consistent atomics one of
// them sees the other, and a reader that sees a floor above its snapshot
// takes a newer one (publishSnapshot).
func (m *Manager) Horizon() uint64 {
	floor := m.visible.Load()
	m.gcFloor.Store(floor)
	h := floor
	m.snaps.each(func(v uint64) {
		if v != 0 && v < h {
			h = v
		}
	})
	return h
}

// Collect runs one garbage-collection pass now.
func (m *Manager) Collect() storage.GCStats {
	return m.store.Collect(m.gcG, m.Horizon(), m.opts.GCMaxPages)
}

func (m *Manager) gcLoop() {
	defer m.wg.Done()
	tick := time.NewTicker(m.opts.GCInterval)
	defer tick.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-tick.C:
		}
		for i := 0; i < 16 && m.store.ShouldCollect(); i++ {
			st := m.Collect()
			if st.Truncated == 0 {
				break
			}
		}
		m.store.Epochs().Reclaim()
	}
}

// snapRegistry holds one atomic word per registered snapshot holder.
type snapRegistry struct {
	mu struct {
		sync.Mutex
		all  []*snapSlot
		free []*snapSlot
	}
	pub atomic.Pointer[[]*snapSlot]
}

type snapSlot struct {
	atomic.Uint64
	_ [56]byte
}

func (r *snapRegistry) init() {
	empty := []*snapSlot{}
	r.pub.Store(&empty)
}

func (r *snapRegistry) acquire() *snapSlot {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.mu.free); n > 0 {
		s := r.mu.free[n-1]
		r.mu.free = r.mu.free[:n-1]
		return s
	}
	s := &snapSlot{}
	r.mu.all = append(r.mu.all, s)
	pub := append([]*snapSlot(nil), r.mu.all...)
	r.pub.Store(&pub)
	return s
}

func (r *snapRegistry) release(s *snapSlot) {
	s.Store(0)
	r.mu.Lock()
	r.mu.free = append(r.mu.free, s)
	r.mu.Unlock()
}

func (r *snapRegistry) each(fn func(uint64)) {
	for _, s := range *r.pub.Load() {
		fn(s.Load())
	}
}

// publishSnapshot takes the current visible timestamp as a snapshot and
// publishes it in sl so garbage collection keeps what it can see.
func (m *Manager) publishSnapshot(sl *snapSlot) uint64 {
	for {
		s := m.visible.Load()
		sl.Store(s)
		if m.gcFloor.Load() <= s {
			return s
		}
	}
}

// contextErr converts a context's end into ErrCanceled, keeping the cause.
func contextErr(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return ErrCanceled
}
