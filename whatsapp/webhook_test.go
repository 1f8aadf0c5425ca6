package whatsapp

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const testGroupID = "Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD"

func mustParseFixture(t *testing.T, name string) *Payload {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseWebhook(b)
	if err != nil {
		t.Fatalf("ParseWebhook(%s): %v", name, err)
	}
	return p
}

// only returns the single change of a single-entry fixture.
func only(t *testing.T, p *Payload, field string) Value {
	t.Helper()
	if len(p.Entry) != 1 || len(p.Entry[0].Changes) != 1 {
		t.Fatalf("want 1 entry with 1 change, got %+v", p.Entry)
	}
	ch := p.Entry[0].Changes[0]
	if ch.Field != field {
		t.Fatalf("field = %q, want %q", ch.Field, field)
	}
	if ch.Value.MessagingProduct != "whatsapp" || ch.Value.Metadata.PhoneNumberID != "106540352242922" ||
		ch.Value.Metadata.DisplayPhoneNumber != "15550783881" {
		t.Fatalf("bad value header: %+v", ch.Value)
	}
	return ch.Value
}

func onlyGroup(t *testing.T, p *Payload, field, typ string) GroupEvent {
	t.Helper()
	v := only(t, p, field)
	if len(v.Groups) != 1 {
		t.Fatalf("want 1 group event, got %d", len(v.Groups))
	}
	g := v.Groups[0]
	if g.Type != typ {
		t.Fatalf("type = %q, want %q", g.Type, typ)
	}
	if g.GroupID != testGroupID {
		t.Fatalf("group_id = %q", g.GroupID)
	}
	return g
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestParseWebhookFixtures(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, p *Payload)
	}{
		{"lifecycle_create_success.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldLifecycle, EventGroupCreate)
			eq(t, "timestamp", g.Timestamp, 1755548877)
			eq(t, "request_id", g.RequestID, "106540352242922")
			eq(t, "subject", g.Subject, "test invite link")
			eq(t, "invite_link", g.InviteLink, "https://chat.whatsapp.com/HmA2fjlLQ8b4yYkV6FQJ1s")
			eq(t, "join_approval_mode", g.JoinApprovalMode, JoinAutoApprove)
			eq(t, "errors", len(g.Errors), 0)
		}},
		{"lifecycle_create_failure.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldLifecycle, EventGroupCreate)
			eq(t, "description", g.Description, "Questions about your recent order")
			eq(t, "request_id", g.RequestID, "106540352242923")
			if len(g.Errors) != 1 {
				t.Fatalf("errors = %+v", g.Errors)
			}
			eq(t, "code", g.Errors[0].Code, 131211)
			eq(t, "title", g.Errors[0].Title, "Group create limit reached")
			eq(t, "details", g.Errors[0].Details, "The maximum number of groups for this phone number has been reached.")
		}},
		{"lifecycle_delete_success.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldLifecycle, EventGroupDelete)
			eq(t, "request_id", g.RequestID, "106540352242924")
			eq(t, "errors", len(g.Errors), 0)
		}},
		{"lifecycle_delete_failure.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldLifecycle, EventGroupDelete)
			if len(g.Errors) != 1 || g.Errors[0].Code != 131000 || g.Errors[0].Details == "" {
				t.Fatalf("errors = %+v", g.Errors)
			}
		}},
		{"lifecycle_numeric_timestamp.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldLifecycle, EventGroupCreate)
			eq(t, "timestamp", g.Timestamp, 1755548877)
			eq(t, "join_approval_mode", g.JoinApprovalMode, JoinApprovalRequired)
		}},
		{"participants_add_invite_link.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsAdd)
			eq(t, "reason", g.Reason, "invite_link")
			if len(g.AddedParticipants) != 1 || g.AddedParticipants[0].WaID != "16505551234" {
				t.Fatalf("added = %+v", g.AddedParticipants)
			}
		}},
		{"participants_join_request_created.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventJoinRequestCreated)
			eq(t, "join_request_id", g.JoinRequestID, "MTY0NjcwNDM1OTU6MTIwMzYzNDA0Njk0MjMzODIw")
			eq(t, "wa_id", g.WaID, "16467043595")
			eq(t, "reason", g.Reason, "admin_approval")
		}},
		{"participants_join_request_revoked.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventJoinRequestRevoked)
			eq(t, "join_request_id", g.JoinRequestID, "MTY0NjcwNDM1OTU6MTIwMzYzNDA0Njk0MjMzODIw")
			eq(t, "wa_id", g.WaID, "16467043595")
		}},
		{"participants_add_approved.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsAdd)
			want := []EventParticipant{{Input: "16467043595", WaID: "16467043595"}}
			if !reflect.DeepEqual(g.AddedParticipants, want) {
				t.Fatalf("added = %+v", g.AddedParticipants)
			}
		}},
		{"participants_remove_business_success.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
			eq(t, "initiated_by", g.InitiatedBy, InitiatedByBusiness)
			eq(t, "request_id", g.RequestID, "106540352242927")
			want := []EventParticipant{{Input: "+16505551234"}, {Input: "16505559876"}}
			if !reflect.DeepEqual(g.RemovedParticipants, want) {
				t.Fatalf("removed = %+v", g.RemovedParticipants)
			}
		}},
		{"participants_remove_business_partial.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
			eq(t, "removed", len(g.RemovedParticipants), 1)
			if len(g.FailedParticipants) != 1 || g.FailedParticipants[0].Input != "+16505550000" ||
				len(g.FailedParticipants[0].Errors) != 1 || g.FailedParticipants[0].Errors[0].Code != 131212 {
				t.Fatalf("failed = %+v", g.FailedParticipants)
			}
			if len(g.Errors) != 1 || g.Errors[0].Code != 131201 {
				t.Fatalf("errors = %+v", g.Errors)
			}
		}},
		{"participants_remove_business_failure.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
			eq(t, "removed", len(g.RemovedParticipants), 0)
			eq(t, "failed", len(g.FailedParticipants), 2)
			eq(t, "failed item errors", len(g.FailedParticipants[0].Errors), 0)
			eq(t, "errors", len(g.Errors), 1)
			eq(t, "initiated_by", g.InitiatedBy, InitiatedByBusiness)
		}},
		{"participants_remove_self_leave.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
			eq(t, "initiated_by", g.InitiatedBy, InitiatedByParticipant)
			eq(t, "request_id", g.RequestID, "")
			if len(g.RemovedParticipants) != 1 || g.RemovedParticipants[0].WaID != "16505551234" || g.RemovedParticipants[0].Input != "" {
				t.Fatalf("removed = %+v", g.RemovedParticipants)
			}
		}},
		{"settings_update_success.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldSettings, EventSettingsUpdate)
			if g.ProfilePicture == nil || !g.ProfilePicture.UpdateSuccessful || g.ProfilePicture.MimeType != "image/jpeg" || g.ProfilePicture.SHA256 == "" {
				t.Fatalf("profile_picture = %+v", g.ProfilePicture)
			}
			if g.GroupSubject == nil || !g.GroupSubject.UpdateSuccessful || g.GroupSubject.Text != "Test Subject" {
				t.Fatalf("group_subject = %+v", g.GroupSubject)
			}
			if g.GroupDescription == nil || !g.GroupDescription.UpdateSuccessful || g.GroupDescription.Text != "Test Description" {
				t.Fatalf("group_description = %+v", g.GroupDescription)
			}
		}},
		{"settings_update_partial.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldSettings, EventSettingsUpdate)
			if g.ProfilePicture == nil || g.ProfilePicture.UpdateSuccessful || len(g.ProfilePicture.Errors) != 1 || g.ProfilePicture.Errors[0].Code != 131209 {
				t.Fatalf("profile_picture = %+v", g.ProfilePicture)
			}
			if g.GroupSubject == nil || !g.GroupSubject.UpdateSuccessful {
				t.Fatalf("group_subject = %+v", g.GroupSubject)
			}
			if g.GroupDescription != nil {
				t.Fatalf("group_description should be absent, got %+v", g.GroupDescription)
			}
			eq(t, "errors", len(g.Errors), 1)
		}},
		{"settings_update_failure.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldSettings, EventSettingsUpdate)
			for name, r := range map[string]*SettingResult{"picture": g.ProfilePicture, "subject": g.GroupSubject, "description": g.GroupDescription} {
				if r == nil || r.UpdateSuccessful || len(r.Errors) == 0 {
					t.Errorf("%s = %+v, want failed with errors", name, r)
				}
			}
			eq(t, "picture code", g.ProfilePicture.Errors[0].Code, 131210)
			eq(t, "errors", len(g.Errors), 1)
		}},
		{"status_suspend.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldStatus, EventSuspend)
			eq(t, "timestamp", g.Timestamp, 1755549600)
		}},
		{"status_suspend_cleared.json", func(t *testing.T, p *Payload) {
			onlyGroup(t, p, FieldStatus, EventSuspendCleared)
		}},
		{"messages_inbound_text.json", func(t *testing.T, p *Payload) {
			v := only(t, p, FieldMessages)
			if len(v.Contacts) != 1 || v.Contacts[0].WaID != "16505551234" || v.Contacts[0].Profile.Name != "Tiago Mingo" {
				t.Fatalf("contacts = %+v", v.Contacts)
			}
			m := v.Messages[0]
			eq(t, "from", m.From, "16505551234")
			eq(t, "group_id", m.GroupID, testGroupID)
			eq(t, "type", m.Type, "text")
			eq(t, "timestamp", m.Timestamp, 1744344496)
			if m.Text == nil || m.Text.Body != "What does everyone think about this?" {
				t.Fatalf("text = %+v", m.Text)
			}
			if m.Attachment() != nil {
				t.Fatal("text message has no attachment")
			}
		}},
		{"messages_inbound_image.json", func(t *testing.T, p *Payload) {
			m := only(t, p, FieldMessages).Messages[0]
			eq(t, "type", m.Type, KindImage)
			a := m.Attachment()
			if a == nil || a.ID != "1479537139650973" || a.MimeType != "image/jpeg" || a.Caption != "Is this the right model?" ||
				!strings.HasPrefix(a.URL, "https://lookaside.fbsbx.com/") || a.SHA256 == "" {
				t.Fatalf("image = %+v", a)
			}
		}},
		{"messages_inbound_unsupported.json", func(t *testing.T, p *Payload) {
			m := only(t, p, FieldMessages).Messages[0]
			eq(t, "type", m.Type, "unsupported")
			if len(m.Errors) != 1 || m.Errors[0].Code != 130501 || m.Errors[0].Title != "Unsupported message type" {
				t.Fatalf("errors = %+v", m.Errors)
			}
		}},
		{"statuses_sent.json", func(t *testing.T, p *Payload) {
			s := only(t, p, FieldMessages).Statuses[0]
			eq(t, "status", s.Status, "sent")
			eq(t, "recipient_id", s.RecipientID, testGroupID)
			eq(t, "recipient_type", s.RecipientType, "group")
			eq(t, "participant", s.Participant(), "")
			if s.Pricing != nil {
				t.Fatalf("sent has no pricing, got %+v", s.Pricing)
			}
		}},
		{"statuses_delivered.json", func(t *testing.T, p *Payload) {
			s := only(t, p, FieldMessages).Statuses[0]
			eq(t, "status", s.Status, "delivered")
			eq(t, "participant", s.RecipientParticipantID, "16505551234")
			want := &Pricing{Billable: false, PricingModel: "PMP", Type: "free_group_customer_service", Category: "group_service"}
			if !reflect.DeepEqual(s.Pricing, want) {
				t.Fatalf("pricing = %+v", s.Pricing)
			}
		}},
		{"statuses_read.json", func(t *testing.T, p *Payload) {
			s := only(t, p, FieldMessages).Statuses[0]
			eq(t, "status", s.Status, "read")
			eq(t, "participant", s.RecipientParticipantID, "16505559876")
			if s.Pricing == nil || !s.Pricing.Billable || s.Pricing.Category != "group_marketing" || s.Pricing.Type != "regular" {
				t.Fatalf("pricing = %+v", s.Pricing)
			}
		}},
		{"statuses_failed.json", func(t *testing.T, p *Payload) {
			s := only(t, p, FieldMessages).Statuses[0]
			eq(t, "status", s.Status, "failed")
			if len(s.Errors) != 1 || s.Errors[0].Code != 131000 || s.Errors[0].Href == "" || s.Errors[0].Details == "" {
				t.Fatalf("errors = %+v", s.Errors)
			}
		}},
		{"statuses_participant_recipient_id.json", func(t *testing.T, p *Payload) {
			s := only(t, p, FieldMessages).Statuses[0]
			eq(t, "participant", s.RecipientParticipantID, "16505559876")
			eq(t, "category", s.Pricing.Category, "group_utility")
		}},
		{"statuses_read_aggregated.json", func(t *testing.T, p *Payload) {
			st := only(t, p, FieldMessages).Statuses
			if len(st) != 2 {
				t.Fatalf("statuses = %d", len(st))
			}
			eq(t, "same message", st[0].ID, st[1].ID)
			eq(t, "p0", st[0].Participant(), "16505551234")
			eq(t, "p1", st[1].Participant(), "16505559876")
			if st[0].Pricing == nil || st[0].Pricing.Category != "group_marketing" || !st[0].Pricing.Billable {
				t.Fatalf("nested pricing not lifted: %+v", st[0].Pricing)
			}
			if st[0].Conversation == nil || st[0].Conversation.Origin == nil || st[0].Conversation.Origin.Type != "group_marketing" {
				t.Fatalf("conversation = %+v", st[0].Conversation)
			}
			if st[1].Pricing != nil {
				t.Fatalf("second status has no pricing, got %+v", st[1].Pricing)
			}
		}},
		{"statuses_delivered_aggregated_messages.json", func(t *testing.T, p *Payload) {
			st := only(t, p, FieldMessages).Statuses
			if len(st) != 2 || st[0].ID == st[1].ID {
				t.Fatalf("want 2 different messages, got %+v", st)
			}
			eq(t, "numeric timestamp", st[1].Timestamp, 1744345301)
			eq(t, "same participant", st[0].Participant(), st[1].Participant())
		}},
		{"bsuid_participants_add.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventParticipantsAdd)
			want := []EventParticipant{{UserID: "US.13491208655302741918", ParentUserID: "US.ENT.11815799212886844830", Username: "tiago.m"}}
			if !reflect.DeepEqual(g.AddedParticipants, want) {
				t.Fatalf("added = %+v", g.AddedParticipants)
			}
		}},
		{"bsuid_join_request_created.json", func(t *testing.T, p *Payload) {
			g := onlyGroup(t, p, FieldParticipants, EventJoinRequestCreated)
			eq(t, "wa_id", g.WaID, "")
			eq(t, "user_id", g.UserID, "US.13491208655302741918")
			eq(t, "username", g.Username, "tiago.m")
		}},
		{"bsuid_inbound_text.json", func(t *testing.T, p *Payload) {
			v := only(t, p, FieldMessages)
			c := v.Contacts[0]
			eq(t, "contact wa_id", c.WaID, "")
			eq(t, "contact user_id", c.UserID, "US.13491208655302741918")
			eq(t, "username", c.Profile.Username, "tiago.m")
			m := v.Messages[0]
			eq(t, "from", m.From, "")
			eq(t, "from_user_id", m.FromUserID, "US.13491208655302741918")
		}},
		{"bsuid_status_read.json", func(t *testing.T, p *Payload) {
			v := only(t, p, FieldMessages)
			s := v.Statuses[0]
			eq(t, "participant id", s.RecipientParticipantID, "")
			eq(t, "participant", s.Participant(), "US.13491208655302741918")
			eq(t, "parent", s.RecipientParticipantParentUserID, "US.ENT.11815799212886844830")
			eq(t, "contacts", len(v.Contacts), 1)
		}},
		{"batched_multi.json", func(t *testing.T, p *Payload) {
			if len(p.Entry) != 2 {
				t.Fatalf("entries = %d", len(p.Entry))
			}
			e0 := p.Entry[0]
			if len(e0.Changes) != 2 || e0.Changes[0].Field != FieldParticipants || e0.Changes[1].Field != FieldLifecycle {
				t.Fatalf("changes = %+v", e0.Changes)
			}
			eq(t, "groups in first change", len(e0.Changes[0].Value.Groups), 2)
			eq(t, "added in second group", len(e0.Changes[0].Value.Groups[1].AddedParticipants), 2)
			eq(t, "create request", e0.Changes[1].Value.Groups[0].RequestID, "106540352242940")
			e1 := p.Entry[1]
			eq(t, "second entry id", e1.ID, "102290129340399")
			eq(t, "second phone", e1.Changes[0].Value.Metadata.PhoneNumberID, "106540352242999")
			eq(t, "status", e1.Changes[0].Value.Statuses[0].Status, "sent")
		}},
		{"unknown_fields.json", func(t *testing.T, p *Payload) {
			v := only(t, p, FieldMessages)
			m := v.Messages[0]
			if m.Text == nil || m.Text.Body != "New fields should not break parsing" {
				t.Fatalf("text = %+v", m.Text)
			}
			if m.Context == nil || m.Context.From != "15550783881" {
				t.Fatalf("context = %+v", m.Context)
			}
			eq(t, "identity_key_hash", v.Contacts[0].IdentityKeyHash, "DF2lS5v2W6x=")
		}},
		{"statuses_v23_conversation.json", checkV23Statuses},
	}
	tests = append(tests, bsuidFixtures...)
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			tt.check(t, mustParseFixture(t, tt.file))
		})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("fixture %s has no assertions", f)
		}
	}
}
