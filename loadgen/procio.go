package loadgen

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcIO is what the kernel counted of a process's I/O (/proc/<pid>/io)
// and its CPU split: read calls are mostly SQLite page-cache misses (one
// pread per page), written bytes its WAL frames and the checkpoint's
// copies, so on a growing database they show where the extra work goes.
type ProcIO struct {
	ReadCalls, ReadBytes   int64 // syscr, rchar: reads, served by the OS cache or the disk
	WriteCalls, WriteBytes int64 // syscw, wchar
	UserTicks, SysTicks    int64 // clock ticks (1/100 s) of user and system CPU
}

// IO reads the server's I/O counters and CPU split.
func (s *Server) IO() (ProcIO, error) {
	var p ProcIO
	pid := strconv.Itoa(s.cmd.Process.Pid)
	b, err := os.ReadFile("/proc/" + pid + "/io")
	if err != nil {
		return p, fmt.Errorf("loadgen: io: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch k {
		case "syscr":
			p.ReadCalls = n
		case "rchar":
			p.ReadBytes = n
		case "syscw":
			p.WriteCalls = n
		case "wchar":
			p.WriteBytes = n
		}
	}
	st, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return p, fmt.Errorf("loadgen: io: %w", err)
	}
	f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:]))
	if len(f) >= 13 {
		p.UserTicks, _ = strconv.ParseInt(f[11], 10, 64)
		p.SysTicks, _ = strconv.ParseInt(f[12], 10, 64)
	}
	return p, nil
}

// Sub is the I/O from a to b.
func (b ProcIO) Sub(a ProcIO) ProcIO {
	return ProcIO{b.ReadCalls - a.ReadCalls, b.ReadBytes - a.ReadBytes, b.WriteCalls - a.WriteCalls,
		b.WriteBytes - a.WriteBytes, b.UserTicks - a.UserTicks, b.SysTicks - a.SysTicks}
}

// Add sums two measurements.
func (b ProcIO) Add(a ProcIO) ProcIO {
	return ProcIO{b.ReadCalls + a.ReadCalls, b.ReadBytes + a.ReadBytes, b.WriteCalls + a.WriteCalls,
		b.WriteBytes + a.WriteBytes, b.UserTicks + a.UserTicks, b.SysTicks + a.SysTicks}
}

// Per describes the I/O d per delivery (n deliveries).
func (d ProcIO) Per(n int64) string {
	if n <= 0 {
		return "no deliveries"
	}
	f := float64(n)
	return fmt.Sprintf("%.1f reads (%.1f KB), %.1f writes (%.1f KB), user %.0f µs + system %.0f µs per delivery",
		float64(d.ReadCalls)/f, float64(d.ReadBytes)/f/1024, float64(d.WriteCalls)/f, float64(d.WriteBytes)/f/1024,
		float64(d.UserTicks)*1e4/f, float64(d.SysTicks)*1e4/f)
}
