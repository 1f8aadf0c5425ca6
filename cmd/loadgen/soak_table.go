package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"groupdeck/loadgen"
)

// retained are the tables retention governs: raw deliveries, their
// de-duplication keys, and changes waiting for a group. Messages,
// receipts and feed lines are content, under the message and activity
// retention; the rest (people, participants, their history) is bounded
// by the deployment's community, not by time.
var retained = map[string]bool{"webhook_deliveries": true, "webhook_events": true, "deferred_events": true}
var content = map[string]bool{"messages": true, "receipts": true, "activity": true}

func mb(v int64) string { return fmt.Sprintf("%.0f MB", float64(v)/1e6) }

// tableGroups sums a sample's per-table sizes into retention-governed,
// content and the rest.
func tableGroups(s loadgen.SoakSample) (gov, cont, rest int64) {
	for name, b := range s.Tables {
		switch {
		case retained[name]:
			gov += b
		case content[name]:
			cont += b
		default:
			rest += b
		}
	}
	return
}

// describeSample is one window's line in the log.
func describeSample(s loadgen.SoakSample) string {
	what := "window"
	if s.Warmup {
		what = "warm-up"
	}
	m, x := s.Median, s.Max
	line := fmt.Sprintf("%s to %s: %d acked, %d lost, p99 %s (worst second %s at %s); median (max) of %d probes: RSS %s (%s), Go heap %s (%s), Go total %s, %d (%d) goroutines, %d (%d) open files, database %s + WAL %s (max %s), %s of it free",
		what, s.At, s.Acked, s.Lost, ms(s.P99), ms(s.WorstSecond), s.WorstAt, s.Probes, mb(m.RSS), mb(x.RSS), mb(m.GoHeap), mb(x.GoHeap), mb(m.GoTotal),
		m.Goroutines, x.Goroutines, m.OpenFiles, x.OpenFiles, mb(m.DBFile), mb(m.WAL), mb(x.WAL), mb(m.FreeBytes))
	if len(s.Tables) > 0 {
		gov, cont, rest := tableGroups(s)
		names := make([]string, 0, len(s.Tables))
		for n := range s.Tables {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return s.Tables[names[i]] > s.Tables[names[j]] })
		var top []string
		for _, n := range names[:min(8, len(names))] {
			top = append(top, n+" "+mb(s.Tables[n]))
		}
		line += fmt.Sprintf("; tables (measured %s): retention-governed %s, content %s, other %s — %s",
			s.TablesMeasured, mb(gov), mb(cont), mb(rest), strings.Join(top, ", "))
	}
	return line
}

// soakTable adds the rows: each gauge's median in the first
// window against the last, within ±10 %, and the deliveries.
func soakTable(o options, t *table, samples []loadgen.SoakSample, every time.Duration) error {
	var measured []loadgen.SoakSample
	var acked, lost int64
	for _, s := range samples {
		acked, lost = acked+s.Acked, lost+s.Lost
		if !s.Warmup {
			measured = append(measured, s)
		}
	}
	if len(measured) < 2 {
		return fmt.Errorf("soak: %d windows, need two (is -soak-duration too short?)", len(measured))
	}
	first, last := measured[0], measured[len(measured)-1]
	if first.Median.Goroutines == 0 || last.Median.Goroutines == 0 {
		return fmt.Errorf("soak: could not read the goroutine count from /healthz?detail=1")
	}
	span := func(s loadgen.SoakSample) string { return (s.At - o.soakFor/6).String() + "–" + s.At.String() }
	flat := func(what string, a, b int64, show func(int64) string) {
		change := 0.0
		if a != 0 {
			change = float64(b-a) / float64(a)
		}
		t.add(fmt.Sprintf("soak %s, window median: %s in %s → %s in %s", what, show(a), span(first), show(b), span(last)),
			fmt.Sprintf("%+.1f %%", 100*change), "within ±10 %", change <= 0.10 && change >= -0.10)
	}
	count := func(v int64) string { return fmt.Sprint(v) }
	flat("resident memory", first.Median.RSS, last.Median.RSS, mb)
	flat("goroutines", first.Median.Goroutines, last.Median.Goroutines, count)
	flat("open files", first.Median.OpenFiles, last.Median.OpenFiles, count)
	flat("database size (file + WAL)", first.Median.DBFile+first.Median.WAL, last.Median.DBFile+last.Median.WAL, mb)
	t.add(fmt.Sprintf("soak p99 acknowledgement, every acknowledgement of the window: %s in %s → %s in %s", ms(first.P99), span(first), ms(last.P99), span(last)),
		fmt.Sprintf("%+.1f %%", 100*float64(last.P99-first.P99)/float64(max(first.P99, 1))), "within ±10 %",
		last.P99 <= first.P99*11/10 && last.P99 >= first.P99*9/10)
	t.info("soak: Go heap (live) first → last window median", mb(first.Median.GoHeap)+" → "+mb(last.Median.GoHeap), "for reading RSS")
	t.info("soak: database file / WAL / free pages, first → last window median",
		fmt.Sprintf("%s / %s / %s → %s / %s / %s", mb(first.Median.DBFile), mb(first.Median.WAL), mb(first.Median.FreeBytes),
			mb(last.Median.DBFile), mb(last.Median.WAL), mb(last.Median.FreeBytes)), "for reading the size")
	if len(first.Tables) > 0 && len(last.Tables) > 0 {
		g1, c1, r1 := tableGroups(first)
		g2, c2, r2 := tableGroups(last)
		t.info("soak: tables retention governs / content / other, first → last window",
			fmt.Sprintf("%s / %s / %s → %s / %s / %s", mb(g1), mb(c1), mb(r1), mb(g2), mb(c2), mb(r2)), "for reading the size")
	}
	want := float64(o.soakRate) * (o.soakWarmup + o.soakFor).Seconds()
	t.add(fmt.Sprintf("soak deliveries acknowledged, warm-up included (%d streams open, pruning every %s)", o.soakStreams, every),
		fmt.Sprintf("%d (%.0f/s), %d not", acked, float64(acked)/(o.soakWarmup+o.soakFor).Seconds(), lost), fmt.Sprintf("%d/s, none lost", o.soakRate),
		lost == 0 && float64(acked) >= 0.95*want)
	return nil
}
