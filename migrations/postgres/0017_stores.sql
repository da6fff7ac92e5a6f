-- Several shops (issue 22, SPEC §3 "Several shops"): the stores this database holds, each by
-- its name with its channel. Every table's `channel` column holds the *store's name* — the key of
-- its orders, remote records, settings, schedules, leases, alerts, reconcile runs and audit
-- rows. A database made before stores had names holds only `shopify` and `colorme` there, which
-- are the names of the stores `[shopify]` and `[colorme]` configure: every row stays where it
-- was, and only this table is new. The column keeps its old name so that no table, index or
-- trigger of an existing database has to be rewritten to upgrade.
CREATE TABLE stores (
    name    TEXT PRIMARY KEY,
    channel TEXT NOT NULL
);

INSERT INTO stores (name, channel) VALUES ('shopify', 'shopify'), ('colorme', 'colorme');
