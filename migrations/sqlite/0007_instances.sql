-- Liveness without PIDs or host names (issue 23): each process handle that may hold an order
-- claim or a scheduler lease registers a random instance id and renews `alive_until` by
-- heartbeat. A claim or lease is taken over only when its instance's heartbeat has expired.
CREATE TABLE instances (
    id          TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    alive_until TEXT NOT NULL
);
ALTER TABLE order_remote ADD COLUMN claimed_instance TEXT;
ALTER TABLE scheduler_leases ADD COLUMN instance TEXT;
-- A shipping mail whose answer could not be read: perhaps sent, never sent again on its own.
ALTER TABLE order_remote ADD COLUMN mail_uncertain BOOLEAN NOT NULL DEFAULT FALSE;
