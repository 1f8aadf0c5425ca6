-- Retention (issue 19). Deleting a delivery checks webhook_events for
-- rows still naming it (the foreign key), and retention deletes
-- de-duplication keys by their delivery: both need this index. Delivery
-- ids only grow, so it is appended to, never split at random.
CREATE INDEX webhook_events_delivery ON webhook_events (delivery_id);

-- A waiting change is now kept as its delivery id and its position in
-- that delivery's body (item), not a second copy of the payload; payload
-- stays only for rows written before. dedup_key replaces "is the same
-- payload already waiting", which scanned every change waiting for the
-- same group and made ingest slow down as they piled up.
ALTER TABLE deferred_events ADD COLUMN item INTEGER NOT NULL DEFAULT -1;
ALTER TABLE deferred_events ADD COLUMN dedup_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX deferred_events_dedup ON deferred_events (dedup_key) WHERE dedup_key <> '';
CREATE INDEX deferred_events_created ON deferred_events (created_at);
