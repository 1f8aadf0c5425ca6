package handlers

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

func TestEventLogShowsStorage(t *testing.T) {
	ts := newTestServer(t)
	ts.deliver(joinedJSON()) // waits: the group is unknown
	admin := ts.client()
	admin.login("admin@x.test")
	_, page := admin.get("/events/log")
	for _, want := range []string{`data-testid="storage"`, `data-testid="db-size"`,
		"Changes waiting for a group (1 now)", "never appeared"} {
		if !strings.Contains(page, want) {
			t.Errorf("event log lacks %q", want)
		}
	}
	if strings.Contains(page, `data-testid="oldest-delivery">none kept<`) {
		t.Error("oldest delivery not shown though one is kept")
	}
	// Messages are kept forever unless GROUPDECK_KEEP_MESSAGES says.
	if !strings.Contains(page, `data-testid="keep-messages">forever<`) || !strings.Contains(page, `data-testid="oldest-message">none kept<`) {
		t.Error("the message retention row does not say forever, none kept")
	}
}

func TestEventLogShowsMessageRetention(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Retention.Messages = 30 * 24 * time.Hour })
	g := &store.Group{Subject: "G"}
	if err := ts.store.CreateGroup(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	m := &store.Message{GroupID: g.ID, Kind: store.KindText, Body: "hi"}
	if err := ts.store.QueueMessage(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	admin := ts.client()
	admin.login("admin@x.test")
	_, page := admin.get("/events/log")
	if !strings.Contains(page, `data-testid="keep-messages">30 days<`) {
		t.Error("the message retention is not shown as 30 days")
	}
	if strings.Contains(page, `data-testid="oldest-message">none kept<`) {
		t.Error("the oldest message is not shown though one is kept")
	}
	res, err := http.Get(ts.URL + "/healthz?detail=1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got struct {
		Database struct {
			OldestMessage string `json:"oldest_message"`
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if want := time.UnixMilli(m.CreatedAt).UTC().Format(time.RFC3339); got.Database.OldestMessage != want {
		t.Errorf("healthz oldest_message %q, want %q", got.Database.OldestMessage, want)
	}
}

func TestHealthzDetail(t *testing.T) {
	ts := newTestServer(t)
	ts.deliver(joinedJSON())
	res, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != "ok" {
		t.Errorf("plain healthz %q, want ok", b)
	}
	var got struct {
		Status   string
		GoMemory map[string]uint64 `json:"go_memory"`
		Database struct {
			Bytes          int64            `json:"bytes"`
			TableBytes     map[string]int64 `json:"table_bytes"`
			OldestDelivery string           `json:"oldest_delivery"`
			Waiting        int64            `json:"waiting_changes"`
		}
	}
	// Per-table sizes are measured in the background after the first ask.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(ts.URL + "/healthz?detail=1")
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&got)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("detail: %d %v", res.StatusCode, err)
		}
		if len(got.Database.TableBytes) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if got.Status != "ok" || got.Database.Bytes <= 0 || got.Database.TableBytes["webhook_deliveries"] <= 0 ||
		got.Database.OldestDelivery == "" || got.Database.Waiting != 1 {
		t.Errorf("detail %+v", got)
	}
	if m := got.GoMemory; m["heap_bytes"] == 0 || m["heap_objects"] == 0 || m["total_bytes"] < m["heap_bytes"] {
		t.Errorf("go_memory %v: want the heap in use, its objects, and a total at least the heap", m)
	}
}
