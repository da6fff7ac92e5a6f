-- What the scheduler of each store's pull and sync is doing, as its lease holder last said, so
-- that every console (and `hassou status`) sharing the database shows the same. The status is a
-- JSON object (running, started_at, next_run_at, queued, runs, last_counts, last_skipped,
-- consecutive_failures, last_error); only the holder of the store's lease writes it.
CREATE TABLE scheduler_status (
    channel    TEXT NOT NULL,
    job        TEXT NOT NULL,
    holder     TEXT NOT NULL,
    status     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, job)
);
