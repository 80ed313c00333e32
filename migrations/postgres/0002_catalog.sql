-- The catalog: each project's clusters as last read from the provider, shared by every replica,
-- and the lease that picks the one replica that reads them (PostgreSQL).
-- Same tables, columns and meaning as migrations/sqlite/0002_catalog.sql.

-- The latest snapshot of each project.
CREATE TABLE catalog_snapshots (
    project_id TEXT PRIMARY KEY,
    version    BIGINT NOT NULL,                            -- grows with every change
    body       TEXT NOT NULL,                              -- JSON: the snapshot
    written_at TIMESTAMPTZ NOT NULL
);

-- Which replica refreshes each project's catalog, until when.
CREATE TABLE catalog_leases (
    project_id TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
