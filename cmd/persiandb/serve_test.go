package main

import (
	"net"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := serveFlags{listen: ln.Addr().String(), dataDir: t.TempDir(), authLocal: "trust", authRemote: "scram-sha-256", logLevel: "info"}
	err = run(f, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("want a clear address-in-use error, got %v", err)
	}
}

func TestServeDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	unlock, err := openDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := openDataDir(dir); err == nil || !strings.Contains(err.Error(), "in use by another server") {
		t.Fatalf("second open: %v", err)
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--auth-remote", "trust"},
		{"--auth-local", "kerberos"},
		{"--tls-cert", "x.pem"},
		{"--log-level", "loud"},
		{"extra"},
	} {
		if code := serve(args); code == 0 {
			t.Errorf("serve %v: exit 0", args)
		}
	}
}
