-- A contact's address that returned our mail (a delivery report, RFC 3464): the server's words,
-- until mail comes from that address again.
ALTER TABLE contacts ADD COLUMN bounced TEXT;
