// Package groupops holds the group actions staff take: create, change
// settings, delete, invite links, remove people, decide join requests and
// queue messages. The HTML handlers and the JSON API both call them, so a
// change made either way is validated, sent to WhatsApp, recorded and
// audited (in the transaction that records it) the same way.
package groupops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"groupdeck/ingest"
	"groupdeck/notify"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// WhatsApp is the part of the Cloud API client the actions use.
type WhatsApp interface {
	CreateGroup(ctx context.Context, r whatsapp.CreateGroupRequest) (string, error)
	DeleteGroup(ctx context.Context, groupID string) (string, error)
	InviteLink(ctx context.Context, groupID string) (string, error)
	ResetInviteLink(ctx context.Context, groupID string) (string, error)
	DeleteInviteLink(ctx context.Context, groupID string) error
	JoinRequests(ctx context.Context, groupID string, o whatsapp.ListGroupsOptions) ([]whatsapp.JoinRequest, string, error)
	ApproveJoinRequests(ctx context.Context, groupID string, ids []string) (*whatsapp.JoinRequestResult, error)
	RejectJoinRequests(ctx context.Context, groupID string, ids []string) (*whatsapp.JoinRequestResult, error)
	RemoveParticipants(ctx context.Context, groupID string, targets []whatsapp.RemoveTarget) (string, error)
	UpdateSettings(ctx context.Context, groupID string, u whatsapp.SettingsUpdate) (string, error)
}

// Service runs the actions. WakeOutbox and Notify may be nil.
type Service struct {
	Store      *store.Store
	WA         WhatsApp
	Ingest     *ingest.Ingester
	Notify     *notify.Notifier
	WakeOutbox func()
	Log        *slog.Logger
}

// Refused is WhatsApp refusing an action, as a human sentence with the
// error code; the refusal is already recorded and audited.
type Refused struct{ Msg string }

func (r *Refused) Error() string { return r.Msg }

// ErrNothingChanged is a settings change that changes nothing.
var ErrNothingChanged = errors.New("nothing changed: edit a field or choose a photo first")

func (s *Service) changed(ids ...int64) {
	if s.Notify != nil {
		s.Notify.GroupsChanged(ids...)
	}
}

func (s *Service) wake() {
	if s.WakeOutbox != nil {
		s.WakeOutbox()
	}
}

// Human is whatsapp.Human plus what to do about a rate limit.
func Human(err error) string {
	msg := whatsapp.Human(err)
	if wait, ok := whatsapp.RateLimitWait(err); ok {
		if wait == 0 {
			wait = whatsapp.DefaultRateWait
		}
		msg += fmt.Sprintf(" — try again in %d s", int(wait.Seconds()+0.5))
	}
	return msg
}

// ValidateGroup applies the Groups API's rules to a new group before
// anything is sent: it trims the subject, defaults the join mode, and
// returns a sentence per field to fix.
func ValidateGroup(subject, description, mode *string) map[string]string {
	errs := map[string]string{}
	*subject = strings.TrimSpace(*subject)
	switch n := utf8.RuneCountInString(*subject); {
	case n == 0:
		errs["subject"] = "Give the group a subject."
	case n > 128:
		errs["subject"] = fmt.Sprintf("The subject has %d characters; WhatsApp allows at most 128.", n)
	}
	if n := utf8.RuneCountInString(*description); n > 2048 {
		errs["description"] = fmt.Sprintf("The description has %d characters; WhatsApp allows at most 2048.", n)
	}
	switch *mode {
	case "", "auto_approve":
		*mode = "auto_approve"
	case "approval_required":
	default:
		errs["join_approval_mode"] = "Choose who can join."
	}
	return errs
}

// CreateGroup stores the group and asks WhatsApp to create it. A refusal
// is recorded on the group (status failed, with the reason), which is
// returned either way.
func (s *Service) CreateGroup(ctx context.Context, userID int64, subject, description, mode string) (*store.Group, error) {
	g := &store.Group{Subject: subject, Description: description, JoinApprovalMode: mode, CreatedBy: userID}
	if err := s.Store.CreateGroup(ctx, g); err != nil {
		return nil, err
	}
	// No transaction is open across the API call: the row above is
	// committed, and the outcome is recorded after.
	reqID, err := s.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, Description: g.Description, JoinApprovalMode: g.JoinApprovalMode})
	if err != nil {
		reason := whatsapp.Human(err)
		if _, ferr := s.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.FailGroup(g.ID, reason); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: userID, Action: store.AuditGroupCreate, GroupID: g.ID, Detail: g.Subject, Outcome: "failed: " + reason})
		}); ferr != nil {
			return nil, ferr
		}
		g.Status, g.Failure = store.GroupFailed, reason
	} else {
		touched, err := s.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := s.Ingest.RecordRequest(t, g.ID, reqID); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: userID, Action: store.AuditGroupCreate, GroupID: g.ID, Detail: g.Subject})
		})
		if err != nil {
			return nil, err
		}
		g.RequestID = reqID
		s.changed(touched...)
	}
	s.changed(g.ID)
	return g, nil
}

// DeleteGroup asks WhatsApp to delete the group; the group_delete
// webhook confirms it.
func (s *Service) DeleteGroup(ctx context.Context, userID int64, g *store.Group) error {
	ch := &store.GroupChange{GroupID: g.ID, Kind: store.ChangeDelete, CreatedBy: userID}
	if err := s.Store.RecordChange(ctx, ch); err != nil {
		return err
	}
	entry := store.AuditEntry{UserID: userID, Action: store.AuditGroupDelete, GroupID: g.ID, Detail: g.Subject}
	reqID, err := s.WA.DeleteGroup(ctx, g.WaGroupID)
	if err != nil {
		msg := Human(err)
		if err := s.Store.ChangesRefused(ctx, []int64{ch.ID}, msg, entry); err != nil {
			return err
		}
		s.changed(g.ID)
		return &Refused{Msg: msg}
	}
	if _, err := s.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.SetChangeRequest(reqID, ch.ID); err != nil {
			return err
		}
		if err := t.MarkGroupDeleting(g.ID); err != nil {
			return err
		}
		return t.Audit(entry)
	}); err != nil {
		return err
	}
	s.changed(g.ID)
	return nil
}

// ChangeInvite resets the invite link (every earlier link stops working)
// or, with reset false, deletes it. It returns the new link.
func (s *Service) ChangeInvite(ctx context.Context, userID int64, g *store.Group, reset bool) (string, error) {
	action := store.AuditInviteDelete
	var link string
	var err error
	if reset {
		action = store.AuditInviteReset
		link, err = s.WA.ResetInviteLink(ctx, g.WaGroupID)
	} else {
		err = s.WA.DeleteInviteLink(ctx, g.WaGroupID)
	}
	if err != nil {
		msg := Human(err)
		if aerr := s.Store.Audit(ctx, store.AuditEntry{UserID: userID, Action: action, GroupID: g.ID, Outcome: "failed: " + msg}); aerr != nil {
			s.Log.Error("audit failed", "err", aerr)
		}
		return "", &Refused{Msg: msg}
	}
	if _, err := s.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.SetInviteLink(g.ID, link); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: userID, Action: action, GroupID: g.ID})
	}); err != nil {
		return "", err
	}
	s.changed(g.ID)
	return link, nil
}
