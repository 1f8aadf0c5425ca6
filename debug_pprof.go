//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on the default mux
	"os"
)

// A profiling build (go build -tags pprof) serves net/http/pprof on
// loopback only; normal builds do not contain it. GROUPDECK_PPROF_ADDR
// picks another loopback port (two profiled servers on one machine).
func init() {
	addr := os.Getenv("GROUPDECK_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go http.ListenAndServe(addr, nil)
}
