-- One index for the event log instead of two (issue 16). Every delivery
-- wrote an entry into webhook_deliveries_outcome (outcome, id) and one
-- into webhook_deliveries_fields (fields, id); the second one is appended
-- at a separate place per kind of delivery (messages, statuses'
-- "messages", group_participants_update, ...), so a group commit of mixed
-- deliveries dirtied a few more of its pages, each a WAL frame, a share
-- of the fsync and a page the checkpoint copies again. (outcome, id,
-- fields) serves every reader of both: the outcome filters and retention
-- seek by outcome in id order as before, and the field filter's count
-- and the plain count scan it alone (it covers fields), as they scanned
-- the fields index. Building it reads the deliveries once (seconds on a
-- database of a million deliveries).
DROP INDEX webhook_deliveries_outcome;
DROP INDEX webhook_deliveries_fields;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (outcome, id, fields);
