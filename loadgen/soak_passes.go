package loadgen

import (
	"bufio"
	"encoding/json"
	"strings"
	"time"
)

// Pass is one run of the server's pruning, from its JSON log line
// (GROUPDECK_LOG_FORMAT=json, GROUPDECK_LOG_LEVEL=info): it ended at End
// after Took, and held the writer at most LongestHold at a time.
type Pass struct {
	What              string // "webhook retention" or "activity retention"
	End               time.Time
	Took, LongestHold time.Duration
}

// Passes reads the pruning runs the server logged.
func (s *Server) Passes() []Pass {
	var out []Pass
	sc := bufio.NewScanner(strings.NewReader(s.Logs()))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var l struct {
			Time        time.Time     `json:"time"`
			Msg         string        `json:"msg"`
			Took        time.Duration `json:"took"`
			LongestHold time.Duration `json:"longest_hold"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || !strings.HasSuffix(l.Msg, " retention") {
			continue
		}
		out = append(out, Pass{l.Msg, l.Time, l.Took, l.LongestHold})
	}
	return out
}
