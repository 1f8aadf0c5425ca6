package contract

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func TestCreateGroupThenInfo(t *testing.T) {
	e := newEnv(t)
	reqID, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{
		Subject: "  Watch club  ", Description: "Vintage only", JoinApprovalMode: whatsapp.JoinApprovalRequired,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventGroupCreate, byRequest(reqID))
	if ev.Subject != "Watch club" || ev.JoinApprovalMode != whatsapp.JoinApprovalRequired || len(ev.Errors) != 0 {
		t.Errorf("group_create: %+v", ev)
	}
	if !strings.HasPrefix(ev.InviteLink, "https://chat.whatsapp.com/") || len(ev.InviteLink) <= len("https://chat.whatsapp.com/") {
		t.Errorf("invite link %q", ev.InviteLink)
	}

	info, err := e.c.GroupInfo(ctx(), ev.GroupID)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != ev.GroupID || info.Subject != "Watch club" || info.Description != "Vintage only" ||
		info.JoinApprovalMode != whatsapp.JoinApprovalRequired || info.Suspended ||
		info.TotalParticipantCount != 0 || len(info.Participants) != 0 {
		t.Errorf("info: %+v", info)
	}
	if d := time.Since(time.Unix(info.CreationTimestamp, 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("creation_timestamp %d is not now", info.CreationTimestamp)
	}

	// Participants show up (business excluded) once users join.
	e2 := newEnv(t)
	id, link := e2.createGroup("Open", "")
	e2.join(link, "15550000001", "15550000002")
	info, err = e2.c.GroupInfo(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if info.TotalParticipantCount != 2 || len(info.Participants) != 2 ||
		info.Participants[0].WaID != "15550000001" || info.Participants[1].WaID != "15550000002" ||
		info.JoinApprovalMode != whatsapp.JoinAutoApprove {
		t.Errorf("info after joins: %+v", info)
	}

	// Only the requested fields come back.
	info, err = e2.c.GroupInfo(ctx(), id, "subject")
	if err != nil {
		t.Fatal(err)
	}
	if info.Subject != "Open" || info.TotalParticipantCount != 0 || info.Participants != nil || info.JoinApprovalMode != "" {
		t.Errorf("fields=subject: %+v", info)
	}
	e2.wantRaw(http.MethodGet, id+"?fields=subject,colour", nil, http.StatusBadRequest, 100)
}

func TestCreateGroupRefusals(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("x", 129)
	_, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "   "})
	wantValidation(t, err, "subject")
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: long})
	wantValidation(t, err, "subject")
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "ok", Description: strings.Repeat("d", 2049)})
	wantValidation(t, err, "description")
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "ok", JoinApprovalMode: "invite_only"})
	wantValidation(t, err, "join_approval_mode")

	// The simulator enforces the same limits for clients that don't.
	path := phoneID + "/groups"
	e.wantRaw(http.MethodPost, path, map[string]any{"messaging_product": "whatsapp", "subject": long}, 400, 100)
	e.wantRaw(http.MethodPost, path, map[string]any{"messaging_product": "whatsapp"}, 400, 100)
	e.wantRaw(http.MethodPost, path, map[string]any{"messaging_product": "whatsapp", "subject": "ok", "description": strings.Repeat("d", 2049)}, 400, 100)
	e.wantRaw(http.MethodPost, path, map[string]any{"messaging_product": "whatsapp", "subject": "ok", "join_approval_mode": "x"}, 400, 100)
	e.wantRaw(http.MethodPost, path, map[string]any{"subject": "ok"}, 400, 100)
	if st, code := e.raw(http.MethodPost, path, map[string]any{"messaging_product": "whatsapp", "subject": strings.Repeat("é", 128)}); st != 200 || code != 0 {
		t.Errorf("128-character subject refused: %d %d", st, code)
	}
	e.settle()
}

func TestCreateGroupLimits(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.GroupCap = 2 })
	e.createGroup("one", "")
	e.createGroup("two", "")
	_, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "three"})
	wantAPIError(t, err, 131211, http.StatusBadRequest)

	e.sim.Configure(func(c *wasim.Config) { c.GroupCap = 0; c.CreationDisabled = true })
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "three"})
	wantAPIError(t, err, 131214, http.StatusBadRequest)

	e.sim.Configure(func(c *wasim.Config) { c.CreationDisabled = false; c.Ineligible = true })
	_, err = e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "three"})
	wantAPIError(t, err, 131215, http.StatusBadRequest)
	_, err = e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	wantAPIError(t, err, 131215, http.StatusBadRequest)
}

func TestListGroupsPaging(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for _, s := range []string{"g1", "g2", "g3", "g4", "g5"} {
		id, _ := e.createGroup(s, "")
		ids = append(ids, id)
	}
	p1, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, p1, ids[0:2], true, false)
	p2, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Limit: 2, After: p1.After})
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, p2, ids[2:4], true, true)
	p3, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Limit: 2, After: p2.After})
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, p3, ids[4:], false, true)
	back, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Limit: 2, Before: p3.Before})
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, back, ids[2:4], true, true)
	for _, g := range p1.Groups {
		if g.Subject == "" || time.Since(time.Unix(g.CreatedAt, 0)) > time.Minute {
			t.Errorf("summary %+v", g)
		}
	}

	// Deleted groups drop out of the list; the default page holds them all.
	if _, err := e.c.DeleteGroup(ctx(), ids[1]); err != nil {
		t.Fatal(err)
	}
	e.settle()
	all, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, all, []string{ids[0], ids[2], ids[3], ids[4]}, false, false)

	_, err = e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{After: "bm90LWEtY3Vyc29y"})
	wantAPIError(t, err, 131059, http.StatusBadRequest)
	_, err = e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Before: "garbage!"})
	wantAPIError(t, err, 131059, http.StatusBadRequest)
	_, err = e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{Limit: 1025})
	wantValidation(t, err, "limit")
	e.wantRaw(http.MethodGet, phoneID+"/groups?limit=1025", nil, 400, 100)
	e.wantRaw(http.MethodGet, phoneID+"/groups?limit=0", nil, 400, 100)
	if st, code := e.raw(http.MethodGet, phoneID+"/groups?limit=1024", nil); st != 200 || code != 0 {
		t.Errorf("limit=1024: %d %d", st, code)
	}
}

func TestListGroupsDefaultPageSize(t *testing.T) {
	e := newEnv(t)
	for i := range 26 {
		if _, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "g" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	e.settle()
	p, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 25 || !p.HasNext {
		t.Fatalf("default page: %d groups, next %v", len(p.Groups), p.HasNext)
	}
	p, err = e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{After: p.After})
	if err != nil || len(p.Groups) != 1 || p.HasNext {
		t.Fatalf("second page: %+v %v", p, err)
	}
}

func wantPage(t *testing.T, p *whatsapp.GroupPage, ids []string, next, prev bool) {
	t.Helper()
	var got []string
	for _, g := range p.Groups {
		got = append(got, g.ID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") || p.HasNext != next || p.HasPrevious != prev {
		t.Errorf("page %v next=%v prev=%v, want %v next=%v prev=%v", got, p.HasNext, p.HasPrevious, ids, next, prev)
	}
	if len(p.Groups) > 0 && (p.After == "" || p.Before == "") {
		t.Errorf("page without cursors: %+v", p)
	}
}

func TestDeleteGroup(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Doomed", "")
	e.join(link, "15550000001")
	reqID, err := e.c.DeleteGroup(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if reqID != "" {
		t.Errorf("documented delete answer has no request_id, got %q", reqID)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventGroupDelete, byGroup(id))
	if ev.RequestID == "" || len(ev.Errors) != 0 {
		t.Errorf("group_delete: %+v", ev)
	}
	_, err = e.c.GroupInfo(ctx(), id)
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	_, err = e.c.DeleteGroup(ctx(), id)
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	_, err = e.c.SendText(ctx(), id, "anyone?", false)
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	_, err = e.c.InviteLink(ctx(), id)
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	e.sim.AddUser(wasim.User{WaID: "15550000002"})
	if _, err := e.sim.Tap("15550000002", link); err == nil {
		t.Error("the link of a deleted group still works")
	}
	_, err = e.c.GroupInfo(ctx(), "Y2FwaV9ncm91cDpub3BlOm5vcGUZD")
	wantAPIError(t, err, 131041, http.StatusBadRequest)

	// With the request_id switch, the answer correlates with the webhook.
	e.sim.Configure(func(c *wasim.Config) { c.DeleteReturnsRequestID = true })
	id2, _ := e.createGroup("Doomed too", "")
	reqID, err = e.c.DeleteGroup(ctx(), id2)
	if err != nil || reqID == "" {
		t.Fatalf("delete with request_id: %q %v", reqID, err)
	}
	e.settle()
	e.oneEvent(whatsapp.EventGroupDelete, byRequest(reqID))
}

func TestBadToken(t *testing.T) {
	e := newEnv(t)
	bad := e.client("not-the-token")
	_, err := bad.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "x"})
	wantAPIError(t, err, 190, http.StatusUnauthorized)
	if strings.Contains(err.Error(), "not-the-token") || strings.Contains(whatsapp.Human(err), "not-the-token") {
		t.Errorf("token leaked into the error: %v", err)
	}
	_, err = bad.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	wantAPIError(t, err, 190, http.StatusUnauthorized)
	_, err = e.client("").ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	wantAPIError(t, err, 190, http.StatusUnauthorized)
}

func TestGroupRateLimit(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.OpsPerWindow = 2; c.OpsWindow = time.Minute })
	e.createGroup("one", "")                                                       // op 1
	if _, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{}); err != nil { // op 2
		t.Fatal(err)
	}
	_, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "two"})
	ae := wantAPIError(t, err, 131208, http.StatusTooManyRequests)
	if !ae.Temporary() {
		t.Error("131208 must be temporary so callers back off and retry")
	}
	// An idempotent call is retried by the client, then still reports 429.
	retrying := e.client(token, whatsapp.WithRetry(3, time.Millisecond))
	_, err = retrying.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	wantAPIError(t, err, 131208, http.StatusTooManyRequests)
}
