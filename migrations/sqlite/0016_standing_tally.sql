-- Counts that do not grow with the window (issue 24): how many orders of each channel, standing
-- and status changed in each hour (hours since 1970, UTC), kept by triggers. A count sums the
-- whole hours inside the window (at most 14 × 24 rows a standing and status) and counts the two
-- partial hours at its edges through orders_by_standing. Standings NULL (to be judged) and
-- `ineligible` are not kept: whatever is not counted is ineligible.
CREATE TABLE standing_tally (
    channel  TEXT    NOT NULL,
    standing TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    hour     INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (channel, standing, status, hour)
);
INSERT INTO standing_tally (channel, standing, status, hour, n)
    SELECT channel, standing, status, CAST(strftime('%s', updated_at) AS INTEGER) / 3600, count(*)
    FROM orders WHERE standing IS NOT NULL AND standing <> 'ineligible'
    GROUP BY 1, 2, 3, 4;

CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders
WHEN NEW.standing IS NOT NULL AND NEW.standing <> 'ineligible'
BEGIN
    INSERT INTO standing_tally (channel, standing, status, hour, n)
        VALUES (NEW.channel, NEW.standing, NEW.status, CAST(strftime('%s', NEW.updated_at) AS INTEGER) / 3600, 1)
        ON CONFLICT (channel, standing, status, hour) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders
WHEN OLD.standing IS NOT NULL AND OLD.standing <> 'ineligible'
BEGIN
    UPDATE standing_tally SET n = n - 1
        WHERE channel = OLD.channel AND standing = OLD.standing AND status = OLD.status
          AND hour = CAST(strftime('%s', OLD.updated_at) AS INTEGER) / 3600;
END;

CREATE TRIGGER orders_tally_leave AFTER UPDATE OF standing, status, updated_at, channel ON orders
WHEN OLD.standing IS NOT NULL AND OLD.standing <> 'ineligible'
  AND (NEW.standing IS NOT OLD.standing OR NEW.status <> OLD.status
       OR NEW.updated_at <> OLD.updated_at OR NEW.channel <> OLD.channel)
BEGIN
    UPDATE standing_tally SET n = n - 1
        WHERE channel = OLD.channel AND standing = OLD.standing AND status = OLD.status
          AND hour = CAST(strftime('%s', OLD.updated_at) AS INTEGER) / 3600;
END;

CREATE TRIGGER orders_tally_enter AFTER UPDATE OF standing, status, updated_at, channel ON orders
WHEN NEW.standing IS NOT NULL AND NEW.standing <> 'ineligible'
  AND (NEW.standing IS NOT OLD.standing OR NEW.status <> OLD.status
       OR NEW.updated_at <> OLD.updated_at OR NEW.channel <> OLD.channel)
BEGIN
    INSERT INTO standing_tally (channel, standing, status, hour, n)
        VALUES (NEW.channel, NEW.standing, NEW.status, CAST(strftime('%s', NEW.updated_at) AS INTEGER) / 3600, 1)
        ON CONFLICT (channel, standing, status, hour) DO UPDATE SET n = n + 1;
END;

-- Orders changed more than 350 days after they were ordered: the only ones a window (at most
-- 14 days) can hold while カラーミー's one-year rule says too old, and the only ones that turn a
-- year old inside it. Few; counted apart.
CREATE INDEX orders_late ON orders (channel, standing, updated_at, status, ordered_at)
    WHERE julianday(updated_at) - julianday(ordered_at) > 350;
