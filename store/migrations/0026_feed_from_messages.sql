-- Ingest that does not slow as the database grows (issue 19): a received
-- message no longer writes an activity row. Its feed line is read from the
-- message itself, so each inbound message saves a row and two index
-- entries, one of them at a random place of activity_group (group_id, id):
-- with 10,000 groups that index's hot pages (one per group) did not fit
-- the writer's page cache, and every message paid a page read, a WAL page
-- and a checkpoint copy for it.
--
-- The feed stays in arrival order: activity rows and received messages
-- take their ids from one sequence (the larger of the two tables' largest
-- ids, plus one), so a feed line's id orders it among both and the paging
-- cursors (?before=, ?since=) stay plain ids.
--
-- after: messages up to this id already have their feed line in activity
-- (written before this migration), so the feed leaves them out of the
-- message lines and the existing feed reads exactly as before; those
-- activity rows go with the activity retention like any other line.
-- floor: the activity retention's cut-off (Unix ms) at its last run:
-- message lines older than it are left out, as their activity rows were
-- deleted.
CREATE TABLE feed_messages (
    after INTEGER NOT NULL,
    floor INTEGER NOT NULL DEFAULT 0
);
INSERT INTO feed_messages (after) SELECT max(
    coalesce((SELECT max(id) FROM messages), 0),
    coalesce((SELECT max(id) FROM activity), 0));
