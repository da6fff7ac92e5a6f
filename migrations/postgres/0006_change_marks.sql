-- A sequence that every write to the orders, their store state or the settings advances, once
-- per statement: a screen asks it whether anything changed before reading its page again.
-- Sequences are not transactional, so writers never wait on each other for it.
CREATE SEQUENCE hassou_changes;

CREATE FUNCTION hassou_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('hassou_changes');
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_changed AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_changed();
CREATE TRIGGER order_remote_changed AFTER INSERT OR UPDATE OR DELETE ON order_remote
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_changed();
CREATE TRIGGER channel_settings_changed AFTER INSERT OR UPDATE OR DELETE ON channel_settings
    FOR EACH STATEMENT EXECUTE FUNCTION hassou_changed();
