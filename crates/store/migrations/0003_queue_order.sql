-- The queue reads 50 rows in index order instead of sorting every open ticket: `next_due` holds
-- the largest BIGINT when no deadline runs (so no COALESCE is needed to sort those last), and the
-- indexes match the queue's ORDER BY exactly, directions included — for every open ticket, and
-- per organization for a customer's own queue.
UPDATE tickets SET next_due = 9223372036854775807 WHERE next_due IS NULL;
DROP INDEX tickets_queue;
CREATE INDEX tickets_queue ON tickets (open, out_of_turn DESC, next_due, received_at, id);
DROP INDEX tickets_organization;
CREATE INDEX tickets_organization ON tickets (organization_id, open, out_of_turn DESC, next_due, received_at, id);
