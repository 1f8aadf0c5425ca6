-- Webhook deliveries refused for a bad signature, counted by the hour
-- for the Connection page ("refused in the last 24 hours"). Old hours
-- are deleted as new ones are written, so the table stays tiny however
-- many forged requests arrive. The last handshake is a settings row.
CREATE TABLE webhook_refusals (
    hour    INTEGER PRIMARY KEY, -- start of the hour, Unix ms
    refused INTEGER NOT NULL,
    last_at INTEGER NOT NULL     -- the hour's latest refusal, Unix ms
);
