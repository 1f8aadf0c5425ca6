package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// KillNineResult is what rounds of kill -9 under webhook load left.
type KillNineResult struct {
	Rounds int
	Acked  int   // deliveries answered 200 before a kill
	Lost   int   // acknowledged, yet no message stored
	Twice  int64 // wamids stored more than once
}

// KillNine runs the promise behind the 200 for the bench (crashtest
// checks it in more detail): rounds of single-change message deliveries
// at concurrency 16, each ended by SIGKILL at a random moment; then, as
// Meta would, every delivery that got no 200 is sent again, with a
// sample of those that did; then each acknowledged delivery must be
// stored exactly once.
func KillNine(ctx context.Context, bin, db string, rounds int) (KillNineResult, error) {
	const groups = 40
	res := KillNineResult{Rounds: rounds}
	if err := Fill(ctx, db, Seed{Groups: groups}); err != nil {
		return res, err
	}
	type round struct {
		run   string
		sent  int64
		acked map[int64]bool
	}
	var done []round
	for i := 0; i < rounds; i++ {
		srv, err := Start(ctx, bin, db)
		if err != nil {
			return res, err
		}
		r := round{run: "kill" + strconv.Itoa(i), acked: map[int64]bool{}}
		var mu sync.Mutex
		p := NewPoster(srv.URL, "sandbox-app-secret", 16)
		lctx, cancel := context.WithCancel(ctx)
		out := make(chan IngestResult, 1)
		go func() {
			out <- Ingest(lctx, p, r.run, groups, 16, time.Minute, func(n int64) { mu.Lock(); r.acked[n] = true; mu.Unlock() })
		}()
		for wait := time.Now().Add(30 * time.Second); time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := len(r.acked)
			mu.Unlock()
			if n > 0 {
				break
			}
		}
		time.Sleep(time.Duration(200+rand.IntN(1000)) * time.Millisecond)
		srv.Kill()
		cancel()
		r.sent = (<-out).Sent
		p.Close()
		mu.Lock()
		res.Acked += len(r.acked)
		mu.Unlock()
		done = append(done, r)
	}
	srv, err := Start(ctx, bin, db)
	if err != nil {
		return res, err
	}
	p := NewPoster(srv.URL, "sandbox-app-secret", 8)
	for _, r := range done {
		sample := 0
		for n := int64(1); n <= r.sent; n++ {
			if r.acked[n] {
				if sample++; sample > 50 {
					continue
				}
			}
			if st, err := p.Post(ctx, IngestBody(r.run, n, groups)); err != nil || st != 200 {
				srv.Kill()
				return res, fmt.Errorf("loadgen: kill -9: a retried delivery got %d %v", st, err)
			}
		}
	}
	p.Close()
	srv.Stop()
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)")
	if err != nil {
		return res, err
	}
	defer r.Close()
	for _, rd := range done {
		for n := range rd.acked {
			var c int
			if err := r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE wamid = ?`, MessageID(rd.run, n)).Scan(&c); err != nil {
				return res, err
			}
			if c == 0 {
				res.Lost++
			}
		}
	}
	err = r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT wamid FROM messages WHERE wamid IS NOT NULL GROUP BY wamid HAVING count(*) > 1)`).Scan(&res.Twice)
	return res, err
}
