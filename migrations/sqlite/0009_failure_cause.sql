-- Why the last write failed, as a kind (unreachable, token_rejected, uncertain, on_hold,
-- closed, cancelled, refused): the console and the CLI choose words and advice by it, never by
-- reading the store's message. NULL for failures recorded before: shown as a refusal.
ALTER TABLE order_remote ADD COLUMN last_cause TEXT;
