-- Signed-in sessions kept on the server, so signing out, a password
-- change or disabling an account ends a session even if a copy of its
-- cookie survives. id is the SHA-256 of the cookie's session id: a copied
-- database does not hold usable session ids.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    client     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
