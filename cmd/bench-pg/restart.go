package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// restartTimeout bounds one restart after a crash (PostgreSQL may replay
// a lot of WAL; PersianDB reads its whole checkpoint).
const restartTimeout = 10 * time.Minute

// restartResult is one server's crash-restart rounds.
type restartResult struct {
	name  string
	times []time.Duration
	size  int64 // bytes on disk before the last crash
	err   error
}

// connectReady reports whether a client completes start-up with the
// server on port. A server that has bound its port but is still
// recovering holds the connection (PersianDB: accepted by the kernel,
// answered after recovery) or refuses it (PostgreSQL: 57P03 the database
// system is starting up): either way the first success is the moment it
// serves clients.
func connectReady(port int) func() bool {
	return func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), restartTimeout)
		defer cancel()
		conn, err := pgconn.Connect(ctx, fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", port))
		if err != nil {
			return false
		}
		conn.Close(ctx)
		return true
	}
}

// crash kills the server and every child process it has with SIGKILL
// (PostgreSQL's backends each call setsid, so its process group is not
// enough) and waits until none of them is left: PostgreSQL refuses to
// start while an old backend holds its shared memory.
func (s *server) crash() {
	pid := s.cmd.Process.Pid
	victims := append(childrenOf(pid), pid)
	for _, p := range victims {
		syscall.Kill(p, syscall.SIGKILL)
	}
	<-s.exited
	deadline := time.Now().Add(stopTimeout)
	for _, p := range victims {
		for syscall.Kill(p, 0) != syscall.ESRCH {
			if time.Now().After(deadline) {
				logf("%s: process %d still exists %v after SIGKILL", s.name, p, stopTimeout)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after
		// its closing parenthesis.
		i := strings.LastIndexByte(string(b), ')')
		if f := strings.Fields(string(b[i+1:])); i >= 0 && len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// restart starts the server again with the same command line, directory,
// environment and credentials, and returns it with the time from the
// process start until a client completed start-up.
func (s *server) restart(ctx context.Context, round int) (*server, time.Duration, error) {
	cmd := exec.Command(s.cmd.Path, s.cmd.Args[1:]...)
	cmd.Dir, cmd.Env = s.cmd.Dir, s.cmd.Env
	if a := s.cmd.SysProcAttr; a != nil && a.Credential != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: a.Credential}
	}
	logPath := strings.TrimSuffix(s.log, ".log") + ".restart" + strconv.Itoa(round) + ".log"
	began := time.Now()
	ns, err := startWithin(ctx, s.name, cmd, s.port, logPath, s.sig, connectReady(s.port), restartTimeout)
	if err != nil {
		return nil, 0, err
	}
	ns.dataDir = s.dataDir
	return ns, time.Since(began), nil
}

// recoveryLines returns the lines of a restarted server's log that say
// what its recovery did: PersianDB's "recovered from checkpoint" (and any
// warning), PostgreSQL's redo summary.
func recoveryLines(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "recovered from checkpoint") || strings.Contains(l, `"level":"warn"`) ||
			strings.Contains(l, "redo done") || strings.Contains(l, "redo starts") {
			out = append(out, l)
		}
	}
	return strings.Join(out, " | ")
}

// dropCaches writes the dirty pages back and drops the page cache, if
// this process may (it must be root).
func dropCaches() bool {
	syscall.Sync()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0) == nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// restarts runs c.restarts rounds on *sp: a tpcb-like pgbench run of
// c.restartLoad (none if 0), SIGKILL, the page cache dropped under
// c.cold, and a timed restart. *sp is replaced by each restarted server.
func restarts(ctx context.Context, c config, pgbench, dataDir string, sp **server) restartResult {
	r := restartResult{name: (*sp).name}
	for i := 1; i <= c.restarts; i++ {
		s := *sp
		if c.restartLoad > 0 {
			secs := strconv.Itoa(max(1, int(c.restartLoad.Round(time.Second)/time.Second)))
			args := []string{"-c", strconv.Itoa(c.clients), "-j", strconv.Itoa(c.jobs), "-T", secs, "-M", "prepared"}
			if out, err := s.pgbench(ctx, pgbench, args...); err != nil {
				r.err = fmt.Errorf("pgbench before crash %d: %v\n%s", i, err, tail(out, 20))
				return r
			}
		}
		r.size = dirSize(dataDir)
		logf("%s: SIGKILL (round %d)", s.name, i)
		s.crash()
		if c.cold && !dropCaches() {
			r.err = fmt.Errorf("-cold: cannot drop the page cache (not root?)")
			return r
		}
		ns, took, err := s.restart(ctx, i)
		if err != nil {
			r.err = fmt.Errorf("restart %d: %w", i, err)
			return r
		}
		*sp = ns
		logf("%s: serving %.2fs after the restart; its log says: %s", s.name, took.Seconds(), recoveryLines(ns.log))
		r.times = append(r.times, took)
	}
	return r
}

// renderRestarts formats the restart rounds as markdown.
func renderRestarts(c config, rs []restartResult) string {
	var b strings.Builder
	cache := "warm page cache"
	if c.cold {
		cache = "page cache dropped before each restart"
	}
	fmt.Fprintf(&b, "\n## Restart after SIGKILL: process start to a completed client start-up\n\n")
	fmt.Fprintf(&b, "- pgbench -i -s %d; each round: pgbench tpcb-like -M prepared -c %d -j %d for %v, SIGKILL of the server's process group, restart (%s)\n\n",
		c.scale, c.clients, c.jobs, c.restartLoad, cache)
	fmt.Fprintf(&b, "| server | data on disk | restarts (s) |\n|---|---:|---|\n")
	for _, r := range rs {
		var ts []string
		for _, t := range r.times {
			ts = append(ts, fmt.Sprintf("%.2f", t.Seconds()))
		}
		cell := strings.Join(ts, ", ")
		if r.err != nil {
			cell += " failed: " + firstLine(r.err.Error())
		}
		fmt.Fprintf(&b, "| %s | %d MB | %s |\n", r.name, r.size>>20, cell)
	}
	return b.String()
}
