package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"groupdeck/loadgen"
	"groupdeck/store"
)

// Apply-path benchmarks, one per shape of delivery, against a real
// on-disk store (synchronous=FULL, group commit): go test -run '^$'
// -bench . -benchmem ./ingest/. Single-change deliveries are posted from
// 64 goroutines, as the webhook handler sees them under load, so they
// share commits the way they do in production; ns/op is then wall time
// per delivery on this machine. A batch is one delivery of 1,000 changes;
// its ns/change is the per-change cost. B/op and allocs/op are what a
// regression shows first.

const (
	benchGroups = 1000 // active groups, WhatsApp ids loadgen.WAGroupID(1..)
	benchBatch  = 1000 // changes in one batched delivery
	benchConc   = 64   // concurrent single-change deliveries
)

// benchParticipant is member p of group 1 as seeded by loadgen.Fill.
func benchParticipant(p int) string { return strconv.Itoa(15550100000 + p%8) }

func benchGroup(i int) string { return loadgen.WAGroupID(1 + i*7919%benchGroups) }

// shape builds change i of a run (every i a change not seen before) with
// the payload builders the tests use; setup, when set, prepares what n
// changes need (outgoing messages to receive statuses, members to leave).
type shape struct {
	name   string
	change func(i int) []byte
	setup  func(b *testing.B, st *store.Store, path string, n int)
}

func benchShapes() []shape {
	return []shape{
		{name: "status_delivered", setup: seedOutgoing, change: func(i int) []byte {
			return status(outgoingID(i/8), "delivered", benchParticipant(i), 1000+i)
		}},
		{name: "status_read", setup: seedOutgoing, change: func(i int) []byte {
			return status(outgoingID(i/8), "read", benchParticipant(i), 1000+i)
		}},
		{name: "status_read_contacts", setup: seedOutgoing, change: func(i int) []byte {
			p := benchParticipant(i)
			return groupStatus(outgoingID(i/8), "read", `"recipient_participant_id":"`+p+`"`,
				`{"profile":{"name":"Person `+p+`"},"wa_id":"`+p+`"}`, 1000+i)
		}},
		{name: "inbound_message", change: func(i int) []byte {
			wa := strconv.Itoa(15559000000 + i%5000)
			return inbound(benchGroup(i), "wamid.in."+strconv.Itoa(i), wa, "Sender "+wa, "see you at the meetup on Thursday")
		}},
		{name: "participant_add", change: func(i int) []byte {
			return joined(benchGroup(i), strconv.Itoa(15560000000+i), 1000+i)
		}},
		{name: "participant_remove", setup: seedMembers, change: func(i int) []byte {
			return left(benchGroup(i), strconv.Itoa(15560000000+i), 1_000_000+i)
		}},
		{name: "join_then_leave", change: func(i int) []byte { // loadgen's shape: join, then leave one change later
			wa := strconv.Itoa(15561000000 + i/2)
			if i%2 == 1 {
				return left(benchGroup(i/2), wa, 1000+i)
			}
			return joined(benchGroup(i/2), wa, 1000+i)
		}},
		{name: "join_request", change: func(i int) []byte {
			return joinRequest(benchGroup(i), "group_join_request_created", "JR"+strconv.Itoa(i), strconv.Itoa(15570000000+i), 1000+i)
		}},
		{name: "unknown_group", change: func(i int) []byte {
			return joined("not-yet-known-"+strconv.Itoa(i%500), strconv.Itoa(15580000000+i), 1000+i)
		}},
		{name: "mix", setup: seedOutgoing, change: mixChange},
	}
}

// mixChange is change i of make bench's realistic mix: per 50 changes,
// 40 delivered and read statuses (one in four with contacts), 6 inbound
// messages, a join and the same person's leave, a join request and a
// message for a group not yet known.
func mixChange(i int) []byte {
	round, k := i/50, i%50
	switch {
	case k < 40:
		p, st := benchParticipant(i), "delivered"
		if i/8%2 == 1 {
			st = "read"
		}
		if k%4 == 3 {
			return groupStatus(outgoingID(i/8), st, `"recipient_participant_id":"`+p+`"`,
				`{"profile":{"name":"Person `+p+`"},"wa_id":"`+p+`"}`, 1000+i)
		}
		return status(outgoingID(i/8), st, p, 1000+i)
	case k < 46:
		wa := strconv.Itoa(15559000000 + i%5000)
		return inbound(benchGroup(i), "wamid.in."+strconv.Itoa(i), wa, "Sender "+wa, "see you at the meetup on Thursday")
	case k == 46:
		return joined(benchGroup(round), strconv.Itoa(15561000000+round), 1000+i)
	case k == 47:
		return left(benchGroup(round), strconv.Itoa(15561000000+round), 1000+i)
	case k == 48:
		return joinRequest(benchGroup(i), "group_join_request_created", "JR"+strconv.Itoa(i), strconv.Itoa(15570000000+i), 1000+i)
	}
	return inbound("not-yet-known-"+strconv.Itoa(round%500), "wamid.wait."+strconv.Itoa(i), "15556000001", "", "waiting")
}

func BenchmarkApply(b *testing.B) {
	for _, s := range benchShapes() {
		b.Run(s.name+"/single", func(b *testing.B) { benchSingle(b, s) })
		b.Run(s.name+"/batch1000", func(b *testing.B) { benchBatched(b, s) })
	}
}

func benchSingle(b *testing.B, s shape) {
	in, st, path := benchStore(b)
	if s.setup != nil {
		s.setup(b, st, path, b.N)
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = s.change(i)
	}
	var next atomic.Int64
	ctx := context.Background()
	b.SetParallelism(max(1, benchConc/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	cpu := startCPU(b, st)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchApply(b, in, ctx, bodies[next.Add(1)-1])
		}
	})
	cpu.stop(b, b.N)
	checkApplied(b, st, b.N)
}

func benchBatched(b *testing.B, s shape) {
	in, st, path := benchStore(b)
	if s.setup != nil {
		s.setup(b, st, path, b.N*benchBatch)
	}
	bodies := make([][]byte, b.N)
	for op := range bodies {
		changes := make([][]byte, benchBatch)
		for j := range changes {
			changes[j] = s.change(op*benchBatch + j)
		}
		bodies[op] = batch(b, changes)
	}
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPU(b, st)
	for _, body := range bodies {
		benchApply(b, in, ctx, body)
	}
	cpu.stop(b, b.N*benchBatch)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/change")
	checkApplied(b, st, b.N)
}

// cpuClock measures the process's CPU (user+system) over the timed part:
// wall time per delivery depends on the fsync and on what else the
// machine runs, CPU per delivery much less. It also counts the pages the
// writer put into the WAL (walpages/change), which does not depend on the
// machine at all: each page is a WAL frame of a commit, two pwrite calls,
// its share of the fsync and a copy by the checkpoint.
type cpuClock struct {
	st    *store.Store
	start time.Duration
	pages int64
}

func startCPU(b *testing.B, st *store.Store) cpuClock {
	pages := walPages(b, st)
	b.ResetTimer()
	return cpuClock{st, processCPU(b), pages}
}

// stop stops the timer and reports CPU µs and WAL pages per change (n
// changes).
func (c cpuClock) stop(b *testing.B, n int) {
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-c.start).Microseconds())/float64(n), "cpu-µs/change")
	b.ReportMetric(float64(walPages(b, c.st)-c.pages)/float64(n), "walpages/change")
}

func walPages(b *testing.B, st *store.Store) int64 {
	n, err := st.WALPagesWritten(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return n
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchApply applies one delivery and fails the benchmark unless every
// change in it was new and applied (or, for unknown groups, kept).
func benchApply(b *testing.B, in *Ingester, ctx context.Context, body []byte) {
	res, err := in.Apply(ctx, body)
	if err != nil {
		b.Fatal(err)
	}
	if res.Outcome != store.OutcomeApplied && res.Outcome != store.OutcomeDeferred {
		b.Fatalf("outcome %s: %s", res.Outcome, res.Error)
	}
}

// checkApplied checks that the n deliveries were stored, none failed.
func checkApplied(b *testing.B, st *store.Store, n int) {
	counts, err := st.DeliveryCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if got := counts[store.OutcomeApplied] + counts[store.OutcomeDeferred]; got < n || counts[store.OutcomeFailed] > 0 {
		b.Fatalf("stored %v, want %d applied or deferred", counts, n)
	}
}

// benchStore opens a fresh on-disk store seeded like make bench's:
// benchGroups active groups, 8 members in group 1.
func benchStore(b *testing.B) (*Ingester, *store.Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	ctx := context.Background()
	if err := loadgen.Fill(ctx, path, loadgen.Seed{Groups: benchGroups, Participants: 8}); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return &Ingester{Store: st}, st, path
}

func outgoingID(m int) string { return "wamid.out." + strconv.Itoa(m) }

// seedOutgoing stores the sent messages n statuses report on (8 per
// message, one per member of group 1), in one transaction beside the
// store: it is set-up, not what is measured.
func seedOutgoing(b *testing.B, _ *store.Store, path string, n int) {
	seedSQL(b, path, `INSERT INTO messages (group_id, direction, wamid, kind, body, state, created_at, sent_at)
		VALUES (1, 'out', ?, 'text', 'Seeded', 'sent', 1, 1)`, n/8+1, func(m int) []any { return []any{outgoingID(m)} })
}

// seedMembers has the people of n participant_remove changes join first,
// through ingest in batches.
func seedMembers(b *testing.B, st *store.Store, _ string, n int) {
	in := &Ingester{Store: st}
	for from := 0; from < n; from += benchBatch {
		var changes [][]byte
		for i := from; i < min(n, from+benchBatch); i++ {
			changes = append(changes, joined(benchGroup(i), strconv.Itoa(15560000000+i), 1000+i))
		}
		benchApply(b, in, context.Background(), batch(b, changes))
	}
}

func seedSQL(b *testing.B, path, q string, n int, args func(int) []any) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.Prepare(q)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := st.Exec(args(i)...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// batch joins single-change deliveries into one delivery with all their
// changes, in order, the way Meta batches them.
func batch(b *testing.B, bodies [][]byte) []byte {
	type envelope struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      string            `json:"id"`
			Changes []json.RawMessage `json:"changes"`
		} `json:"entry"`
	}
	var out envelope
	for _, body := range bodies {
		var e envelope
		if err := json.Unmarshal(body, &e); err != nil {
			b.Fatal(err)
		}
		if out.Entry == nil {
			out = e
			continue
		}
		out.Entry[0].Changes = append(out.Entry[0].Changes, e.Entry[0].Changes...)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}
