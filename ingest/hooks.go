package ingest

import (
	"groupdeck/hooks"
	"groupdeck/store"
)

// Outgoing webhook events, recorded in the transaction that applies the
// change (hooks.Subs.Emit does nothing when no endpoint wants the kind,
// so ingest pays for them only when someone listens).

type hookMember struct {
	WaID     string `json:"wa_id,omitempty"`
	UserID   string `json:"user_id,omitempty"`
	Username string `json:"username,omitempty"`
	Name     string `json:"name,omitempty"`
}

type hookGroup struct {
	ID        int64  `json:"id"`
	WaGroupID string `json:"wa_group_id"`
}

func hm(m store.Member) hookMember {
	return hookMember{WaID: m.WaID, UserID: m.UserID, Username: m.Username, Name: m.Name}
}

func (in *Ingester) emit(t *store.Tx, kind string, id int64, wa string, at int64, data map[string]any) error {
	if !in.Hooks.Wants(kind) {
		return nil
	}
	if data == nil {
		data = map[string]any{}
	}
	data["group"] = hookGroup{ID: id, WaGroupID: wa}
	return in.Hooks.Emit(t, kind, id, at, data)
}

// joinHooks emits member.joined and, when the join is credited to a
// campaign at this moment, campaign.joined.
func (in *Ingester) joinHooks(t *store.Tx, id int64, wa string, m store.Member, via string, at int64) error {
	if err := in.emit(t, hooks.MemberJoined, id, wa, at, map[string]any{"member": hm(m), "via": via}); err != nil {
		return err
	}
	if !in.Hooks.Wants(hooks.CampaignJoined) {
		return nil
	}
	c, ok, err := t.CampaignForJoin(id, m.WaID, at)
	if err != nil || !ok {
		return err
	}
	return in.emit(t, hooks.CampaignJoined, id, wa, at, map[string]any{"member": hm(m),
		"campaign": map[string]any{"id": c.ID, "name": c.Name}, "match": c.Match})
}

// readHooks emits message.read_by_all once, when a read receipt makes
// every current member of the group have read an outgoing message.
func (in *Ingester) readHooks(t *store.Tx, wamid string, at int64) error {
	if !in.Hooks.Wants(hooks.MessageReadByAll) {
		return nil
	}
	r, ok, err := t.ReadByAll(wamid)
	if err != nil || !ok {
		return err
	}
	return hooks.EmitOnce(t, hooks.MessageReadByAll, r.GroupID, at, "read_by_all:"+wamid, map[string]any{
		"group": hookGroup{ID: r.GroupID, WaGroupID: r.WaGroupID}, "message": map[string]any{"id": r.MessageID, "wamid": wamid},
		"members": r.Members})
}
