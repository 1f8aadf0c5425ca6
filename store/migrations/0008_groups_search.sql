-- A narrow covering index for the groups list: a subject search reads
-- this instead of the whole table (which carries invite links, failures
-- and timestamps), both for the total and for the page.
CREATE INDEX groups_list_cover ON groups (status, subject, suspended, participant_count, pending_requests,
    created_at, last_activity_at);
