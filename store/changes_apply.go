package store

import "fmt"

// SettingsApplied stores a subject or description WhatsApp confirmed;
// nil leaves that setting unchanged.
func (t *Tx) SettingsApplied(groupID int64, subject, description *string, at int64) error {
	if subject != nil && *subject != "" {
		if _, err := t.exec(`UPDATE groups SET subject = ?, updated_at = ?,
			last_activity_at = max(last_activity_at, ?) WHERE id = ?`, *subject, t.now, at, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	if description != nil {
		if _, err := t.exec(`UPDATE groups SET description = ?, updated_at = ? WHERE id = ?`,
			*description, t.now, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	t.touch(groupID)
	return nil
}

// GroupDeleteApplied settles the pending deletion; a failed one puts the
// group back to active (GroupDeleted records a success).
func (t *Tx) GroupDeleteApplied(groupID int64, requestID, failure string) error {
	if failure == "" {
		return t.settleDelete(groupID, requestID, "")
	}
	if _, err := t.exec(`UPDATE groups SET status = 'active', updated_at = ?
		WHERE id = ? AND status = 'deleting'`, t.now, groupID); err != nil {
		return fmt.Errorf("store: group delete failed: %w", err)
	}
	return t.settleDelete(groupID, requestID, failure)
}

func (t *Tx) settleDelete(groupID int64, requestID, failure string) error {
	if _, err := t.ResolveChange(ChangeEvent{GroupID: groupID, RequestID: requestID, Kind: ChangeDelete, Failure: failure}); err != nil {
		return err
	}
	t.touch(groupID)
	return nil
}
