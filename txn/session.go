package txn

import (
	"sync"

	"github.com/persiandb/persiandb/storage"
)

// Session is one client's sequence of transactions: a connection. It owns
// an epoch guard and a snapshot slot, and numbers its commits for CPR
// commit points. A Session is used by one goroutine at a time.
type Session struct {
	m     *Manager
	id    uint64
	name  string
	guard *storage.Guard
	snap  *snapSlot
	cur   *Txn

	// mu protects serial and history: a checkpoint reads them from
	// another goroutine.
	mu      sync.Mutex
	serial  uint64        // serial of the last committed writing transaction
	history []CommitPoint // first commit of each version not yet trimmed by a checkpoint, oldest first
}

// CommitPoint says that a session's transaction number Serial committed at
// timestamp TS.
type CommitPoint struct {
	Serial uint64
	TS     uint64
}

// NewSession opens a session. name identifies it across restarts for
// commit points; it may be empty.
func (m *Manager) NewSession(name string) *Session {
	s := &Session{m: m, id: m.nextSess.Add(1), name: name, guard: m.store.NewGuard(), snap: m.snaps.acquire()}
	m.sessMu.Lock()
	m.sessions[s.id] = s
	m.sessMu.Unlock()
	return s
}

// ID returns the session's process-local id.
func (s *Session) ID() uint64 { return s.id }

// Name returns the session's durable name.
func (s *Session) Name() string { return s.name }

// SetSerial restores the commit counter (after recovery, for a session that
// reconnects under its name).
func (s *Session) SetSerial(n uint64) {
	s.mu.Lock()
	s.serial = n
	s.mu.Unlock()
}

// CommitPoint returns the serial of the session's last committed writing
// transaction.
func (s *Session) CommitPoint() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serial
}

// PointBefore returns the serial of the session's last writing transaction
// that committed below cut: the session's CPR point in a checkpoint at cut.
// Call it after the clock drained the commits below cut.
func (s *Session) PointBefore(cut uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.serial
	for i := len(s.history) - 1; i >= 0 && s.history[i].TS >= cut; i-- {
		p = s.history[i].Serial - 1
	}
	return p
}

// TrimHistory forgets commit points below cut (a durable checkpoint at cut
// made them unneeded).
func (s *Session) TrimHistory(cut uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := 0
	for i < len(s.history) && s.history[i].TS < cut {
		i++
	}
	s.history = append(s.history[:0], s.history[i:]...)
}

func (s *Session) noteCommit(ts uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serial++
	// PointBefore(cut) needs only the session's first commit at or above
	// the cut, and a cut is a version boundary: that commit is the first of
	// its version. So the history keeps the first commit of each version,
	// one entry per checkpoint, however many commits follow a cut before
	// the checkpoint reads its points. (Dropping older entries by count
	// instead lost the one a slow checkpoint needs, and its point came out
	// too high.)
	if n := len(s.history); n == 0 || s.history[n-1].TS>>VersionShift != ts>>VersionShift {
		s.history = append(s.history, CommitPoint{Serial: s.serial, TS: ts})
	}
	return s.serial
}

// Sessions calls fn for every open session and for the last closed
// session of each name that committed: a checkpoint must record the
// commit point of a named session that committed and disconnected since
// the previous checkpoint. (Closed sessions are kept one per name, so
// their number is bounded by the names clients use.)
func (m *Manager) Sessions(fn func(*Session)) {
	m.sessMu.Lock()
	list := make([]*Session, 0, len(m.sessions)+len(m.closed))
	for _, s := range m.sessions {
		list = append(list, s)
	}
	for _, s := range m.closed {
		list = append(list, s)
	}
	m.sessMu.Unlock()
	for _, s := range list {
		fn(s)
	}
}

// Close aborts a running transaction and releases the session.
func (s *Session) Close() {
	if s.cur != nil {
		s.cur.Rollback()
	}
	s.m.sessMu.Lock()
	delete(s.m.sessions, s.id)
	if s.name != "" && s.CommitPoint() > 0 {
		s.m.closed[s.name] = s
	}
	s.m.sessMu.Unlock()
	s.guard.Close()
	s.m.snaps.release(s.snap)
}
