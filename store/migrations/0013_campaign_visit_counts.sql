-- Campaign links are public, so their visits are capped: past
-- VisitRowsPerHour rows for one campaign in one hour, visits are only
-- counted here (per hour, device class and outcome), which keeps the
-- funnel and device counts right without one row per request.
CREATE TABLE campaign_visit_counts (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    hour        INTEGER NOT NULL, -- Unix ms at the start of the hour
    device      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, hour, device, outcome)
) WITHOUT ROWID;
