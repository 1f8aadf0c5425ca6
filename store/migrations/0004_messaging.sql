-- Messaging: every message kind goes through the outbox, with back-off,
-- crash reconciliation, media, pins and send-to-many jobs.

-- Kind-specific fields of an outgoing message (JSON): link preview,
-- template name/language/parameters, pin target and duration.
ALTER TABLE messages ADD COLUMN payload TEXT NOT NULL DEFAULT '';
-- Media, either way: the Cloud API media id, its type and file name.
ALTER TABLE messages ADD COLUMN media_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN media_mime TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN media_name TEXT NOT NULL DEFAULT '';
-- A queued message is not claimed before this time (back-off after a
-- transient failure).
ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
-- When the worker last claimed it: the start of the window in which a
-- "sent" status for an unknown message id may belong to it.
ALTER TABLE messages ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;
-- 1 when the send call may or may not have reached WhatsApp (a crash or
-- a lost answer); such a message is never resent automatically.
ALTER TABLE messages ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
-- The send-to-many job item that queued this message, so a resumed job
-- never queues it twice.
ALTER TABLE messages ADD COLUMN job_item_id INTEGER;
-- Pins (at most three per group on WhatsApp).
ALTER TABLE messages ADD COLUMN pinned_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN pinned_until INTEGER NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX messages_job_item ON messages (job_item_id) WHERE job_item_id IS NOT NULL;
CREATE INDEX messages_inbound ON messages (group_id, direction, created_at);
CREATE INDEX messages_doubt ON messages (group_id) WHERE in_doubt = 1;

-- Group-level "sent" statuses for message ids no outgoing message has:
-- kept so a message whose send answer was lost can be matched later.
CREATE TABLE unmatched_sends (
    wamid       TEXT PRIMARY KEY,
    wa_group_id TEXT NOT NULL,
    at          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX unmatched_sends_group ON unmatched_sends (wa_group_id, at);
