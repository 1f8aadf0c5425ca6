package contract

import (
	"net/http"
	"testing"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func inputs(ps []whatsapp.EventParticipant) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Input)
	}
	return out
}

func TestRemoveParticipants(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Pruned", "")
	a, b, c := "15550000001", "15550000002", "15550000003"
	e.join(link, a, b, c)

	// Success: the webhook echoes each input exactly as sent.
	reqID, err := e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: "+" + a}, {User: b}})
	if err != nil || reqID == "" {
		t.Fatalf("remove: %q %v", reqID, err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventParticipantsRemove, byRequest(reqID))
	if ev.GroupID != id || ev.InitiatedBy != whatsapp.InitiatedByBusiness || len(ev.Errors) != 0 || len(ev.FailedParticipants) != 0 ||
		len(ev.RemovedParticipants) != 2 || ev.RemovedParticipants[0].Input != "+"+a || ev.RemovedParticipants[1].Input != b {
		t.Errorf("removal webhook: %+v", ev)
	}
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || info.TotalParticipantCount != 1 || info.Participants[0].WaID != c {
		t.Errorf("after removal: %+v %v", info, err)
	}
	// Removed users can never come back, not even through a fresh link.
	fresh, err := e.c.ResetInviteLink(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Tap(a, fresh); err == nil {
		t.Error("a removed user rejoined through a new link")
	}

	// Partial: one member, one stranger.
	reqID, err = e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: c}, {User: "15559999999"}})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev = e.oneEvent(whatsapp.EventParticipantsRemove, byRequest(reqID))
	if len(ev.RemovedParticipants) != 1 || ev.RemovedParticipants[0].Input != c ||
		len(ev.FailedParticipants) != 1 || ev.FailedParticipants[0].Input != "15559999999" ||
		len(ev.FailedParticipants[0].Errors) != 1 || ev.FailedParticipants[0].Errors[0].Code != 131212 ||
		len(ev.Errors) != 1 || ev.Errors[0].Code != 131201 {
		t.Errorf("partial removal webhook: %+v", ev)
	}

	// Total failure: nobody removed, top-level errors present.
	reqID, err = e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: a}})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev = e.oneEvent(whatsapp.EventParticipantsRemove, byRequest(reqID))
	if len(ev.RemovedParticipants) != 0 || len(ev.FailedParticipants) != 1 || len(ev.Errors) == 0 {
		t.Errorf("total failure webhook: %+v", ev)
	}
	if h := whatsapp.Human(ev.FailedParticipants[0].Errors[0]); h == "" {
		t.Error("no human sentence for a per-participant error")
	}
}

func TestRemoveParticipantsRefusals(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Strict", "")
	e.join(link, "15550000001")
	path := id + "/participants"

	// Duplicates, also spelled differently: the client passes them on, the
	// simulator refuses the whole request.
	_, err := e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: "+15550000001"}, {User: "15550000001"}})
	wantAPIError(t, err, 131202, http.StatusBadRequest)

	nine := make([]whatsapp.RemoveTarget, 9)
	rawNine := make([]map[string]string, 9)
	for i := range nine {
		wa := "1555000010" + string(rune('0'+i))
		nine[i] = whatsapp.RemoveTarget{User: wa}
		rawNine[i] = map[string]string{"user": wa}
	}
	_, err = e.c.RemoveParticipants(ctx(), id, nine)
	wantValidation(t, err, "participants")
	e.wantRaw(http.MethodDelete, path, map[string]any{"messaging_product": "whatsapp", "participants": rawNine}, 400, 131204)
	if st, code := e.raw(http.MethodDelete, path, map[string]any{"messaging_product": "whatsapp", "participants": rawNine[:8]}); st != 200 || code != 0 {
		t.Errorf("8 removals refused: %d %d", st, code)
	}

	_, err = e.c.RemoveParticipants(ctx(), id, nil)
	wantValidation(t, err, "participants")
	e.wantRaw(http.MethodDelete, path, map[string]any{"messaging_product": "whatsapp", "participants": []any{}}, 400, 100)
	_, err = e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: "1", UserID: "US.1"}})
	wantValidation(t, err, "participants")
	e.wantRaw(http.MethodDelete, path, map[string]any{"messaging_product": "whatsapp", "participants": []any{map[string]string{"user": "1", "user_id": "US.1"}}}, 400, 100)

	_, err = e.c.RemoveParticipants(ctx(), "unknown-group", []whatsapp.RemoveTarget{{User: "15550000001"}})
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	e.settle()
}

func TestRemoveByBSUID(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.BSUID = true })
	id, link := e.createGroup("Scoped", "")
	e.sim.AddUser(wasim.User{WaID: "15550000001", UserID: "US.13491208655302741918", Username: "tiago"})
	e.join(link, "15550000001")
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || len(info.Participants) != 1 || info.Participants[0].UserID != "US.13491208655302741918" ||
		info.Participants[0].Username != "tiago" {
		t.Fatalf("BSUID participant: %+v %v", info, err)
	}
	// A phone and the BSUID of the same user are duplicates.
	_, err = e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: "15550000001"}, {UserID: "US.13491208655302741918"}})
	wantAPIError(t, err, 131202, http.StatusBadRequest)

	reqID, err := e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{UserID: "US.13491208655302741918"}})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventParticipantsRemove, byRequest(reqID))
	if got := inputs(ev.RemovedParticipants); len(got) != 1 || got[0] != "US.13491208655302741918" {
		t.Errorf("removal by user_id echoes %v", got)
	}
}
