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
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/pgwire"
	"github.com/persiandb/persiandb/recovery"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/sqlcpr"
	"github.com/persiandb/persiandb/sql/sqlrecover"
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
	// Checkpoints: zero values mean the defaults (workers: one per core;
	// keep: 2; synchronous commit: on). interval 0 takes no periodic
	// checkpoints (commits under synchronous_commit and CHECKPOINT still
	// take them).
	checkpointInterval time.Duration
	checkpointWorkers  int
	checkpointKeep     int
	checkpointMode     cpr.Mode
	syncCommit         string
	// recovery is how start-up treats a damaged newest checkpoint:
	// "fallback" (the default) recovers the newest valid one and logs
	// what was passed over, "strict" refuses to start.
	recovery string
	// recoverTo, if not 0, recovers checkpoint recoverTo (a full
	// checkpoint alone, or a delta with its chain) instead of the newest.
	recoverTo uint64
	// recoveryWorkers bounds recovery's parallelism (0: every core).
	recoveryWorkers int
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
	fs.DurationVar(&f.checkpointInterval, "checkpoint-interval", time.Second, "how often to take a checkpoint into <data-dir>/checkpoints when something committed; 0 disables periodic checkpoints")
	fs.IntVar(&f.checkpointWorkers, "checkpoint-workers", runtime.GOMAXPROCS(0), "parallel flush workers per checkpoint (default: one per core)")
	fs.IntVar(&f.checkpointKeep, "checkpoint-keep", 2, "how many complete checkpoints to keep; older ones are removed once a newer one is durable")
	fs.TextVar(&f.checkpointMode, "checkpoint-mode", cpr.ModePersian, "how a checkpoint writes: persian (parallel scan of the live log) or cpr (copy into memory, then one writer: a baseline for measurement)")
	fs.StringVar(&f.syncCommit, "synchronous-commit", "on", "server default of synchronous_commit: on (COMMIT returns once a checkpoint holding it is durable) or off")
	fs.StringVar(&f.recovery, "recovery", "fallback", "at start-up, if the newest checkpoint is damaged or cut short: fallback (recover the newest valid state, with a warning) or strict (refuse to start)")
	fs.IntVar(&f.recoveryWorkers, "recovery-workers", 0, "goroutines that read checkpoint segments, load rows and build indexes at start-up (0: one per core)")
	fs.Uint64Var(&f.recoverTo, "recover-to", 0, "recover checkpoint N (a full checkpoint id, or a delta id: its chain's full checkpoint with the deltas up to N; see persiandb checkpoint list) instead of the newest. Newer checkpoints stay on disk; new ones get higher ids and are the ones recovered next time")
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
	if err := f.checkCheckpointFlags(); err != nil {
		fmt.Fprintln(os.Stderr, "persiandb serve:", err)
		return 2
	}
	log, err := newLogger(os.Stderr, f.logLevel, f.logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "persiandb serve:", err)
		return 2
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := run(f, log, sigs, nil); err != nil {
		log.Error().Msg(err.Error())
		return 1
	}
	return 0
}

// checkCheckpointFlags refuses checkpoint flags out of range.
func (f *serveFlags) checkCheckpointFlags() error {
	switch {
	case f.checkpointInterval < 0:
		return errors.New("--checkpoint-interval cannot be negative (0 disables periodic checkpoints)")
	case f.checkpointWorkers < 1:
		return errors.New("--checkpoint-workers must be at least 1")
	case f.checkpointKeep < 1:
		return errors.New("--checkpoint-keep must be at least 1")
	case f.recoveryWorkers < 0:
		return errors.New("--recovery-workers cannot be negative (0: one per core)")
	}
	if _, err := syncCommitSetting(f.syncCommit); err != nil {
		return err
	}
	if _, err := strictRecovery(f.recovery); err != nil {
		return err
	}
	return nil
}

// strictRecovery reads --recovery ("" is fallback).
func strictRecovery(v string) (bool, error) {
	switch v {
	case "", "fallback":
		return false, nil
	case "strict":
		return true, nil
	}
	return false, fmt.Errorf("--recovery must be fallback or strict, not %q", v)
}

// syncCommitSetting checks --synchronous-commit with the engine's own
// rules ("" is on).
func syncCommitSetting(v string) (string, error) {
	if v == "" {
		return "on", nil
	}
	var e sql.Engine
	if err := e.SetSynchronousCommit(v); err != nil {
		return "", fmt.Errorf("--synchronous-commit: %v", err)
	}
	return v, nil
}

// run serves until the first value on sigs (or until serving fails);
// ready, if not nil, receives the listening address once clients can
// connect.
func run(f serveFlags, log zerolog.Logger, sigs <-chan os.Signal, ready chan<- net.Addr) error {
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
	syncCommit, err := syncCommitSetting(f.syncCommit)
	if err != nil {
		return err
	}
	strict, err := strictRecovery(f.recovery)
	if err != nil {
		return err
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

	cpDir := filepath.Join(f.dataDir, "checkpoints")
	eng, rec, err := sqlrecover.Open(cpDir, recovery.Options{Log: log.With().Str("component", "recovery").Logger(), Strict: strict, ID: f.recoverTo,
		Workers: f.recoveryWorkers, Storage: storage.Options{Logger: log}, Txn: txn.Options{Logger: log}})
	if err != nil {
		ln.Close()
		return fmt.Errorf("recovering from %s: %w", cpDir, err)
	}
	logRecovery(log, cpDir, rec)
	if f.recoverTo != 0 {
		warnNewerCheckpoints(log, cpDir, f.recoverTo)
	}
	m := rec.Manager
	defer m.Close()
	if err := eng.SetSynchronousCommit(syncCommit); err != nil {
		ln.Close()
		return err
	}
	cp, err := cpr.New(m, cpr.Options{Dir: cpDir, Workers: f.checkpointWorkers, Keep: f.checkpointKeep, Mode: f.checkpointMode,
		Log: log.With().Str("component", "checkpoint").Logger(), Extra: eng.CheckpointExtra, Dropped: eng.DroppedTables,
		Recovered: rec.Checkpoint()})
	if err != nil {
		ln.Close()
		return fmt.Errorf("opening the checkpoint directory: %w", err)
	}
	defer cp.Close()
	eng.SetCheckpointer(sqlcpr.Adapt(cp))
	cfg.Engine = eng
	srv := pgwire.NewServer(cfg)
	if f.debugListen != "" {
		if err := serveDebug(f.debugListen, log); err != nil {
			ln.Close()
			return err
		}
	}

	runCtx, stopRun := context.WithCancel(context.Background())
	periodic := make(chan struct{})
	defer func() { stopRun(); <-periodic }() // before cp.Close and m.Close
	if f.checkpointInterval > 0 {
		go func() {
			defer close(periodic)
			cp.Run(runCtx, f.checkpointInterval)
		}()
	} else {
		close(periodic)
	}

	log.Info().Str("checkpoint_dir", cpDir).Msg("data is checkpointed to disk and recovered from the newest valid checkpoint at start-up: a crash loses the commits after the last durable checkpoint (none that returned under synchronous_commit = on)")
	log.Info().Str("listen", ln.Addr().String()).Str("data_dir", f.dataDir).Bool("tls", cfg.TLS != nil).
		Str("auth_local", string(cfg.AuthLocal)).Str("auth_remote", string(cfg.AuthRemote)).
		Dur("checkpoint_interval", f.checkpointInterval).Int("checkpoint_workers", f.checkpointWorkers).
		Str("synchronous_commit", syncCommit).Msg("ready to accept connections")
	if ready != nil {
		ready <- ln.Addr()
	}

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

	// The final checkpoint holds every commit: no session is left.
	stopRun()
	<-periodic
	info, err := cp.Checkpoint(context.Background())
	if err != nil {
		return fmt.Errorf("final checkpoint failed; commits since the last durable checkpoint are not on disk: %w", err)
	}
	log.Info().Uint64("id", info.ID).Uint64("cut", info.Cut).Int64("rows", info.Rows).
		Dur("took", info.Finished.Sub(info.Started)).Msg("final checkpoint durable")
	return nil
}

// logRecovery reports what start-up recovered.
func logRecovery(log zerolog.Logger, dir string, rec *recovery.Result) {
	if rec.Manifest == nil {
		log.Info().Str("checkpoint_dir", dir).Msg("no checkpoint to recover: starting with an empty database")
		return
	}
	rows := zerolog.Dict()
	for _, t := range rec.Tables {
		rows.Int(t.Name, t.Rows)
	}
	points := zerolog.Dict()
	for name, p := range rec.Sessions {
		points.Uint64(name, p)
	}
	mf := rec.Manifest
	log.Info().Uint64("checkpoint", mf.ID).Uint64("chain", rec.Base.ID).Int("deltas", rec.Deltas).
		Uint64("version", mf.Version).Uint64("cut", mf.Cut).Int("rows", rec.Rows()).Dict("table_rows", rows).
		Int64("bytes", rec.Bytes).
		Int("catalog_rows", rec.CatalogRows).Int("ignored_rows", rec.IgnoredRows).Int("sessions", len(rec.Sessions)).
		Dict("session_points", points).
		Dur("read", rec.ReadTime).Dur("load", rec.LoadTime).Dur("indexes", rec.IndexTime).Dur("took", rec.Total).
		Msg("recovered from checkpoint")
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
