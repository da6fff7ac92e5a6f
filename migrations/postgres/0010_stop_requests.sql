-- "Stop the run on this store", asked by an operator in any console (issue 20): every run of
-- the store that started before `asked_at` stops after the order in flight, whichever process
-- runs it, and records who asked. One row per store: the latest request.
CREATE TABLE stop_requests (
    channel  TEXT PRIMARY KEY,
    asked_at TIMESTAMPTZ NOT NULL,
    asked_by TEXT NOT NULL
);
