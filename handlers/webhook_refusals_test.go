package handlers

import (
	"testing"
	"time"
)

func TestRefusalCounterBatchesWithinASecond(t *testing.T) {
	var r refusalCounter
	t0 := time.Unix(1_780_000_000, 0)
	if n := r.add(t0); n != 1 {
		t.Fatalf("first refusal: write %d, want 1 at once", n)
	}
	for i := range 5 {
		if n := r.add(t0.Add(time.Duration(i+1) * 100 * time.Millisecond)); n != 0 {
			t.Fatalf("refusal %d within the second: write %d, want 0", i+2, n)
		}
	}
	if n := r.add(t0.Add(time.Second)); n != 6 {
		t.Fatalf("a second later: write %d, want the 5 held plus this one", n)
	}
}
