-- Notifications (PostgreSQL): what happened in each project, who subscribed to be told, and every
-- delivery with its attempts. Same tables, columns and meaning as
-- migrations/sqlite/0004_notifications.sql.

-- What happened, once per project and event (dedup_key), whatever the number of replicas that
-- noticed it: the in-console inbox, and what subscriptions are sent.
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,                -- UUID
    project_id  TEXT NOT NULL,
    event       TEXT NOT NULL,                            -- model::notification::EventKind key
    dedup_key   TEXT NOT NULL,                            -- what makes two notices the same event
    cluster_id  TEXT,
    cluster_name TEXT,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    facts       TEXT NOT NULL DEFAULT '{}',               -- JSON: the figures thresholds compare
    occurred_at TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, dedup_key)
);

CREATE INDEX notifications_by_project ON notifications (project_id, occurred_at);

-- Each user's inbox: notifications before this time are read.
CREATE TABLE notification_reads (
    username TEXT PRIMARY KEY,
    read_at  TIMESTAMPTZ NOT NULL
);

-- Where a project's notifications are sent.
CREATE TABLE notification_subscriptions (
    id          TEXT PRIMARY KEY,                -- UUID
    project_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    target      TEXT NOT NULL,                            -- the webhook's URL or the email address
    format      TEXT NOT NULL DEFAULT 'json',             -- webhooks: json, slack, teams
    events      TEXT NOT NULL,                            -- event keys, space-separated
    end_of_life_days       INTEGER NOT NULL,
    node_not_ready_minutes INTEGER NOT NULL,
    etcd_percent           INTEGER NOT NULL,
    signing_key TEXT,                                     -- webhooks: the signing key, encrypted
    key_hint    TEXT,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX notification_subscriptions_by_project ON notification_subscriptions (project_id, created_at);

-- One notification to one subscription: retried with backoff until delivered or given up.
-- Its id is sent with every attempt, for the receiver to drop repeats.
CREATE TABLE notification_deliveries (
    id               TEXT PRIMARY KEY,           -- UUID: the delivery id receivers see
    subscription_id  TEXT NOT NULL REFERENCES notification_subscriptions (id),
    notification_id  TEXT NOT NULL,                       -- notifications.id, or the test's own
    event            TEXT NOT NULL,
    title            TEXT NOT NULL,
    payload          TEXT NOT NULL,                       -- JSON: model::notification::Notification
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT,
    lease_expires_at TIMESTAMPTZ,
    last_status      INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    UNIQUE (subscription_id, notification_id)
);

CREATE INDEX notification_deliveries_due ON notification_deliveries (state, next_attempt_at);
CREATE INDEX notification_deliveries_by_subscription ON notification_deliveries (subscription_id, created_at);
