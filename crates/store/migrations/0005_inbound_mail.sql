-- Every message that arrives is kept as it came, before anything is decided about it: the MTA
-- or the IMAP poller hears "stored" only once this row is committed. `dedupe_key` is the
-- Message-ID (or, without one, a digest of the bytes), so a retried delivery, a second mailbox
-- or the pipe and IMAP together store a message once.
CREATE TABLE inbound (
    id           BIGINT PRIMARY KEY,
    dedupe_key   TEXT NOT NULL,
    message_id   TEXT,
    source       TEXT NOT NULL,
    raw          BYTEA NOT NULL,
    received_at  BIGINT NOT NULL,
    state        TEXT NOT NULL,
    ticket_id    BIGINT,
    reason       TEXT,
    processed_at BIGINT
);
CREATE UNIQUE INDEX inbound_dedupe ON inbound (dedupe_key);
CREATE INDEX inbound_message_id ON inbound (message_id);
CREATE INDEX inbound_state ON inbound (state, id);
