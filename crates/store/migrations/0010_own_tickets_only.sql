-- An organization whose contacts each see only the tickets they filed (its owner contact still
-- sees all of them), instead of the whole organization's.
ALTER TABLE organizations ADD COLUMN own_tickets_only BIGINT NOT NULL DEFAULT 0;
