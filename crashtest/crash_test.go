// Package crashtest kills a real groupdeck process with SIGKILL while it
// is taking webhook load, restarts it, and checks the promise behind the
// 200: every acknowledged delivery is stored and applied exactly once.
package crashtest

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"groupdeck/loadgen"
)

const (
	secret = "sandbox-app-secret" // what a sandbox-mode server verifies with
	groups = 40
)

// buildBinary compiles groupdeck once for this test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "groupdeck")
	cmd := exec.Command("go", "build", "-o", bin, "groupdeck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// rounds is how many kill -9 cycles run: a few by default, more with
// GROUPDECK_CRASH_ROUNDS for a long soak.
func rounds() int {
	if n, err := strconv.Atoi(os.Getenv("GROUPDECK_CRASH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 5
}

type round struct {
	run   string
	sent  int64
	acked map[int64]bool
}

func TestKillNineUnderWebhookLoad(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	if err := loadgen.Fill(ctx, db, loadgen.Seed{Groups: groups}); err != nil {
		t.Fatal(err)
	}
	var done []round
	for i := 0; i < rounds(); i++ {
		srv, err := loadgen.Start(ctx, bin, db)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		r := round{run: "crash" + strconv.Itoa(i), acked: map[int64]bool{}}
		var mu sync.Mutex
		p := loadgen.NewPoster(srv.URL, secret, 16)
		lctx, cancel := context.WithCancel(ctx)
		res := make(chan loadgen.IngestResult, 1)
		go func() {
			res <- loadgen.Ingest(lctx, p, r.run, groups, 16, time.Minute, func(n int64) {
				mu.Lock()
				r.acked[n] = true
				mu.Unlock()
			})
		}()
		// Wait for the load to flow (a busy machine can take seconds to
		// answer the first delivery), then kill at a random moment, so the
		// kill lands anywhere in a commit.
		for wait := time.Now().Add(30 * time.Second); time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := len(r.acked)
			mu.Unlock()
			if n > 0 {
				break
			}
		}
		time.Sleep(time.Duration(rand.IntN(1200)) * time.Millisecond)
		srv.Kill()
		cancel()
		ir := <-res
		p.Close()
		r.sent = ir.Sent
		mu.Lock()
		t.Logf("round %d: %d sent, %d acknowledged before kill -9", i, ir.Sent, len(r.acked))
		if len(r.acked) == 0 {
			t.Fatalf("round %d: no delivery acknowledged; server log:\n%s", i, srv.Logs())
		}
		mu.Unlock()
		done = append(done, r)
	}

	// Meta retries what it got no 200 for, and sometimes what it did:
	// send every unacknowledged delivery again, and a sample of the
	// acknowledged ones.
	srv, err := loadgen.Start(ctx, bin, db)
	if err != nil {
		t.Fatal(err)
	}
	resend(t, srv.URL, done)
	srv.Stop()
	check(t, db, done)
}

func resend(t *testing.T, url string, done []round) {
	t.Helper()
	p := loadgen.NewPoster(url, secret, 8)
	defer p.Close()
	jobs := make(chan []byte)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range jobs {
				if st, err := p.Post(context.Background(), body); err != nil || st != 200 {
					t.Errorf("resend: %d %v", st, err)
				}
			}
		}()
	}
	for _, r := range done {
		sample := 0
		for n := int64(1); n <= r.sent; n++ {
			if r.acked[n] {
				if sample++; sample > 50 {
					continue
				}
			}
			jobs <- loadgen.IngestBody(r.run, n, groups)
		}
	}
	close(jobs)
	wg.Wait()
}

// check verifies in the database that every acknowledged delivery was
// stored and applied, and that no delivery was applied twice.
func check(t *testing.T, path string, done []round) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var sent int64
	for _, r := range done {
		sent += r.sent
		for n := range r.acked {
			wamid := loadgen.MessageID(r.run, n)
			var rows int
			var stored bool
			var outcome string
			if err := db.QueryRow(`SELECT count(*) FROM messages WHERE wamid = ?`, wamid).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			err := db.QueryRow(`SELECT d.outcome, instr(d.body, ?) > 0
				FROM webhook_events e JOIN webhook_deliveries d ON d.id = e.delivery_id WHERE e.dedup_key = ?`,
				`"`+wamid+`"`, "m:"+wamid).Scan(&outcome, &stored)
			if err != nil || rows != 1 || outcome != "applied" || !stored {
				t.Errorf("acknowledged %s: %d message rows, applying delivery outcome %q, body stored %v (%v)",
					wamid, rows, outcome, stored, err)
			}
		}
	}
	// One change per delivery: each delivery applied exactly once means
	// as many "applied" deliveries as load messages, and one per wamid.
	var applied, msgs, dupWamids int
	db.QueryRow(`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'applied'`).Scan(&applied)
	db.QueryRow(`SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.lg.%'`).Scan(&msgs)
	db.QueryRow(`SELECT count(*) FROM (SELECT wamid FROM messages GROUP BY wamid HAVING count(*) > 1)`).Scan(&dupWamids)
	if applied != msgs || dupWamids != 0 || int64(msgs) != sent {
		t.Errorf("applied deliveries %d, load messages %d (want both = %d sent), wamids stored twice %d", applied, msgs, sent, dupWamids)
	}
	var failed int
	db.QueryRow(`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed'`).Scan(&failed)
	if failed != 0 {
		t.Errorf("%d deliveries failed to apply", failed)
	}
}
