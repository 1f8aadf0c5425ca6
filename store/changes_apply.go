package store

import "fmt"

// SettingsApplied stores a subject or description WhatsApp confirmed;
// nil leaves that setting unchanged.
func (t *Tx) SettingsApplied(groupID int64, subject, description *string, at int64) error {
	if subject != nil && *subject != "" {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE groups SET subject = ?, updated_at = ?,
			last_activity_at = max(last_activity_at, ?) WHERE id = ?`, *subject, t.now, at, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	if description != nil {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE groups SET description = ?, updated_at = ? WHERE id = ?`,
			*description, t.now, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	t.touch(groupID)
	t.global = true
	return nil
}

// GroupDeleteApplied records the outcome of a deletion: deleted, or back
// to active with the reason in the pending change.
func (t *Tx) GroupDeleteApplied(groupID int64, requestID, failure string) error {
	if failure == "" {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE groups SET status = 'deleted', invite_link = '', updated_at = ?
			WHERE id = ?`, t.now, groupID); err != nil {
			return fmt.Errorf("store: group deleted: %w", err)
		}
	} else if _, err := t.tx.ExecContext(t.ctx, `UPDATE groups SET status = 'active', updated_at = ?
		WHERE id = ? AND status = 'deleting'`, t.now, groupID); err != nil {
		return fmt.Errorf("store: group delete failed: %w", err)
	}
	if _, err := t.ResolveChange(groupID, requestID, ChangeDelete, "", failure); err != nil {
		return err
	}
	t.touch(groupID)
	t.global = true
	return nil
}
