-- Small facts about the installation, such as the fingerprint of the regulation the projections
-- were last computed under.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
