-- Delivering the outbox: a row is claimed for a while (`claimed_until`), marked `sending_at`
-- just before the message goes to the SMTP server, then `sent_at`. A claim that expired with
-- `sending_at` set means a crash between sending and marking: the message may have gone, so it
-- is never sent again automatically — it fails visibly instead. Failed tries wait
-- `next_attempt_at`; one that keeps failing ends with `failed_at` and its `last_error`.
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
ALTER TABLE outbox ADD COLUMN sending_at BIGINT;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
