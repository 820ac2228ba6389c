package sql

import (
	"context"
	"sync"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
)

// Advisory locks (pg_advisory_lock and friends): locks on numbers that
// mean what the application decides, held by a session until it unlocks
// them or ends (session level), or until its transaction ends (xact
// level). Migration tools take one so that only one of them migrates a
// database at a time. They live in the engine's memory only: a restart
// releases them all, as it ends every session.

// advisoryKey is a lock's key: one bigint, or two integers, which
// Postgres keeps apart (pg_advisory_lock(1) and pg_advisory_lock(0, 1) are
// different locks).
type advisoryKey struct {
	n   int64
	two bool
}

// advisoryHolder is a session holding a lock at one level and mode.
type advisoryHolder struct {
	s      *Session
	xact   bool
	shared bool
}

type advisoryLock struct {
	held map[advisoryHolder]int // acquisitions not yet released
	// changed is closed (and replaced) when holders leave, waking the
	// sessions waiting for the lock.
	changed chan struct{}
}

type advisoryLocks struct {
	mu      sync.Mutex
	locks   map[advisoryKey]*advisoryLock
	waiting map[*Session]advisoryKey // for deadlock detection
}

func (a *advisoryLocks) init() {
	a.locks = map[advisoryKey]*advisoryLock{}
	a.waiting = map[*Session]advisoryKey{}
}

// grantableLocked reports whether s may take k in mode shared: no other
// session holds it exclusively, and for an exclusive request none holds
// it at all. A session never conflicts with itself.
func (l *advisoryLock) grantableLocked(s *Session, shared bool) bool {
	for h := range l.held {
		if h.s != s && (!h.shared || !shared) {
			return false
		}
	}
	return true
}

// acquire takes the lock; wait false is the pg_try_ form, which returns
// false instead of waiting. A wait ends with the statement (57014) or,
// when the sessions holding the lock wait for one s holds, with 40P01.
func (a *advisoryLocks) acquire(ctx context.Context, s *Session, k advisoryKey, h advisoryHolder, wait bool) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	defer delete(a.waiting, s)
	for {
		l := a.locks[k]
		if l == nil {
			l = &advisoryLock{held: map[advisoryHolder]int{}, changed: make(chan struct{})}
			a.locks[k] = l
		}
		if l.grantableLocked(s, h.shared) {
			l.held[h]++
			return true, nil
		}
		if !wait {
			return false, nil
		}
		a.waiting[s] = k
		if a.cycleLocked(s) {
			return false, pgerr.FromTxn(txn.ErrDeadlock)
		}
		ch := l.changed
		a.mu.Unlock()
		var err error
		select {
		case <-ch:
		case <-ctx.Done():
			err = pgerr.FromTxn(txn.ErrCanceled)
		}
		a.mu.Lock()
		if err != nil {
			return false, err
		}
	}
}

// cycleLocked reports whether s's wait closes a cycle: a session holding
// the lock s waits for waits, through others, for a lock s holds.
func (a *advisoryLocks) cycleLocked(s *Session) bool {
	seen := map[*Session]bool{}
	var waitsOn func(w *Session) bool // w waits, directly or not, for s
	waitsOn = func(w *Session) bool {
		k, ok := a.waiting[w]
		if !ok || seen[w] {
			return false
		}
		seen[w] = true
		for h := range a.locks[k].held {
			if h.s == s || h.s != w && waitsOn(h.s) {
				return true
			}
		}
		return false
	}
	k := a.waiting[s]
	for h := range a.locks[k].held {
		if h.s != s && waitsOn(h.s) {
			return true
		}
	}
	return false
}

// release gives up one acquisition; false if h held none.
func (a *advisoryLocks) release(k advisoryKey, h advisoryHolder) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.locks[k]
	if l == nil || l.held[h] == 0 {
		return false
	}
	if l.held[h]--; l.held[h] == 0 {
		delete(l.held, h)
		a.wakeLocked(k, l)
	}
	return true
}

// releaseAll gives up every lock s holds at the level xact (all its
// session locks at session end or pg_advisory_unlock_all, its xact locks
// when its transaction ends).
func (a *advisoryLocks) releaseAll(s *Session, xact bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, l := range a.locks {
		gone := false
		for h := range l.held {
			if h.s == s && h.xact == xact {
				delete(l.held, h)
				gone = true
			}
		}
		if gone {
			a.wakeLocked(k, l)
		}
	}
}

func (a *advisoryLocks) wakeLocked(k advisoryKey, l *advisoryLock) {
	close(l.changed)
	l.changed = make(chan struct{})
	if len(l.held) == 0 {
		delete(a.locks, k)
	}
}

// advisoryLock implements sem.SessionInfo's AdvisoryLock. A transaction
// level lock is released when the statement's transaction ends (or rolls
// back to a savepoint taken before it, as Postgres releases a
// subtransaction's locks).
func (s *Session) advisoryLock(key int64, two, shared, xact, wait bool) (bool, error) {
	k, h := advisoryKey{n: key, two: two}, advisoryHolder{s: s, xact: xact, shared: shared}
	ctx := s.ectx.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	ok, err := s.e.advisory.acquire(ctx, s, k, h, wait)
	if ok && xact {
		if tx := s.ectx.Txn; tx != nil {
			release := func() { s.e.advisory.release(k, h) }
			tx.Defer(release, release)
		}
	}
	return ok, err
}
