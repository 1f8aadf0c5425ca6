-- The outbox sends several messages at once but one group's in order,
-- one at a time (issue 16): each claim asks, per candidate message,
-- whether its group has an earlier message queued or one being sent.
-- This index holds only messages waiting or being sent, so it stays small
-- and a received message never writes to it.
CREATE INDEX messages_group_pending ON messages (group_id, state, in_doubt) WHERE state IN ('queued', 'sending');
