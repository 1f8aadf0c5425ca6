package loadgen

import (
	"testing"
	"time"
)

func TestSummarizeMedianAndMax(t *testing.T) {
	// One high reading (the collector about to run) must not move the
	// window's median, only its maximum.
	gs := []Gauges{{RSS: 70, WAL: 3}, {RSS: 90, WAL: 1}, {RSS: 71, WAL: 2}, {RSS: 72, WAL: 9}, {RSS: 69, WAL: 4}}
	med, mx := summarize(gs)
	if med.RSS != 71 || mx.RSS != 90 || med.WAL != 3 || mx.WAL != 9 {
		t.Errorf("median %+v, max %+v", med, mx)
	}
	if med, mx := summarize(nil); med != (Gauges{}) || mx != (Gauges{}) {
		t.Errorf("no probes: %+v %+v", med, mx)
	}
}

func TestAckStatsWorstSecond(t *testing.T) {
	var as []soakAck
	for i := range 3000 {
		took := time.Millisecond
		if i >= 1000 && i < 1030 { // 3 % slow, all in the second second
			took = 40 * time.Millisecond
		}
		as = append(as, soakAck{at: time.Duration(i) * time.Millisecond, took: took, ok: true})
	}
	n, p99, worst, at := ackStats(as)
	if n != 3000 || p99 != time.Millisecond {
		t.Errorf("n %d p99 %s: want 3000 and 1ms (1 %% slow overall)", n, p99)
	}
	if worst != 40*time.Millisecond || at != time.Second {
		t.Errorf("worst second %s at %s, want 40ms at 1s", worst, at)
	}
}

func TestMixedBodyRetryIsTheSameBody(t *testing.T) {
	for n := int64(18); n < 200; n += 20 {
		if string(MixedBody("r", n, 50)) != string(MixedBody("r", n-18, 50)) {
			t.Errorf("delivery %d is not a retry of %d", n, n-18)
		}
	}
}
