-- The group page asks for a group's pinned messages and its pending pin
-- commands on every render; without these it scans the group's history.
CREATE INDEX messages_pinned ON messages (group_id, pinned_at) WHERE pinned_until > 0;
CREATE INDEX messages_pin_commands ON messages (group_id, id) WHERE kind IN ('pin', 'unpin') AND state <> 'sent';
