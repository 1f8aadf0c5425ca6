package campaigns

import (
	"time"
)

// Bucket is one bar of a joins-and-leaves chart.
type Bucket struct {
	Start  time.Time
	Label  string // short, for the axis
	Long   string // full, for the data table
	Joins  int
	Leaves int
}

// Series is a chart's buckets, oldest first.
type Series struct {
	By      string // "day" or "hour"
	Buckets []Bucket
}

// Totals sums the series.
func (s Series) Totals() (joins, leaves int) {
	for _, b := range s.Buckets {
		joins += b.Joins
		leaves += b.Leaves
	}
	return joins, leaves
}

// Max is the tallest bar.
func (s Series) Max() int {
	m := 0
	for _, b := range s.Buckets {
		m = max(m, b.Joins, b.Leaves)
	}
	return m
}

// Chart ranges: 14 days by day, 48 hours by hour.
const (
	DayBuckets  = 14
	HourBuckets = 48
)

// Event is one join or leave time (Unix ms); zero means none.
type Event struct {
	JoinedAt int64
	LeftAt   int64
}

// Bucketize counts joins and leaves per day or hour (UTC) up to now.
func Bucketize(events []Event, by string, now time.Time) Series {
	now = now.UTC()
	step, n := 24*time.Hour, DayBuckets
	last := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if by == "hour" {
		step, n = time.Hour, HourBuckets
		last = now.Truncate(time.Hour)
	} else {
		by = "day"
	}
	first := last.Add(-time.Duration(n-1) * step)
	s := Series{By: by, Buckets: make([]Bucket, n)}
	for i := range s.Buckets {
		t := first.Add(time.Duration(i) * step)
		b := &s.Buckets[i]
		b.Start = t
		if by == "hour" {
			b.Label, b.Long = t.Format("15h"), t.Format("2 Jan 15:00 UTC")
		} else {
			b.Label, b.Long = t.Format("2 Jan"), t.Format("Mon 2 Jan 2006")
		}
	}
	idx := func(ms int64) int {
		if ms <= 0 {
			return -1
		}
		d := time.UnixMilli(ms).UTC().Sub(first)
		if d < 0 {
			return -1
		}
		i := int(d / step)
		if i >= n {
			return -1
		}
		return i
	}
	for _, e := range events {
		if i := idx(e.JoinedAt); i >= 0 {
			s.Buckets[i].Joins++
		}
		if i := idx(e.LeftAt); i >= 0 {
			s.Buckets[i].Leaves++
		}
	}
	return s
}
