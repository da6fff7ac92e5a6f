-- An operator's "don't sync this one" (issue 21): a held order is ineligible, reason `held`,
-- and never written. Its own table, so that pulls, imports and carrier files — which rewrite
-- the order's row — can never release it.
CREATE TABLE order_holds (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    held_at  TIMESTAMPTZ NOT NULL,
    held_by  TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER order_holds_changed AFTER INSERT OR UPDATE OR DELETE ON order_holds
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_changed();
