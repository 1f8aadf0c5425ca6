package whatsapp

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

func TestInviteLinkVerbs(t *testing.T) {
	const link = "https://chat.whatsapp.com/HmA2fjlLQ8b4yYkV6FQJ1s"
	path := "/v23.0/" + testGroupID + "/invite_link"
	ctx := context.Background()

	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "GET", path)
		reply(w, 200, `{"messaging_product":"whatsapp","invite_link":"`+link+`"}`)
	})
	if got, err := c.InviteLink(ctx, testGroupID); err != nil || got != link {
		t.Fatalf("InviteLink = %q, %v", got, err)
	}

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", path)
		expectJSON(t, r, `{"messaging_product":"whatsapp"}`)
		reply(w, 200, `{"messaging_product":"whatsapp","invite_link":"https://chat.whatsapp.com/NEW"}`)
	})
	if got, err := c.ResetInviteLink(ctx, testGroupID); err != nil || got != "https://chat.whatsapp.com/NEW" {
		t.Fatalf("ResetInviteLink = %q, %v", got, err)
	}

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "DELETE", path)
		expectJSON(t, r, `{"messaging_product":"whatsapp"}`)
		reply(w, 200, `{"messaging_product":"whatsapp","success":true}`)
	})
	if err := c.DeleteInviteLink(ctx, testGroupID); err != nil {
		t.Fatal(err)
	}

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) { reply(w, 200, `{"messaging_product":"whatsapp"}`) })
	if _, err := c.InviteLink(ctx, "G"); err == nil {
		t.Fatal("missing invite_link must be an error")
	}

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 403, graphError(131207, "(#131207) Group suspended", "The group violates platform policies."))
	})
	_, err := c.ResetInviteLink(ctx, "G")
	mustAPIError(t, err, 131207, 403)

	c, _ = newTestClient(t, failOnCall(t))
	_, err = c.InviteLink(ctx, " ")
	mustValidation(t, err, "group_id")
}

func TestJoinRequests(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "GET", "/v23.0/"+testGroupID+"/join_requests")
		if r.URL.Query().Get("limit") != "10" {
			t.Errorf("query = %v", r.URL.Query())
		}
		reply(w, 200, `{"data":[
			{"join_request_id":"MTY0NjcwNDM1OTU6MTIwMzYzNDA0Njk0MjMzODIw","wa_id":"16467043595","creation_timestamp":1755548877},
			{"join_request_id":"X2","user_id":"US.1","username":"u1","creation_timestamp":"1755548999"}],
			"paging":{"cursors":{"before":"QkVG","after":"QUZU"},"next":"https://graph.facebook.com/v23.0/G/join_requests?after=QUZU"}}`)
	})
	reqs, after, err := c.JoinRequests(context.Background(), testGroupID, ListGroupsOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []JoinRequest{
		{ID: "MTY0NjcwNDM1OTU6MTIwMzYzNDA0Njk0MjMzODIw", WaID: "16467043595", CreatedAt: 1755548877},
		{ID: "X2", UserID: "US.1", Username: "u1", CreatedAt: 1755548999},
	}
	if !reflect.DeepEqual(reqs, want) || after != "QUZU" {
		t.Fatalf("JoinRequests = %+v, %q", reqs, after)
	}
}

func TestJoinRequestsLastPage(t *testing.T) {
	// The guide's shape: cursors only, no "next" => no further page.
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"data":[],"paging":{"cursors":{"before":"b","after":"a"}}}`)
	})
	reqs, after, err := c.JoinRequests(context.Background(), "G", ListGroupsOptions{})
	if err != nil || reqs == nil || len(reqs) != 0 || after != "" {
		t.Fatalf("JoinRequests = %+v, %q, %v", reqs, after, err)
	}
}

func TestApproveJoinRequestsPartial(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testGroupID+"/join_requests")
		expectJSON(t, r, `{"messaging_product":"whatsapp","join_requests":["JR1","JR2"]}`)
		reply(w, 206, `{"messaging_product":"whatsapp","approved_join_requests":["JR1"],
			"failed_join_requests":[{"join_request_id":"JR2","errors":[{"code":131203,
				"message":"(#131203) Recipient has not accepted our new Terms of Service and Privacy Policy.",
				"title":"Unable to add participant to group",
				"error_data":{"details":"Recipient has not accepted our new Terms of Service and Privacy Policy."}}]}],
			"errors":[{"code":131201,"message":"Request partially succeeded","title":"Request partially succeeded","error_data":{"details":"1 of 2 failed"}}]}`)
	})
	res, err := c.ApproveJoinRequests(context.Background(), testGroupID, []string{"JR1", "JR2"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || !reflect.DeepEqual(res.Done, []string{"JR1"}) || len(res.Failed) != 1 {
		t.Fatalf("result = %+v", res)
	}
	f := res.Failed[0]
	if f.ID != "JR2" || len(f.Errors) != 1 || f.Errors[0].Code != 131203 ||
		f.Errors[0].Details != "Recipient has not accepted our new Terms of Service and Privacy Policy." {
		t.Fatalf("failed = %+v", f)
	}
	if len(res.Errors) != 1 || res.Errors[0].Code != 131201 {
		t.Fatalf("errors = %+v", res.Errors)
	}
	if h := Human(f.Errors[0]); h != "The user has not accepted WhatsApp's new Terms of Service and cannot be added (131203)" {
		t.Fatalf("Human = %q", h)
	}
}

func TestApproveJoinRequestsAllOK(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"messaging_product":"whatsapp","approved_join_requests":["JR1","JR2"]}`)
	})
	res, err := c.ApproveJoinRequests(context.Background(), "G", []string{"JR1", "JR2"})
	if err != nil || res.Partial || len(res.Failed) != 0 || len(res.Done) != 2 {
		t.Fatalf("result = %+v, %v", res, err)
	}
}

func TestRejectJoinRequests(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "DELETE", "/v23.0/G/join_requests")
		expectJSON(t, r, `{"messaging_product":"whatsapp","join_requests":["JR1","JR9"]}`)
		reply(w, 206, `{"messaging_product":"whatsapp","rejected_join_requests":["JR1"],
			"failed_join_requests":[{"join_request_id":"JR9","errors":[{"code":131213,"message":"(#131213) Group join request does not exist"}]}]}`)
	})
	res, err := c.RejectJoinRequests(context.Background(), "G", []string{"JR1", "JR9"})
	if err != nil || !res.Partial || !reflect.DeepEqual(res.Done, []string{"JR1"}) || res.Failed[0].Errors[0].Code != 131213 {
		t.Fatalf("result = %+v, %v", res, err)
	}
}

func TestJoinRequestDecisionErrors(t *testing.T) {
	c, _ := newTestClient(t, failOnCall(t))
	_, err := c.ApproveJoinRequests(context.Background(), "G", nil)
	mustValidation(t, err, "join_requests")
	_, err = c.RejectJoinRequests(context.Background(), "G", []string{""})
	mustValidation(t, err, "join_requests")

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 400, graphError(131213, "(#131213) Group join request does not exist", ""))
	})
	_, err = c.ApproveJoinRequests(context.Background(), "G", []string{"x"})
	mustAPIError(t, err, 131213, 400)
}

func TestRemoveParticipants(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "DELETE", "/v23.0/"+testGroupID+"/participants")
		expectJSON(t, r, `{"messaging_product":"whatsapp","participants":[
			{"user":"+16505551234"},{"user":"16505559876"},{"user_id":"US.13491208655302741918"}]}`)
		reply(w, 200, `{"messaging_product":"whatsapp","request_id":"106540352242927"}`)
	})
	id, err := c.RemoveParticipants(context.Background(), testGroupID, []RemoveTarget{
		{User: "+16505551234"}, {User: " 16505559876 "}, {UserID: "US.13491208655302741918"},
	})
	if err != nil || id != "106540352242927" {
		t.Fatalf("RemoveParticipants = %q, %v", id, err)
	}
}

func TestRemoveParticipantsValidation(t *testing.T) {
	c, _ := newTestClient(t, failOnCall(t))
	nine := make([]RemoveTarget, 9)
	for i := range nine {
		nine[i] = RemoveTarget{User: "1650555000" + itoa(i)}
	}
	for name, targets := range map[string][]RemoveTarget{
		"empty":    nil,
		"nine":     nine,
		"both set": {{User: "1", UserID: "US.1"}},
		"none set": {{}},
	} {
		_, err := c.RemoveParticipants(context.Background(), "G", targets)
		if err == nil {
			t.Fatalf("%s: want error", name)
		}
		mustValidation(t, err, "participants")
	}
}

func TestRemoveParticipantsServerErrors(t *testing.T) {
	for _, code := range []int{131202, 131204, 131212} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			reply(w, 400, graphError(code, "(#"+itoa(code)+") x", ""))
		})
		_, err := c.RemoveParticipants(context.Background(), "G", []RemoveTarget{{User: "1"}})
		mustAPIError(t, err, code, 400)
	}
}
