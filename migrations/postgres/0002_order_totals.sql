-- How many orders each channel has, kept by a trigger (see migrations/sqlite/0002).
CREATE TABLE order_totals (
    channel TEXT PRIMARY KEY,
    n       BIGINT NOT NULL
);
INSERT INTO order_totals (channel, n) SELECT channel, count(*) FROM orders GROUP BY channel;

CREATE FUNCTION hassou_order_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.channel <> NEW.channel) THEN
        INSERT INTO order_totals (channel, n) VALUES (NEW.channel, 1)
            ON CONFLICT (channel) DO UPDATE SET n = order_totals.n + 1;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.channel <> NEW.channel) THEN
        UPDATE order_totals SET n = n - 1 WHERE channel = OLD.channel;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_total AFTER INSERT OR DELETE OR UPDATE OF channel ON orders
    FOR EACH ROW EXECUTE FUNCTION hassou_order_totals();
