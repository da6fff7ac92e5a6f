-- Counts that do not grow with the window (issue 24): how many orders of each channel, standing
-- and status changed in each hour (hours since 1970, UTC). A count sums the whole hours inside
-- the window and counts the two partial hours at its edges through orders_by_standing. Standings
-- NULL (to be judged) and `ineligible` are not kept: whatever is not counted is ineligible.
-- Rows are appended per statement (+ and −), never updated, so writers never wait on each other
-- for a counter; a reader folds them together when they grow many.
CREATE TABLE standing_tally (
    channel  TEXT   NOT NULL,
    standing TEXT   NOT NULL,
    status   TEXT   NOT NULL,
    hour     BIGINT NOT NULL,
    n        BIGINT NOT NULL
);
CREATE INDEX standing_tally_by_hour ON standing_tally (channel, standing, status, hour);
INSERT INTO standing_tally (channel, standing, status, hour, n)
    SELECT channel, standing, status, floor(extract(epoch FROM updated_at) / 3600)::bigint, count(*)
    FROM orders WHERE standing IS NOT NULL AND standing <> 'ineligible'
    GROUP BY 1, 2, 3, 4;

CREATE FUNCTION hassou_tally_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO standing_tally (channel, standing, status, hour, n)
        SELECT channel, standing, status, floor(extract(epoch FROM updated_at) / 3600)::bigint, count(*)
        FROM added WHERE standing IS NOT NULL AND standing <> 'ineligible'
        GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END
$$;

CREATE FUNCTION hassou_tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO standing_tally (channel, standing, status, hour, n)
        SELECT channel, standing, status, floor(extract(epoch FROM updated_at) / 3600)::bigint, -count(*)
        FROM removed WHERE standing IS NOT NULL AND standing <> 'ineligible'
        GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END
$$;

CREATE FUNCTION hassou_tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO standing_tally (channel, standing, status, hour, n)
        SELECT channel, standing, status, hour, sum(k) FROM (
            SELECT channel, standing, status,
                   floor(extract(epoch FROM updated_at) / 3600)::bigint AS hour, 1 AS k
            FROM added WHERE standing IS NOT NULL AND standing <> 'ineligible'
            UNION ALL
            SELECT channel, standing, status,
                   floor(extract(epoch FROM updated_at) / 3600)::bigint AS hour, -1 AS k
            FROM removed WHERE standing IS NOT NULL AND standing <> 'ineligible'
        ) d GROUP BY 1, 2, 3, 4 HAVING sum(k) <> 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_tally_added AFTER INSERT ON orders
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_tally_added();
CREATE TRIGGER orders_tally_removed AFTER DELETE ON orders
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_tally_removed();
CREATE TRIGGER orders_tally_moved AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_tally_moved();

-- Orders changed more than 350 days after they were ordered: the only ones a window (at most
-- 14 days) can hold while カラーミー's one-year rule says too old, and the only ones that turn a
-- year old inside it. Few; counted apart.
CREATE INDEX orders_late ON orders (channel, standing, updated_at, id) INCLUDE (status, ordered_at)
    WHERE updated_at - ordered_at > interval '350 days';
