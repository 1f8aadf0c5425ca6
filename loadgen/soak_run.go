package loadgen

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// SoakWindow is one window of a soak: the acknowledgements in it and the
// server's state, probed every few seconds inside it. One reading of the
// resident size lands wherever Go's collector and SQLite's caches happen
// to be at that instant; the median of a window's readings is its state,
// the max its peak.
type SoakWindow struct {
	At          time.Duration // end of the window, since the measured part began
	Acked, Lost int64
	P99         time.Duration // of every acknowledgement in the window
	Probes      int
	Median, Max Gauges
	Last        Health // the window's last /healthz?detail=1
}

// SoakRun is what Soak measured.
type SoakRun struct {
	WarmAcked, WarmLost int64 // during the warm-up, not in any window
	Windows             []SoakWindow
	// Start is when the measured part began; Acks[i] are the
	// acknowledgement times of its second i, to find what makes the tail
	// (pruning passes, checkpoints, collections).
	Start time.Time
	Acks  [][]time.Duration
}

// Soak posts body(n) deliveries at rate per second for warm+d, timing
// each acknowledgement. The first warm is not measured (a new server's
// page caches, heap and connection pools fill there); then every window
// closes with the acknowledgements' p99 and the median and max of the
// probe's readings, taken every probeEvery in the window, handed to
// onWindow as it closes.
func Soak(ctx context.Context, p *Poster, body func(n int64) []byte, rate int, warm, d, window, probeEvery time.Duration, probe func() Gauges, onWindow func(SoakWindow)) SoakRun {
	ctx, cancel := context.WithTimeout(ctx, warm+d)
	defer cancel()
	type ack struct {
		at, took time.Duration
		ok       bool
	}
	acks := make(chan ack, 4096)
	jobs := make(chan int64, 4096)
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				t1 := time.Now()
				st, err := p.Post(context.WithoutCancel(ctx), body(n))
				acks <- ack{t1.Sub(t0), time.Since(t1), err == nil && st == http.StatusOK}
			}
		}()
	}
	var run SoakRun
	var mu sync.Mutex
	var cur []time.Duration
	var acked, lost int64
	perSecond := map[int][]time.Duration{}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for a := range acks {
			mu.Lock()
			switch {
			case a.at < warm && a.ok:
				run.WarmAcked++
			case a.at < warm:
				run.WarmLost++
			case a.ok:
				cur = append(cur, a.took)
				acked++
				sec := int((a.at - warm) / time.Second)
				perSecond[sec] = append(perSecond[sec], a.took)
			default:
				lost++
			}
			mu.Unlock()
		}
	}()
	var probes []Gauges
	var pmu sync.Mutex
	probing := make(chan struct{})
	go func() {
		defer close(probing)
		tick := time.NewTicker(probeEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if time.Since(t0) < warm {
				continue
			}
			g := probe()
			pmu.Lock()
			probes = append(probes, g)
			pmu.Unlock()
		}
	}()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	next := t0.Add(warm + window)
	var sent int64
	for ctx.Err() == nil {
		<-tick.C
		for due := int64(time.Since(t0).Seconds() * float64(rate)); sent < due; sent++ {
			select {
			case jobs <- sent + 1:
			default: // the senders are saturated: counted as lost
				mu.Lock()
				if time.Since(t0) < warm {
					run.WarmLost++
				} else {
					lost++
				}
				mu.Unlock()
			}
		}
		if time.Now().After(next) {
			next = next.Add(window)
			mu.Lock()
			w := SoakWindow{At: (time.Since(t0) - warm).Round(time.Second), Acked: acked, Lost: lost, P99: Percentile(cur, 99)}
			cur, acked, lost = cur[:0], 0, 0
			mu.Unlock()
			pmu.Lock()
			w.Probes, w.Median, w.Max = len(probes), MedianGauges(probes), MaxGauges(probes)
			if len(probes) > 0 {
				w.Last = probes[len(probes)-1].Health
			}
			probes = probes[:0]
			pmu.Unlock()
			run.Windows = append(run.Windows, w)
			onWindow(w)
		}
	}
	close(jobs)
	wg.Wait()
	close(acks)
	<-collected
	<-probing
	// Deliveries still in flight at the deadline count towards the last
	// window; a window the deadline cut short is not summarised on its own.
	if len(run.Windows) > 0 {
		last := &run.Windows[len(run.Windows)-1]
		last.Acked += acked
		last.Lost += lost
	}
	run.Start = t0.Add(warm)
	for sec := 0; sec < int(d/time.Second); sec++ {
		run.Acks = append(run.Acks, perSecond[sec])
	}
	return run
}

// WorstSeconds returns the indexes (seconds into the measured part) of
// the n seconds with the highest p99, worst first, and each second's p99.
func (r SoakRun) WorstSeconds(n int) ([]int, []time.Duration) {
	p99 := make([]time.Duration, len(r.Acks))
	idx := make([]int, len(r.Acks))
	for i := range idx {
		idx[i], p99[i] = i, Percentile(r.Acks[i], 99)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(p99[b] - p99[a]) })
	return idx[:min(n, len(idx))], p99
}

// SplitP99 is the p99 of the acknowledgements in the seconds during(i)
// says yes to, and of the rest, with their counts.
func (r SoakRun) SplitP99(during func(sec int) bool) (in, out time.Duration, nIn, nOut int) {
	var a, b []time.Duration
	for i, acks := range r.Acks {
		if during(i) {
			a = append(a, acks...)
		} else {
			b = append(b, acks...)
		}
	}
	return Percentile(a, 99), Percentile(b, 99), len(a), len(b)
}
