package store

import "testing"

// The writer limits the WAL file: without journal_size_limit it stays at
// the largest size it ever reached (see Open).
func TestWriterLimitsTheWALFile(t *testing.T) {
	s := mustOpen(t)
	var limit int64
	if err := s.w.QueryRowContext(t.Context(), `PRAGMA journal_size_limit`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if want := int64(writerAutoCheckpoint * 4096); limit != want {
		t.Errorf("journal_size_limit %d, want %d (the fallback checkpoint's bound)", limit, want)
	}
}
