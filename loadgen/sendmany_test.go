package loadgen

import (
	"testing"
	"time"
)

func TestSendResultWindowAndRate(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var r SendResult
	// 10 sends 100 ms apart, then 3 within 50 ms, a second later.
	for i := 0; i < 10; i++ {
		r.At = append(r.At, t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	for i := 0; i < 3; i++ {
		r.At = append(r.At, t0.Add(2*time.Second+time.Duration(i)*25*time.Millisecond))
	}
	if got := r.MaxInWindow(time.Second); got != 10 {
		t.Errorf("max in 1 s: %d, want 10", got)
	}
	if got := r.MaxInWindow(100 * time.Millisecond); got != 3 {
		t.Errorf("max in 100 ms: %d, want 3", got)
	}
	if got := r.Rate(10); got < 9.99 || got > 10.01 {
		t.Errorf("rate over the first 10: %.2f, want 10/s", got)
	}
	if got := r.Rate(1); got != 0 {
		t.Errorf("rate of one send: %v", got)
	}
}
