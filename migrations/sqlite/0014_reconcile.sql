-- What the store really holds (issue 21). A drift found by `hassou reconcile` and not settled:
-- the order's verdict is `drift` and no run writes it until `order N resolve`. Its own table,
-- so pulls and imports (which rewrite the order's row) never settle it by accident.
CREATE TABLE order_drift (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    store    TEXT NOT NULL,
    found_at TEXT NOT NULL,
    run_id   INTEGER
);

-- Each reconcile: who ran it, when, how many orders it read back, agreed and drifted.
CREATE TABLE reconcile_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    run_by      TEXT NOT NULL,
    checked     INTEGER NOT NULL DEFAULT 0,
    agree       INTEGER NOT NULL DEFAULT 0,
    drifted     INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX reconcile_runs_channel ON reconcile_runs (channel, id);

-- `auto_reconcile_every` (off by default: NULL): the lease holder reconciles the store this often.
ALTER TABLE channel_settings ADD COLUMN auto_reconcile_every_secs INTEGER;
