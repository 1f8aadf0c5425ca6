-- Scheduled and recurring messages (issue 17).

-- A schedule is a message (the composer's kinds), a recurrence rule in
-- its author's time zone and a target. next_at is the next occurrence
-- (Unix ms, 0 = none): the scheduler handles an occurrence and advances
-- next_at in one transaction.
CREATE TABLE schedules (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL DEFAULT '',
    media_id      TEXT NOT NULL DEFAULT '',
    media_mime    TEXT NOT NULL DEFAULT '',
    media_name    TEXT NOT NULL DEFAULT '',
    time_zone     TEXT NOT NULL,
    start_local   TEXT NOT NULL,              -- "2006-01-02T15:04" in time_zone
    freq          TEXT NOT NULL CHECK (freq IN ('once', 'daily', 'weekly', 'monthly')),
    weekdays      INTEGER NOT NULL DEFAULT 0, -- weekly: bit n = time.Weekday(n)
    month_day     INTEGER NOT NULL DEFAULT 0, -- monthly: 1-31
    until_date    TEXT NOT NULL DEFAULT '',   -- last local date, inclusive
    max_count     INTEGER NOT NULL DEFAULT 0, -- first n occurrences only; 0 = no limit
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('groups', 'filter')),
    group_ids     TEXT NOT NULL DEFAULT '',   -- hand-picked: JSON array of group ids
    filter_pool   INTEGER NOT NULL DEFAULT 0, -- saved filter: groups of this pool (0 = any)
    filter_prefix TEXT NOT NULL DEFAULT '',   -- saved filter: subjects starting with this
    state         TEXT NOT NULL CHECK (state IN ('active', 'paused', 'cancelled', 'done')),
    next_at       INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_at) WHERE state = 'active';

-- One row per handled occurrence: the unique key makes an occurrence
-- happen once, whatever restarts or edits come between.
CREATE TABLE schedule_occurrences (
    schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('sent', 'missed', 'skipped', 'refused')),
    reason      TEXT NOT NULL DEFAULT '',
    queued      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    handled_at  INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, at)
) WITHOUT ROWID;

-- One row per group of a sent occurrence: the message queued in the
-- outbox, or why the group was skipped. Written in the transaction that
-- advances the schedule, so (schedule, occurrence, group) is sent once.
CREATE TABLE schedule_sends (
    schedule_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    group_id    INTEGER NOT NULL,
    message_id  INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    skipped     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (schedule_id, at, group_id),
    FOREIGN KEY (schedule_id, at) REFERENCES schedule_occurrences (schedule_id, at) ON DELETE CASCADE
) WITHOUT ROWID;

-- Per-user preferences: the time zone schedules are written in.
CREATE TABLE user_prefs (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone TEXT NOT NULL DEFAULT ''
);
