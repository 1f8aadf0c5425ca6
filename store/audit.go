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
	AuditUserAddCLI         AuditAction = "user.add"     // from the command line
	AuditUserPasswdCLI      AuditAction = "user.passwd"  // from the command line
	AuditSessionsEnd        AuditAction = "sessions.end" // "sign out everywhere else"
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
	AuditWebhookSubscribe   AuditAction = "webhook.subscribe" // subscribed_apps from the Connection page
	AuditSyncRun            AuditAction = "sync.run"
	AuditSyncDrift          AuditAction = "sync.drift"
	AuditSyncImport         AuditAction = "sync.import"
	AuditTokenCreate        AuditAction = "token.create"
	AuditTokenRevoke        AuditAction = "token.revoke"
	AuditPersonLabel        AuditAction = "person.label"
	AuditPeopleExport       AuditAction = "people.export"
	AuditTemplateCreate     AuditAction = "template.create"
	AuditTemplatesRefresh   AuditAction = "templates.refresh"
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

// AuditQuery filters the audit log; zero values mean "any".
type AuditQuery struct {
	UserID  int64
	GroupID int64
	Action  string
	Limit   int
	Offset  int
}

// AuditRow is an audit entry with who and which group spelled out.
type AuditRow struct {
	AuditEntry
	UserEmail    string
	GroupSubject string
}

// AuditSearch returns a page of matching entries, newest first, and the
// total that match.
func (s *Store) AuditSearch(ctx context.Context, q AuditQuery) ([]AuditRow, int, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	cond, args := ` WHERE 1 = 1`, []any{}
	if q.UserID != 0 {
		cond += ` AND a.user_id = ?`
		args = append(args, q.UserID)
	}
	if q.GroupID != 0 {
		cond += ` AND a.group_id = ?`
		args = append(args, q.GroupID)
	}
	if q.Action != "" {
		cond += ` AND a.action = ?`
		args = append(args, q.Action)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM audit_log a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.at, coalesce(a.user_id, 0), a.action, coalesce(a.group_id, 0),
		a.detail, a.outcome, coalesce(u.email, ''), coalesce(g.subject, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN groups g ON g.id = a.group_id`+cond+`
		ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: audit search: %w", err)
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		if err := rows.Scan(&r.ID, &r.At, &r.UserID, &r.Action, &r.GroupID, &r.Detail, &r.Outcome, &r.UserEmail,
			&r.GroupSubject); err != nil {
			return nil, 0, fmt.Errorf("store: audit search: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// AuditActions lists the distinct actions recorded, for the filter.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: audit actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
