-- hassou schema, SQLite flavour. Timestamps are RFC 3339 UTC text (sqlx's encoding of
-- DateTime<Utc>), whose text order is time order; dates are YYYY-MM-DD text.

-- One order of one store, as the operator keeps it.
CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    channel       TEXT    NOT NULL,
    remote_id     TEXT    NOT NULL,
    number        TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    ordered_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    shipped_on    TEXT,
    carrier       TEXT,
    tracking      TEXT    NOT NULL DEFAULT '',
    bundle_parent TEXT,
    paid_at       TEXT,
    revision      INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    UNIQUE (channel, remote_id)
);
CREATE INDEX orders_by_updated ON orders (updated_at, id);
CREATE INDEX orders_by_channel_updated ON orders (channel, updated_at, id);
CREATE INDEX orders_by_channel_number ON orders (channel, number);

-- Per order and channel: what the store last confirmed, and the last attempt.
CREATE TABLE order_remote (
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    confirmed       TEXT,
    confirmed_at    TEXT,
    remote_ref      TEXT,
    mail_sent_at    TEXT,
    last_attempt_at TEXT,
    last_attempt    TEXT,
    last_error      TEXT,
    in_flight_since TEXT,
    claimed_by      TEXT,
    claimed_until   TEXT,
    PRIMARY KEY (order_id, channel)
);

-- One pull or sync of one store.
CREATE TABLE sync_runs (
    id             INTEGER PRIMARY KEY,
    channel        TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    trigger        TEXT    NOT NULL,
    dry_run        INTEGER NOT NULL,
    host           TEXT    NOT NULL,
    started_at     TEXT    NOT NULL,
    finished_at    TEXT,
    outcome        TEXT,
    considered     INTEGER NOT NULL DEFAULT 0,
    written        INTEGER NOT NULL DEFAULT 0,
    already_synced INTEGER NOT NULL DEFAULT 0,
    waiting        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    error          TEXT
);
CREATE INDEX sync_runs_by_channel ON sync_runs (channel, started_at);

-- Every request hassou made for an order: the audit trail.
CREATE TABLE sync_attempts (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES sync_runs (id),
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    request     TEXT    NOT NULL,
    response    TEXT,
    outcome     TEXT,
    error       TEXT
);
CREATE INDEX sync_attempts_by_order ON sync_attempts (order_id, started_at);
CREATE INDEX sync_attempts_by_run ON sync_attempts (run_id);

-- Operational settings per channel (SPEC §3), shared by every console on this database.
CREATE TABLE channel_settings (
    channel              TEXT    PRIMARY KEY,
    period_days          INTEGER NOT NULL,
    statuses             TEXT    NOT NULL,
    shipped_date_only    INTEGER NOT NULL,
    auto_sync            INTEGER NOT NULL,
    auto_sync_every_secs INTEGER NOT NULL,
    auto_pull            INTEGER NOT NULL,
    auto_pull_every_secs INTEGER NOT NULL,
    watch                INTEGER NOT NULL,
    watch_debounce_secs  INTEGER NOT NULL,
    pull_days            INTEGER NOT NULL,
    pull_paid_date       INTEGER NOT NULL,
    updated_at           TEXT    NOT NULL,
    updated_by           TEXT    NOT NULL
);

-- Who runs the scheduled jobs of a store: one holder at a time, renewed by heartbeat.
CREATE TABLE scheduler_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
