-- Verdict counts that do not grow with the window (issue 24). Each order keeps its *standing*:
-- the verdict it has whenever its channel's window admits it (domain::rules::standing) — its
-- values, what its store holds, the hold and the drift decide it, never the clock, the period or
-- the status option, which the queries test on the order's own columns. NULL: to be judged
-- again (by the next reader, through orders_to_judge). `standing_gen` moves on every change
-- that makes it stale, so a judge racing a writer never stores a verdict of values gone by.
ALTER TABLE orders ADD COLUMN standing TEXT;
ALTER TABLE orders ADD COLUMN standing_gen BIGINT NOT NULL DEFAULT 0;

-- Counts and pages of one verdict: a range of this index, the window tested on its columns
-- (an index-only scan).
CREATE INDEX orders_by_standing ON orders (channel, standing, updated_at, id) INCLUDE (status, ordered_at);
-- The orders still to judge, newest change first.
CREATE INDEX orders_to_judge ON orders (updated_at) WHERE standing IS NULL;

-- Which 出荷日 option (カラーミー) the stored standings were judged with.
CREATE TABLE standing_basis (
    channel           TEXT PRIMARY KEY,
    shipped_date_only BOOLEAN NOT NULL
);

-- The order's own values: the row itself forgets its standing (no second statement).
CREATE FUNCTION hassou_standing_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.shipped_on IS DISTINCT FROM OLD.shipped_on OR NEW.carrier IS DISTINCT FROM OLD.carrier
       OR NEW.tracking IS DISTINCT FROM OLD.tracking
       OR NEW.bundle_parent IS DISTINCT FROM OLD.bundle_parent THEN
        NEW.standing := NULL;
        NEW.standing_gen := OLD.standing_gen + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_standing_values BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION hassou_standing_values();

-- What its store holds, its hold, its drift: the order's row forgets its standing.
CREATE FUNCTION hassou_standing_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD.order_id;
    ELSE
        changed := NEW.order_id;
    END IF;
    UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 WHERE id = changed;
    RETURN NULL;
END
$$;

CREATE TRIGGER order_remote_standing_insert AFTER INSERT ON order_remote
    FOR EACH ROW WHEN (NEW.confirmed IS NOT NULL OR NEW.last_error IS NOT NULL)
    EXECUTE FUNCTION hassou_standing_stale();
CREATE TRIGGER order_remote_standing_update AFTER UPDATE ON order_remote
    FOR EACH ROW WHEN (OLD.confirmed IS DISTINCT FROM NEW.confirmed
        OR OLD.last_attempt IS DISTINCT FROM NEW.last_attempt
        OR OLD.last_error IS DISTINCT FROM NEW.last_error
        OR OLD.last_attempt_at IS DISTINCT FROM NEW.last_attempt_at)
    EXECUTE FUNCTION hassou_standing_stale();
CREATE TRIGGER order_remote_standing_delete AFTER DELETE ON order_remote
    FOR EACH ROW EXECUTE FUNCTION hassou_standing_stale();
CREATE TRIGGER order_holds_standing AFTER INSERT OR DELETE ON order_holds
    FOR EACH ROW EXECUTE FUNCTION hassou_standing_stale();
CREATE TRIGGER order_drift_standing AFTER INSERT OR DELETE ON order_drift
    FOR EACH ROW EXECUTE FUNCTION hassou_standing_stale();
