-- Contacts can be deactivated: they can no longer sign in, and their sessions end.
ALTER TABLE contacts ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
