package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Admin is the account the child server creates at first start.
const (
	AdminEmail    = "loadgen@example.com"
	AdminPassword = "loadgen-password-1"
)

// Server is a groupdeck binary running as a child process with its own
// database, so it can be measured from outside and killed with SIGKILL.
type Server struct {
	URL   string
	Ready time.Duration // from exec to the "ready" line
	// ReadyCPU is the CPU the process used until ready: unlike Ready it
	// does not grow when other programs keep the machine busy.
	ReadyCPU time.Duration
	cmd      *exec.Cmd
	logs     *lockedBuffer
	done     chan struct{}
}

// Start runs bin serving db on a free loopback port in sandbox mode and
// waits until it says it is ready and answers /healthz.
func Start(ctx context.Context, bin, db string, extraEnv ...string) (*Server, error) {
	return StartOn(ctx, bin, "127.0.0.1:0", db, extraEnv...)
}

// StartOn is Start listening on addr: a restarted server keeps the port
// a separately running simulator posts its webhooks to.
func StartOn(ctx context.Context, bin, addr, db string, extraEnv ...string) (*Server, error) {
	cmd := exec.Command(bin, "serve", "-addr", addr, "-db", db)
	cmd.Env = append(os.Environ(), "GROUPDECK_ADMIN_EMAIL="+AdminEmail, "GROUPDECK_ADMIN_PASSWORD="+AdminPassword,
		"GROUPDECK_LOG_LEVEL=warn", "WA_ACCESS_TOKEN=")
	cmd.Env = append(cmd.Env, extraEnv...)
	return startCmd(ctx, cmd, "groupdeck is ready at ", true)
}

// StartBare runs the bare loopback handler (ServeBare) in a child process
// started as self with args, which must print BareReady and its URL:
// measured from outside like the app, so their CPU per delivery compares.
func StartBare(ctx context.Context, self string, args ...string) (*Server, error) {
	return startCmd(ctx, exec.Command(self, args...), BareReady, true)
}

// startCmd runs cmd and waits for readyLine and the URL after it on its
// output, then (healthz) for GET /healthz to answer 200.
func startCmd(ctx context.Context, cmd *exec.Cmd, readyLine string, healthz bool) (*Server, error) {
	s := &Server{cmd: cmd, logs: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("loadgen: start: %w", err)
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("loadgen: start %s: %w", cmd.Path, err)
	}
	go func() { cmd.Wait(); close(s.done) }()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "retention") { // kept for Logs: the soak sets its slow seconds against pruning
				s.logs.Write([]byte(line + "\n"))
			}
			if rest, ok := strings.CutPrefix(line, readyLine); ok {
				ready <- strings.Fields(rest)[0]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u := <-ready:
		s.Ready, s.URL = time.Since(t0), u
		s.ReadyCPU, _ = s.CPU()
	case <-s.done:
		return nil, fmt.Errorf("loadgen: server exited before ready:\n%s", s.logs.String())
	case <-time.After(30 * time.Second):
		s.Kill()
		return nil, errors.New("loadgen: server not ready after 30s")
	case <-ctx.Done():
		s.Kill()
		return nil, ctx.Err()
	}
	if !healthz {
		return s, nil
	}
	if err := waitHealthy(ctx, s.URL); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

func waitHealthy(ctx context.Context, url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := plain.Get(url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("loadgen: /healthz never answered 200 (last error %v)", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Kill ends the server with SIGKILL, as a power cut or OOM killer would,
// and waits for it to be gone.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Stop asks the server to shut down gracefully.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.Kill()
	}
}

// Logs returns what the server wrote to stderr.
func (s *Server) Logs() string { return s.logs.String() }

// RSS returns the server's resident memory in bytes (Linux /proc).
func (s *Server) RSS() (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("loadgen: rss: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("loadgen: rss: no VmRSS line")
}

// CPU returns the user plus system CPU time the server has used (Linux
// /proc, in clock ticks of 10 ms).
func (s *Server) CPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("loadgen: cpu: %w", err)
	}
	// Fields after the ")" that closes the command name: utime is the
	// 12th, stime the 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, errors.New("loadgen: cpu: short /proc stat")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond, nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil // keep the first MB: enough to diagnose, bounded under load
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Dump ends the server with SIGQUIT, which makes a Go program print every
// goroutine's stack, and returns its log with them: for a stuck run.
func (s *Server) Dump() string {
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.Kill()
	}
	return s.Logs()
}
