package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"groupdeck/store"
)

func envelope(field, value string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":%q,
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},%s}}]}]}`, field, value))
}

func created(req, gid string) []byte {
	return envelope("group_lifecycle_update", fmt.Sprintf(`"groups":[{"timestamp":"100","group_id":%q,"type":"group_create",
		"request_id":%q,"subject":"S","invite_link":"https://chat.whatsapp.com/L","join_approval_mode":"auto_approve"}]`, gid, req))
}

func createFailed(req string) []byte {
	return envelope("group_lifecycle_update", fmt.Sprintf(`"groups":[{"timestamp":"100","type":"group_create","request_id":%q,
		"subject":"S","errors":[{"code":131211,"message":"limit","title":"t","error_data":{"details":"Max groups reached"}}]}]`, req))
}

func joined(gid, wa string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":"%d","group_id":%q,"type":"group_participants_add",
		"reason":"invite_link","added_participants":[{"wa_id":%q}]}]`, ts, gid, wa))
}

func left(gid, wa string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":%d,"group_id":%q,"type":"group_participants_remove",
		"initiated_by":"participant","removed_participants":[{"wa_id":%q}]}]`, ts, gid, wa))
}

func status(wamid, st, participant string, ts int) []byte {
	return envelope("messages", fmt.Sprintf(`"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"G1",
		"recipient_type":"group","recipient_participant_id":%q}]`, wamid, st, ts, participant))
}

func inbound(gid, wamid, wa, name, text string) []byte {
	return envelope("messages", fmt.Sprintf(`"contacts":[{"profile":{"name":%q},"wa_id":%q}],"messages":[{"from":%q,"group_id":%q,
		"id":%q,"timestamp":"200","type":"text","text":{"body":%q}}]`, name, wa, wa, gid, wamid, text))
}

type fixture struct {
	t  *testing.T
	st *store.Store
	in *Ingester
	g  *store.Group
}

func newFixture(t *testing.T) *fixture {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	g := &store.Group{Subject: "S", JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, in: &Ingester{Store: st}, g: g}
}

func (f *fixture) apply(body []byte) store.DeliveryResult {
	f.t.Helper()
	res, err := f.in.Apply(context.Background(), body)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) requested(req string) {
	if _, err := f.in.GroupRequested(context.Background(), f.g.ID, req); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) group() *store.Group {
	g, err := f.st.GroupByID(context.Background(), f.g.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return g
}

func (f *fixture) members() []string {
	ps, err := f.st.Participants(context.Background(), f.g.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	return out
}

func TestCreateInOrderAndDuplicated(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	if res := f.apply(created("r1", "G1")); res.Outcome != store.OutcomeApplied {
		t.Fatalf("first: %+v", res)
	}
	if res := f.apply(created("r1", "G1")); res.Outcome != store.OutcomeDuplicate {
		t.Fatalf("retry: %+v", res)
	}
	g := f.group()
	if g.Status != store.GroupActive || g.WaGroupID != "G1" || g.InviteLink != "https://chat.whatsapp.com/L" {
		t.Errorf("group %+v", g)
	}
}

func TestCreateWebhookBeforeRequestID(t *testing.T) {
	f := newFixture(t)
	if res := f.apply(created("r1", "G1")); res.Outcome != store.OutcomeDeferred {
		t.Fatalf("early create: %+v", res)
	}
	if f.group().Status != store.GroupCreating {
		t.Fatal("applied to no group?")
	}
	f.requested("r1")
	if g := f.group(); g.Status != store.GroupActive || g.WaGroupID != "G1" {
		t.Errorf("after request id: %+v", g)
	}
}

func TestCreateFailureShowsReason(t *testing.T) {
	f := newFixture(t)
	f.requested("r9")
	f.apply(createFailed("r9"))
	g := f.group()
	if g.Status != store.GroupFailed || g.Failure == "" {
		t.Fatalf("group %+v", g)
	}
	if want := "(131211)"; !strings.Contains(g.Failure, want) || !strings.Contains(g.Failure, "Max groups reached") {
		t.Errorf("failure %q lacks the code or details", g.Failure)
	}
}

func TestJoinBeforeCreateIsKept(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	if res := f.apply(joined("G1", "111", 150)); res.Outcome != store.OutcomeDeferred {
		t.Fatalf("join for unknown group: %+v", res)
	}
	f.apply(created("r1", "G1"))
	if m := f.members(); len(m) != 1 || m[0] != "111" {
		t.Errorf("members %v", m)
	}
	// The retried join is a duplicate now, not a second join.
	if res := f.apply(joined("G1", "111", 150)); res.Outcome != store.OutcomeDuplicate {
		t.Errorf("retried join: %+v", res)
	}
	if g := f.group(); g.ParticipantCount != 1 {
		t.Errorf("count %d", g.ParticipantCount)
	}
}

func TestLeaveBeforeJoin(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(left("G1", "111", 300))
	f.apply(joined("G1", "111", 200))
	if m := f.members(); len(m) != 0 {
		t.Errorf("the older join resurrected the member: %v", m)
	}
	f.apply(joined("G1", "111", 400))
	if m := f.members(); len(m) != 1 {
		t.Errorf("a newer join was ignored: %v", m)
	}
}

func TestStatusesBeforeSendAndReadWithoutDelivered(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	ctx := context.Background()
	m := &store.Message{GroupID: f.g.ID, Kind: "text", Body: "hi"}
	if err := f.st.QueueMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	f.apply(status("wamid.X", "read", "111", 500))      // read, no delivered, before the send response
	f.apply(status("wamid.X", "delivered", "222", 501)) // another participant
	f.apply(status("wamid.X", "delivered", "222", 501)) // duplicate
	if _, err := f.st.MessageSent(ctx, m.ID, "wamid.X"); err != nil {
		t.Fatal(err)
	}
	ms, _ := f.st.Messages(ctx, f.g.ID, 10)
	if len(ms) != 1 || ms[0].Delivered != 2 || ms[0].Read != 1 {
		t.Errorf("message receipts %+v", ms)
	}
}

func TestInboundMessageAndMalformed(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(joined("G1", "111", 150))
	f.apply(inbound("G1", "wamid.IN", "111", "Tiago <b>", "hello"))
	ms, _ := f.st.Messages(context.Background(), f.g.ID, 10)
	if len(ms) != 1 || ms[0].Body != "hello" || ms[0].SenderName != "Tiago <b>" || ms[0].Direction != "in" {
		t.Errorf("inbound %+v", ms)
	}
	res := f.apply([]byte(`{"object":"whatsapp_business_account","entry":[`))
	if res.Outcome != store.OutcomeFailed || res.Error == "" || res.ID == 0 {
		t.Errorf("malformed: %+v", res)
	}
}
