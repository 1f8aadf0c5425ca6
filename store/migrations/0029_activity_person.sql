-- Activity lines link to the person they are about (issue: activity lines
-- link to the person). who_key is the person's key (people.key) when the
-- line names a participant, '' otherwise (staff lines, group events, lines
-- written before this version). A key later replaced by a BSUID stays an
-- alias, so the person page redirects an old key to the new one and
-- nothing here needs rewriting on a re-key. Added with a constant default:
-- SQLite changes only the schema, not the rows.
ALTER TABLE activity ADD COLUMN who_key TEXT NOT NULL DEFAULT '';
