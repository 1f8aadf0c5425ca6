-- Group photos. WhatsApp's webhook confirms a new photo by its sha256 but
-- never sends the image back, so groupdeck keeps the bytes staff upload
-- (at most 5 MB, checked before upload) as 'pending' until the
-- group_settings_update webhook confirms them 'current'. A photo set
-- outside groupdeck is 'current' with no bytes (data NULL): its sha256 is
-- all WhatsApp tells.
CREATE TABLE group_photos (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    change_id  INTEGER REFERENCES group_changes (id) ON DELETE SET NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'current')),
    sha256     TEXT NOT NULL,
    data       BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX group_photos_group ON group_photos (group_id, state);
