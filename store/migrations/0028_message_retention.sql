-- Retention of message content (issue 19, GROUPDECK_KEEP_MESSAGES).
--
-- Deleting a message clears the link of the schedule sends that queued it
-- (schedule_sends.message_id, ON DELETE SET NULL). Without an index, SQLite
-- finds those rows by reading all of schedule_sends once per deleted
-- message. Only the scheduler writes this table, a row per group and
-- occurrence, so the index costs webhook ingest nothing.
CREATE INDEX schedule_sends_message ON schedule_sends (message_id);
