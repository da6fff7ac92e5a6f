-- The health and metrics queries run on every console tick and every scrape: the refused mails
-- of a store (a few rows of many) and the write attempts by outcome, by index, not by a scan of
-- every order or every attempt.
CREATE INDEX order_remote_refused_mail ON order_remote (channel)
    WHERE mail_error IS NOT NULL AND mail_sent_at IS NULL;
CREATE INDEX sync_attempts_by_outcome ON sync_attempts (channel, outcome);
