-- Every join, leave and removal, one row each (issue 15): the
-- participants table keeps only a person's latest join and leave per
-- group, so someone who left and came back three times showed one join.
-- Append-only; rows go with their group. kind is joined, left or removed
-- (the participants states); via is how they joined, as joined_via has
-- it (invite_link, sync, ...), or why a removal happened (group_deleted).
CREATE TABLE participant_events (
    id         INTEGER PRIMARY KEY,
    member_key TEXT NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('joined', 'left', 'removed')),
    via        TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL
);
-- A person's page reads their history newest first, a page at a time
-- (member_key, at, rowid); a re-key moves rows by member_key. One index
-- only, to keep the insert on the webhook path cheap: groups are removed
-- from the database only when a create never reached WhatsApp
-- (DiscardGroup), so the cascade's scan by group_id is rare.
CREATE INDEX participant_events_member ON participant_events (member_key, at);

-- Before this version only each person's latest join and leave per group
-- were kept: start their history from those.
INSERT INTO participant_events (member_key, group_id, kind, via, at)
    SELECT member_key, group_id, kind, via, at FROM (
        SELECT member_key, group_id, 'joined' AS kind, joined_via AS via, joined_at AS at
            FROM participants WHERE joined_at > 0
        UNION ALL
        SELECT member_key, group_id, state, '', left_at
            FROM participants WHERE state IN ('left', 'removed') AND left_at > 0)
    ORDER BY at, kind = 'joined' DESC;
