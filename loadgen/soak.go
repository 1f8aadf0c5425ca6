package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// MixedBody is delivery n of a soak: mostly receipts for messages the
// seed sent (45 %, upserts), inbound messages (30 %), people joining and
// leaving (10 %), messages for groups the app does not know (5 %, they
// wait) and Meta's retries of an earlier delivery (10 %, duplicates). It
// is deterministic, so a retry is the same body again.
func MixedBody(run string, n int64, groups int) []byte {
	switch k := n % 20; {
	case k < 9:
		wamid := "wamid.seed." + strconv.FormatInt(1+2*(n%2500), 10) // the seed's outbound messages of group 1
		st := []string{"delivered", "read"}[n/20%2]
		return Status(wamid, strconv.FormatInt(15550100000+n%8, 10), st, 1744345400+n/1000)
	case k < 15:
		return IngestBody(run, n, groups)
	case k < 17:
		g := WAGroupID(1 + int(n%100))
		wa := strconv.FormatInt(15550200000+n%100, 10)
		if k == 16 {
			return ParticipantsRemove(g, wa, time.Now().Unix())
		}
		return ParticipantsAdd(g, wa, time.Now().Unix())
	case k < 18:
		return UnknownGroupBody(run, n)
	}
	return MixedBody(run, n-18, groups)
}

// SoakSample is the server's state over one window of a soak.
type SoakSample struct {
	At          time.Duration // since the soak began
	Acked, Lost int64
	P99         time.Duration // acknowledgement latency in this window
	RSS         int64
	Goroutines  int
	OpenFiles   int
	DBBytes     int64 // database file plus its WAL
}

// Soak posts body(n) deliveries at rate per second until d has passed,
// timing each acknowledgement, and every window records a sample (filled
// by sample with what is read from outside the process).
func Soak(ctx context.Context, p *Poster, body func(n int64) []byte, rate int, d, window time.Duration, sample func(*SoakSample)) []SoakSample {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type ack struct {
		took time.Duration
		ok   bool
	}
	acks := make(chan ack, 4096)
	jobs := make(chan int64, 4096)
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				t0 := time.Now()
				st, err := p.Post(context.WithoutCancel(ctx), body(n))
				acks <- ack{time.Since(t0), err == nil && st == http.StatusOK}
			}
		}()
	}
	var out []SoakSample
	var mu sync.Mutex
	var cur []time.Duration
	var acked, lost int64
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for a := range acks {
			mu.Lock()
			if a.ok {
				cur = append(cur, a.took)
				acked++
			} else {
				lost++
			}
			mu.Unlock()
		}
	}()
	t0 := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	next := t0.Add(window)
	var sent int64
	for ctx.Err() == nil {
		<-tick.C
		for due := int64(time.Since(t0).Seconds() * float64(rate)); sent < due; sent++ {
			select {
			case jobs <- sent + 1:
			default: // the senders are saturated: counted as lost
				mu.Lock()
				lost++
				mu.Unlock()
			}
		}
		if time.Now().After(next) {
			next = next.Add(window)
			mu.Lock()
			s := SoakSample{At: time.Since(t0).Round(time.Second), Acked: acked, Lost: lost, P99: Percentile(cur, 99)}
			cur, acked, lost = cur[:0], 0, 0
			mu.Unlock()
			sample(&s)
			out = append(out, s)
		}
	}
	close(jobs)
	wg.Wait()
	close(acks)
	<-collected
	// Deliveries still in flight at the deadline count towards the last
	// window; a window the deadline cut short is not sampled on its own.
	if len(out) > 0 {
		last := &out[len(out)-1]
		last.Acked += acked
		last.Lost += lost
	}
	return out
}

// OpenFiles counts the server's open file descriptors (Linux /proc).
func (s *Server) OpenFiles() (int, error) {
	es, err := os.ReadDir("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd")
	return len(es), err
}

// Goroutines reads the server's goroutine count from /healthz?detail=1.
func Goroutines(base string) (int, error) {
	res, err := plain.Get(base + "/healthz?detail=1")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var v struct {
		Goroutines int `json:"goroutines"`
	}
	err = json.NewDecoder(res.Body).Decode(&v)
	return v.Goroutines, err
}

// FilesSize is the summed size of files that exist among paths.
func FilesSize(paths ...string) int64 {
	var n int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}
