-- Ingest that does not slow as the database grows (issue 19).

-- The outbox looks for due and in-flight messages every couple of
-- seconds. messages_queue (state) WHERE state IN ('queued', 'sending')
-- cannot serve "state = 'queued'" (SQLite proves a partial index usable
-- only from a term that matches its WHERE), so those queries read the
-- whole messages table: on the writer, every poll, seconds of CPU a
-- minute with a million messages stored. These indexes hold only the
-- few messages waiting to be sent, so a received message never writes
-- to them.
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE state = 'queued';
CREATE INDEX messages_sending ON messages (claimed_at) WHERE state = 'sending';

-- messages_inbound (group_id, direction, created_at) served one question,
-- "when did a participant last write in this group" (the 24-hour service
-- window), and cost every inbound message an entry at a random place of a
-- large index. The group row, which each inbound message updates anyway
-- (last_activity_at), now keeps the answer.
ALTER TABLE groups ADD COLUMN last_inbound_at INTEGER NOT NULL DEFAULT 0;
UPDATE groups SET last_inbound_at = coalesce((SELECT max(created_at) FROM messages
    WHERE group_id = groups.id AND direction = 'in'), 0);
DROP INDEX messages_inbound;
