-- Addresses a customer copied (Cc) on a message; the ticket the message opened or joined sends
-- its customer mail to them too. Kept per message, so that they count from the same write that
-- ties the message to its ticket.
CREATE TABLE inbound_copies (
    inbound_id BIGINT NOT NULL REFERENCES inbound (id),
    email      TEXT NOT NULL,
    PRIMARY KEY (inbound_id, email)
);
