package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/rs/zerolog"
)

// serveDebug exposes Go's profiling endpoints, for diagnosing a running
// server (go tool pprof http://ADDR/debug/pprof/profile).
func serveDebug(addr string, log zerolog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("could not listen on %s for --debug-listen: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		if err := http.Serve(ln, mux); err != nil {
			log.Warn().Err(err).Msg("debug endpoint stopped")
		}
	}()
	log.Info().Str("debug_listen", ln.Addr().String()).Msg("profiling endpoints on /debug/pprof")
	return nil
}
