-- API tokens, the groups they are checked against, and the answers kept for idempotency keys
-- (PostgreSQL). Same tables, columns and meaning as migrations/sqlite/0003_api_tokens.sql.

-- Each user's groups as the identity provider last sent them: a token acts with the role these
-- give, so a user taken out of a group loses it on their tokens too.
CREATE TABLE known_users (
    username       TEXT PRIMARY KEY,
    groups         TEXT NOT NULL,                         -- JSON array
    groups_read_at TIMESTAMPTZ NOT NULL
);

-- Personal API tokens. Only a hash of the secret is kept.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,               -- UUID
    username     TEXT NOT NULL,
    name         TEXT NOT NULL,
    project_id   TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash  TEXT NOT NULL UNIQUE,                    -- SHA-256 of the secret, hex
    hint         TEXT NOT NULL,                           -- the secret's last characters, to tell tokens apart
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,                                    -- NULL: never
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    revoked_by   TEXT
);

CREATE INDEX api_tokens_by_user ON api_tokens (username, created_at);
CREATE INDEX api_tokens_by_project ON api_tokens (project_id, created_at);

-- Answers to API requests sent with an Idempotency-Key, replayed when the same request comes
-- again with the same key.
CREATE TABLE api_idempotency (
    username    TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,                            -- SHA-256 of method, path and body, hex
    status      INTEGER,                                  -- NULL while the first request runs
    location    TEXT,
    body        TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, key)
);

CREATE INDEX api_idempotency_by_age ON api_idempotency (created_at);
