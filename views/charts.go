package views

import (
	"fmt"
	"strconv"

	"groupdeck/campaigns"
)

// ChartView is a joins-and-leaves chart and where to refetch it.
type ChartView struct {
	ID     string // unique on the page, e.g. "chart-all"
	Title  string // e.g. "Joins and leaves, all groups"
	Path   string // fragment URL without the by parameter, e.g. "/charts/joins?scope=all"
	LiveID string // id of the element holding the SSE connection
	Series campaigns.Series
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 640, 220
	chartTop       = 12
	chartBottom    = 28 // room for the axis labels
	chartLeft      = 28
)

type chartBar struct {
	X, JoinY, JoinH, LeaveX, LeaveY, LeaveH, W string
	LabelX                                     string
	Label                                      string
	ShowLabel                                  bool
}

func chartNum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func (v ChartView) bars() []chartBar {
	n := len(v.Series.Buckets)
	if n == 0 {
		return nil
	}
	top := max(v.Series.Max(), 1)
	plotH := float64(chartH - chartTop - chartBottom)
	slot := float64(chartW-chartLeft) / float64(n)
	w := slot * 0.38
	every := max(n/7, 1)
	out := make([]chartBar, n)
	base := float64(chartH - chartBottom)
	for i, b := range v.Series.Buckets {
		x := float64(chartLeft) + slot*float64(i) + slot*0.1
		jh := plotH * float64(b.Joins) / float64(top)
		lh := plotH * float64(b.Leaves) / float64(top)
		out[i] = chartBar{
			X: chartNum(x), W: chartNum(w), JoinY: chartNum(base - jh), JoinH: chartNum(jh),
			LeaveX: chartNum(x + w), LeaveY: chartNum(base - lh), LeaveH: chartNum(lh),
			LabelX: chartNum(x + w), Label: b.Label, ShowLabel: (n-1-i)%every == 0,
		}
	}
	return out
}

func (v ChartView) summary() string {
	j, l := v.Series.Totals()
	span := "14 days"
	if v.Series.By == "hour" {
		span = "48 hours"
	}
	return fmt.Sprintf("%s and %s in the last %s.", plural(j, "join", "joins"), plural(l, "leave", "leaves"), span)
}

func (v ChartView) peak() string { return strconv.Itoa(max(v.Series.Max(), 1)) }

func (v ChartView) url(by string) string { return v.Path + "&by=" + by }

func (v ChartView) trigger() string {
	return liveTrigger(v.LiveID, chartEvents...)
}

func chartAxis() (x1, y, x2 string) {
	return strconv.Itoa(chartLeft), strconv.Itoa(chartH - chartBottom), strconv.Itoa(chartW)
}

func chartViewBox() string { return fmt.Sprintf("0 0 %d %d", chartW, chartH) }
