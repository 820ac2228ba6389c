// Command bench-pg runs pgbench against PersianDB and a throwaway
// PostgreSQL 15 on the same machine, one after the other, and prints their
// throughput and latency side by side (`make bench-pg`).
//
//	bench-pg [-duration 30s] [-clients 8] [-jobs 2] [-scale 1] \
//	    [-runs=false] [-restarts N [-restart-load 2s] [-cold]] \
//	    [-persiandb path] [-pgbin /usr/lib/postgresql/15/bin] [-out file.md]
//
// It starts `persiandb serve` (built from the module in the working
// directory unless -persiandb names a binary) with an empty data directory,
// and a PostgreSQL initialized into a temporary directory (as the user
// pgbench, created if missing, when run as root: PostgreSQL refuses to run
// as root) with synchronous_commit=off. Both listen on free loopback ports
// and are reached over TCP as user postgres. It initializes pgbench's
// tables on each (`pgbench -i -s scale`), then for the tpcb-like and
// select-only (-S) scripts in simple and prepared query mode runs
// `pgbench -c clients -j jobs -T duration` against PersianDB and then
// PostgreSQL. TPS excludes connection setup.
//
// With -restarts N it then crashes each server N times (restart.go): a
// short pgbench load, SIGKILL of its process group, the page cache
// dropped under -cold, and a restart timed from the process start until a
// client completes start-up (PersianDB recovering its checkpoint,
// PostgreSQL replaying its WAL). -runs=false skips the throughput runs.
//
// The servers are stopped and the temporary directories removed on every
// exit path, an interrupt included. A run that fails is reported in the
// table and in the log, and the command exits 1 after the remaining runs.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pgUser is the account PostgreSQL runs as when bench-pg runs as root.
const pgUser = "pgbench"

const (
	startTimeout = 30 * time.Second // until a server accepts connections
	stopTimeout  = 10 * time.Second // from the polite signal to SIGKILL
)

type config struct {
	duration  time.Duration
	clients   int
	jobs      int
	scale     int
	persiandb string
	pgbin     string
	out       string
	// runs: whether to run the pgbench comparisons; restarts, restartLoad
	// and cold: the crash-restart rounds (restart.go).
	runs        bool
	restarts    int
	restartLoad time.Duration
	cold        bool
}

func main() {
	var c config
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "length of each pgbench run (pgbench -T, whole seconds)")
	flag.IntVar(&c.clients, "clients", 8, "pgbench clients (-c)")
	flag.IntVar(&c.jobs, "jobs", 2, "pgbench threads (-j)")
	flag.IntVar(&c.scale, "scale", 1, "pgbench scale factor (-i -s)")
	flag.StringVar(&c.persiandb, "persiandb", "", "persiandb binary (default: go build ./cmd/persiandb)")
	flag.StringVar(&c.pgbin, "pgbin", "/usr/lib/postgresql/15/bin", "directory of PostgreSQL's initdb, postgres, pgbench")
	flag.BoolVar(&c.runs, "runs", true, "run the pgbench throughput comparisons")
	flag.IntVar(&c.restarts, "restarts", 0, "crash-restart rounds per server: pgbench load, SIGKILL, timed restart until a client completes start-up")
	flag.DurationVar(&c.restartLoad, "restart-load", 2*time.Second, "pgbench tpcb-like load before each crash (0: none)")
	flag.BoolVar(&c.cold, "cold", false, "drop the page cache before each restart (needs root)")
	flag.StringVar(&c.out, "out", "", "also write the report as markdown to this file")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: bench-pg [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 || c.duration < time.Second || c.clients < 1 || c.jobs < 1 || c.scale < 1 || c.restarts < 0 || c.restartLoad < 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, c)
	if ctx.Err() != nil { // before stop, which cancels ctx too
		err = errors.New("interrupted; the servers are stopped")
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-pg:", err)
		os.Exit(1)
	}
}

// run does the whole benchmark; every server and directory it creates is
// gone when it returns.
func run(ctx context.Context, c config) (err error) {
	tmp, err := os.MkdirTemp("", "bench-pg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}

	pgbench := filepath.Join(c.pgbin, "pgbench")
	for _, tool := range []string{"initdb", "postgres", "pgbench"} {
		if _, err := os.Stat(filepath.Join(c.pgbin, tool)); err != nil {
			return fmt.Errorf("%v (install postgresql 15 or set -pgbin)", err)
		}
	}
	bin := c.persiandb
	if bin == "" {
		logf("building persiandb")
		if bin, err = buildPersianDB(ctx, tmp); err != nil {
			return err
		}
	}

	pdb, err := startPersianDB(ctx, bin, tmp)
	if err != nil {
		return err
	}
	defer func() { pdb.stop() }() // pdb and pg are replaced on restarts
	pg, err := startPostgres(ctx, c.pgbin, tmp)
	if err != nil {
		return err
	}
	defer func() { pg.stop() }()

	m := describeMachine(ctx, bin, c.pgbin)
	servers := []*server{pdb, pg}
	for _, s := range servers {
		logf("%s: pgbench -i -s %d", s.name, c.scale)
		start := time.Now()
		if out, err := s.pgbench(ctx, pgbench, "-i", "-s", strconv.Itoa(c.scale)); err != nil {
			return fmt.Errorf("%s: pgbench -i: %v\n%s", s.name, err, tail(out, 20))
		}
		logf("%s: initialized in %.1fs", s.name, time.Since(start).Seconds())
	}

	secs := strconv.Itoa(int(c.duration.Round(time.Second) / time.Second))
	var rows []row
	failed := false
	scripts := []struct{ name, flag string }{{"tpcb-like", ""}, {"select-only", "-S"}}
	if !c.runs {
		scripts = nil
	}
	for _, script := range scripts {
		for _, mode := range []string{"simple", "prepared"} {
			r := row{script: script.name, mode: mode}
			args := []string{"-c", strconv.Itoa(c.clients), "-j", strconv.Itoa(c.jobs), "-T", secs, "-M", mode}
			if script.flag != "" {
				args = append(args, script.flag)
			}
			for i, s := range servers {
				logf("%s: pgbench %s", s.name, strings.Join(args, " "))
				out, err := s.pgbench(ctx, pgbench, args...)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				res, perr := parsePgbench(out)
				if err == nil {
					err = perr
				}
				if err != nil {
					failed = true
					logf("%s: pgbench %s: %v\n%s", s.name, strings.Join(args, " "), err, tail(out, 20))
					r.err[i] = err
					continue
				}
				r.res[i] = res
				logf("%s: tps = %.1f, latency average = %.3f ms, failed = %d", s.name, res.tps, res.latencyMs, res.failed)
			}
			rows = append(rows, r)
		}
	}

	report := ""
	if c.runs {
		report = render(c, m, rows)
	}
	if c.restarts > 0 {
		var rs []restartResult
		for _, sp := range []**server{&pdb, &pg} {
			r := restarts(ctx, c, pgbench, (*sp).dataDir, sp)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if r.err != nil {
				failed = true
				logf("%s: %v", r.name, r.err)
			}
			rs = append(rs, r)
		}
		report += renderRestarts(c, rs)
	}
	fmt.Print(report)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if failed {
		return errors.New("some runs failed (see above)")
	}
	return nil
}

// A server is a database process this command started.
type server struct {
	name   string
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	log    string        // file receiving the server's output
	sig    os.Signal     // asks the server to shut down
	// dataDir is the server's data directory (set by its starter).
	dataDir string
}

func (s *server) pgbench(ctx context.Context, pgbench string, args ...string) ([]byte, error) {
	args = append(args, "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "postgres", "postgres")
	cmd := exec.CommandContext(ctx, pgbench, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGPASSWORD=", "PGOPTIONS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// stop shuts the server down: its polite signal, SIGKILL after
// stopTimeout.
func (s *server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(s.sig)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		logf("%s did not stop within %v; killing it", s.name, stopTimeout)
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// start runs cmd in its own process group (a terminal's ^C reaches this
// command, which then stops the server in order), killed if this command
// dies, with its output in logPath, and waits until it accepts TCP
// connections on port and ready (if not nil) says yes.
func start(ctx context.Context, name string, cmd *exec.Cmd, port int, logPath string, sig os.Signal, ready func() bool) (*server, error) {
	return startWithin(ctx, name, cmd, port, logPath, sig, ready, startTimeout)
}

// startWithin is start with a time limit other than startTimeout.
func startWithin(ctx context.Context, name string, cmd *exec.Cmd, port int, logPath string, sig os.Signal, ready func() bool, timeout time.Duration) (*server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	s := &server{name: name, port: port, cmd: cmd, exited: make(chan struct{}), log: logPath, sig: sig}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(timeout)
	for {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			if ready == nil || ready() {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%s exited while starting (%v):\n%s", name, cmd.ProcessState, tailFile(logPath))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s does not accept connections on %s after %v:\n%s", name, addr, timeout, tailFile(logPath))
		}
	}
}

func buildPersianDB(ctx context.Context, dir string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(gomod))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run from inside the persiandb module, or pass -persiandb")
	}
	bin := filepath.Join(dir, "persiandb")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/persiandb")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/persiandb: %w\n%s", err, out)
	}
	return bin, nil
}

func startPersianDB(ctx context.Context, bin, tmp string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(tmp, "persiandb-data")
	if err := os.Mkdir(data, 0o755); err != nil {
		return nil, err
	}
	listen := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// Both servers acknowledge commits before they are durable: PostgreSQL
	// with synchronous_commit=off, PersianDB likewise, with its periodic
	// checkpoints (every second by default) running during the runs.
	cmd := exec.Command(bin, "serve", "--listen", listen, "--data-dir", data, "--log-level", "info", "--log-format", "json", "--synchronous-commit=off")
	logf("starting PersianDB on %s", listen)
	s, err := start(ctx, "PersianDB", cmd, port, filepath.Join(tmp, "persiandb.log"), syscall.SIGTERM, nil)
	if err == nil {
		s.dataDir = data
	}
	return s, err
}

// startPostgres initializes a cluster in tmp/pg/data and starts postgres
// on it; as root, both run as pgUser.
func startPostgres(ctx context.Context, pgbin, tmp string) (*server, error) {
	dir := filepath.Join(tmp, "pg")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	env := []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C.UTF-8", "HOME=" + dir}
	if os.Geteuid() == 0 {
		u, err := ensureUser(ctx, pgUser)
		if err != nil {
			return nil, err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	asUser := func(cmd *exec.Cmd) *exec.Cmd {
		cmd.Dir = "/"
		cmd.Env = env
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return cmd
	}
	data := filepath.Join(dir, "data")
	logf("initializing PostgreSQL in %s", data)
	initdb := asUser(exec.CommandContext(ctx, filepath.Join(pgbin, "initdb"), "-D", data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"))
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := asUser(exec.Command(filepath.Join(pgbin, "postgres"), "-D", data,
		"-c", "synchronous_commit=off", "-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(port), "-k", dir))
	ready := func() bool {
		isready := exec.CommandContext(ctx, filepath.Join(pgbin, "pg_isready"), "-q", "-h", "127.0.0.1",
			"-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres")
		return isready.Run() == nil
	}
	logf("starting PostgreSQL on 127.0.0.1:%d", port)
	// SIGINT is PostgreSQL's fast shutdown.
	s, err := start(ctx, "PostgreSQL", cmd, port, filepath.Join(tmp, "postgres.log"), syscall.SIGINT, ready)
	if err == nil {
		s.dataDir = data
	}
	return s, err
}

// ensureUser returns the named account, creating it if it does not exist.
func ensureUser(ctx context.Context, name string) (*user.User, error) {
	if u, err := user.Lookup(name); err == nil {
		return u, nil
	}
	logf("creating user %s to run PostgreSQL", name)
	if out, err := exec.CommandContext(ctx, "useradd", "-m", name).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("useradd %s: %w\n%s", name, err, out)
	}
	return user.Lookup(name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// result is what one pgbench run reports.
type result struct {
	processed int64
	failed    int64
	tps       float64 // without initial connection time
	latencyMs float64
}

var (
	reProcessed = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	reFailed    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	reTPS       = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)`)
	reLatency   = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
)

// parsePgbench reads the summary that pgbench 15 prints after a run.
func parsePgbench(out []byte) (result, error) {
	var r result
	find := func(re *regexp.Regexp, what string) (string, error) {
		m := re.FindSubmatch(out)
		if m == nil {
			return "", fmt.Errorf("no %q line in pgbench's output", what)
		}
		return string(m[1]), nil
	}
	s, err := find(reProcessed, "number of transactions actually processed")
	if err != nil {
		return r, err
	}
	r.processed, _ = strconv.ParseInt(s, 10, 64)
	// pgbench prints the failures line only when it can retry (15+).
	if s, err := find(reFailed, "number of failed transactions"); err == nil {
		r.failed, _ = strconv.ParseInt(s, 10, 64)
	}
	if s, err = find(reTPS, "tps"); err != nil {
		return r, err
	}
	r.tps, _ = strconv.ParseFloat(s, 64)
	if s, err = find(reLatency, "latency average"); err != nil {
		return r, err
	}
	r.latencyMs, _ = strconv.ParseFloat(s, 64)
	if r.failed > 0 {
		return r, fmt.Errorf("%d failed transactions", r.failed)
	}
	return r, nil
}

// A row is one script and mode: index 0 is PersianDB, 1 PostgreSQL.
type row struct {
	script, mode string
	res          [2]result
	err          [2]error
}

type machine struct {
	cpus                          int
	cpu, goVersion                string
	pgVersion, pgbench, persiandb string
}

func describeMachine(ctx context.Context, persiandb, pgbin string) machine {
	m := machine{cpus: runtime.NumCPU(), cpu: "unknown", goVersion: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	version := func(prog string, args ...string) string {
		out, err := exec.CommandContext(ctx, prog, args...).Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(out))
	}
	m.pgVersion = version(filepath.Join(pgbin, "postgres"), "--version")
	m.pgbench = version(filepath.Join(pgbin, "pgbench"), "--version")
	m.persiandb = version(persiandb, "version")
	return m
}

// render formats the report as markdown.
func render(c config, m machine, rows []row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## pgbench: PersianDB vs PostgreSQL\n\n")
	fmt.Fprintf(&b, "- machine: %d CPUs, %s\n", m.cpus, m.cpu)
	fmt.Fprintf(&b, "- %s (built with %s), synchronous_commit=off, checkpoints every second; %s, synchronous_commit=off; %s\n", m.persiandb, m.goVersion, m.pgVersion, m.pgbench)
	fmt.Fprintf(&b, "- pgbench -i -s %d; runs: -c %d -j %d -T %d, over TCP on loopback; TPS without initial connection time\n\n",
		c.scale, c.clients, c.jobs, int(c.duration.Round(time.Second)/time.Second))
	fmt.Fprintf(&b, "| script | mode | PersianDB TPS | PG TPS | ratio | PersianDB latency ms | PG latency ms |\n")
	fmt.Fprintf(&b, "|---|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		cell := func(i int, v float64, prec int) string {
			if r.err[i] != nil {
				return "failed"
			}
			return strconv.FormatFloat(v, 'f', prec, 64)
		}
		ratio := "-"
		if r.err[0] == nil && r.err[1] == nil && r.res[1].tps > 0 {
			ratio = fmt.Sprintf("%.2f", r.res[0].tps/r.res[1].tps)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.script, r.mode,
			cell(0, r.res[0].tps, 0), cell(1, r.res[1].tps, 0), ratio,
			cell(0, r.res[0].latencyMs, 3), cell(1, r.res[1].latencyMs, 3))
	}
	for _, r := range rows {
		for i, name := range []string{"PersianDB", "PostgreSQL"} {
			if r.err[i] != nil {
				fmt.Fprintf(&b, "\n%s %s %s: %v", name, r.script, r.mode, firstLine(r.err[i].Error()))
			}
		}
	}
	return b.String() + "\n"
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench-pg: "+format+"\n", args...)
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func tailFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return tail(b, 20)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
