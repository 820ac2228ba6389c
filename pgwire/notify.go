package pgwire

import "github.com/jackc/pgx/v5/pgproto3"

// Notifications (LISTEN/NOTIFY) reach a client as NotificationResponse
// messages: before the ReadyForQuery that ends a transaction, or, when
// the connection waits for a query outside a transaction block, as soon
// as they arrive, written by the notifying session's goroutine under
// c.mu (the connection's own goroutine writes only while running, which
// it sets under c.mu).

// sendNotifications queues the session's pending notifications.
func (c *conn) sendNotifications() {
	for _, n := range c.sess.TakeNotifications() {
		c.be.Send(&pgproto3.NotificationResponse{PID: uint32(n.PID), Channel: n.Channel, Payload: n.Payload})
	}
}

// deliverLocked sends pending notifications now if the connection is
// idle between transactions. The caller holds c.mu.
func (c *conn) deliverLocked() {
	if c.running || !c.ready || !c.between || c.draining {
		return
	}
	c.sendNotifications()
	_ = c.be.Flush()
}

// notified is the session's wake-up: another session committed a
// notification for it.
func (c *conn) notified() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deliverLocked()
}
