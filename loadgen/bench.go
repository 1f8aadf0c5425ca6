package loadgen

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// IngestResult is what a delivery blast achieved.
type IngestResult struct {
	Sent    int64 // deliveries 1..Sent were started
	Acked   int64 // answered 200
	Busy    int64 // answered 503 (Meta retries those later): neither acked nor lost
	Failed  int64 // any other answer or a transport error
	Elapsed time.Duration
	LastErr string
}

// Rate is acknowledged deliveries per second.
func (r IngestResult) Rate() float64 { return float64(r.Acked) / r.Elapsed.Seconds() }

// IngestBody is delivery n of a run: a message with its own wamid and
// sender to one of groups, spread evenly. It is deterministic, so a test
// can send the same delivery again.
func IngestBody(run string, n int64, groups int) []byte {
	g := 1 + int(n*7919%int64(groups))
	wamid := MessageID(run, n)
	from := strconv.FormatInt(15559000000+n, 10)
	return Message(WAGroupID(g), wamid, from, "Load "+strconv.FormatInt(n, 10), "load test message "+wamid)
}

// Ingest posts IngestBody deliveries 1, 2, … from conc workers until d
// has passed. onAck, if set, is told each acknowledged n (the crash test
// keeps them).
func Ingest(ctx context.Context, p *Poster, run string, groups, conc int, d time.Duration, onAck func(n int64)) IngestResult {
	return IngestWith(ctx, p, func(n int64) []byte { return IngestBody(run, n, groups) }, conc, d, onAck)
}

// IngestWith is Ingest with deliveries of another shape: body(n) is
// delivery n.
func IngestWith(ctx context.Context, p *Poster, body func(n int64) []byte, conc int, d time.Duration, onAck func(n int64)) IngestResult {
	return ingestFor(ctx, p, body, conc, d, onAck, false)
}

// IngestDrained is IngestWith that lets the deliveries in flight at the
// deadline finish, and counts them: for big deliveries (batches of 1,000
// changes), where cutting the last ones off would skew the rate.
func IngestDrained(ctx context.Context, p *Poster, body func(n int64) []byte, conc int, d time.Duration) IngestResult {
	return ingestFor(ctx, p, body, conc, d, nil, true)
}

func ingestFor(ctx context.Context, p *Poster, body func(n int64) []byte, conc int, d time.Duration, onAck func(n int64), drain bool) IngestResult {
	stop := time.Now().Add(d)
	if !drain {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, stop)
		defer cancel()
	}
	var seq, acked, busy, failed atomic.Int64
	var lastErr atomic.Value
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(stop) {
				n := seq.Add(1)
				status, err := p.Post(ctx, body(n))
				switch {
				case err == nil && status == http.StatusOK:
					acked.Add(1)
					if onAck != nil {
						onAck(n)
					}
				case ctx.Err() != nil:
					return // cut off by the deadline: neither acked nor failed
				case status == http.StatusServiceUnavailable:
					busy.Add(1)
				default:
					failed.Add(1)
					if err != nil {
						lastErr.Store(err.Error())
					} else {
						lastErr.Store("status " + strconv.Itoa(status))
					}
				}
			}
		}()
	}
	wg.Wait()
	r := IngestResult{Sent: seq.Load(), Acked: acked.Load(), Busy: busy.Load(), Failed: failed.Load(), Elapsed: time.Since(t0)}
	r.LastErr, _ = lastErr.Load().(string)
	return r
}

// Paced posts deliveries to random groups in [from, to] at rate per second
// until ctx ends, and returns how many were acknowledged.
func Paced(ctx context.Context, p *Poster, run string, from, to, rate int) int64 {
	jobs := make(chan int64, 256)
	var acked atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				g := from + rand.IntN(to-from+1)
				body := Message(WAGroupID(g), MessageID(run, n), strconv.FormatInt(15558000000+n, 10), "Background", "background "+strconv.FormatInt(n, 10))
				if s, err := p.Post(context.WithoutCancel(ctx), body); err == nil && s == http.StatusOK {
					acked.Add(1)
				}
			}
		}()
	}
	t0 := time.Now()
	var sent int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			due := int64(time.Since(t0).Seconds() * float64(rate))
			for ; sent < due; sent++ {
				select {
				case jobs <- sent:
				default: // the workers are saturated; count it as not sent
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	return acked.Load()
}

// LatencyResult is webhook POST → SSE event timing.
type LatencyResult struct {
	Samples    []time.Duration
	Background int64 // background deliveries acknowledged
	Elapsed    time.Duration
}

// Latency opens streams event streams: global of them on the global feed,
// the rest each on one group page (groups 1..), then sends probe
// deliveries to those groups while a paced background load of bgRate/s
// goes to the other groups, and times each probe from the start of its
// POST to its event arriving on the group's stream.
func Latency(ctx context.Context, c *http.Client, p *Poster, base, run string, groups, streams, global, bgRate int, d time.Duration) (LatencyResult, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := streams - global
	var mu sync.Mutex
	started := make([]time.Time, watched+1)
	var samples []time.Duration
	for g := 1; g <= watched; g++ {
		err := Stream(sctx, c, base+"/events?group="+strconv.Itoa(g), func(data string, at time.Time) {
			id, _ := strconv.Atoi(data)
			mu.Lock()
			defer mu.Unlock()
			if id > 0 && id <= watched && !started[id].IsZero() {
				samples = append(samples, at.Sub(started[id]))
				started[id] = time.Time{}
			}
		})
		if err != nil {
			return LatencyResult{}, err
		}
	}
	for i := 0; i < global; i++ {
		if err := Stream(sctx, c, base+"/events", nil); err != nil {
			return LatencyResult{}, err
		}
	}
	lctx, lcancel := context.WithTimeout(ctx, d)
	defer lcancel()
	t0 := time.Now()
	var bg atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); bg.Store(Paced(lctx, p, run+"bg", watched+1, groups, bgRate)) }()
	// About 100 probes a second, one outstanding per group.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var n int64
	for next := 1; lctx.Err() == nil; next = next%watched + 1 {
		<-tick.C
		mu.Lock()
		busy := !started[next].IsZero()
		if !busy {
			started[next] = time.Now()
		}
		mu.Unlock()
		if busy {
			continue
		}
		n++
		body := Message(WAGroupID(next), MessageID(run+"probe", n), "15557000000", "Probe", "probe")
		wg.Add(1)
		go func() { defer wg.Done(); p.Post(context.WithoutCancel(ctx), body) }()
	}
	wg.Wait()
	time.Sleep(200 * time.Millisecond) // let the last events arrive
	mu.Lock()
	defer mu.Unlock()
	return LatencyResult{Samples: slices.Clone(samples), Background: bg.Load(), Elapsed: time.Since(t0)}, nil
}

// OpenStreams opens n idle event streams (a tenth on the global feed) and
// keeps them until ctx ends.
func OpenStreams(ctx context.Context, c *http.Client, base string, n, groups int) error {
	for i := 0; i < n; i++ {
		u := base + "/events?group=" + strconv.Itoa(1+i%groups)
		if i%10 == 0 {
			u = base + "/events"
		}
		if err := Stream(ctx, c, u, nil); err != nil {
			return err
		}
	}
	return nil
}

// Percentile returns the p-th percentile (0..100) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// Timings requests url n times one after another and returns each
// request's duration.
func Timings(c *http.Client, url string, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		d, err := Get(c, url)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
