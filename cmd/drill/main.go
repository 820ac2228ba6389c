// Command drill runs restart-and-verify crash drills against `persiandb
// serve` (`make drill`; DESIGN.md, "How we know it works").
//
//	drill [-rounds 20] [-seed N] [-sessions 6] [-accounts 100] \
//	    [-round-time 300ms-2s] [-bin path/to/persiandb] [-keep-dir=true]
//
// # The workload
//
// An unnamed admin session creates
//
//	accounts(id int primary key, balance int)            -- fixed total
//	log(session text, serial int8, src int, dst int, amount int,
//	    primary key (session, serial))                    -- append-only
//
// and takes a CHECKPOINT, so the tables survive any later crash. Then
// -sessions sessions connect with `options=-c persiandb.session=s<i> -c
// synchronous_commit=on|off` (even i on, odd i off; checked with SHOW).
// Each loops over bank transfers, every one a writing transaction of its
// own:
//
//	BEGIN; UPDATE accounts (lower id first, so no deadlocks);
//	UPDATE accounts; INSERT INTO log (s<i>, seq, src, dst, amount); COMMIT
//
// seq is the client-side sequence number: the last acknowledged one plus
// one (a failed attempt before COMMIT is retried under the same number).
// Since a session's only writing transactions are its transfers, seq is
// also the server's serial for that commit (SHOW persiandb.commit_point).
// The drill remembers per session the baseline (what the last recovery
// gave back, durable by construction), the last acknowledged seq and
// whether a COMMIT was in flight (sent, no answer) when the server died.
//
// # A round
//
// The server runs with a checkpoint interval drawn from the seed (0, 20ms,
// 50ms, 200ms, 1s). After a random time in -round-time the drill SIGKILLs
// it, in one of three ways: plainly; right after sending CHECKPOINT from
// the admin connection (0-3 ms later, to land inside a checkpoint's
// phases); or while a burst of CHECKPOINTs runs. It waits for the exit,
// restarts the server on the same data directory (next round's interval)
// and checks, with k the number of log rows recovered for a session:
//
//  1. sum(balance) over the -accounts accounts is the fixed total;
//  2. prefix: the session's recovered serials are exactly {1..k}, and
//     baseline <= k <= acked + (1 if a COMMIT was in flight, else 0);
//  3. sync: under synchronous_commit=on, k >= acked (nothing acknowledged
//     is lost);
//  4. commit point: reconnecting under the same name, SHOW
//     persiandb.commit_point = k;
//  5. atomicity: every balance equals the initial balance plus the
//     recovered log's transfers into it minus those out of it.
//
// The recovered state becomes the next round's baseline (acked = k). Any
// violation prints the seed, keeps the data directory and server log and
// exits 1. The interleaving of sessions is not reproducible from the seed;
// the intervals, kill times, kill modes and transfers are.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const initialBalance = 1000

type config struct {
	rounds   int
	seed     int64
	sessions int
	accounts int
	minRound time.Duration
	maxRound time.Duration
	bin      string
	keepDir  bool
}

func main() {
	var cfg config
	var roundTime string
	flag.IntVar(&cfg.rounds, "rounds", 20, "kill-restart-verify rounds")
	flag.Int64Var(&cfg.seed, "seed", 0, "random seed (0: time-based; always printed)")
	flag.IntVar(&cfg.sessions, "sessions", 6, "named sessions (even ones synchronous_commit=on, odd ones off)")
	flag.IntVar(&cfg.accounts, "accounts", 100, "accounts in the bank")
	flag.StringVar(&roundTime, "round-time", "300ms-2s", "time from (re)start to kill: MIN-MAX, drawn per round, or one duration")
	flag.StringVar(&cfg.bin, "bin", "", "persiandb binary (default: go build ./cmd/persiandb into the drill's temp dir)")
	flag.BoolVar(&cfg.keepDir, "keep-dir", true, "keep the temp dir (data dir, server log) when a round fails")
	flag.Parse()
	if flag.NArg() > 0 || cfg.rounds < 1 || cfg.sessions < 1 || cfg.accounts < 2 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if cfg.minRound, cfg.maxRound, err = parseRange(roundTime); err != nil {
		fmt.Fprintf(os.Stderr, "drill: -round-time: %v\n", err)
		os.Exit(2)
	}
	if cfg.seed == 0 {
		cfg.seed = time.Now().UnixNano()
	}
	os.Exit(run(cfg))
}

func parseRange(s string) (lo, hi time.Duration, err error) {
	a, b, ok := strings.Cut(s, "-")
	if lo, err = time.ParseDuration(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if ok {
		if hi, err = time.ParseDuration(b); err != nil {
			return 0, 0, err
		}
	}
	if lo <= 0 || hi < lo {
		return 0, 0, fmt.Errorf("want 0 < MIN <= MAX, got %q", s)
	}
	return lo, hi, nil
}

// errViolation marks a failed check (as opposed to a drill that could not
// run, e.g. a server that would not start); both exit 1.
var errViolation = errors.New("violation")

func run(cfg config) int {
	fmt.Printf("drill: seed=%d rounds=%d sessions=%d accounts=%d round-time=%v-%v (rerun: make drill DRILL_FLAGS='-seed %d -rounds %d')\n",
		cfg.seed, cfg.rounds, cfg.sessions, cfg.accounts, cfg.minRound, cfg.maxRound, cfg.seed, cfg.rounds)
	dir, err := os.MkdirTemp("", "persiandb-drill.")
	if err != nil {
		fmt.Fprintf(os.Stderr, "drill: %v\n", err)
		return 1
	}
	d := &drill{cfg: cfg, dir: dir, rng: rand.New(rand.NewSource(cfg.seed))}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	err = d.run(ctx)
	d.killServer() // on every path; a no-op after a clean end
	if err != nil {
		fmt.Printf("drill: FAIL seed=%d: %v\n", cfg.seed, err)
		if log, rerr := os.ReadFile(filepath.Join(dir, "server.log")); rerr == nil {
			lines := strings.Split(strings.TrimRight(string(log), "\n"), "\n")
			fmt.Println("--- last lines of the server log:")
			fmt.Println(strings.Join(lines[max(0, len(lines)-12):], "\n"))
		}
		if cfg.keepDir {
			fmt.Printf("drill: kept %s (data/, server.log); rerun: make drill DRILL_FLAGS='-seed %d -rounds %d'\n", dir, cfg.seed, cfg.rounds)
		} else {
			os.RemoveAll(dir)
		}
		return 1
	}
	os.RemoveAll(dir)
	fmt.Printf("drill: PASS seed=%d rounds=%d commits acknowledged=%d (sync %d) in %.1fs (%.2fs per round)\n",
		cfg.seed, cfg.rounds, d.totalAcked, d.totalSyncAcked, time.Since(start).Seconds(),
		time.Since(start).Seconds()/float64(cfg.rounds))
	return 0
}

// buildServer builds cmd/persiandb from the module in the working
// directory into dir.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "persiandb")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/persiandb")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/persiandb (run the drill from the module root or pass -bin): %w", err)
	}
	return bin, nil
}
