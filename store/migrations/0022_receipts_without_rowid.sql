-- Receipts become a WITHOUT ROWID table keyed by (wamid, participant)
-- (issue 19). As a rowid table, every status wrote two B-trees, the rows
-- and the unique index that is its real key; now it writes one. Statuses
-- are the most frequent webhook (a delivered and a read per participant
-- per message), and their wamids are random, so each of those writes
-- lands on its own page once the table outgrows the cache.
CREATE TABLE receipts_by_key (
    wamid        TEXT NOT NULL,
    participant  TEXT NOT NULL,
    delivered_at INTEGER NOT NULL DEFAULT 0,
    read_at      INTEGER NOT NULL DEFAULT 0,
    failed       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (wamid, participant)
) WITHOUT ROWID;
INSERT INTO receipts_by_key (wamid, participant, delivered_at, read_at, failed)
    SELECT wamid, participant, delivered_at, read_at, failed FROM receipts ORDER BY wamid, participant;
DROP TABLE receipts;
ALTER TABLE receipts_by_key RENAME TO receipts;
CREATE INDEX receipts_participant ON receipts (participant) WHERE participant <> '';
