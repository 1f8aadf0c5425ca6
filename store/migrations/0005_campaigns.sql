-- Campaigns (issue 7): tracked links served by groupdeck that redirect to a
-- group's current invite link, pools of groups made from one template,
-- anonymous visit counts, and per-recipient invite-template sends.

-- A pool is a template for groups; a campaign pointing at a pool sends
-- each visitor to a pool group with free places, and a new group is made
-- ahead of time when free places run low.
CREATE TABLE pools (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    subject_pattern    TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    join_approval_mode TEXT NOT NULL DEFAULT 'auto_approve',
    min_free           INTEGER NOT NULL DEFAULT 3,
    next_n             INTEGER NOT NULL DEFAULT 1,
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL
);

CREATE TABLE pool_groups (
    group_id INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    pool_id  INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    n        INTEGER NOT NULL
);
CREATE INDEX pool_groups_pool ON pool_groups (pool_id, n);

-- A campaign is one named link (/j/<slug>) to a group or a pool.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    group_id   INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    pool_id    INTEGER REFERENCES pools (id) ON DELETE SET NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    expires_at INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_group ON campaigns (group_id);
CREATE INDEX campaigns_pool ON campaigns (pool_id);

-- One row per visit of a campaign link: the time, a coarse device class
-- (phone, tablet, desktop, bot, other) and where the visitor was sent.
-- No IP address and no user agent are kept.
CREATE TABLE campaign_visits (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    device      TEXT NOT NULL,
    group_id    INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('redirected', 'disabled', 'expired', 'full', 'no_link'))
);
CREATE INDEX campaign_visits_campaign ON campaign_visits (campaign_id, at);
CREATE INDEX campaign_visits_group ON campaign_visits (group_id, at);

-- One row per invite-template send to one phone number. state moves
-- pending → sending (just before the API call) → sent | failed; a row
-- found "sending" after a restart is not sent again.
CREATE TABLE invite_sends (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    job_id      INTEGER NOT NULL,
    phone       TEXT NOT NULL,
    group_id    INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    wamid       TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    sent_at     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (job_id, phone)
);
CREATE INDEX invite_sends_campaign ON invite_sends (campaign_id, state);
CREATE INDEX invite_sends_phone ON invite_sends (phone, sent_at);
CREATE INDEX invite_sends_wamid ON invite_sends (wamid) WHERE wamid <> '';
