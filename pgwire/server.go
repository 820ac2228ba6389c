package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/rs/zerolog"
)

// Config is a server's configuration. Zero values take the defaults noted.
type Config struct {
	Engine *sql.Engine
	Log    zerolog.Logger
	// TLS, when set, answers SSLRequest with 'S' and a handshake.
	TLS *tls.Config
	// AuthLocal applies to loopback (and Unix socket) clients, AuthRemote
	// to every other address. Defaults: trust and scram-sha-256.
	AuthLocal, AuthRemote AuthMethod
	// MaxConnections refuses clients beyond it with 53300 (default 100).
	MaxConnections int
	// MaxMessageSize bounds one protocol message (default 64 MiB); a
	// bigger one ends the connection with 08P01 before it is buffered.
	MaxMessageSize int
	// Database is the one database name clients may ask for ("postgres").
	Database string
}

// Server accepts PostgreSQL connections and serves them.
type Server struct {
	cfg Config

	mu        sync.Mutex
	listeners []net.Listener
	conns     map[uint32]*conn // by backend process id
	// starting are connections still in start-up (no session yet):
	// shutdown closes them at once.
	starting map[net.Conn]struct{}
	closing  bool
	nextPID  uint32
	wg       sync.WaitGroup
	// perRole counts sessions by role, for CONNECTION LIMIT.
	perRole map[string]int
	// count of connections past start-up, for MaxConnections.
	active atomic.Int32
}

// NewServer returns a server for cfg.Engine.
func NewServer(cfg Config) *Server {
	if cfg.AuthLocal == "" {
		cfg.AuthLocal = AuthTrust
	}
	if cfg.AuthRemote == "" {
		cfg.AuthRemote = AuthSCRAM
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 100
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = 64 << 20
	}
	if cfg.Database == "" {
		cfg.Database = "postgres"
	}
	return &Server{cfg: cfg, conns: map[uint32]*conn{}, starting: map[net.Conn]struct{}{}, perRole: map[string]int{}, nextPID: 1000}
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("pgwire: server closed")

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors and the like: back off, as
				// net/http does, rather than spin or die.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.cfg.Log.Warn().Err(err).Dur("retry_in", delay).Msg("accept failed")
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(nc)
		}()
	}
}

// register gives c a process id and secret key for BackendKeyData.
func (s *Server) register(c *conn) bool {
	var b [4]byte
	_, _ = rand.Read(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	for {
		s.nextPID++
		if _, taken := s.conns[s.nextPID]; !taken && s.nextPID != 0 {
			break
		}
	}
	c.pid, c.secret = s.nextPID, binary.BigEndian.Uint32(b[:])
	s.conns[c.pid] = c
	return true
}

// track notes a connection in start-up; it reports false (and closes
// nothing) when the server is shutting down.
func (s *Server) track(nc net.Conn, starting bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !starting {
		delete(s.starting, nc)
		return true
	}
	if s.closing {
		return false
	}
	s.starting[nc] = struct{}{}
	return true
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	delete(s.conns, c.pid)
	if c.role != "" {
		if s.perRole[c.role]--; s.perRole[c.role] <= 0 {
			delete(s.perRole, c.role)
		}
	}
	s.mu.Unlock()
}

// admitRole counts c against its role's CONNECTION LIMIT; superusers are
// not limited, as in Postgres.
func (s *Server) admitRole(c *conn, role sql.Role) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !role.Superuser && role.ConnLimit >= 0 && s.perRole[role.Name] >= role.ConnLimit {
		return false
	}
	s.perRole[role.Name]++
	c.role = role.Name
	return true
}

// cancel handles a CancelRequest: it cancels the statement running on the
// matching connection, if any. A wrong key is ignored silently, as
// Postgres does, so that keys cannot be probed.
func (s *Server) cancel(pid, secret uint32) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c != nil && c.secret == secret {
		c.cancelRunning(context.Canceled)
	}
}

// Shutdown stops accepting, lets running statements finish until ctx
// ends, then cancels what still runs and closes every connection. Idle
// connections are closed at once with 57P01, as Postgres's smart-then-
// fast shutdown tells clients.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for _, ln := range s.listeners {
		ln.Close()
	}
	for nc := range s.starting {
		nc.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.shutdown()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for _, c := range s.conns {
		c.cancelRunning(errShutdown)
		c.nc.Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}
