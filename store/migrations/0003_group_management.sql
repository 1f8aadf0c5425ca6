-- Group management at fleet scale (10,000 groups per number).

-- The groups list sorts by creation, last activity or fullness, and
-- filters on status, suspension and pending requests; each sort gets an
-- index so a page of 50 never sorts the whole table.
CREATE INDEX groups_created ON groups (created_at, id);
CREATE INDEX groups_activity_id ON groups (last_activity_at, id);
CREATE INDEX groups_fullest ON groups (participant_count, created_at);
CREATE INDEX groups_pending ON groups (pending_requests) WHERE pending_requests > 0;
CREATE INDEX groups_suspended ON groups (suspended) WHERE suspended = 1;

-- The cross-group requests inbox lists pending requests, oldest first.
CREATE INDEX join_requests_state ON join_requests (state, created_at);

-- The audit page filters by user, group and action.
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_group ON audit_log (group_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

-- Asynchronous changes a staff member asked for (settings, removals,
-- deletion): the page shows them as pending until their webhook
-- confirms or fails them, matched by request_id (or group + kind).
CREATE TABLE group_changes (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('subject', 'description', 'photo', 'remove', 'delete')),
    request_id  TEXT NOT NULL DEFAULT '',
    target      TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    error       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX group_changes_group ON group_changes (group_id, id);
CREATE INDEX group_changes_request ON group_changes (request_id) WHERE request_id <> '';
