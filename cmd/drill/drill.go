package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// intervals are the checkpoint intervals a round draws from (0: no
// periodic checkpoint, only group commits and CHECKPOINT).
var intervals = []time.Duration{0, 20 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond, time.Second}

// drill is one run. Its fields are used by the main goroutine only, except
// where a field says otherwise.
type drill struct {
	cfg      config
	dir      string // temp dir: data/, server.log, the built binary
	bin      string
	rng      *rand.Rand
	srv      *server
	sessions []*session

	totalAcked, totalSyncAcked int64
}

// session is one named client session and what the drill remembers of
// it. During a round its fields are written only by its worker goroutine;
// the main goroutine reads them after the workers have returned.
type session struct {
	name string
	sync bool
	conn *pgx.Conn

	baseline int64 // rows recovered at the last restart: durable
	acked    int64 // last acknowledged seq (>= baseline)
	inflight bool  // a COMMIT for acked+1 was sent and not answered
	round    int64 // commits acknowledged this round
	err      error // an error not caused by the kill
}

func (d *drill) run(ctx context.Context) error {
	d.bin = d.cfg.bin
	if d.bin == "" {
		var err error
		if d.bin, err = buildServer(ctx, d.dir); err != nil {
			return err
		}
	}
	for i := range d.cfg.sessions {
		d.sessions = append(d.sessions, &session{name: fmt.Sprintf("s%d", i), sync: i%2 == 0})
	}
	interval := intervals[d.rng.Intn(len(intervals))]
	if _, err := d.startServer(ctx, interval); err != nil {
		return err
	}
	if err := d.setup(ctx); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if _, err := d.verify(ctx); err != nil {
		return fmt.Errorf("before round 1: %w", err)
	}
	for r := 1; r <= d.cfg.rounds; r++ {
		t0 := time.Now()
		kill, err := d.round(ctx, interval)
		if err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		interval = intervals[d.rng.Intn(len(intervals))]
		restart, err := d.startServer(ctx, interval)
		if err != nil {
			return fmt.Errorf("round %d: restart: %w", r, err)
		}
		report, err := d.verify(ctx)
		fmt.Printf("round %d/%d seed=%d %s restart=%dms | %s | %.2fs\n", r, d.cfg.rounds, d.cfg.seed,
			kill, restart.Milliseconds(), report, time.Since(t0).Seconds())
		if err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
	}
	return nil
}

// setup creates the tables from the unnamed admin session and makes them
// durable with CHECKPOINT.
func (d *drill) setup(ctx context.Context) error {
	c, err := pgx.Connect(ctx, d.connString(""))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var vals []string
	for i := 1; i <= d.cfg.accounts; i++ {
		vals = append(vals, fmt.Sprintf("(%d, %d)", i, initialBalance))
	}
	for _, q := range []string{
		"CREATE TABLE accounts (id int PRIMARY KEY, balance int)",
		"CREATE TABLE log (session text, serial int8, src int, dst int, amount int, PRIMARY KEY (session, serial))",
		"INSERT INTO accounts VALUES " + strings.Join(vals, ", "),
		"CHECKPOINT",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("%.40s...: %w", q, err)
		}
	}
	return nil
}

// round runs the workload on the running server, kills it at a random
// moment and waits for its exit. It returns a description of the kill.
func (d *drill) round(ctx context.Context, interval time.Duration) (string, error) {
	admin, err := pgx.Connect(ctx, d.connString(""))
	if err != nil {
		return "", err
	}
	defer admin.Close(context.Background())
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var killed atomic.Bool
	var wg sync.WaitGroup
	for _, s := range d.sessions {
		seed := d.rng.Int63()
		wg.Add(1)
		go func() { defer wg.Done(); s.work(wctx, rand.New(rand.NewSource(seed)), d.cfg.accounts, &killed) }()
	}
	wait := d.cfg.minRound + time.Duration(d.rng.Int63n(int64(d.cfg.maxRound-d.cfg.minRound)+1))
	mode := d.rng.Intn(10)
	delay := time.Duration(d.rng.Intn(3000)) * time.Microsecond
	var desc string
	adminDone := make(chan struct{})
	switch {
	case mode < 5:
		close(adminDone)
		desc = "plain"
		time.Sleep(wait)
	case mode < 8: // kill 0-3 ms after sending CHECKPOINT: inside its phases
		time.Sleep(wait)
		go func() { defer close(adminDone); _, _ = admin.Exec(wctx, "CHECKPOINT") }()
		time.Sleep(delay)
		desc = fmt.Sprintf("CHECKPOINT+%.1fms", float64(delay.Microseconds())/1000)
	default: // CHECKPOINTs back to back during the second half
		time.Sleep(wait / 2)
		go func() {
			defer close(adminDone)
			for wctx.Err() == nil && !killed.Load() {
				if _, err := admin.Exec(wctx, "CHECKPOINT"); err != nil {
					return
				}
			}
		}()
		time.Sleep(wait - wait/2)
		desc = "checkpoint-storm"
	}
	killed.Store(true)
	d.killServer()
	cancel() // the server is gone; nothing can hang on it, but be sure
	wg.Wait()
	<-adminDone
	var acked int64
	for _, s := range d.sessions {
		if s.err != nil {
			return "", fmt.Errorf("session %s before the kill: %w", s.name, s.err)
		}
		acked += s.round
		d.totalAcked += s.round
		if s.sync {
			d.totalSyncAcked += s.round
		}
	}
	return fmt.Sprintf("interval=%v kill=%s@%.2fs acked=%d", interval, desc, wait.Seconds(), acked), nil
}

// work runs transfers until the connection fails. Errors after killed is
// set are the kill's; before it, only serialization failures and
// deadlocks are expected (retried under the same seq).
func (s *session) work(ctx context.Context, rng *rand.Rand, accounts int, killed *atomic.Bool) {
	s.round, s.inflight = 0, false
	c := s.conn
	for ctx.Err() == nil {
		src := 1 + rng.Intn(accounts)
		dst := 1 + rng.Intn(accounts-1)
		if dst >= src {
			dst++
		}
		amount := 1 + rng.Intn(100)
		seq := s.acked + 1
		err := func() error {
			if _, err := c.Exec(ctx, "BEGIN"); err != nil {
				return err
			}
			// Lower id first: two transfers never wait on each other in a cycle.
			ids, deltas := [2]int{src, dst}, [2]int{-amount, amount}
			if dst < src {
				ids, deltas = [2]int{dst, src}, [2]int{amount, -amount}
			}
			for i := range ids {
				tag, err := c.Exec(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", deltas[i], ids[i])
				if err != nil {
					return err
				}
				if tag.RowsAffected() != 1 {
					return fmt.Errorf("UPDATE account %d: %d rows", ids[i], tag.RowsAffected())
				}
			}
			if _, err := c.Exec(ctx, "INSERT INTO log VALUES ($1, $2, $3, $4, $5)", s.name, seq, src, dst, amount); err != nil {
				return err
			}
			s.inflight = true
			tag, err := c.Exec(ctx, "COMMIT")
			if err != nil {
				return err
			}
			if tag.String() != "COMMIT" {
				return fmt.Errorf("COMMIT answered %q", tag.String())
			}
			s.inflight = false
			return nil
		}()
		if err == nil {
			s.acked = seq
			s.round++
			continue
		}
		if killed.Load() {
			return
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") && !s.inflight {
			if _, err := c.Exec(ctx, "ROLLBACK"); err == nil {
				continue
			}
		}
		s.err = fmt.Errorf("seq %d: %w", seq, err)
		return
	}
}

// verify connects to the (re)started server and checks the recovered
// state against what the sessions remember (see the package comment),
// then makes the recovered state the sessions' new baseline, leaving each
// session connected for the next round. It returns a one-line report.
func (d *drill) verify(ctx context.Context) (string, error) {
	var bad []string
	violate := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	admin, err := pgx.Connect(ctx, d.connString(""))
	if err != nil {
		return "", err
	}
	defer admin.Close(context.Background())

	// 1. The total.
	var n, sum int64
	if err := admin.QueryRow(ctx, "SELECT count(*), sum(balance) FROM accounts").Scan(&n, &sum); err != nil {
		return "", fmt.Errorf("%w: reading accounts: %v", errViolation, err)
	}
	if total := int64(d.cfg.accounts) * initialBalance; n != int64(d.cfg.accounts) || sum != total {
		violate("total: %d accounts with sum %d, want %d with sum %d", n, sum, d.cfg.accounts, total)
	}

	// 2-3. Prefix per session: serials {1..k}.
	type rowsInfo struct{ count, min, max int64 }
	got := map[string]rowsInfo{}
	rows, err := admin.Query(ctx, "SELECT session, count(*), min(serial), max(serial) FROM log GROUP BY session")
	if err != nil {
		return "", fmt.Errorf("%w: reading log: %v", errViolation, err)
	}
	for rows.Next() {
		var name string
		var ri rowsInfo
		if err := rows.Scan(&name, &ri.count, &ri.min, &ri.max); err != nil {
			return "", err
		}
		got[name] = ri
	}
	if err := rows.Err(); err != nil {
		return "", err
	}

	// 5. Atomicity: balances are the initial ones plus the recovered transfers.
	want := make(map[int64]int64, d.cfg.accounts)
	for id := int64(1); id <= int64(d.cfg.accounts); id++ {
		want[id] = initialBalance
	}
	for _, q := range []struct {
		sql  string
		sign int64
	}{{"SELECT src, sum(amount) FROM log GROUP BY src", -1}, {"SELECT dst, sum(amount) FROM log GROUP BY dst", 1}} {
		rows, err := admin.Query(ctx, q.sql)
		if err != nil {
			return "", err
		}
		for rows.Next() {
			var id, amount int64
			if err := rows.Scan(&id, &amount); err != nil {
				return "", err
			}
			want[id] += q.sign * amount
		}
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	rows, err = admin.Query(ctx, "SELECT id, balance FROM accounts")
	if err != nil {
		return "", err
	}
	mismatched := 0
	for rows.Next() {
		var id, bal int64
		if err := rows.Scan(&id, &bal); err != nil {
			return "", err
		}
		if want[id] != bal {
			if mismatched++; mismatched <= 3 {
				violate("atomicity: account %d has balance %d, the recovered log says %d", id, bal, want[id])
			}
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if mismatched > 3 {
		violate("atomicity: %d accounts in all disagree with the recovered log", mismatched)
	}

	var parts []string
	var recovered int64
	for _, s := range d.sessions {
		ri := got[s.name]
		k := ri.count
		recovered += k
		if k > 0 && (ri.min != 1 || ri.max != k) {
			violate("prefix: %s recovered %d rows with serials %d..%d, want 1..%d", s.name, k, ri.min, ri.max, k)
		}
		limit := s.acked
		if s.inflight {
			limit++
		}
		if k < s.baseline || k > limit {
			violate("prefix: %s recovered %d rows, want %d..%d (baseline %d, acknowledged %d, in flight %v)",
				s.name, k, s.baseline, limit, s.baseline, s.acked, s.inflight)
		}
		if s.sync && k < s.acked {
			violate("sync: %s (synchronous_commit=on) recovered %d rows but %d commits were acknowledged: %d acknowledged commits lost",
				s.name, k, s.acked, s.acked-k)
		}

		// 4. The commit point, on the session's connection for the next round.
		if s.conn != nil {
			s.conn.Close(context.Background())
		}
		sc := "off"
		if s.sync {
			sc = "on"
		}
		c, err := pgx.Connect(ctx, d.connString(fmt.Sprintf("-c persiandb.session=%s -c synchronous_commit=%s", s.name, sc)))
		if err != nil {
			return "", fmt.Errorf("connecting %s: %w", s.name, err)
		}
		s.conn = c
		var point, setting string
		if err := c.QueryRow(ctx, "SHOW persiandb.commit_point").Scan(&point); err != nil {
			return "", err
		}
		if err := c.QueryRow(ctx, "SHOW synchronous_commit").Scan(&setting); err != nil {
			return "", err
		}
		if setting != sc {
			return "", fmt.Errorf("%s: synchronous_commit is %q, want %q", s.name, setting, sc)
		}
		if point != fmt.Sprint(k) {
			violate("commit point: %s reconnected with commit_point %s, but %d rows were recovered", s.name, point, k)
		}

		p := fmt.Sprintf("%s:%s %d/%d", s.name, sc, k, s.acked)
		if s.inflight {
			p += "+1"
		}
		parts = append(parts, p)
		s.baseline, s.acked, s.inflight = k, k, false
	}
	report := fmt.Sprintf("rows recovered/acked %s (total %d) sum=%d", strings.Join(parts, " "), recovered, sum)
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Printf("  VIOLATION %s\n", b)
		}
		return report + " | " + fmt.Sprintf("%d VIOLATIONS", len(bad)), fmt.Errorf("%w: %s", errViolation, strings.Join(bad, "; "))
	}
	return report + " | checks 1-5 ok", nil
}
