package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"groupdeck/whatsapp"
)

// TestSimCommand runs `groupdeck sim` on a free port, creates a group
// through the client and expects the signed group_create webhook at a test
// receiver; the switches given as flags show up in /_sim/config.
func TestSimCommand(t *testing.T) {
	got := make(chan *whatsapp.Payload, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := whatsapp.VerifySignature("cli-secret", body, r.Header.Get(whatsapp.SignatureHeader)); err != nil {
			t.Errorf("signature: %v", err)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		p, err := whatsapp.ParseWebhook(body)
		if err != nil {
			t.Errorf("parse: %v", err)
			return
		}
		got <- p
	}))
	defer hook.Close()

	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	state := filepath.Join(t.TempDir(), "sim.json")
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"sim", "-addr", "127.0.0.1:0", "-webhook-url", hook.URL, "-app-secret", "cli-secret",
			"-token", "cli-token", "-phone-number-id", "100000000000077", "-webhook-delay", "0",
			"-duplicate", "-manual-read", "-state", state, "-group-cap", "3", "-ops-per-window", "50", "-deliver-delay", "20ms"},
			func(string) string { return "" }, pw, io.Discard)
		pw.Close()
	}()
	listening := regexp.MustCompile(`listening on (http://\S+/v26\.0)`)
	var base string
	sc := bufio.NewScanner(pr)
	for base == "" && sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("simulator never listened: %v", <-errc)
	}

	c := whatsapp.New(base, "100000000000077", "cli-token")
	reqID, err := c.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: "From the CLI"})
	if err != nil {
		t.Fatal(err)
	}
	// -duplicate: the same outcome arrives twice.
	for i := range 2 {
		select {
		case p := <-got:
			ev := p.Entry[0].Changes[0].Value.Groups[0]
			if ev.Type != whatsapp.EventGroupCreate || ev.RequestID != reqID || ev.InviteLink == "" ||
				p.Entry[0].Changes[0].Value.Metadata.PhoneNumberID != "100000000000077" {
				t.Errorf("delivery %d: %+v", i, ev)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no webhook %d", i)
		}
	}
	if _, err := whatsapp.New(base, "100000000000077", "wrong").ListGroups(ctx, whatsapp.ListGroupsOptions{}); err == nil {
		t.Error("a wrong token was accepted")
	}

	res, err := http.Get(base + "/_sim/config")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	err = json.NewDecoder(res.Body).Decode(&cfg)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"duplicate_delivery": true, "auto_read": false, "group_cap": 3.0,
		"ops_per_window": 50.0, "deliver_delay_ms": 20.0, "webhook_delay_ms": 0.0, "reorder": false} {
		if cfg[k] != want {
			t.Errorf("/_sim/config %s = %v, want %v", k, cfg[k], want)
		}
	}

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("stop: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("simulator did not stop")
	}
	// -state: the world is written at the end, for the next run.
	if b, err := os.ReadFile(state); err != nil || !bytes.Contains(b, []byte("From the CLI")) {
		t.Errorf("state file: %v %.200s", err, b)
	}
}

func TestSimCommandNeedsWebhookURL(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"sim", "-addr", "127.0.0.1:0"}, func(string) string { return "" }, &out, &out)
	if err == nil {
		t.Fatal("sim without -webhook-url started")
	}
}
