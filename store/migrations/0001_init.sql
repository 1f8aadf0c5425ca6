-- Times are Unix milliseconds (INTEGER) throughout.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'viewer')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE groups (
    id                 INTEGER PRIMARY KEY,
    wa_group_id        TEXT UNIQUE,
    request_id         TEXT UNIQUE,
    subject            TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    join_approval_mode TEXT NOT NULL DEFAULT 'auto_approve',
    status             TEXT NOT NULL DEFAULT 'creating'
                       CHECK (status IN ('creating', 'active', 'failed', 'deleting', 'deleted')),
    suspended          INTEGER NOT NULL DEFAULT 0,
    invite_link        TEXT NOT NULL DEFAULT '',
    failure            TEXT NOT NULL DEFAULT '',
    participant_count  INTEGER NOT NULL DEFAULT 0,
    pending_requests   INTEGER NOT NULL DEFAULT 0,
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    last_activity_at   INTEGER NOT NULL,
    confirmed_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX groups_status ON groups (status, created_at);
CREATE INDEX groups_activity ON groups (last_activity_at);

-- member_key is the wa_id when known, else the BSUID (user_id).
CREATE TABLE participants (
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_key TEXT NOT NULL,
    wa_id      TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL DEFAULT '',
    username   TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL CHECK (state IN ('member', 'left', 'removed')),
    joined_via TEXT NOT NULL DEFAULT '',
    joined_at  INTEGER NOT NULL DEFAULT 0,
    left_at    INTEGER NOT NULL DEFAULT 0,
    event_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, member_key)
);

CREATE TABLE join_requests (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    join_request_id TEXT NOT NULL,
    member_key      TEXT NOT NULL,
    wa_id           TEXT NOT NULL DEFAULT '',
    user_id         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'revoked')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (group_id, join_request_id)
);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    wamid        TEXT UNIQUE,
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    sender_key   TEXT NOT NULL DEFAULT '',
    sender_name  TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'received')),
    error        TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_group ON messages (group_id, created_at);
CREATE INDEX messages_queue ON messages (state) WHERE state IN ('queued', 'sending');

-- Receipts are keyed by wamid, not by message row, so a status that
-- arrives before the send response is kept and joins up later.
CREATE TABLE receipts (
    wamid        TEXT NOT NULL,
    participant  TEXT NOT NULL,
    delivered_at INTEGER NOT NULL DEFAULT 0,
    read_at      INTEGER NOT NULL DEFAULT 0,
    failed       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (wamid, participant)
);

CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    fields      TEXT NOT NULL DEFAULT '',
    body        BLOB NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'failed', 'deferred')),
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_outcome ON webhook_deliveries (outcome, id);

-- One row per applied change: the de-duplication key of a retried delivery.
CREATE TABLE webhook_events (
    dedup_key   TEXT PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    applied_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Changes that name a group or request the app does not know yet.
CREATE TABLE deferred_events (
    id          INTEGER PRIMARY KEY,
    wait_key    TEXT NOT NULL,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    field       TEXT NOT NULL,
    payload     BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX deferred_events_key ON deferred_events (wait_key);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action   TEXT NOT NULL,
    group_id INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    detail   TEXT NOT NULL DEFAULT '',
    outcome  TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX audit_log_at ON audit_log (at);
