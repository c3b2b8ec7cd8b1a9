-- Foundation schema (SQLite flavour of migrations/postgres/0001_foundation.sql).
-- Foundation schema. Every tenant-owned table carries tenant_id first in its primary key and
-- indexes, so a distributed PostgreSQL (e.g. Citus) can shard by tenant without a rewrite.
-- Instants are INTEGER seconds since the Unix epoch (UTC); dates are TEXT 'YYYY-MM-DD';
-- flags are INTEGER 0/1. The same SQL then runs on SQLite and PostgreSQL.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    host        TEXT UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE units (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    -- Materialised path of ids, '/1/4/9/', for subtree scoping with one LIKE.
    path        TEXT NOT NULL,
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES units(tenant_id, id)
);
CREATE INDEX units_path ON units (tenant_id, path);

CREATE TABLE users (
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    password_hash       TEXT NOT NULL,
    is_citizen          INTEGER NOT NULL DEFAULT 0,
    active              INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, username)
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_phone ON users (tenant_id, phone) WHERE phone IS NOT NULL;

CREATE TABLE role_grants (
    tenant_id        INTEGER NOT NULL,
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL,
    unit_id          INTEGER NOT NULL,
    role             TEXT NOT NULL,
    include_subunits INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, user_id, unit_id, role),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units(tenant_id, id)
);
CREATE INDEX role_grants_unit ON role_grants (tenant_id, unit_id);

CREATE TABLE sessions (
    tenant_id    INTEGER NOT NULL,
    token_hash   TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    tenant_id    INTEGER NOT NULL,
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)
);

CREATE TABLE login_failures (
    tenant_id INTEGER NOT NULL,
    id        INTEGER PRIMARY KEY,
    -- sha256 of the lower-cased username and of the client address: no personal data at rest here.
    subject   TEXT NOT NULL,
    at        INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX login_failures_subject ON login_failures (tenant_id, subject, at);

-- The audit trail is split into a fixed number of hash chains per tenant so that changes to
-- different files do not serialise on one row lock; each chain is append-only and verifiable.
CREATE TABLE audit_chains (
    tenant_id INTEGER NOT NULL,
    chain     INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    PRIMARY KEY (tenant_id, chain)
);

CREATE TABLE audit_log (
    tenant_id   INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    chain       INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, chain, seq)
);
CREATE INDEX audit_log_entity ON audit_log (tenant_id, entity_type, entity_id);

CREATE TABLE fields (
    tenant_id   INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE procedures (
    tenant_id        INTEGER NOT NULL,
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_folded      TEXT NOT NULL,
    field_id         INTEGER NOT NULL,
    level            TEXT NOT NULL,
    time_value       INTEGER NOT NULL,
    time_unit        TEXT NOT NULL,
    fees_json        TEXT NOT NULL,
    documents_json   TEXT NOT NULL,
    channel_counter  INTEGER NOT NULL,
    channel_post     INTEGER NOT NULL,
    online           TEXT NOT NULL,
    online_payment   INTEGER NOT NULL,
    result           TEXT NOT NULL,
    legal_basis_json TEXT NOT NULL,
    agency           TEXT NOT NULL,
    valid_from       TEXT,
    valid_to         TEXT,
    version          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, field_id) REFERENCES fields(tenant_id, id)
);
CREATE INDEX procedures_field ON procedures (tenant_id, field_id, level);
