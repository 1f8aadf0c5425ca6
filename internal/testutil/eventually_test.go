package testutil

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestEventuallyReturnsOnceCondHolds(t *testing.T) {
	calls := 0
	Eventually(t, time.Second, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if calls != 3 {
		t.Fatalf("cond called %d times, want 3", calls)
	}
}

// fatalTB records Fatalf instead of stopping the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func TestEventuallyFailsWithTheLastError(t *testing.T) {
	f := &fatalTB{TB: t}
	defer func() {
		if r := recover(); r != f || !strings.Contains(f.msg, "never") {
			t.Fatalf("Eventually did not fail the test: %v", r)
		}
	}()
	Eventually(f, 20*time.Millisecond, func() error { return errors.New("never") })
	t.Fatal("Eventually returned though cond never held")
}
