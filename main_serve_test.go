package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeHealthAndGracefulStop starts the real command, checks /healthz
// and that cancelling (what SIGINT/SIGTERM do) returns cleanly.
func TestServeHealthAndGracefulStop(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", db}, func(string) string { return "" }, pw, io.Discard)
		pw.Close()
	}()
	ready := regexp.MustCompile(`ready at (http://\S+)`)
	setup := regexp.MustCompile(`/setup\?token=\S+`)
	var url string
	var sawSetup bool
	sc := bufio.NewScanner(pr)
	for url == "" && sc.Scan() {
		sawSetup = sawSetup || setup.MatchString(sc.Text())
		if m := ready.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatalf("never ready: %v", <-errc)
	}
	if !sawSetup {
		t.Error("no one-time setup link printed for an empty database")
	}
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("graceful stop: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	env := func(k string) string {
		if k == "GROUPDECK_PASSWORD" {
			return "a long enough password"
		}
		return ""
	}
	var out strings.Builder
	ctx := context.Background()
	if err := run(ctx, []string{"user", "add", "-db", db, "-email", "ann@example.com", "-role", "viewer"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"user", "add", "-db", db, "-email", "ann@example.com"}, env, &out, io.Discard); err == nil {
		t.Error("the same e-mail was added twice")
	}
	if err := run(ctx, []string{"user", "add", "-db", db, "-email", "bob@example.com", "-role", "owner"}, env, &out, io.Discard); err == nil || !strings.Contains(err.Error(), "-role") {
		t.Errorf("bad role: %v", err)
	}
	if err := run(ctx, []string{"user", "passwd", "-db", db, "-email", "ann@example.com"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"user", "passwd", "-db", db, "-email", "nobody@example.com"}, env, &out, io.Discard); err == nil {
		t.Error("changed the password of a missing user")
	}
	short := func(k string) string {
		if k == "GROUPDECK_PASSWORD" {
			return "short"
		}
		return ""
	}
	if err := run(ctx, []string{"user", "add", "-db", db, "-email", "c@example.com"}, short, &out, io.Discard); err == nil {
		t.Error("short password accepted")
	}
	if !strings.Contains(out.String(), "Added ann@example.com as viewer") {
		t.Errorf("output %q", out.String())
	}
}
