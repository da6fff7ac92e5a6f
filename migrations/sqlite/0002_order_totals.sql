-- How many orders each channel has, kept by triggers, so that the counts per verdict need not
-- count a million rows: every order outside the period windows is ineligible, and their number
-- is this total less the rows inside the windows.
CREATE TABLE order_totals (
    channel TEXT PRIMARY KEY,
    n       INTEGER NOT NULL
);
INSERT INTO order_totals (channel, n) SELECT channel, count(*) FROM orders GROUP BY channel;

CREATE TRIGGER orders_total_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_totals (channel, n) VALUES (NEW.channel, 1)
        ON CONFLICT (channel) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_total_delete AFTER DELETE ON orders BEGIN
    UPDATE order_totals SET n = n - 1 WHERE channel = OLD.channel;
END;

CREATE TRIGGER orders_total_move AFTER UPDATE OF channel ON orders
WHEN OLD.channel <> NEW.channel BEGIN
    UPDATE order_totals SET n = n - 1 WHERE channel = OLD.channel;
    INSERT INTO order_totals (channel, n) VALUES (NEW.channel, 1)
        ON CONFLICT (channel) DO UPDATE SET n = n + 1;
END;
