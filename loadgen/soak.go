package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

// SoakHistory is how many messages the soak's measured group starts
// with (Fill), one a minute: all of them inside the shortest message
// retention (1 day) for the whole soak, so the receipts MixedBody sends
// always find their message.
const SoakHistory = 1000

// MixedBody is delivery n of a soak: mostly receipts for the messages
// the seed sent (45 %, updates of a fixed set of receipts), inbound
// messages from a community of 5,000 people (30 %), people joining and
// leaving (10 %), messages for groups the app does not know (5 %, they
// wait) and Meta's retries of an earlier delivery (10 %, duplicates). It
// is deterministic, so a retry is the same body again. What it adds
// per second is what SeedSteady seeds to come due.
func MixedBody(run string, n int64, groups int) []byte {
	switch k := n % 20; {
	case k < 9:
		wamid := "wamid.seed." + strconv.FormatInt(1+2*(n%(SoakHistory/2)), 10) // the seed's outbound messages of group 1
		st := []string{"delivered", "read"}[n/20%2]
		return Status(wamid, strconv.FormatInt(15550100000+n%8, 10), st, 1744345400+n/1000)
	case k < 15:
		g := 1 + int(n*7919%int64(groups))
		from := SoakSender(n)
		c := MessageChange(WAGroupID(g), MessageID(run, n), from, "Person "+from, "load test message "+MessageID(run, n))
		c.Value.Messages[0].Timestamp = ts(time.Now().Unix()) // sent now, as Meta's are: the message retention counts from it
		return Delivery(c)
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

// SoakSender is the sender of the soak's message n: one of 5,000 people,
// as a deployment has a community, not a new stranger per message.
func SoakSender(n int64) string { return strconv.FormatInt(15559000000+n%5000, 10) }

// SoakSample is the server's state over one window of a soak: the
// acknowledgements of the window and, for each gauge, the median and the
// maximum of the probes taken every few seconds within it. One reading
// per window catches wherever the Go collector or a checkpoint happens
// to be; the median is the window's state.
type SoakSample struct {
	At          time.Duration // since the soak began (end of the window)
	Warmup      bool          // the warm-up before the first window: not compared
	Acked, Lost int64
	P99         time.Duration // of every acknowledgement in this window
	// WorstSecond is the highest p99 of a single second in the window,
	// and WorstAt when that second began (since the soak began): where
	// the tail comes from.
	WorstSecond    time.Duration
	WorstAt        time.Duration
	Probes         int
	Median, Max    Gauges
	Tables         map[string]int64 // per-table bytes, the window's last measurement
	TablesMeasured string           // when the server measured them
}

// Gauges are what a probe reads from outside the server and from its
// /healthz?detail=1.
type Gauges struct {
	RSS, GoHeap, GoTotal   int64 // resident memory; Go's live heap and all Go's memory
	Goroutines, OpenFiles  int64
	DBFile, WAL, FreeBytes int64 // the main file, its WAL, free pages within the file
}

func (g *Gauges) fields() []*int64 {
	return []*int64{&g.RSS, &g.GoHeap, &g.GoTotal, &g.Goroutines, &g.OpenFiles, &g.DBFile, &g.WAL, &g.FreeBytes}
}

// summarize is the per-field median and maximum of gs.
func summarize(gs []Gauges) (med, mx Gauges) {
	if len(gs) == 0 {
		return
	}
	for i := range med.fields() {
		vs := make([]int64, len(gs))
		for j := range gs {
			vs[j] = *gs[j].fields()[i]
		}
		slices.Sort(vs)
		*med.fields()[i] = vs[len(vs)/2]
		*mx.fields()[i] = vs[len(vs)-1]
	}
	return med, mx
}

// SoakPlan is the shape of a soak.
type SoakPlan struct {
	Rate          int           // deliveries per second
	Warmup, For   time.Duration // load before the first window, then the measured part
	Window, Probe time.Duration // window length; how often the gauges are read
	// ProbeGauges reads the gauges; tables, when not nil, are the server's
	// latest per-table sizes and when they were measured.
	ProbeGauges func(*Gauges) (tables map[string]int64, measured string)
	// OnWindow, if set, is told each sample as it is made.
	OnWindow func(SoakSample)
}

// Soak posts body(n) deliveries at plan.Rate per second for plan.Warmup
// plus plan.For, timing each acknowledgement; after the warm-up, every
// plan.Window makes a sample.
func Soak(ctx context.Context, p *Poster, body func(n int64) []byte, plan SoakPlan) []SoakSample {
	ctx, cancel := context.WithTimeout(ctx, plan.Warmup+plan.For)
	defer cancel()
	acks := make(chan soakAck, 4096)
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
				acks <- soakAck{t1.Sub(t0), time.Since(t1), err == nil && st == http.StatusOK}
			}
		}()
	}
	var mu sync.Mutex
	var cur []soakAck
	var lost int64
	var gauges []Gauges
	var tables map[string]int64
	var measured string
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for a := range acks {
			mu.Lock()
			if a.ok {
				cur = append(cur, a)
			} else {
				lost++
			}
			mu.Unlock()
		}
	}()
	probing := make(chan struct{})
	go func() {
		defer close(probing)
		tick := time.NewTicker(plan.Probe)
		defer tick.Stop()
		for {
			var g Gauges
			t, m := plan.ProbeGauges(&g)
			mu.Lock()
			gauges = append(gauges, g)
			if t != nil {
				tables, measured = t, m
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	var out []SoakSample
	cut := func(warm bool) {
		mu.Lock()
		as, gs, l := cur, gauges, lost
		cur, gauges, lost = nil, nil, 0
		s := SoakSample{At: time.Since(t0).Round(time.Second), Warmup: warm, Lost: l, Tables: tables, TablesMeasured: measured}
		mu.Unlock()
		s.Acked, s.P99, s.WorstSecond, s.WorstAt = ackStats(as)
		s.Probes = len(gs)
		s.Median, s.Max = summarize(gs)
		out = append(out, s)
		if plan.OnWindow != nil {
			plan.OnWindow(s)
		}
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	next := t0.Add(plan.Window)
	if plan.Warmup > 0 {
		next = t0.Add(plan.Warmup)
	}
	var sent int64
	for ctx.Err() == nil {
		<-tick.C
		for due := int64(time.Since(t0).Seconds() * float64(plan.Rate)); sent < due; sent++ {
			select {
			case jobs <- sent + 1:
			default: // the senders are saturated: counted as lost
				mu.Lock()
				lost++
				mu.Unlock()
			}
		}
		if time.Now().After(next) {
			cut(plan.Warmup > 0 && len(out) == 0)
			next = next.Add(plan.Window)
		}
	}
	close(jobs)
	wg.Wait()
	close(acks)
	<-collected
	<-probing
	// Deliveries still in flight at the deadline count towards the last
	// window; a window the deadline cut short is not sampled on its own.
	if len(out) > 0 {
		last := &out[len(out)-1]
		a, _, _, _ := ackStats(cur)
		last.Acked += a
		last.Lost += lost
	}
	return out
}

// soakAck is one delivery's answer.
type soakAck struct {
	at, took time.Duration // sent, since the soak began; how long the answer took
	ok       bool
}

// ackStats counts the acknowledgements, their p99, and the worst
// second's p99 with when that second began.
func ackStats(as []soakAck) (n int64, p99, worst, worstAt time.Duration) {
	all := make([]time.Duration, len(as))
	bySecond := map[time.Duration][]time.Duration{}
	for i, a := range as {
		all[i] = a.took
		sec := a.at.Truncate(time.Second)
		bySecond[sec] = append(bySecond[sec], a.took)
	}
	for sec, ds := range bySecond {
		if q := Percentile(ds, 99); q > worst {
			worst, worstAt = q, sec
		}
	}
	return int64(len(as)), Percentile(all, 99), worst, worstAt
}

// OpenFiles counts the server's open file descriptors (Linux /proc).
func (s *Server) OpenFiles() (int, error) {
	es, err := os.ReadDir("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd")
	return len(es), err
}

// Detail is what the soak reads from /healthz?detail=1.
type Detail struct {
	Goroutines int64            `json:"goroutines"`
	GoMemory   map[string]int64 `json:"go_memory"`
	Database   struct {
		Bytes          int64            `json:"bytes"`
		FreeBytes      int64            `json:"free_bytes"`
		TableBytes     map[string]int64 `json:"table_bytes"`
		TablesMeasured string           `json:"tables_measured"`
	} `json:"database"`
}

// HealthDetail reads the server's /healthz?detail=1.
func HealthDetail(base string) (Detail, error) {
	var v Detail
	res, err := plain.Get(base + "/healthz?detail=1")
	if err != nil {
		return v, err
	}
	defer res.Body.Close()
	err = json.NewDecoder(res.Body).Decode(&v)
	return v, err
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
