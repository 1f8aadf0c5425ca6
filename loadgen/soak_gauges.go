package loadgen

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
)

// Gauges is one reading of the server's state during a soak.
type Gauges struct {
	RSS        int64 // resident memory (/proc)
	GoTotal    int64 // all memory the Go runtime maps
	GoHeap     int64 // live and not yet swept heap objects
	Goroutines int64
	OpenFiles  int64
	DBFile     int64 // the database file
	WAL        int64 // its write-ahead log
	Free       int64 // free pages inside the file, reused by new rows
	Health     Health
}

// fields lists the numeric gauges, for medians and maxima.
func (g *Gauges) fields() []*int64 {
	return []*int64{&g.RSS, &g.GoTotal, &g.GoHeap, &g.Goroutines, &g.OpenFiles, &g.DBFile, &g.WAL, &g.Free}
}

// MedianGauges is each gauge's median over gs (separately per gauge).
func MedianGauges(gs []Gauges) Gauges {
	return foldGauges(gs, func(v []int64) int64 { return v[(len(v)-1)/2] })
}

// MaxGauges is each gauge's largest reading over gs.
func MaxGauges(gs []Gauges) Gauges {
	return foldGauges(gs, func(v []int64) int64 { return v[len(v)-1] })
}

func foldGauges(gs []Gauges, pick func(sorted []int64) int64) Gauges {
	var out Gauges
	if len(gs) == 0 {
		return out
	}
	for i, f := range out.fields() {
		v := make([]int64, len(gs))
		for j := range gs {
			v[j] = *gs[j].fields()[i]
		}
		slices.Sort(v)
		*f = pick(v)
	}
	return out
}

// Health is what a soak reads from /healthz?detail=1.
type Health struct {
	Goroutines int `json:"goroutines"`
	GoMemory   struct {
		HeapObjectBytes int64 `json:"heap_object_bytes"`
		TotalBytes      int64 `json:"total_bytes"`
		GCCycles        int64 `json:"gc_cycles"`
	} `json:"go_memory"`
	Database struct {
		Bytes          int64            `json:"bytes"`
		FreeBytes      int64            `json:"free_bytes"`
		TableBytes     map[string]int64 `json:"table_bytes"`
		TablesMeasured string           `json:"tables_measured"`
		OldestDelivery string           `json:"oldest_delivery"`
		OldestDedupKey string           `json:"oldest_dedup_key"`
		OldestMessage  string           `json:"oldest_message"`
		Waiting        int64            `json:"waiting_changes"`
	} `json:"database"`
}

// ReadHealth reads /healthz?detail=1.
func ReadHealth(base string) (Health, error) {
	var h Health
	res, err := plain.Get(base + "/healthz?detail=1")
	if err != nil {
		return h, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return h, fmt.Errorf("loadgen: /healthz?detail=1: %s", res.Status)
	}
	err = json.NewDecoder(res.Body).Decode(&h)
	return h, err
}

// Probe reads the server's gauges: /proc for memory and descriptors, the
// files for the database and WAL sizes, /healthz?detail=1 for the rest.
func (s *Server) Probe(db string) Gauges {
	var g Gauges
	g.RSS, _ = s.RSS()
	if n, err := s.OpenFiles(); err == nil {
		g.OpenFiles = int64(n)
	}
	g.DBFile, g.WAL = FilesSize(db), FilesSize(db+"-wal")
	if h, err := ReadHealth(s.URL); err == nil {
		g.Health = h
		g.Goroutines = int64(h.Goroutines)
		g.GoTotal, g.GoHeap = h.GoMemory.TotalBytes, h.GoMemory.HeapObjectBytes
		g.Free = h.Database.FreeBytes
	}
	return g
}

// RetentionTables are the tables webhook retention bounds; the rest is
// content (messages, receipts, feed lines, people...), bounded by the
// message and activity retention or kept as long as its group.
var RetentionTables = []string{"webhook_deliveries", "webhook_events", "deferred_events"}

// OpenFiles counts the server's open file descriptors (Linux /proc).
func (s *Server) OpenFiles() (int, error) {
	es, err := os.ReadDir("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd")
	return len(es), err
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
