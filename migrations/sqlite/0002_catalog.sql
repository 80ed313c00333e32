-- The catalog: each project's clusters as last read from the provider, shared by every replica,
-- and the lease that picks the one replica that reads them (SQLite).
-- Same tables, columns and meaning as migrations/postgres/0002_catalog.sql.

-- The latest snapshot of each project.
CREATE TABLE catalog_snapshots (
    project_id TEXT PRIMARY KEY NOT NULL,
    version    INTEGER NOT NULL,                           -- grows with every change
    body       TEXT NOT NULL,                              -- JSON: the snapshot
    written_at TEXT NOT NULL
);

-- Which replica refreshes each project's catalog, until when.
CREATE TABLE catalog_leases (
    project_id TEXT PRIMARY KEY NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
