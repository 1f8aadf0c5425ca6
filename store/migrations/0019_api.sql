-- The JSON API (issue 18): personal tokens, idempotency keys, person labels.

-- A personal API token acts as its user. Only the SHA-256 of the token is
-- kept: the token is 32 random bytes, so a fast hash is as good as a slow
-- one against guessing, and lets the lookup be one indexed equality.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,              -- the first characters, to recognise a token
    expires_at   INTEGER NOT NULL,           -- Unix ms
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- The answer to a POST sent with an Idempotency-Key, kept 24 hours, so a
-- client that retries gets the first answer instead of a second send.
CREATE TABLE api_idempotency (
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,              -- method, path and body
    status       INTEGER NOT NULL,
    body         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);

-- A label and a note staff keep about a person, keyed by the participant
-- key (wa_id or BSUID), across groups.
CREATE TABLE person_labels (
    member_key TEXT PRIMARY KEY,
    label      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);
