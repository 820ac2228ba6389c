package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/persiandb/persiandb/pgwire"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

type serveFlags struct {
	listen         string
	dataDir        string
	tlsCert        string
	tlsKey         string
	authLocal      string
	authRemote     string
	maxConnections int
	maxMessage     int
	logLevel       string
	logFormat      string
	grace          time.Duration
	debugListen    string
}

func serve(args []string) int {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:5432", "address to accept PostgreSQL clients on (host:port)")
	fs.StringVar(&f.dataDir, "data-dir", "./data", "data directory (created if missing, mode 0700)")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, SSL requests are answered with TLS")
	fs.StringVar(&f.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&f.authLocal, "auth-local", "trust", "authentication for loopback clients: trust, password, md5 or scram-sha-256")
	fs.StringVar(&f.authRemote, "auth-remote", "scram-sha-256", "authentication for every other address: password, md5 or scram-sha-256")
	fs.IntVar(&f.maxConnections, "max-connections", 100, "concurrent client connections; more are refused with 53300")
	fs.IntVar(&f.maxMessage, "max-message-size", 64<<20, "largest protocol message accepted, in bytes")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&f.logFormat, "log-format", "auto", "log format: auto (console on a terminal, JSON otherwise), console or json")
	fs.DurationVar(&f.grace, "shutdown-grace", 10*time.Second, "on SIGINT/SIGTERM, how long running statements may finish before they are canceled")
	fs.StringVar(&f.debugListen, "debug-listen", "", "address for Go's profiling endpoints (/debug/pprof); off when empty. Keep it on loopback")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "persiandb serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	log, err := newLogger(os.Stderr, f.logLevel, f.logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "persiandb serve:", err)
		return 2
	}
	if err := run(f, log); err != nil {
		log.Error().Msg(err.Error())
		return 1
	}
	return 0
}

func run(f serveFlags, log zerolog.Logger) error {
	cfg := pgwire.Config{Log: log, MaxConnections: f.maxConnections, MaxMessageSize: f.maxMessage}
	var err error
	if cfg.AuthLocal, err = authMethod(f.authLocal, true); err != nil {
		return err
	}
	if cfg.AuthRemote, err = authMethod(f.authRemote, false); err != nil {
		return err
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key must be given together")
	}
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return fmt.Errorf("loading the TLS certificate: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	unlock, err := openDataDir(f.dataDir)
	if err != nil {
		return err
	}
	defer unlock()

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("could not listen on %s: the address is already in use (is another server running? choose another with --listen)", f.listen)
		}
		return fmt.Errorf("could not listen on %s: %v", f.listen, err)
	}

	st := storage.Open(storage.Options{Logger: log})
	m := txn.NewManager(st, txn.Options{Logger: log})
	defer m.Close()
	eng, err := sql.Open(m)
	if err != nil {
		return err
	}
	cfg.Engine = eng
	srv := pgwire.NewServer(cfg)
	if f.debugListen != "" {
		if err := serveDebug(f.debugListen, log); err != nil {
			return err
		}
	}

	log.Warn().Msg("checkpoints are not built yet: data lives in memory only and is lost when the server stops")
	log.Info().Str("listen", ln.Addr().String()).Str("data_dir", f.dataDir).Bool("tls", cfg.TLS != nil).
		Str("auth_local", string(cfg.AuthLocal)).Str("auth_remote", string(cfg.AuthRemote)).Msg("ready to accept connections")

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case sig := <-sigs:
		log.Info().Str("signal", sig.String()).Dur("grace", f.grace).Msg("shutting down: no new connections; running statements may finish")
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.grace)
	defer cancel()
	go func() {
		// A second signal skips the grace period.
		if sig, ok := <-sigs; ok {
			log.Info().Str("signal", sig.String()).Msg("canceling running statements now")
			cancel()
		}
	}()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn().Msg("grace period over: running statements were canceled")
	}
	<-served
	log.Info().Msg("server stopped")
	return nil
}

func authMethod(s string, local bool) (pgwire.AuthMethod, error) {
	switch m := pgwire.AuthMethod(strings.ToLower(s)); m {
	case pgwire.AuthTrust:
		if !local {
			return "", errors.New("--auth-remote cannot be trust: clients from other addresses must give a password")
		}
		return m, nil
	case pgwire.AuthPassword, pgwire.AuthMD5, pgwire.AuthSCRAM:
		return m, nil
	}
	return "", fmt.Errorf("unknown authentication method %q (want trust, password, md5 or scram-sha-256)", s)
}

// openDataDir creates the data directory if needed and takes its lock
// file, so that two servers never share one directory.
func openDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	path := filepath.Join(dir, "persiandb.lock")
	lf, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lf.Close()
		return nil, fmt.Errorf("data directory %s is in use by another server (lock file %s)", dir, path)
	}
	_ = lf.Truncate(0)
	fmt.Fprintf(lf, "%d\n", os.Getpid())
	return func() { _ = syscall.Flock(int(lf.Fd()), syscall.LOCK_UN); lf.Close() }, nil
}

func newLogger(w io.Writer, level, format string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(strings.ToLower(level))
	if err != nil || level == "" {
		return zerolog.Logger{}, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", level)
	}
	switch format {
	case "auto":
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05.000"}
		}
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05.000", NoColor: true}
	case "json":
	default:
		return zerolog.Logger{}, fmt.Errorf("unknown log format %q (want auto, console or json)", format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}
