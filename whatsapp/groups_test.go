package whatsapp

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestCreateGroup(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testPhone+"/groups")
		expectJSON(t, r, `{"messaging_product":"whatsapp","subject":"New Purchase Inquiry",
			"description":"Questions about an order","join_approval_mode":"approval_required"}`)
		reply(w, 200, `{"messaging_product":"whatsapp","request_id":"106540352242922"}`)
	})
	id, err := c.CreateGroup(context.Background(), CreateGroupRequest{
		Subject: "  New Purchase Inquiry ", Description: "Questions about an order", JoinApprovalMode: JoinApprovalRequired,
	})
	if err != nil || id != "106540352242922" {
		t.Fatalf("CreateGroup = %q, %v", id, err)
	}
}

func TestCreateGroupMinimalBody(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expectJSON(t, r, `{"messaging_product":"whatsapp","subject":"Hi"}`)
		reply(w, 200, `{"messaging_product":"whatsapp","request_id":106540352242922}`)
	})
	id, err := c.CreateGroup(context.Background(), CreateGroupRequest{Subject: "Hi"})
	if err != nil || id != "106540352242922" {
		t.Fatalf("CreateGroup = %q, %v", id, err)
	}
}

func TestCreateGroupErrors(t *testing.T) {
	tests := []struct {
		code, status int
		retryAfter   string
		temporary    bool
	}{
		{131208, 429, "30", true},
		{131211, 400, "", false},
		{131214, 400, "", false},
		{131215, 400, "", false},
		{190, 401, "", false},
	}
	for _, tt := range tests {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			if tt.retryAfter != "" {
				w.Header().Set("Retry-After", tt.retryAfter)
			}
			reply(w, tt.status, graphError(tt.code, "(#"+itoa(tt.code)+") "+CodeText(tt.code), "details for "+itoa(tt.code)))
		})
		_, err := c.CreateGroup(context.Background(), CreateGroupRequest{Subject: "x"})
		a := mustAPIError(t, err, tt.code, tt.status)
		if a.Temporary() != tt.temporary {
			t.Errorf("%d: Temporary = %v", tt.code, a.Temporary())
		}
		if a.Details != "details for "+itoa(tt.code) || a.FBTraceID != "AbCdEfGhIjK" || a.Type != "OAuthException" {
			t.Errorf("%d: decoded %+v", tt.code, a)
		}
		if tt.retryAfter == "30" && a.RetryAfter.Seconds() != 30 {
			t.Errorf("RetryAfter = %v", a.RetryAfter)
		}
		if h := Human(err); !strings.Contains(h, "("+itoa(tt.code)+")") {
			t.Errorf("Human = %q", h)
		}
	}
}

func TestCreateGroupValidation(t *testing.T) {
	c, _ := newTestClient(t, failOnCall(t))
	ctx := context.Background()
	for _, tt := range []struct {
		req   CreateGroupRequest
		field string
	}{
		{CreateGroupRequest{Subject: "   "}, "subject"},
		{CreateGroupRequest{Subject: strings.Repeat("é", 129)}, "subject"},
		{CreateGroupRequest{Subject: "ok", Description: strings.Repeat("d", 2049)}, "description"},
		{CreateGroupRequest{Subject: "ok", JoinApprovalMode: "manual"}, "join_approval_mode"},
	} {
		_, err := c.CreateGroup(ctx, tt.req)
		mustValidation(t, err, tt.field)
	}
	// The limits are inclusive and counted in characters, not bytes.
	c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"request_id":"1"}`)
	})
	if _, err := c2.CreateGroup(ctx, CreateGroupRequest{Subject: strings.Repeat("é", 128), Description: strings.Repeat("d", 2048)}); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteGroup(t *testing.T) {
	for body, want := range map[string]string{
		`{"success":true}`:                                      "",
		`{"success":"true"}`:                                    "",
		`{"success":true,"request_id":"98765"}`:                 "98765",
		`{"messaging_product":"whatsapp","request_id":"98766"}`: "98766",
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			expect(t, r, "DELETE", "/v23.0/"+testGroupID)
			if r.ContentLength > 0 {
				t.Errorf("delete group has no body")
			}
			reply(w, 200, body)
		})
		got, err := c.DeleteGroup(context.Background(), testGroupID)
		if err != nil || got != want {
			t.Errorf("%s: DeleteGroup = %q, %v", body, got, err)
		}
	}
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { reply(w, 200, `{"success":false}`) })
	if _, err := c.DeleteGroup(context.Background(), "G"); err == nil {
		t.Fatal("success=false must be an error")
	}
}

func TestGroupInfo(t *testing.T) {
	typed := `{"messaging_product":"whatsapp","id":"` + testGroupID + `","subject":"Artificial Intelligence Insights",
		"description":"Explore AI developments ...","creation_timestamp":1755548877,"suspended":false,
		"total_participant_count":3,"join_approval_mode":"auto_approve",
		"participants":[{"wa_id":"16505551234"},{"wa_id":"16505559876","user_id":"US.1"},
			{"user_id":"US.13491208655302741918","parent_user_id":"US.ENT.11815799212886844830","username":"tiago.m"}]}`
	quoted := `{"messaging_product":"whatsapp","id":"` + testGroupID + `","subject":"Artificial Intelligence Insights",
		"description":"Explore AI developments ...","creation_timestamp":"1755548877","suspended":"false",
		"total_participant_count":"3","join_approval_mode":"auto_approve",
		"participants":[{"wa_id":"16505551234"},{"wa_id":"16505559876","user_id":"US.1"},
			{"user_id":"US.13491208655302741918","parent_user_id":"US.ENT.11815799212886844830","username":"tiago.m"}]}`
	want := &GroupInfo{
		ID: testGroupID, Subject: "Artificial Intelligence Insights", Description: "Explore AI developments ...",
		JoinApprovalMode: JoinAutoApprove, CreationTimestamp: 1755548877, TotalParticipantCount: 3,
		Participants: []Participant{{WaID: "16505551234"}, {WaID: "16505559876", UserID: "US.1"},
			{UserID: "US.13491208655302741918", ParentUserID: "US.ENT.11815799212886844830", Username: "tiago.m"}},
	}
	for name, body := range map[string]string{"typed": typed, "quoted": quoted} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				expect(t, r, "GET", "/v23.0/"+testGroupID)
				if got := r.URL.Query().Get("fields"); got != "subject,description,participants,join_approval_mode,suspended,creation_timestamp,total_participant_count" {
					t.Errorf("fields = %q", got)
				}
				reply(w, 200, body)
			})
			g, err := c.GroupInfo(context.Background(), testGroupID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, want) {
				t.Fatalf("GroupInfo = %+v", g)
			}
		})
	}
}

func TestGroupInfoFieldsAndSuspended(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("fields"); got != "suspended,subject" {
			t.Errorf("fields = %q", got)
		}
		reply(w, 200, `{"messaging_product":"whatsapp","subject":"S","suspended":true}`)
	})
	g, err := c.GroupInfo(context.Background(), "G7", "suspended", "subject")
	if err != nil || !g.Suspended || g.ID != "G7" || g.Subject != "S" {
		t.Fatalf("GroupInfo = %+v, %v", g, err)
	}
}

func TestGroupInfoUnknownGroup(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 400, graphError(131041, "(#131041) Group unknown",
			"The group was not found, either because it doesn't exist or you are not a member."))
	})
	_, err := c.GroupInfo(context.Background(), "nope")
	a := mustAPIError(t, err, 131041, 400)
	if a.Temporary() {
		t.Fatal("131041 is permanent")
	}
	if got := Human(err); got != "The group does not exist or this number is not a member (131041)" {
		t.Fatalf("Human = %q", got)
	}
}

func TestListGroups(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "GET", "/v23.0/"+testPhone+"/groups")
		q := r.URL.Query()
		if q.Get("limit") != "2" || q.Get("after") != "MTAx" || q.Has("before") {
			t.Errorf("query = %v", q)
		}
		reply(w, 200, `{"data":{"groups":[
			{"id":"GROUP_ID_1","subject":"Subject 1","created_at":"1755548877"},
			{"id":"GROUP_ID_2","subject":"Subject 2","created_at":1755548999}]},
			"paging":{"cursors":{"before":"NDMy","after":"MTAxNTE="},
			"previous":"https://graph.facebook.com/v23.0/x/groups?limit=2&before=NDMy",
			"next":"https://graph.facebook.com/v23.0/x/groups?limit=2&after=MTAxNTE="}}`)
	})
	p, err := c.ListGroups(context.Background(), ListGroupsOptions{Limit: 2, After: "MTAx"})
	if err != nil {
		t.Fatal(err)
	}
	want := &GroupPage{
		Groups: []GroupSummary{{"GROUP_ID_1", "Subject 1", 1755548877}, {"GROUP_ID_2", "Subject 2", 1755548999}},
		After:  "MTAxNTE=", Before: "NDMy", HasNext: true, HasPrevious: true,
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("ListGroups = %+v", p)
	}
}

func TestListGroupsLastPageAndArrayShape(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			t.Errorf("default options send no query, got %q", r.URL.RawQuery)
		}
		reply(w, 200, `{"data":[{"id":"G","subject":"S","created_at":"1"}],"paging":{"cursors":{"before":"b","after":"a"}}}`)
	})
	p, err := c.ListGroups(context.Background(), ListGroupsOptions{})
	if err != nil || len(p.Groups) != 1 || p.HasNext || p.HasPrevious || p.After != "a" {
		t.Fatalf("ListGroups = %+v, %v", p, err)
	}
}

func TestListGroupsEmptyAndErrors(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { reply(w, 200, `{"data":{"groups":[]}}`) })
	p, err := c.ListGroups(context.Background(), ListGroupsOptions{})
	if err != nil || p.Groups == nil || len(p.Groups) != 0 {
		t.Fatalf("empty list = %+v, %v", p, err)
	}
	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 400, graphError(131059, "(#131059) Invalid cursor", "The pagination cursor is invalid or expired."))
	})
	_, err = c.ListGroups(context.Background(), ListGroupsOptions{After: "bad"})
	mustAPIError(t, err, 131059, 400)
	c, _ = newTestClient(t, failOnCall(t))
	for _, o := range []ListGroupsOptions{{Limit: -1}, {Limit: 1025}, {After: "a", Before: "b"}} {
		_, err := c.ListGroups(context.Background(), o)
		if err == nil {
			t.Fatalf("%+v must be rejected", o)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
