-- Verdict counts that do not grow with the window (issue 24). Each order keeps its *standing*:
-- the verdict it has whenever its channel's window admits it (domain::rules::standing) — its
-- values, what its store holds, the hold and the drift decide it, never the clock, the period or
-- the status option, which the queries test on the order's own columns. NULL: to be judged
-- again (by the next reader, through orders_to_judge). `standing_gen` moves on every change
-- that makes it stale, so a judge racing a writer never stores a verdict of values gone by.
ALTER TABLE orders ADD COLUMN standing TEXT;
ALTER TABLE orders ADD COLUMN standing_gen INTEGER NOT NULL DEFAULT 0;

-- Counts and pages of one verdict: a range of this index, the window tested on its columns.
CREATE INDEX orders_by_standing ON orders (channel, standing, updated_at, status, ordered_at);
-- The orders still to judge, newest change first.
CREATE INDEX orders_to_judge ON orders (updated_at) WHERE standing IS NULL;

-- Which 出荷日 option (カラーミー) the stored standings were judged with.
CREATE TABLE standing_basis (
    channel           TEXT PRIMARY KEY,
    shipped_date_only INTEGER NOT NULL
);

CREATE TRIGGER orders_standing_values AFTER UPDATE OF shipped_on, carrier, tracking, bundle_parent ON orders
WHEN OLD.shipped_on IS NOT NEW.shipped_on OR OLD.carrier IS NOT NEW.carrier
  OR OLD.tracking IS NOT NEW.tracking OR OLD.bundle_parent IS NOT NEW.bundle_parent
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER order_remote_standing_insert AFTER INSERT ON order_remote
WHEN NEW.confirmed IS NOT NULL OR NEW.last_error IS NOT NULL
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = NEW.order_id;
END;

CREATE TRIGGER order_remote_standing_update
AFTER UPDATE OF confirmed, last_attempt, last_error, last_attempt_at ON order_remote
WHEN OLD.confirmed IS NOT NEW.confirmed OR OLD.last_attempt IS NOT NEW.last_attempt
  OR OLD.last_error IS NOT NEW.last_error OR OLD.last_attempt_at IS NOT NEW.last_attempt_at
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = NEW.order_id;
END;

CREATE TRIGGER order_remote_standing_delete AFTER DELETE ON order_remote
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = OLD.order_id;
END;

CREATE TRIGGER order_holds_standing_insert AFTER INSERT ON order_holds
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = NEW.order_id;
END;

CREATE TRIGGER order_holds_standing_delete AFTER DELETE ON order_holds
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = OLD.order_id;
END;

CREATE TRIGGER order_drift_standing_insert AFTER INSERT ON order_drift
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = NEW.order_id;
END;

CREATE TRIGGER order_drift_standing_delete AFTER DELETE ON order_drift
BEGIN
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = OLD.order_id;
END;
