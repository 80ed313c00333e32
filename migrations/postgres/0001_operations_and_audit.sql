-- Durable operations, their step log, and the audit trail (PostgreSQL).
-- Same tables, columns and meaning as migrations/sqlite/0001_operations_and_audit.sql.

-- A user action carried out against the provider by the operations runner.
CREATE TABLE operations (
    id               TEXT PRIMARY KEY,                    -- UUID
    project_id       TEXT NOT NULL,                       -- the console project
    kind             TEXT NOT NULL,                       -- e.g. create_cluster, update_node_pool
    cluster_id       TEXT,                                -- serialises mutations per cluster
    target_kind      TEXT NOT NULL,                       -- cluster, node_pool, node, kubeconfig, ...
    target_id        TEXT,                                -- provider id, once known
    target_name      TEXT,                                -- what the user called it
    parameters       TEXT NOT NULL DEFAULT '{}',          -- JSON: the validated request
    actor            TEXT NOT NULL,                       -- username of who asked
    idempotency_key  TEXT,                                -- repeated submissions return the first operation
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,                -- not claimed before this time
    lease_owner      TEXT,                                -- runner holding the operation
    lease_expires_at TIMESTAMPTZ,                         -- another runner may take over after this
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    result           TEXT,                                -- JSON: what the operation produced
    error_class      TEXT,                                -- provider error class or console error kind
    error_message    TEXT,                                -- plain-words failure shown to the user
    error_query_id   TEXT,                                -- provider's X-Ovh-QueryId
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ
);

CREATE UNIQUE INDEX operations_idempotency ON operations (project_id, actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX operations_runnable ON operations (state, next_attempt_at);
CREATE INDEX operations_by_cluster ON operations (project_id, cluster_id, created_at);

-- The ordered log of what the runner did for an operation.
CREATE TABLE operation_steps (
    operation_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,                        -- 1, 2, 3 ... in order
    name         TEXT NOT NULL,                           -- e.g. wait_for_ready
    state        TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'skipped')),
    detail       TEXT,                                    -- plain-words progress ("2 of 3 nodes ready")
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (operation_id, seq)
);

-- Who did what, to which target, from where, with which outcome.
CREATE TABLE audit_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL,
    project_id    TEXT,                                   -- NULL for console-wide events (sign-in)
    actor         TEXT NOT NULL,
    actor_address TEXT,                                   -- client IP address
    action        TEXT NOT NULL,                          -- e.g. cluster.create, kubeconfig.download
    target_kind   TEXT,
    target_id     TEXT,
    target_name   TEXT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('requested', 'succeeded', 'failed', 'denied')),
    operation_id  TEXT REFERENCES operations (id) ON DELETE SET NULL,
    detail        TEXT                                    -- JSON, never secrets
);

CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
CREATE INDEX audit_events_by_project ON audit_events (project_id, occurred_at);
CREATE INDEX audit_events_by_target ON audit_events (target_kind, target_id, occurred_at);
