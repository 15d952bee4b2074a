-- Addresses a customer copied (Cc) on their mail about a ticket: they get the ticket's mail too.
CREATE TABLE ticket_participants (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    email     TEXT NOT NULL,
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, email)
);
