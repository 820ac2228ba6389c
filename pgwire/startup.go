package pgwire

import (
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"net"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// startupTimeout bounds the start-up exchange (Postgres's
// authentication_timeout), so that silent clients don't hold slots.
const startupTimeout = time.Minute

// serveConn runs one client connection from its first byte to its end.
func (s *Server) serveConn(nc net.Conn) {
	defer nc.Close()
	defer s.recoverConn(nc)
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
		_ = tc.SetKeepAlive(true)
	}
	if !s.track(nc, true) {
		return
	}
	log := s.cfg.Log.With().Str("remote", nc.RemoteAddr().String()).Logger()
	_ = nc.SetDeadline(time.Now().Add(startupTimeout))
	be := pgproto3.NewBackend(nc, nc)
	be.SetMaxBodyLen(s.cfg.MaxMessageSize)
	c := &conn{srv: s, nc: nc, be: be, log: log, stmts: map[string]*statement{}, portals: map[string]*portal{}}
	startup, ok := s.startup(c)
	s.track(nc, false)
	if !ok {
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	if s.active.Add(1) > int32(s.cfg.MaxConnections) {
		s.active.Add(-1)
		c.sendFatal(fatalf(pgerr.TooManyConnections, "sorry, too many clients already"))
		return
	}
	defer s.active.Add(-1)
	if !s.register(c) {
		c.sendFatal(fatalf(pgerr.CannotConnectNow, "the database system is shutting down"))
		return
	}
	defer s.unregister(c)
	if err := s.open(c, startup); err != nil {
		if c.isDraining() {
			c.sendFatal(errAdminShutdown)
		} else if e := pgerr.As(err); e != nil {
			c.sendFatal(e.WithSeverity(pgerr.SeverityFatal))
		}
		return
	}
	defer c.sess.Close()
	c.log.Debug().Msg("session started")
	c.serve()
	c.log.Debug().Msg("session ended")
}

// recoverConn keeps a bug in one session from taking the server down: the
// panic is logged with its stack, the client gets XX000 and its
// connection is closed. The session's transaction is rolled back by the
// deferred Close that ran during the panic.
func (s *Server) recoverConn(nc net.Conn) {
	r := recover()
	if r == nil {
		return
	}
	s.cfg.Log.Error().Str("remote", nc.RemoteAddr().String()).Str("panic", fmt.Sprint(r)).Str("stack", string(debug.Stack())).Msg("session panicked; closing its connection")
	be := pgproto3.NewBackend(nc, nc)
	be.Send(errorResponse(fatalf(pgerr.InternalError, "internal error: %v", r)))
	_ = be.Flush()
}

// startup reads the start-up packet, answering SSL and GSS encryption
// requests and serving a CancelRequest (which ends the connection).
func (s *Server) startup(c *conn) (*pgproto3.StartupMessage, bool) {
	sslDone, gssDone := false, false
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			if !isNetError(err) {
				c.sendFatal(fatalf(pgerr.ProtocolViolation, "invalid startup packet: %v", err))
			}
			return nil, false
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if sslDone {
				c.sendFatal(fatalf(pgerr.ProtocolViolation, "SSL negotiation repeated"))
				return nil, false
			}
			sslDone = true
			if s.cfg.TLS == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return nil, false
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return nil, false
			}
			tc := tls.Server(c.nc, s.cfg.TLS)
			if err := tc.Handshake(); err != nil {
				c.log.Info().Err(err).Msg("TLS handshake failed")
				return nil, false
			}
			c.nc = tc
			c.be = pgproto3.NewBackend(tc, tc)
			c.be.SetMaxBodyLen(s.cfg.MaxMessageSize)
		case *pgproto3.GSSEncRequest:
			if gssDone {
				return nil, false
			}
			gssDone = true
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return nil, false
			}
		case *pgproto3.CancelRequest:
			if len(m.SecretKey) == 4 {
				s.cancel(m.ProcessID, binary.BigEndian.Uint32(m.SecretKey))
			}
			return nil, false
		case *pgproto3.StartupMessage:
			return m, true
		default:
			c.sendFatal(fatalf(pgerr.ProtocolViolation, "unsupported startup message %T", msg))
			return nil, false
		}
	}
}

// open authenticates the client, creates its session with the start-up
// parameters and sends the greeting: ParameterStatus for every reported
// parameter, BackendKeyData and ReadyForQuery.
func (s *Server) open(c *conn, m *pgproto3.StartupMessage) error {
	if m.ProtocolVersion>>16 != 3 {
		return fatalf(pgerr.FeatureNotSupported, "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", m.ProtocolVersion>>16, m.ProtocolVersion&0xffff)
	}
	params := m.Parameters
	var unknownOpts []string
	for k := range params {
		if strings.HasPrefix(k, "_pq_.") {
			unknownOpts = append(unknownOpts, k)
		}
	}
	if m.ProtocolVersion&0xffff != 0 || len(unknownOpts) > 0 {
		sort.Strings(unknownOpts)
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknownOpts})
	}
	user := params["user"]
	if user == "" {
		return fatalf(pgerr.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet")
	}
	if params["replication"] != "" && params["replication"] != "false" && params["replication"] != "off" {
		return fatalf(pgerr.FeatureNotSupported, "replication connections are not supported")
	}
	db := params["database"]
	if db == "" {
		db = user
	}
	method := s.cfg.AuthRemote
	if isLocal(c.nc) {
		method = s.cfg.AuthLocal
	}
	if err := authenticate(c.be, method, user, s.cfg.Engine); err != nil {
		c.log.Info().Str("user", user).Str("method", string(method)).Err(err).Msg("authentication failed")
		return err
	}
	if db != s.cfg.Database {
		return fatalf(pgerr.InvalidCatalogName, "database %q does not exist", db)
	}
	role, _, err := s.cfg.Engine.Role(user)
	if err != nil {
		return err
	}
	if !s.admitRole(c, role) {
		return fatalf(pgerr.TooManyConnections, "too many connections for role %q", user)
	}
	opts, err := parseOptions(params["options"])
	if err != nil {
		return err
	}
	// The session's durable name (for commit points) comes as a start-up
	// parameter or, from libpq clients, as -c persiandb.session=name.
	name := params["persiandb.session"]
	for _, kv := range opts {
		if strings.EqualFold(kv[0], "persiandb.session") {
			name = kv[1]
		}
	}
	c.sess = s.cfg.Engine.NewSession(name)
	c.sess.SetAuthorization(user, role.Superuser)
	c.sess.SetBackendPID(int32(c.pid))
	c.sess.OnNotification(c.notified)
	if err := applyStartupParams(c, params, opts); err != nil {
		return err
	}
	for _, p := range c.sess.ReportedParams() {
		c.be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	c.sess.ChangedParams()
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: binary.BigEndian.AppendUint32(nil, c.secret)})
	c.log = c.log.With().Uint32("pid", c.pid).Str("user", user).Logger()
	return c.readyForQuery()
}

// startupSkip are start-up keys that are not run-time parameters.
var startupSkip = map[string]bool{"user": true, "database": true, "options": true, "replication": true, "persiandb.session": true}

// applyStartupParams sets the run-time parameters of the start-up packet,
// then those of `options` (-c name=value, --name=value), which win.
func applyStartupParams(c *conn, params map[string]string, opts [][2]string) error {
	keys := make([]string, 0, len(params))
	for k := range params {
		if !startupSkip[k] && !strings.HasPrefix(k, "_pq_.") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := c.sess.SetParam(k, params[k]); err != nil {
			return err
		}
	}
	for _, kv := range opts {
		if strings.EqualFold(kv[0], "persiandb.session") {
			continue
		}
		if err := c.sess.SetParam(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// parseOptions reads the `options` start-up parameter as Postgres does:
// whitespace-separated words, backslash escaping the next character, each
// word -c name=value (or -cname=value) or --name=value; '-' in names
// means '_'.
func parseOptions(s string) ([][2]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	var out [][2]string
	bad := func(w string) error {
		return fatalf(pgerr.SyntaxError, "invalid command-line argument for server process: %s", w).
			WithHint("Try \"postgres --help\" for more information.")
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		var kv string
		switch {
		case w == "-c" && i+1 < len(words):
			i++
			kv = words[i]
		case strings.HasPrefix(w, "-c"):
			kv = w[2:]
		case strings.HasPrefix(w, "--"):
			kv = w[2:]
		default:
			return nil, bad(w)
		}
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, bad(w)
		}
		out = append(out, [2]string{strings.ReplaceAll(name, "-", "_"), value})
	}
	return out, nil
}

// isLocal reports whether the client connects over loopback or a Unix
// socket: those get the local authentication method.
func isLocal(nc net.Conn) bool {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	switch a := nc.RemoteAddr().(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}
