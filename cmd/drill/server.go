package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const startTimeout = 60 * time.Second // until a (recovering) server accepts connections

// server is one run of `persiandb serve` on the drill's data directory.
type server struct {
	cmd    *exec.Cmd
	addr   string
	exited chan struct{} // closed when cmd.Wait returned
	err    error         // cmd.Wait's result, valid once exited is closed
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer starts the server with the given checkpoint interval,
// appending its output to server.log, and waits until it answers a query.
// It returns how long that took (recovery included).
func (d *drill) startServer(ctx context.Context, interval time.Duration) (time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	logf, err := os.OpenFile(filepath.Join(d.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "==== drill: start --listen %s --checkpoint-interval %v\n", addr, interval)
	cmd := exec.Command(d.bin, "serve", "--listen", addr, "--data-dir", filepath.Join(d.dir, "data"),
		"--checkpoint-interval", interval.String(), "--log-level", "info")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	s := &server{cmd: cmd, addr: addr, exited: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	d.srv = s
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-s.exited:
			return 0, fmt.Errorf("server exited at start-up (%v)", s.cmd.ProcessState)
		case <-ctx.Done():
			return 0, ctx.Err()
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := pgx.Connect(cctx, d.connString(""))
		if err == nil {
			var one int
			err = c.QueryRow(cctx, "SELECT 1").Scan(&one)
			c.Close(cctx)
		}
		cancel()
		if err == nil {
			return time.Since(t0), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("server did not answer within %v: %v", startTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killServer SIGKILLs the running server, if any, and waits for its exit.
func (d *drill) killServer() {
	s := d.srv
	if s == nil {
		return
	}
	d.srv = nil
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// connString is the pgx connection string for the running server; name
// "" is the unnamed admin session.
func (d *drill) connString(options string) string {
	host, port, _ := net.SplitHostPort(d.srv.addr)
	s := fmt.Sprintf("host=%s port=%s user=postgres dbname=postgres sslmode=disable connect_timeout=5", host, port)
	if options != "" {
		s += fmt.Sprintf(" options='%s'", options)
	}
	return s
}
