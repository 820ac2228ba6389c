package clitest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// EnvPgbenchSeconds overrides how long each pgbench run lasts (default 10).
const EnvPgbenchSeconds = "PERSIANDB_PGBENCH_SECONDS"

// TestPgbench initializes pgbench's tables (scale 1) and runs the built-in
// tpcb-like and select-only scripts with 4 clients on 2 threads, each in
// simple and prepared query mode. Every run must exit 0 with no failed
// transaction and some processed, and the money must add up: each
// tpcb-like transaction adds one delta to an account, its teller and its
// branch and records it in the history, so the sums of the three balances
// stay equal and move during a run by the sum of the history's deltas
// (pgbench truncates the history as a run starts).
func TestPgbench(t *testing.T) {
	if testing.Short() {
		t.Skip("pgbench runs take tens of seconds; skipped with -short")
	}
	pgbench := NeedTool(t, "pgbench")
	psql := NeedTool(t, "psql")
	seconds := 10
	if s := os.Getenv(EnvPgbenchSeconds); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of seconds", EnvPgbenchSeconds, s)
		}
		seconds = n
	}
	host, port := StartServer(t)
	conn := []string{"-h", host, "-p", strconv.Itoa(port), "-U", "postgres"}
	run := func(t *testing.T, timeout time.Duration, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		args = append(append(args, conn...), "postgres")
		out, code, err := Run(ctx, "", pgbench, args...)
		if err != nil || code != 0 {
			t.Fatalf("pgbench %s: exit status %d, %v\n%s", quoteArgs(args), code, err, out)
		}
		return string(out)
	}

	initialized := t.Run("init", func(t *testing.T) {
		run(t, 5*time.Minute, "-i", "-s", "1")
		if b, h := balances(t, psql, host, port); b != 0 || h != 0 {
			t.Fatalf("after pgbench -i: balances sum to %d and history to %d, want 0 and 0", b, h)
		}
	})
	if !initialized {
		t.FailNow()
	}
	for _, script := range []struct{ name, flag string }{{"tpcb-like", ""}, {"select-only", "-S"}} {
		for _, mode := range []string{"simple", "prepared"} {
			t.Run(script.name+"/"+mode, func(t *testing.T) {
				args := []string{"-c", "4", "-j", "2", "-T", strconv.Itoa(seconds), "-M", mode}
				if script.flag != "" {
					args = append(args, script.flag)
				}
				before, _ := balances(t, psql, host, port)
				out := run(t, time.Duration(seconds)*time.Second+2*time.Minute, args...)
				r, err := parsePgbench(out)
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				t.Logf("%s %s: tps = %.1f, latency average = %.3f ms, %d transactions", script.name, mode, r.TPS, r.LatencyMs, r.Processed)
				if r.Failed != 0 || r.Processed == 0 {
					t.Errorf("%d transactions processed, %d failed; want some and none\n%s", r.Processed, r.Failed, out)
				}
				after, history := balances(t, psql, host, port)
				if after-before != history {
					t.Errorf("the balances moved by %d but the history (truncated by pgbench as it starts) sums to %d", after-before, history)
				}
			})
		}
	}
}

// balances returns the sums of the accounts', branches' and tellers'
// balances, which must be equal, and of the history's deltas.
func balances(t *testing.T, psql, host string, port int) (balance, history int64) {
	t.Helper()
	const q = `SELECT coalesce((SELECT sum(abalance) FROM pgbench_accounts), 0),
	coalesce((SELECT sum(bbalance) FROM pgbench_branches), 0),
	coalesce((SELECT sum(tbalance) FROM pgbench_tellers), 0),
	coalesce((SELECT sum(delta) FROM pgbench_history), 0)`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, code, err := Run(ctx, "", psql, "-X", "-w", "-A", "-t", "-h", host, "-p", strconv.Itoa(port),
		"-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", q)
	if err != nil || code != 0 {
		t.Fatalf("summing the balances: exit status %d, %v\n%s", code, err, out)
	}
	line := strings.TrimSpace(string(out))
	var sums []int64
	for _, f := range strings.Split(line, "|") {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("sums of abalance|bbalance|tbalance|delta = %q: %v", line, err)
		}
		sums = append(sums, n)
	}
	if len(sums) != 4 || sums[0] != sums[1] || sums[1] != sums[2] {
		t.Fatalf("sums of abalance|bbalance|tbalance|delta = %q: the balances differ", line)
	}
	return sums[0], sums[3]
}

// pgbenchResult is what a pgbench run reports.
type pgbenchResult struct {
	Processed int64   // number of transactions actually processed
	Failed    int64   // number of failed transactions
	TPS       float64 // without initial connection time
	LatencyMs float64 // latency average
}

var (
	pgbenchProcessed = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	pgbenchFailed    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	pgbenchTPS       = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)`)
	pgbenchLatency   = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
)

// parsePgbench reads the summary pgbench 15 prints at the end of a run.
func parsePgbench(out string) (pgbenchResult, error) {
	var r pgbenchResult
	for _, f := range []struct {
		re   *regexp.Regexp
		name string
		set  func(string) error
	}{
		{pgbenchProcessed, "number of transactions actually processed", func(s string) (err error) { r.Processed, err = strconv.ParseInt(s, 10, 64); return }},
		{pgbenchFailed, "number of failed transactions", func(s string) (err error) { r.Failed, err = strconv.ParseInt(s, 10, 64); return }},
		{pgbenchTPS, "tps", func(s string) (err error) { r.TPS, err = strconv.ParseFloat(s, 64); return }},
		{pgbenchLatency, "latency average", func(s string) (err error) { r.LatencyMs, err = strconv.ParseFloat(s, 64); return }},
	} {
		m := f.re.FindStringSubmatch(out)
		if m == nil {
			return r, fmt.Errorf("pgbench output has no %q line", f.name)
		}
		if err := f.set(m[1]); err != nil {
			return r, fmt.Errorf("pgbench output, %s: %w", f.name, err)
		}
	}
	return r, nil
}

func TestParsePgbench(t *testing.T) {
	const out = `pgbench (15.18 (Debian 15.18-0+deb12u1))
starting vacuum...end.
transaction type: <builtin: TPC-B (sort of)>
scaling factor: 1
query mode: prepared
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 41235
number of failed transactions: 0 (0.000%)
latency average = 0.970 ms
initial connection time = 5.310 ms
tps = 4123.871520 (without initial connection time)
`
	r, err := parsePgbench(out)
	want := pgbenchResult{Processed: 41235, Failed: 0, TPS: 4123.871520, LatencyMs: 0.970}
	if err != nil || r != want {
		t.Errorf("parsePgbench = %+v, %v; want %+v", r, err, want)
	}
	if _, err := parsePgbench("pgbench: error: connection refused\n"); err == nil {
		t.Error("parsePgbench accepted output without a summary")
	}
}
