-- The account's message templates as WhatsApp last listed them
-- (GET /<WABA_ID>/message_templates), refreshed on demand and
-- periodically; the composer offers the approved ones.
CREATE TABLE templates (
    name       TEXT NOT NULL,
    language   TEXT NOT NULL,
    wa_id      TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    category   TEXT NOT NULL,
    named      INTEGER NOT NULL DEFAULT 0,
    components TEXT NOT NULL DEFAULT '[]', -- Meta's components, as JSON
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (name, language)
) WITHOUT ROWID;

-- When the template list was last refreshed, and what went wrong if the
-- last refresh failed (one row).
CREATE TABLE template_refresh (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    at     INTEGER NOT NULL,
    error  TEXT NOT NULL DEFAULT ''
);

-- biz_opaque_callback_data of a status whose message id no outgoing
-- message has yet: it names the send exactly, so a message whose send
-- answer was lost is matched by it instead of by time and group.
ALTER TABLE unmatched_sends ADD COLUMN callback TEXT NOT NULL DEFAULT '';
