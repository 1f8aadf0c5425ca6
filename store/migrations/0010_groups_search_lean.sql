-- Every inbound message moves a group's last_activity_at, so an index
-- holding it costs a write per webhook delivery. The list's covering
-- index keeps the columns that change rarely; a search sorted by
-- activity reads the few matching rows from the table instead.
DROP INDEX IF EXISTS groups_list_cover;
CREATE INDEX groups_list_cover ON groups (status, subject, suspended, participant_count, pending_requests, created_at);
