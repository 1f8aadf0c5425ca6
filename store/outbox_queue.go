package store

import "context"

// QueueMessages queues ms in one transaction (Tx.QueueMessage each: a
// message with a JobItemID at most once), so a send to many groups puts
// its messages in the outbox with one commit instead of one per group.
func (s *Store) QueueMessages(ctx context.Context, ms []*Message) error {
	return s.write(ctx, func(t *Tx) error {
		for _, m := range ms {
			if err := t.QueueMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
}
