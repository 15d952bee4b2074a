-- One schema for SQLite and PostgreSQL: BIGINT ids allocated from `counters` (no SERIAL or
-- AUTOINCREMENT, which differ), BIGINT Unix seconds for instants, BIGINT 0/1 for flags, TEXT
-- JSON for structured values, BYTEA for file contents (SQLite stores blobs as given).

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE organizations (
    id                    BIGINT PRIMARY KEY,
    name                  TEXT NOT NULL,
    contract_number       TEXT,
    contract_from         TEXT,
    contract_to           TEXT,
    tariff                TEXT,
    state_contract_number TEXT,
    products              TEXT NOT NULL,
    account_manager_id    BIGINT,
    programmer_id         BIGINT,
    created_at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations (name);

CREATE TABLE contacts (
    id              BIGINT PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    full_name       TEXT NOT NULL,
    position        TEXT,
    phone           TEXT,
    email           TEXT NOT NULL,
    trusted         BIGINT NOT NULL,
    owner           BIGINT NOT NULL,
    password_hash   TEXT,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_organization ON contacts (organization_id);

CREATE TABLE agents (
    id            BIGINT PRIMARY KEY,
    full_name     TEXT NOT NULL,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL,
    line          TEXT,
    password_hash TEXT,
    active        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX agents_email ON agents (email);

CREATE TABLE tickets (
    id              BIGINT PRIMARY KEY,
    number          TEXT,
    status          TEXT NOT NULL,
    open            BIGINT NOT NULL,
    channel         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    organization_id BIGINT,
    contact_id      BIGINT,
    category        TEXT,
    level           TEXT,
    priority        TEXT,
    out_of_turn     BIGINT NOT NULL,
    line            TEXT,
    assignee_id     BIGINT,
    next_due        BIGINT,
    received_at     BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT,
    rating          BIGINT,
    journal_len     BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (number);
CREATE INDEX tickets_queue ON tickets (open, out_of_turn, next_due, received_at);
CREATE INDEX tickets_organization ON tickets (organization_id, received_at);

-- The journal is the truth: rows are only ever inserted.
CREATE TABLE journal (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    seq       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    event     TEXT NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);

CREATE TABLE clocks (
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
    target     TEXT NOT NULL,
    state      TEXT NOT NULL,
    due        BIGINT,
    warn_at    BIGINT,
    started_at BIGINT,
    stopped_at BIGINT,
    elapsed_s  BIGINT NOT NULL,
    remaining_s BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, target)
);

-- Timers: rows, claimed by one node at a time, fired at their exact due time.
CREATE TABLE jobs (
    id         BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL,
    ticket_id  BIGINT NOT NULL,
    target     TEXT,
    due_at     BIGINT NOT NULL,
    done_at    BIGINT,
    claimed_by TEXT,
    claimed_at BIGINT,
    attempts   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, due_at);
CREATE INDEX jobs_ticket ON jobs (ticket_id);

-- Everything that must reach a person, written with the event that caused it.
CREATE TABLE outbox (
    id         BIGINT PRIMARY KEY,
    ticket_id  BIGINT,
    kind       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);

CREATE TABLE attachments (
    id           BIGINT PRIMARY KEY,
    ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id   BIGINT NOT NULL,
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id         BIGINT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
