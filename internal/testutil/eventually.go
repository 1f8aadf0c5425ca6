// Package testutil holds helpers shared by tests of several packages.
package testutil

import (
	"testing"
	"time"
)

// Eventually calls cond until it returns nil or timeout passes, then fails
// the test with cond's last error. It is for code that does real I/O
// (SQLite, HTTP), where testing/synctest cannot tell when work is done;
// code that only uses timers and goroutines should use synctest instead.
// cond runs on the test's goroutine, so it may call t.Fatal.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
