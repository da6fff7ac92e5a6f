-- Carrier files look orders up by number in every channel at once, and a bundle parent's
-- children by the parent's number: without these, each batch of a large file scans every order.
CREATE INDEX orders_by_number ON orders (number);
CREATE INDEX orders_by_bundle_parent ON orders (bundle_parent);
