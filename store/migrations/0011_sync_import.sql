-- Groups reconciliation found on the number that groupdeck did not
-- create: when they were imported (0 = created through groupdeck), so
-- the UI can say where a group came from.
ALTER TABLE groups ADD COLUMN imported_at INTEGER NOT NULL DEFAULT 0;
