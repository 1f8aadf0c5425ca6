package store

import (
	"context"
	"fmt"
)

// AuditAction names what an audit row records. The strings are stored,
// and the audit page filters on them: never change one.
type AuditAction string

// The audited actions.
const (
	AuditLogin              AuditAction = "login"
	AuditLogout             AuditAction = "logout"
	AuditSetup              AuditAction = "setup"
	AuditUserCreate         AuditAction = "user.create"
	AuditUserRole           AuditAction = "user.role"
	AuditUserPassword       AuditAction = "user.password"
	AuditUserDisable        AuditAction = "user.disable"
	AuditUserEnable         AuditAction = "user.enable"
	AuditUserAddCLI         AuditAction = "user.add"    // from the command line
	AuditUserPasswdCLI      AuditAction = "user.passwd" // from the command line
	AuditGroupCreate        AuditAction = "group.create"
	AuditGroupDelete        AuditAction = "group.delete"
	AuditGroupSettings      AuditAction = "group.settings"
	AuditGroupsBulkCreate   AuditAction = "groups.bulk_create"
	AuditInviteReset        AuditAction = "invite.reset"
	AuditInviteDelete       AuditAction = "invite.delete"
	AuditMessageQueue       AuditAction = "message.queue"
	AuditMessageRetry       AuditAction = "message.retry"
	AuditMessagePin         AuditAction = "message.pin"
	AuditMessageUnpin       AuditAction = "message.unpin"
	AuditMessageBroadcast   AuditAction = "message.broadcast"
	AuditMediaUpload        AuditAction = "media.upload"
	AuditRequestsApprove    AuditAction = "requests.approve"
	AuditRequestsReject     AuditAction = "requests.reject"
	AuditParticipantsRemove AuditAction = "participants.remove"
	AuditParticipantsExport AuditAction = "participants.export"
	AuditCampaignCreate     AuditAction = "campaign.create"
	AuditCampaignEnable     AuditAction = "campaign.enable"
	AuditCampaignDisable    AuditAction = "campaign.disable"
	AuditCampaignInvites    AuditAction = "campaign.invites"
	AuditCampaignExport     AuditAction = "campaign.export"
	AuditPoolCreate         AuditAction = "pool.create"
	AuditPoolGroupCreate    AuditAction = "pool.group_create"
	AuditJobCancel          AuditAction = "job.cancel"
	AuditWebhookReplay      AuditAction = "webhook.replay"
	AuditSyncRun            AuditAction = "sync.run"
	AuditSyncDrift          AuditAction = "sync.drift"
	AuditSyncImport         AuditAction = "sync.import"
)

// AuditEntry is one staff action and its outcome.
type AuditEntry struct {
	ID      int64
	At      int64
	UserID  int64
	Action  AuditAction
	GroupID int64
	Detail  string
	Outcome string
}

// Audit records a staff action in the transaction that makes its change,
// so the change and its record commit together. Outcome is "ok" unless
// set.
func (t *Tx) Audit(e AuditEntry) error {
	if e.Outcome == "" {
		e.Outcome = "ok"
	}
	_, err := t.exec(`INSERT INTO audit_log (at, user_id, action, group_id, detail, outcome)
		VALUES (?, nullif(?, 0), ?, nullif(?, 0), ?, ?)`, t.now, e.UserID, e.Action, e.GroupID, e.Detail, e.Outcome)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Audit records a staff action that changes nothing else in the store: a
// sign-in, an export, a Cloud API call that failed.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.write(ctx, func(t *Tx) error { return t.Audit(e) })
}

// AuditLog returns the newest entries first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, coalesce(user_id, 0), action, coalesce(group_id, 0), detail, outcome
		FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Action, &e.GroupID, &e.Detail, &e.Outcome); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
