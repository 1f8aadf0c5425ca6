-- groups_activity (last_activity_at) is a prefix of groups_activity_id
-- (last_activity_at, id), which serves every query it did. Each inbound
-- message updates last_activity_at, so the duplicate cost an index write
-- per webhook delivery for nothing.
DROP INDEX IF EXISTS groups_activity;
