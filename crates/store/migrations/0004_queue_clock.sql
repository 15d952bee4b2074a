-- The queue shows the working time left on each ticket's nearest deadline and colours the row
-- when its warning has fired: the projection keeps which target that deadline belongs to (its
-- schedule counts the time left) and when the target warns.
ALTER TABLE tickets ADD COLUMN next_target TEXT;
ALTER TABLE tickets ADD COLUMN next_warn BIGINT;
