-- Outgoing webhooks: endpoints an admin registered, the events groupdeck
-- emits (written in the same transaction as the change they describe, so
-- none is lost), one delivery per subscribed endpoint, and a bounded log
-- of attempts per endpoint.
CREATE TABLE hook_endpoints (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL,          -- ",member.joined,group.created," so instr() matches whole names
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    last_ok_at  INTEGER NOT NULL DEFAULT 0,
    last_err_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE hook_events (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    group_id   INTEGER NOT NULL DEFAULT 0, -- 0: not about one group
    once_key   TEXT UNIQUE,                -- set for events that must be emitted once (read by all)
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE hook_deliveries (
    id          INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES hook_endpoints (id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES hook_events (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    done_at     INTEGER NOT NULL DEFAULT 0
);
-- The sender takes, per endpoint and group, the oldest pending delivery.
CREATE INDEX hook_deliveries_pending ON hook_deliveries (endpoint_id, group_id, id) WHERE state = 'pending';
CREATE INDEX hook_deliveries_endpoint ON hook_deliveries (endpoint_id, id);

CREATE TABLE hook_attempts (
    id          INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES hook_endpoints (id) ON DELETE CASCADE,
    delivery_id INTEGER NOT NULL,
    event_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    status      INTEGER NOT NULL,       -- HTTP status, 0 when no response
    latency_ms  INTEGER NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    response    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hook_attempts_endpoint ON hook_attempts (endpoint_id, id);
