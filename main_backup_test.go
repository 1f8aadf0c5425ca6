package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/hooks"
	"groupdeck/ingest"
	"groupdeck/store"
)

func hookPayload(field, value string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":%q,
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},%s}}]}]}`, field, value))
}

// TestBackupUnderLoadRestoresConsistentCopy backs up a database while
// webhook deliveries keep arriving, each storing a message and its
// outgoing-webhook event in one transaction. The restored copy passes
// the integrity check and holds every message with its event: no
// transaction is half in the copy.
func TestBackupUnderLoadRestoresConsistentCopy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	subs := &hooks.Subs{}
	in := &ingest.Ingester{Store: st, Hooks: subs}
	e := &store.HookEndpoint{URL: "https://crm.example/hook", Secret: "k", Events: []string{hooks.MessageReceived}, Enabled: true}
	if _, err := st.WithTx(ctx, func(t *store.Tx) error { return t.CreateHookEndpoint(e) }); err != nil {
		t.Fatal(err)
	}
	if err := subs.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	g := &store.Group{Subject: "S", JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := in.GroupRequested(ctx, g.ID, "R1"); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Apply(ctx, hookPayload("group_lifecycle_update", `"groups":[{"timestamp":"100","group_id":"G1",
		"type":"group_create","request_id":"R1","subject":"S","join_approval_mode":"auto_approve"}]`)); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var sent atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := hookPayload("messages", fmt.Sprintf(`"contacts":[{"profile":{"name":"A"},"wa_id":"31600"}],
					"messages":[{"from":"31600","group_id":"G1","id":"wamid.%d.%d","timestamp":"200","type":"text","text":{"body":"hi"}}]`, w, i))
				if _, err := in.Apply(ctx, body); err != nil {
					t.Error(err)
					return
				}
				sent.Add(1)
			}
		}()
	}
	for sent.Load() < 50 {
		testPause()
	}
	backup := filepath.Join(dir, "copy.db")
	var out bytes.Buffer
	err = run(ctx, []string{"backup", "-db", db, "-to", backup}, noEnv, &out, os.Stderr)
	for sent.Load() < 100 { // keep writing after the copy too
		testPause()
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v, want mode 0600", fi.Mode(), err)
	}
	if !strings.Contains(out.String(), "checked") {
		t.Errorf("backup said %q", out.String())
	}
	if err := run(ctx, []string{"backup", "-db", db, "-to", backup}, noEnv, &out, os.Stderr); err == nil {
		t.Error("backup overwrote an existing file")
	}

	// The live database is open: restore must refuse to replace it.
	if err := run(ctx, []string{"restore", "-db", db, "-from", backup}, noEnv, &out, os.Stderr); !errors.Is(err, store.ErrInUse) {
		t.Errorf("restore over a database in use: err = %v, want ErrInUse", err)
	}
	restored := filepath.Join(dir, "restored.db")
	old, err := store.Open(ctx, restored) // an older database, stopped
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	out.Reset()
	if err := run(ctx, []string{"restore", "-db", restored, "-from", backup}, noEnv, &out, os.Stderr); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), ".before-restore-") {
		t.Errorf("restore did not say where the replaced database went: %q", out.String())
	}

	rst, err := store.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	rst.Close()
	cdb, err := sql.Open("sqlite", "file:"+restored)
	if err != nil {
		t.Fatal(err)
	}
	defer cdb.Close()
	var msgs, events, deliveries int64
	if err := cdb.QueryRow(`SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),
		(SELECT count(*) FROM hook_events WHERE kind = 'message.received'),
		(SELECT count(*) FROM hook_deliveries)`).Scan(&msgs, &events, &deliveries); err != nil {
		t.Fatal(err)
	}
	if msgs < 50 || msgs >= sent.Load() {
		t.Errorf("copy has %d messages; want those of the moment of the backup (50 ≤ n < %d)", msgs, sent.Load())
	}
	if events != msgs || deliveries != msgs {
		t.Errorf("copy has %d messages, %d events, %d deliveries: a transaction was split", msgs, events, deliveries)
	}
}

// TestRestoreRefusesBadCopies checks what restore checks.
func TestRestoreRefusesBadCopies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("this is not a database, but it is long enough to be read as one maybe"), 0o600)
	target := filepath.Join(dir, "t.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"restore", "-db", target, "-from", junk}, noEnv, &out, os.Stderr); err == nil {
		t.Error("restored a file that is not a database")
	}
	empty := filepath.Join(dir, "empty.db")
	e, _ := sql.Open("sqlite", "file:"+empty)
	e.Exec(`CREATE TABLE x (a)`)
	e.Close()
	if err := run(ctx, []string{"restore", "-db", target, "-from", empty}, noEnv, &out, os.Stderr); err == nil ||
		!strings.Contains(err.Error(), "not a groupdeck database") {
		t.Errorf("restored a database that is not groupdeck's: %v", err)
	}
	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	n, _ := sql.Open("sqlite", "file:"+newer)
	n.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES ('migrations/9999_future.sql', 0)`)
	n.Close()
	if err := run(ctx, []string{"restore", "-db", target, "-from", newer}, noEnv, &out, os.Stderr); err == nil ||
		!strings.Contains(err.Error(), "newer groupdeck") {
		t.Errorf("restored a database from a newer version: %v", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused restore left %s behind", target)
	}
}

func noEnv(string) string { return "" }

func testPause() { time.Sleep(time.Millisecond) }
