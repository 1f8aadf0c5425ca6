-- Live state from webhooks (issue 4): an activity feed written in the
-- ingest transaction, and event times that make suspension and deletion
-- order-tolerant. (Results of staff-requested changes live in
-- group_changes, 0003.)

-- One row per thing that happened to a group, newest last. Written in the
-- same transaction that applies the change, so the feed never disagrees
-- with the state it describes.
CREATE TABLE activity (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    group_id INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    who      TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_group ON activity (group_id, id);
CREATE INDEX activity_kind_at ON activity (kind, at);

CREATE INDEX join_requests_pending ON join_requests (group_id, state);
CREATE INDEX deferred_events_delivery ON deferred_events (delivery_id);
CREATE INDEX webhook_deliveries_fields ON webhook_deliveries (fields, id);
CREATE INDEX messages_created ON messages (created_at);

-- Event time of the newest suspend / clear / delete applied, so a stale
-- one that arrives late does not undo a newer one.
ALTER TABLE groups ADD COLUMN status_event_at INTEGER NOT NULL DEFAULT 0;
