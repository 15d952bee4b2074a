-- The queue reads 50 rows in index order instead of sorting every open ticket: `next_due` holds
-- the largest BIGINT when no deadline runs (so no COALESCE is needed to sort those last), and the
-- index matches the queue's ORDER BY exactly, directions included.
UPDATE tickets SET next_due = 9223372036854775807 WHERE next_due IS NULL;
DROP INDEX tickets_queue;
CREATE INDEX tickets_queue ON tickets (open, out_of_turn DESC, next_due, received_at, id);
