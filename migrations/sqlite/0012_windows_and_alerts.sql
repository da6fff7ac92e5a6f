-- Schedule windows (issue 20): scheduled runs and watch write only inside these. No hours means
-- all day; the days are a bit set, Monday bit 0 to Sunday bit 6 (127: every day).
ALTER TABLE channel_settings ADD COLUMN active_hours TEXT;
ALTER TABLE channel_settings ADD COLUMN active_days INTEGER NOT NULL DEFAULT 127;
ALTER TABLE channel_settings ADD COLUMN skip_holidays BOOLEAN NOT NULL DEFAULT FALSE;

-- A store's alert condition while it holds (run_failed, orders_failed, mail_refused, stale,
-- drift): the row is inserted by the one process that raises it and deleted by the one that sees
-- it clear, so each condition alerts once across runs and processes.
CREATE TABLE alert_conditions (
    channel   TEXT NOT NULL,
    event     TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    PRIMARY KEY (channel, event)
);

-- Alerts to deliver, one row per destination; retried until delivered or an hour has passed.
CREATE TABLE alert_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT NOT NULL,
    event           TEXT NOT NULL,
    destination     TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    delivered_at    TEXT,
    gave_up_at      TEXT,
    last_error      TEXT
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
