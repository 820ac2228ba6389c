// Package clitest runs PostgreSQL's own command-line clients, psql and
// pgbench, against a PersianDB server built from this repository. The
// package holds only tests and the helpers below; it imports nothing of
// PersianDB, it talks to the server through the wire like any client.
//
// # The tests
//
//   - TestPsql runs each testdata/psql/NAME.sql with psql and compares
//     psql's stdout and stderr, as one stream, with NAME.out byte for byte.
//     The expected files were written by running the same scripts against
//     PostgreSQL 15; the dialect of the scripts is described in
//     psql_test.go.
//   - TestPgbench (skipped with -short) initializes pgbench's tables, runs
//     the tpcb-like and select-only scripts in simple and prepared mode,
//     and checks that the balances still add up.
//
// # The server
//
// StartServer builds cmd/persiandb once per test process and starts one
// `persiandb serve` per call on a free loopback port with a fresh data
// directory; the test's cleanup stops it (SIGTERM, then SIGKILL after five
// seconds). Its log is printed when the test fails.
//
// With PERSIANDB_CLITEST_ADDR=host:port the tests use a server that is
// already running instead: point it at PostgreSQL 15 (user postgres, trust
// authentication) to check that the expected files still say what
// PostgreSQL says, or at a PersianDB started by hand to debug it.
//
// # The tools
//
// NeedTool skips a test when psql or pgbench is not installed, unless
// PERSIANDB_REQUIRE_TOOLS=1 (set by CI), which turns the skip into a
// failure. On Debian 12 psql comes with postgresql-client, and pgbench
// with the server package postgresql-15 (pulled in by postgresql).
package clitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Environment variables the tests read.
const (
	// EnvAddr names a running server (host:port) to test instead of one
	// built from the repository.
	EnvAddr = "PERSIANDB_CLITEST_ADDR"
	// EnvRequireTools, set to 1, makes a missing psql or pgbench a test
	// failure instead of a skip.
	EnvRequireTools = "PERSIANDB_REQUIRE_TOOLS"
)

const (
	startTimeout = 10 * time.Second // until the server accepts connections
	stopTimeout  = 5 * time.Second  // from SIGTERM to SIGKILL
)

// built is the persiandb binary, compiled at most once per test process.
// Its directory is removed by Cleanup.
var built struct {
	once sync.Once
	dir  string // temporary directory holding the binary
	path string
	err  error
}

// Binary returns the path of a persiandb binary built from the module that
// contains the working directory, building it on the first call.
func Binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.path, built.err = buildBinary()
	})
	if built.err != nil {
		t.Fatalf("building persiandb: %v", built.err)
	}
	return built.path
}

func buildBinary() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(gomod))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	dir, err := os.MkdirTemp("", "persiandb-clitest-")
	if err != nil {
		return "", err
	}
	built.dir = dir
	path := filepath.Join(dir, "persiandb")
	cmd := exec.Command("go", "build", "-o", path, "./cmd/persiandb")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/persiandb: %w\n%s", err, out)
	}
	return path, nil
}

// Cleanup removes the binary Binary built; TestMain calls it after the
// tests.
func Cleanup() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// NeedTool returns the path of the named client program (psql, pgbench).
// When it is not on PATH, or does not run (Debian's pg_wrapper links
// /usr/bin/pgbench even when no installed version has it), the test is
// skipped, or fails if PERSIANDB_REQUIRE_TOOLS=1.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		cmd := exec.Command(path, "--version")
		cmd.Env = ClientEnv()
		var out []byte
		if out, err = cmd.CombinedOutput(); err == nil {
			return path
		}
		err = fmt.Errorf("%s --version: %v: %s", path, err, bytes.TrimSpace(out))
	}
	const install = "install postgresql-client (psql) and, on Debian 12, postgresql-15 (pgbench)"
	if os.Getenv(EnvRequireTools) == "1" {
		t.Fatalf("%v (%s=1): %s", err, EnvRequireTools, install)
	}
	t.Skipf("%v: %s (set %s=1 to fail instead)", err, install, EnvRequireTools)
	return ""
}

// StartServer starts a persiandb server for the test on a free loopback
// port with an empty data directory and returns where it listens. The
// server is stopped when the test ends. With PERSIANDB_CLITEST_ADDR set,
// it returns that address and starts nothing.
func StartServer(t testing.TB) (host string, port int) {
	t.Helper()
	if addr := os.Getenv(EnvAddr); addr != "" {
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("%s=%q: %v", EnvAddr, addr, err)
		}
		port, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("%s=%q: bad port", EnvAddr, addr)
		}
		return h, port
	}
	bin := Binary(t)
	host = "127.0.0.1"
	port, err := FreePort(host)
	if err != nil {
		t.Fatal(err)
	}
	listen := net.JoinHostPort(host, strconv.Itoa(port))
	cmd := exec.Command(bin, "serve", "--listen", listen, "--data-dir", t.TempDir(), "--log-level", "warn")
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting persiandb: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		stopServer(t, cmd, exited)
		if t.Failed() {
			t.Logf("persiandb serve --listen %s log:\n%s", listen, log.String())
		}
	})
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", listen, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return host, port
		}
		select {
		case <-exited:
			t.Fatalf("persiandb serve exited before accepting connections: %v\n%s", waitErr, log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("persiandb serve does not accept connections on %s after %v\n%s", listen, startTimeout, log.String())
		}
	}
}

// stopServer sends SIGTERM, and SIGKILL if the server is still running
// stopTimeout later.
func stopServer(t testing.TB, cmd *exec.Cmd, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	default:
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopTimeout):
		t.Errorf("persiandb serve still running %v after SIGTERM; killing it", stopTimeout)
		cmd.Process.Kill()
		<-exited
	}
}

// FreePort returns a TCP port on host that nothing listened on a moment
// ago.
func FreePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ClientEnv is the environment for psql and pgbench: PATH and HOME from
// the test process, an English UTF-8 locale, and no PG* variable or psqlrc
// that could change what the tools print.
func ClientEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C.UTF-8", "PAGER=", "PSQL_PAGER="}
	if home := os.Getenv("HOME"); home != "" {
		env = append(env, "HOME="+home)
	}
	return env
}

// Run runs a client program with ClientEnv, no input, in dir (if not
// empty), and returns its stdout and stderr interleaved as written, and its
// exit code (-1 if it did not run or was killed). ctx bounds its run time.
func Run(ctx context.Context, dir, prog string, args ...string) (out []byte, code int, err error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = ClientEnv()
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf // one pipe: the order is the order written
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return buf.Bytes(), 0, nil
	case errors.As(err, &exit) && exit.Exited():
		return buf.Bytes(), exit.ExitCode(), nil
	default:
		return buf.Bytes(), -1, err
	}
}

// syncBuffer is a bytes.Buffer safe for the server's two output streams
// and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer // protected by mu
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
