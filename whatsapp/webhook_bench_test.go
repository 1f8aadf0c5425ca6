package whatsapp_test

import (
	"strconv"
	"testing"

	"groupdeck/loadgen"
	"groupdeck/whatsapp"
)

// Parse benchmarks, one per shape of delivery the load generator posts
// (go test -run '^$' -bench Parse -benchmem ./whatsapp/). Parsing runs
// on the request goroutine of every delivery, so its ns/op and
// allocs/op are server CPU per delivery.
func BenchmarkParseWebhook(b *testing.B) {
	const g = "lg-group-7"
	statuses := make([]loadgen.Change, 1000)
	for i := range statuses {
		p := strconv.Itoa(15560000000 + i%8)
		statuses[i] = loadgen.StatusChange(g, "wamid.out.7."+strconv.Itoa(i/16), p, "read", "", 1744345060+int64(i))
	}
	shapes := []struct {
		name string
		body []byte
	}{
		{"status_delivered", loadgen.Delivery(loadgen.StatusChange(g, "wamid.out.7.3", "15560000113", "delivered", "", 1744345060))},
		{"status_read_contacts", loadgen.Delivery(loadgen.StatusChange(g, "wamid.out.7.3", "15560000113", "read", "Member 3", 1744345060))},
		{"inbound_message", loadgen.Message(g, "wamid.lg.run.1", "15559000001", "Load 1", "load test message 1")},
		{"participant_add", loadgen.ParticipantsAdd(g, "15570000001", 1744345060)},
		{"participant_remove", loadgen.ParticipantsRemove(g, "15570000001", 1744345060)},
		{"join_request", loadgen.Delivery(loadgen.JoinRequestChange(g, "lgjr-1", "15580000001", 1744345060))},
		{"batch_1000_statuses", loadgen.Delivery(statuses...)},
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := whatsapp.ParseWebhook(s.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
