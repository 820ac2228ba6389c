package sql

import (
	"sync"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// LISTEN, UNLISTEN and NOTIFY (and pg_notify), as Postgres has them:
// both take effect when their transaction commits (a rolled-back NOTIFY
// sends nothing), a notification goes to every session listening on its
// channel at that moment, its own sender's included, and the wire server
// delivers it between statements (Session.TakeNotifications, Notify
// wake-up). Notifications live in memory: they are not part of any
// checkpoint, as Postgres's do not survive a restart either.

// Notification is one NOTIFY as a listener receives it.
type Notification struct {
	PID     int32 // the sender's backend process id
	Channel string
	Payload string
}

// maxNotifyPayload is Postgres's limit (8000 bytes less a margin).
const maxNotifyPayload = 7999

type notifyHub struct {
	mu        sync.Mutex
	listeners map[string]map[*Session]bool
}

func (h *notifyHub) init() { h.listeners = map[string]map[*Session]bool{} }

func (h *notifyHub) listen(s *Session, ch string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.listeners[ch] == nil {
		h.listeners[ch] = map[*Session]bool{}
	}
	h.listeners[ch][s] = true
}

// unlisten removes s from ch, or from every channel when ch is "".
func (h *notifyHub) unlisten(s *Session, ch string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c, ls := range h.listeners {
		if ch == "" || c == ch {
			delete(ls, s)
			if len(ls) == 0 {
				delete(h.listeners, c)
			}
		}
	}
}

func (h *notifyHub) send(n Notification) {
	h.mu.Lock()
	var to []*Session
	for s := range h.listeners[n.Channel] {
		to = append(to, s)
	}
	h.mu.Unlock()
	for _, s := range to {
		s.queueNotification(n)
	}
}

// notifyState is a session's side: the notifications waiting for
// delivery and the wire server's wake-up. Guarded by its own lock, as
// other sessions' commits fill it.
type notifyState struct {
	mu      sync.Mutex
	pending []Notification
	wake    func()
}

func (s *Session) queueNotification(n Notification) {
	s.note.mu.Lock()
	s.note.pending = append(s.note.pending, n)
	wake := s.note.wake
	s.note.mu.Unlock()
	if wake != nil {
		wake()
	}
}

// OnNotification sets the function called (from another session's
// goroutine) when a notification arrives for this session; the wire
// server then delivers it if the connection is idle.
func (s *Session) OnNotification(wake func()) {
	s.note.mu.Lock()
	s.note.wake = wake
	s.note.mu.Unlock()
}

// TakeNotifications returns and forgets the notifications waiting for
// delivery, oldest first.
func (s *Session) TakeNotifications() []Notification {
	s.note.mu.Lock()
	defer s.note.mu.Unlock()
	n := s.note.pending
	s.note.pending = nil
	return n
}

// notify queues a notification for delivery when tx commits.
func (s *Session) notify(tx *txn.Txn, ch, payload string) error {
	if ch == "" {
		return pgerr.New(pgerr.InvalidParameterValue, "channel name cannot be empty")
	}
	if len(payload) > maxNotifyPayload {
		return pgerr.New(pgerr.InvalidParameterValue, "payload string too long")
	}
	n := Notification{PID: s.backendPID, Channel: ch, Payload: payload}
	tx.Defer(func() { s.e.notify.send(n) }, nil)
	return nil
}

// listenStmt runs LISTEN, UNLISTEN and NOTIFY; all three take effect at
// commit.
func (s *Session) listenStmt(tx *txn.Txn, kind, ch string, payload string) (*Result, error) {
	switch kind {
	case "LISTEN":
		tx.Defer(func() { s.e.notify.listen(s, ch) }, nil)
	case "UNLISTEN":
		tx.Defer(func() { s.e.notify.unlisten(s, ch) }, nil)
	case "NOTIFY":
		if err := s.notify(tx, ch, payload); err != nil {
			return nil, err
		}
	}
	return &Result{Tag: kind}, nil
}

// pgNotify is pg_notify(channel, payload) for sem.
func (s *Session) pgNotify(ch, payload string) (storage.Value, error) {
	tx := s.ectx.Txn
	if tx == nil {
		return storage.Value{}, pgerr.New(pgerr.InternalError, "pg_notify outside a transaction")
	}
	return storage.Text(""), s.notify(tx, ch, payload)
}
