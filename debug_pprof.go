//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on the default mux
)

// A profiling build (go build -tags pprof) serves net/http/pprof on
// loopback only; normal builds do not contain it.
func init() {
	go http.ListenAndServe("127.0.0.1:6060", nil)
}
