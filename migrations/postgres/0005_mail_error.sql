-- A shipping mail or notification the store refused (its words), until one is sent: shown to the
-- operator, never sent again on its own (SPEC §3).
ALTER TABLE order_remote ADD COLUMN mail_error TEXT;
