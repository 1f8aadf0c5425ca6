-- One person, one identity (docs/cloud-api.md#identifiers). A person is
-- keyed by their business-scoped user id (BSUID) when WhatsApp gave one,
-- else by their phone number (wa_id); the phone, username and name are
-- attributes that may appear later or disappear.
CREATE TABLE people (
    key            TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL DEFAULT '',
    parent_user_id TEXT NOT NULL DEFAULT '',
    wa_id          TEXT NOT NULL DEFAULT '',
    username       TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Every identifier a person was seen with (phone number, BSUID, a BSUID
-- WhatsApp since replaced) names exactly one person.
CREATE TABLE person_aliases (
    alias      TEXT PRIMARY KEY,
    person_key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX person_aliases_person ON person_aliases (person_key);

-- A person's rows are found by their key alone when their attributes are
-- refreshed or they are re-keyed.
CREATE INDEX participants_member ON participants (member_key);
CREATE INDEX join_requests_member ON join_requests (member_key);
CREATE INDEX messages_sender ON messages (sender_key) WHERE sender_key <> '';
CREATE INDEX receipts_participant ON receipts (participant) WHERE participant <> '';

-- Mend rows stored before this migration: a participant, request, author
-- or receipt keyed by a phone number moves to the BSUID that any row ties
-- to that phone. Where one group then holds the same person twice, the
-- row with the older event goes.
CREATE TABLE identity_rekey (old TEXT PRIMARY KEY, new TEXT NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO identity_rekey SELECT wa_id, user_id FROM participants WHERE wa_id <> '' AND user_id <> '' AND wa_id <> user_id;
INSERT OR IGNORE INTO identity_rekey SELECT wa_id, user_id FROM join_requests WHERE wa_id <> '' AND user_id <> '' AND wa_id <> user_id;

UPDATE participants AS n SET
    wa_id = CASE WHEN n.wa_id = '' THEN r.old ELSE n.wa_id END,
    username = CASE WHEN n.username = '' THEN o.username ELSE n.username END,
    name = CASE WHEN n.name = '' THEN o.name ELSE n.name END
    FROM identity_rekey r JOIN participants o ON o.member_key = r.old
    WHERE r.new = n.member_key AND o.group_id = n.group_id;
DELETE FROM participants AS o WHERE EXISTS (SELECT 1 FROM identity_rekey r JOIN participants n ON n.member_key = r.new
    WHERE r.old = o.member_key AND n.group_id = o.group_id AND n.event_at >= o.event_at);
DELETE FROM participants AS n WHERE EXISTS (SELECT 1 FROM identity_rekey r JOIN participants o ON o.member_key = r.old
    WHERE r.new = n.member_key AND o.group_id = n.group_id);
UPDATE participants SET
    wa_id = CASE WHEN wa_id = '' THEN member_key ELSE wa_id END,
    user_id = (SELECT new FROM identity_rekey WHERE old = member_key),
    member_key = (SELECT new FROM identity_rekey WHERE old = member_key)
    WHERE member_key IN (SELECT old FROM identity_rekey);

UPDATE join_requests SET
    wa_id = CASE WHEN wa_id = '' THEN member_key ELSE wa_id END,
    user_id = (SELECT new FROM identity_rekey WHERE old = member_key),
    member_key = (SELECT new FROM identity_rekey WHERE old = member_key)
    WHERE member_key IN (SELECT old FROM identity_rekey);

UPDATE messages SET sender_key = (SELECT new FROM identity_rekey WHERE old = sender_key)
    WHERE sender_key IN (SELECT old FROM identity_rekey);

INSERT INTO receipts (wamid, participant, delivered_at, read_at, failed)
    SELECT r.wamid, k.new, r.delivered_at, r.read_at, r.failed FROM receipts r JOIN identity_rekey k ON k.old = r.participant WHERE true
    ON CONFLICT (wamid, participant) DO UPDATE SET
        delivered_at = CASE WHEN delivered_at = 0 OR (excluded.delivered_at > 0 AND excluded.delivered_at < delivered_at)
            THEN excluded.delivered_at ELSE delivered_at END,
        read_at = CASE WHEN read_at = 0 OR (excluded.read_at > 0 AND excluded.read_at < read_at)
            THEN excluded.read_at ELSE read_at END,
        failed = CASE WHEN failed = '' THEN excluded.failed ELSE failed END;
DELETE FROM receipts WHERE participant IN (SELECT old FROM identity_rekey);

INSERT OR IGNORE INTO people (key, user_id, wa_id, username, name, updated_at)
    SELECT member_key, user_id, wa_id, username, name, event_at FROM participants ORDER BY event_at DESC;
INSERT OR IGNORE INTO people (key, user_id, wa_id)
    SELECT member_key, user_id, wa_id FROM join_requests;
INSERT OR IGNORE INTO person_aliases SELECT key, key FROM people;
INSERT OR IGNORE INTO person_aliases SELECT user_id, key FROM people WHERE user_id <> '';
INSERT OR IGNORE INTO person_aliases SELECT wa_id, key FROM people WHERE wa_id <> '';
INSERT OR IGNORE INTO person_aliases SELECT old, new FROM identity_rekey;
UPDATE people SET wa_id = (SELECT old FROM identity_rekey WHERE new = key)
    WHERE wa_id = '' AND key IN (SELECT new FROM identity_rekey);
DROP TABLE identity_rekey;
