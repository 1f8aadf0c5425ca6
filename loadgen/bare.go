package loadgen

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// BareReady starts the line the bare handler prints once it listens.
const BareReady = "bare handler ready at "

// ServeBare is the baseline ingest is compared with: a trivial net/http
// handler on loopback that reads each request's body and answers 200.
// It serves until ctx ends.
func ServeBare(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4<<20))
		w.WriteHeader(http.StatusOK)
	})}
	go func() { <-ctx.Done(); srv.Close() }()
	fmt.Fprintf(out, "%shttp://%s\n", BareReady, ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
