package handlers

import "runtime/metrics"

// goMemory is the Go runtime's own view of its memory, for
// /healthz?detail=1: a reader comparing it with the process's resident
// memory can tell Go's heap from what lives outside it (SQLite's page
// caches and modernc's C allocator). Read from runtime/metrics, which
// does not stop the world as runtime.ReadMemStats does.
func goMemory() map[string]uint64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},  // live and not yet swept
		{Name: "/gc/heap/objects:objects"},            // objects in the heap
		{Name: "/gc/heap/goal:bytes"},                 // where the next collection starts
		{Name: "/memory/classes/total:bytes"},         // everything the runtime mapped
		{Name: "/memory/classes/heap/released:bytes"}, // returned to the OS (not resident)
	}
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s[i].Value.Uint64()
	}
	return map[string]uint64{
		"heap_bytes":     v(0),
		"heap_objects":   v(1),
		"heap_goal":      v(2),
		"total_bytes":    v(3),
		"released_bytes": v(4),
	}
}
