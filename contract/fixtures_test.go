package contract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// Both whatsapp/testdata (the client's fixtures) and the simulator were
// written by hand from docs/cloud-api.md#webhooks. This test drives the simulator through every
// variant the fixtures cover and compares the shapes: the same keys at every
// level and the same JSON types. Values (IDs, texts) are not compared.

// shapeDiff lists keys missing from actual, keys actual has that the
// fixture lacks, and type mismatches. Arrays compare each actual element
// with the fixture's first element.
func shapeDiff(path string, fixture, actual any) []string {
	switch f := fixture.(type) {
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %T", path, actual)}
		}
		var out []string
		for k, fv := range f {
			av, ok := a[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, shapeDiff(path+"."+k, fv, av)...)
		}
		for k := range a {
			if _, ok := f[k]; !ok {
				out = append(out, path+"."+k+": not in fixture")
			}
		}
		sort.Strings(out)
		return out
	case []any:
		a, ok := actual.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %T", path, actual)}
		}
		if len(f) == 0 {
			return nil
		}
		var out []string
		for i, av := range a {
			out = append(out, shapeDiff(fmt.Sprintf("%s[%d]", path, i), f[0], av)...)
		}
		return out
	default:
		if fmt.Sprintf("%T", fixture) != fmt.Sprintf("%T", actual) {
			return []string{fmt.Sprintf("%s: fixture has %T, simulator %T", path, fixture, actual)}
		}
	}
	return nil
}

// fixtureItem returns the first groups[] / statuses[] / messages[] element
// (and contacts[0] for inbound messages) of a whatsapp/testdata file.
func fixtureValue(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "whatsapp", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Entry []struct {
			Changes []struct {
				Value map[string]any `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p.Entry[0].Changes[0].Value
}

// rawValues returns every change value the receiver got, undecoded.
func (e *env) rawValues() []map[string]any {
	e.hook.mu.Lock()
	defer e.hook.mu.Unlock()
	var out []map[string]any
	for _, b := range e.hook.bodies {
		var p struct {
			Entry []struct {
				Changes []struct {
					Value map[string]any `json:"value"`
				} `json:"changes"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			e.t.Fatal(err)
		}
		for _, en := range p.Entry {
			for _, ch := range en.Changes {
				out = append(out, ch.Value)
			}
		}
	}
	return out
}

// find returns the first raw element of list ("groups", "statuses" or
// "messages") for which match holds, with its change value.
func (e *env) find(list string, match func(map[string]any) bool) (map[string]any, map[string]any) {
	for _, v := range e.rawValues() {
		items, _ := v[list].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok && match(m) {
				return m, v
			}
		}
	}
	return nil, nil
}

func is(kv ...string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		for i := 0; i < len(kv); i += 2 {
			if fmt.Sprint(m[kv[i]]) != kv[i+1] {
				return false
			}
		}
		return true
	}
}

func has(key string, inner func(map[string]any) bool) func(map[string]any) bool {
	return func(m map[string]any) bool {
		_, ok := m[key]
		return ok && (inner == nil || inner(m))
	}
}

func TestSimulatorMatchesClientFixtures(t *testing.T) {
	e := newEnv(t)
	open, link := e.createGroup("Open", "")
	vetted, vlink := e.createGroup("Vetted", whatsapp.JoinApprovalRequired)
	e.sim.AddUser(wasim.User{WaID: "15550000009", Name: "Tiago"})
	e.join(link, "15550000001", "15550000002", "15550000003", "15550000009")
	for _, wa := range []string{"15550000004", "15550000005"} {
		e.sim.AddUser(wasim.User{WaID: wa})
		if _, err := e.sim.Tap(wa, vlink); err != nil {
			t.Fatal(err)
		}
	}
	must(t, e.sim.CancelRequest("15550000005", vetted))
	reqs, _, err := e.c.JoinRequests(ctx(), vetted, whatsapp.ListGroupsOptions{})
	must(t, err)
	_, err = e.c.ApproveJoinRequests(ctx(), vetted, []string{reqs[0].ID})
	must(t, err)
	for _, ts := range [][]whatsapp.RemoveTarget{{{User: "+15550000001"}}, {{User: "15550000002"}, {User: "15559999999"}}, {{User: "15559999999"}}} {
		_, err := e.c.RemoveParticipants(ctx(), open, ts)
		must(t, err)
	}
	must(t, e.sim.Leave("15550000003", open))
	good, bad := picture(t, 200, 200, jpg), picture(t, 300, 200, jpg)
	_, err = e.c.UpdateSettings(ctx(), open, whatsapp.SettingsUpdate{Subject: strp("S"), Description: strp("D"), Photo: good})
	must(t, err)
	_, err = e.c.UpdateSettings(ctx(), open, whatsapp.SettingsUpdate{Subject: strp("S2"), Photo: bad})
	must(t, err)
	for _, kind := range []string{"text", "image", "unsupported"} {
		_, err := e.sim.Say("15550000009", open, kind, "hi")
		must(t, err)
	}
	_, err = e.c.SendText(ctx(), open, "hello", false)
	must(t, err)
	e.settle()
	must(t, e.sim.SetSuspended(vetted, true))
	must(t, e.sim.SetSuspended(vetted, false))
	doomed, _ := e.createGroup("Doomed", "")
	_, err = e.c.DeleteGroup(ctx(), doomed)
	must(t, err)
	e.settle()
	e.sim.Configure(func(c *wasim.Config) { c.FailCreates = true; c.SentDelay = 30 * time.Millisecond })
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "Fails", Description: "never"})
	must(t, err)
	e.settle()
	// Suspended before its "sent" stage, a send fails.
	_, err = e.c.SendText(ctx(), vetted, "too late", false)
	must(t, err)
	must(t, e.sim.SetSuspended(vetted, true))
	e.settle()

	grp := func(kv ...string) func() (map[string]any, map[string]any) {
		return func() (map[string]any, map[string]any) { return e.find("groups", is(kv...)) }
	}
	cases := []struct {
		fixture string
		list    string
		got     func() (map[string]any, map[string]any)
	}{
		{"lifecycle_create_success.json", "groups", grp("type", "group_create", "subject", "Open")},
		{"lifecycle_create_failure.json", "groups", grp("type", "group_create", "subject", "Fails")},
		{"lifecycle_delete_success.json", "groups", grp("type", "group_delete", "group_id", doomed)},
		{"participants_add_invite_link.json", "groups", grp("type", "group_participants_add", "group_id", open)},
		{"participants_add_approved.json", "groups", grp("type", "group_participants_add", "group_id", vetted)},
		{"participants_join_request_created.json", "groups", grp("type", "group_join_request_created", "wa_id", "15550000004")},
		{"participants_join_request_revoked.json", "groups", grp("type", "group_join_request_revoked")},
		{"participants_remove_business_success.json", "groups", func() (map[string]any, map[string]any) {
			// The partial removal also names removed participants; the
			// webhooks may arrive in either order, so it is told apart.
			return e.find("groups", has("removed_participants", func(m map[string]any) bool {
				return is("initiated_by", "business")(m) && m["failed_participants"] == nil
			}))
		}},
		{"participants_remove_business_partial.json", "groups", func() (map[string]any, map[string]any) {
			return e.find("groups", has("failed_participants", func(m map[string]any) bool { return m["removed_participants"] != nil }))
		}},
		{"participants_remove_business_failure.json", "groups", func() (map[string]any, map[string]any) {
			return e.find("groups", has("failed_participants", func(m map[string]any) bool { return m["removed_participants"] == nil }))
		}},
		{"participants_remove_self_leave.json", "groups", grp("type", "group_participants_remove", "initiated_by", "participant")},
		{"settings_update_success.json", "groups", func() (map[string]any, map[string]any) {
			return e.find("groups", has("group_description", nil))
		}},
		{"settings_update_partial.json", "groups", func() (map[string]any, map[string]any) {
			return e.find("groups", has("errors", is("type", "group_settings_update")))
		}},
		{"status_suspend.json", "groups", grp("type", "group_suspend")},
		{"status_suspend_cleared.json", "groups", grp("type", "group_suspend_cleared")},
		{"messages_inbound_text.json", "messages", func() (map[string]any, map[string]any) { return e.find("messages", is("type", "text")) }},
		{"messages_inbound_image.json", "messages", func() (map[string]any, map[string]any) { return e.find("messages", is("type", "image")) }},
		{"messages_inbound_unsupported.json", "messages", func() (map[string]any, map[string]any) {
			return e.find("messages", is("type", "unsupported"))
		}},
		{"statuses_sent.json", "statuses", func() (map[string]any, map[string]any) { return e.find("statuses", is("status", "sent")) }},
		{"statuses_delivered.json", "statuses", func() (map[string]any, map[string]any) {
			return e.find("statuses", has("pricing", is("status", "delivered")))
		}},
		{"statuses_read.json", "statuses", func() (map[string]any, map[string]any) { return e.find("statuses", is("status", "read")) }},
		{"statuses_failed.json", "statuses", func() (map[string]any, map[string]any) { return e.find("statuses", is("status", "failed")) }},
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.fixture, ".json"), func(t *testing.T) {
			fv := fixtureValue(t, c.fixture)
			item, value := c.got()
			if item == nil {
				t.Fatal("the simulator emitted no such webhook")
			}
			diffs := shapeDiff(c.list, fv[c.list].([]any)[0], item)
			if c.list == "messages" {
				diffs = append(diffs, shapeDiff("contacts", fv["contacts"].([]any)[0], value["contacts"].([]any)[0])...)
			}
			for _, d := range diffs {
				if why, ok := knownShapeDifferences[c.fixture+" "+d]; ok {
					t.Logf("accepted: %s (%s)", d, why)
					continue
				}
				t.Error(d)
			}
		})
	}
}

// knownShapeDifferences are differences between the fixtures and the
// simulator that docs/cloud-api.md allows either way, with the reason.
var knownShapeDifferences = map[string]string{
	"lifecycle_create_failure.json groups.group_id: missing":                                         "docs/cloud-api.md#failed-create-and-group_id: a failed create may omit the group_id Meta's sample has",
	"participants_join_request_revoked.json groups.reason: not in fixture":                           "docs/cloud-api.md#group_participants_update gives created and revoked one shape, reason included",
	"participants_remove_business_failure.json groups.failed_participants[0].errors: not in fixture": "per-item errors as in the partial-failure sample",
	"statuses_read.json statuses.pricing: missing":                                                   "docs/cloud-api.md#message-statuses: pricing rides on the first delivered-or-read status only, here the delivered one",
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
