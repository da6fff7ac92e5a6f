//! Orders: import (upsert, all in one transaction), look-up by number, and edits that never
//! overwrite someone else's newer edit (the revision is checked in the same statement).

use chrono::{DateTime, NaiveDate, Utc};

use super::rows::{ORDER_COLUMNS, ORDER_FROM, OrderRow};
use super::{BeginWrite, Db, DbError, Pool, with_pool};
use crate::domain::{Carrier, Order, OrderStatus, Store, Tracking};

pub use crate::domain::StoredOrder;

impl StoredOrder {
    pub(super) fn from_row(row: OrderRow) -> Result<StoredOrder, DbError> {
        let (id, revision, order, remote) = row.into_domain()?;
        Ok(StoredOrder {
            id,
            revision,
            order,
            remote,
        })
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// An operator's change to the shipping fields of one order. `None` leaves a field as it is;
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderEdit {
    pub status: Option<OrderStatus>,
    pub carrier: Option<Option<Carrier>>,
    pub tracking: Option<Tracking>,
    pub shipped_on: Option<Option<NaiveDate>>,
    pub bundle_parent: Option<Option<String>>,
}

impl OrderEdit {
    /// The order with this edit applied, or `None` when nothing would change.
    pub fn apply(&self, order: &Order) -> Option<Order> {
        let mut next = order.clone();
        if let Some(status) = self.status {
            next.status = status;
        }
        if let Some(carrier) = &self.carrier {
            next.carrier.clone_from(carrier);
        }
        if let Some(tracking) = &self.tracking {
            next.tracking = tracking.clone();
        }
        if let Some(shipped_on) = self.shipped_on {
            next.shipped_on = shipped_on;
        }
        if let Some(parent) = &self.bundle_parent {
            next.bundle_parent.clone_from(parent);
        }
        (next != *order).then_some(next)
    }
}

/// The stored text of the fields of an order, in column order, for comparisons and binds.
struct OrderColumns {
    number: String,
    status: &'static str,
    ordered_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    shipped_on: Option<NaiveDate>,
    carrier: Option<String>,
    tracking: String,
    bundle_parent: Option<String>,
}

impl OrderColumns {
    fn of(order: &Order) -> OrderColumns {
        OrderColumns {
            number: order.number.clone(),
            status: order.status.code(),
            ordered_at: order.ordered_at,
            updated_at: order.updated_at,
            shipped_on: order.shipped_on,
            carrier: order.carrier.as_ref().map(|c| c.code().to_owned()),
            tracking: order.tracking.to_text(),
            bundle_parent: order.bundle_parent.clone(),
        }
    }
}

/// A multi-row INSERT of `rows` orders (11 values each, bound in column order as by
/// `bind_columns!` after channel and remote id, then `created_at`).
fn insert_rows_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO orders (channel, remote_id, number, status, ordered_at, updated_at, \
         shipped_on, carrier, tracking, bundle_parent, created_at) VALUES ",
    );
    for i in 0..rows {
        let b = i * 11;
        if i > 0 {
            sql.push(',');
        }
        let cells: Vec<String> = (1..=11).map(|c| format!("${}", b + c)).collect();
        sql.push_str(&format!("({})", cells.join(",")));
    }
    sql
}

/// Updates `rows` orders in one statement, each row binding its id then the eight columns.
fn update_rows_sql(rows: usize, postgres: bool) -> String {
    // PostgreSQL types each value of a VALUES list: say which.
    let casts: [&str; 9] = if postgres {
        [
            "::bigint",
            "::text",
            "::text",
            "::timestamptz",
            "::timestamptz",
            "::date",
            "::text",
            "::text",
            "::text",
        ]
    } else {
        [""; 9]
    };
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..9)
                .map(|c| format!("${}{}", r * 9 + c + 1, casts[c]))
                .collect();
            format!("({})", cells.join(","))
        })
        .collect();
    format!(
        "WITH v (id, number, status, ordered_at, updated_at, shipped_on, carrier, tracking, \
         bundle_parent) AS (VALUES {}) UPDATE orders SET number = v.number, status = v.status, \
         ordered_at = v.ordered_at, updated_at = v.updated_at, shipped_on = v.shipped_on, \
         carrier = v.carrier, tracking = v.tracking, bundle_parent = v.bundle_parent, \
         revision = orders.revision + 1 FROM v WHERE orders.id = v.id",
        values.join(",")
    )
}

const UPDATE_ORDER_AT_REVISION: &str = "UPDATE orders SET number = $1, status = $2, ordered_at = $3, \
     updated_at = $4, shipped_on = $5, carrier = $6, tracking = $7, bundle_parent = $8, \
     revision = revision + 1 WHERE id = $9 AND revision = $10";

/// Binds the eight editable columns as $1..$8 (UPDATE) or after channel and remote id (INSERT).
macro_rules! bind_columns {
    ($query:expr, $c:expr) => {
        $query
            .bind($c.number.clone())
            .bind($c.status)
            .bind($c.ordered_at)
            .bind($c.updated_at)
            .bind($c.shipped_on)
            .bind($c.carrier.clone())
            .bind($c.tracking.clone())
            .bind($c.bundle_parent.clone())
    };
}

impl Db {
    /// Inserts new orders and updates known ones (key: channel + remote id), all or nothing.
    /// An order whose fields are all unchanged is not touched, so its revision stays.
    pub async fn upsert_orders(
        &self,
        orders: &[Order],
        now: DateTime<Utc>,
    ) -> Result<UpsertSummary, DbError> {
        let mut tx = self.begin_orders_import().await?;
        let summary = tx.upsert(orders, now).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// A transaction that imports orders a batch at a time (`hassou orders import` streams a
    /// file through one): dropped without [`OrdersTx::commit`], nothing is imported.
    pub async fn begin_orders_import(&self) -> Result<OrdersTx, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => OrdersTx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin_write().await?;
                // The look-ups go by (channel, remote_id), which the unique index answers. A
                // prepared statement soon runs on a generic plan, which on a table without
                // statistics reads every order of the channel through another index: plans are
                // made for the values at hand (and see `upsert` for the statistics).
                sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                    .execute(&mut *tx)
                    .await?;
                OrdersTx::Postgres(
                    tx,
                    Analysed {
                        inserted: 0,
                        next: 1_000,
                    },
                )
            }
        })
    }

    /// Inserts many new orders fast (multi-row statements in one transaction). For seeding demo
    /// and benchmark databases; fails on any existing (channel, remote id).
    pub async fn insert_orders_bulk(
        &self,
        orders: &[Order],
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        const ROWS_PER_STATEMENT: usize = 400;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for chunk in orders.chunks(ROWS_PER_STATEMENT) {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(insert_rows_sql(chunk.len())));
                for order in chunk {
                    let columns = OrderColumns::of(order);
                    query = bind_columns!(
                        query.bind(order.store.name()).bind(order.remote_id.clone()),
                        columns
                    )
                    .bind(now);
                }
                query.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The orders of `store` numbered one of `numbers`, 100 numbers a query.
    pub async fn orders_with_numbers(
        &self,
        store: Store,
        numbers: &[String],
    ) -> Result<Vec<StoredOrder>, DbError> {
        let mut found = Vec::new();
        for chunk in numbers.chunks(100) {
            let placeholders: Vec<String> =
                (2..=chunk.len() + 1).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.channel = $1 AND o.number IN ({}) \
                 ORDER BY o.id",
                placeholders.join(", ")
            );
            let rows: Vec<OrderRow> = match &self.pool {
                Pool::Sqlite(pool) => {
                    let mut query =
                        sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql)).bind(store.name());
                    for number in chunk {
                        query = query.bind(number.as_str());
                    }
                    query.fetch_all(pool).await?
                }
                // PostgreSQL, while an import fills a new table in another transaction, has no
                // statistics for it and planned `number IN (…)` as a scan of the whole channel
                // (every uncommitted row visited for every chunk: issue 23's square). One
                // look-up per number in the (channel, number) index instead: `OFFSET 0` keeps
                // the planner from turning the lateral look-up back into a join it might scan.
                Pool::Postgres(pool) => {
                    sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {ORDER_COLUMNS} FROM unnest($2::text[]) AS k(number) \
                         CROSS JOIN LATERAL (SELECT * FROM orders WHERE channel = $1 \
                             AND number = k.number OFFSET 0) o \
                         LEFT JOIN order_remote r ON r.order_id = o.id AND r.channel = o.channel \
                         LEFT JOIN order_holds h ON h.order_id = o.id \
                         LEFT JOIN order_drift d ON d.order_id = o.id \
                         ORDER BY o.id"
                    )))
                    .bind(store.name())
                    .bind(chunk.to_vec())
                    .fetch_all(pool)
                    .await?
                }
            };
            for row in rows {
                found.push(StoredOrder::from_row(row)?);
            }
        }
        Ok(found)
    }

    /// Orders with this number, in one channel or in all.
    pub async fn find_orders(
        &self,
        number: &str,
        store: Option<Store>,
    ) -> Result<Vec<StoredOrder>, DbError> {
        let rows: Vec<OrderRow> = with_pool!(self, pool => match store {
            Some(store) => {
                sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.channel = $1 AND o.number = $2 ORDER BY o.id"
                )))
                .bind(store.name())
                .bind(number.to_owned())
                .fetch_all(pool)
                .await?
            }
            None => {
                sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.number = $1 ORDER BY o.channel, o.id"
                )))
                .bind(number.to_owned())
                .fetch_all(pool)
                .await?
            }
        });
        rows.into_iter().map(StoredOrder::from_row).collect()
    }

    pub async fn order_by_id(&self, id: i64) -> Result<Option<StoredOrder>, DbError> {
        let row: Option<OrderRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.map(StoredOrder::from_row).transpose()
    }

    /// Whether an order with this number exists in the channel.
    pub async fn order_number_exists(&self, store: Store, number: &str) -> Result<bool, DbError> {
        let found: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT id FROM orders WHERE channel = $1 AND number = $2 LIMIT 1")
                .bind(store.name())
                .bind(number.to_owned())
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    /// Whether the order with this number in the channel is itself a bundle child.
    pub async fn order_is_bundle_child(&self, store: Store, number: &str) -> Result<bool, DbError> {
        let found: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM orders WHERE channel = $1 AND number = $2 AND bundle_parent IS NOT NULL LIMIT 1",
            )
            .bind(store.name())
            .bind(number.to_owned())
            .fetch_optional(pool)
            .await?
        });
        Ok(found.is_some())
    }

    pub async fn count_orders(&self) -> Result<u64, DbError> {
        let n: i64 = with_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM orders").fetch_one(pool).await?
        });
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Applies an operator's edit to the order read at `revision`. The change is refused (and
    /// nothing written) if the order changed since, so two consoles never silently overwrite each
    /// other. A change stamps `updated_at = now`; an edit that changes nothing writes nothing.
    pub async fn edit_order(
        &self,
        stored: &StoredOrder,
        edit: &OrderEdit,
        now: DateTime<Utc>,
    ) -> Result<StoredOrder, DbError> {
        let Some(mut next) = edit.apply(&stored.order) else {
            return Ok(stored.clone());
        };
        next.updated_at = now;
        let columns = OrderColumns::of(&next);
        let done = with_pool!(self, pool => {
            bind_columns!(sqlx::query(UPDATE_ORDER_AT_REVISION), columns)
                .bind(stored.id)
                .bind(stored.revision)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Err(DbError::Conflict {
                number: stored.order.number.clone(),
            });
        }
        self.order_by_id(stored.id)
            .await?
            .ok_or_else(|| DbError::Conflict {
                number: stored.order.number.clone(),
            })
    }
}

/// A transaction of order imports (see [`Db::begin_orders_import`]).
pub enum OrdersTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>, Analysed),
}

/// Orders this PostgreSQL import inserted, and at how many it analyses the table next.
#[derive(Debug, Clone, Copy)]
pub struct Analysed {
    inserted: u64,
    next: u64,
}

impl OrdersTx {
    /// Inserts new orders and updates changed ones. Orders go 50 at a time — one look-up and one
    /// multi-row INSERT a batch — because each statement is a round trip to SQLite's worker
    /// thread (a million orders one by one spent most of their time switching threads).
    pub async fn upsert(
        &mut self,
        orders: &[Order],
        now: DateTime<Utc>,
    ) -> Result<UpsertSummary, DbError> {
        const BATCH: usize = 50;
        let mut summary = UpsertSummary::default();
        let postgres = matches!(self, OrdersTx::Postgres(..));
        macro_rules! on_tx {
            ($tx:ident => $body:block) => {
                match self {
                    OrdersTx::Sqlite($tx) => $body,
                    OrdersTx::Postgres($tx, _) => $body,
                }
            };
        }
        on_tx!(tx => {
            for chunk in orders.chunks(BATCH) {
                let mut keys = std::collections::HashSet::new();
                // The same order twice in a batch: row by row, the second updating the first.
                let batches: Vec<&[Order]> = if chunk
                    .iter()
                    .all(|o| keys.insert((o.store, o.remote_id.as_str())))
                {
                    vec![chunk]
                } else {
                    chunk.chunks(1).collect()
                };
                for batch in batches {
                    // By channel, so the (channel, remote_id) index answers.
                    let mut existing: std::collections::HashMap<(String, String), OrderRow> =
                        std::collections::HashMap::new();
                    let stores: std::collections::BTreeSet<Store> =
                        batch.iter().map(|o| o.store).collect();
                    for channel in stores {
                        let ids: Vec<&str> = batch
                            .iter()
                            .filter(|o| o.store == channel)
                            .map(|o| o.remote_id.as_str())
                            .collect();
                        if ids.is_empty() {
                            continue;
                        }
                        let placeholders: Vec<String> =
                            (2..=ids.len() + 1).map(|i| format!("${i}")).collect();
                        let sql = format!(
                            "SELECT o.id, o.channel, o.remote_id, o.number, o.status, o.ordered_at, \
                             o.updated_at, o.shipped_on, o.carrier, o.tracking, o.bundle_parent, o.revision, \
                             NULL AS confirmed, NULL AS confirmed_at, NULL AS last_attempt, NULL AS last_error, NULL AS last_cause, NULL AS last_attempt_at, \
                             NULL AS in_flight_since, NULL AS mail_sent_at, NULL AS remote_ref, NULL AS mail_error, FALSE AS mail_uncertain, \
                             NULL AS held_at, NULL AS held_by, NULL AS hold_reason, \
                     NULL AS drift_kind, NULL AS drift_store, NULL AS drift_found_at \
                             FROM orders o WHERE o.channel = $1 AND o.remote_id IN ({})",
                            placeholders.join(", ")
                        );
                        let mut query = sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql))
                            .bind(channel.name());
                        for id in ids {
                            query = query.bind(id.to_owned());
                        }
                        for row in query.fetch_all(&mut **tx).await? {
                            existing.insert((row.channel.clone(), row.remote_id.clone()), row);
                        }
                    }
                    let mut new: Vec<&Order> = Vec::new();
                    let mut changed: Vec<(i64, &Order)> = Vec::new();
                    for order in batch {
                        let key = (order.store.name().to_owned(), order.remote_id.clone());
                        let Some(row) = existing.remove(&key) else {
                            new.push(order);
                            continue;
                        };
                        let id = row.id;
                        let (_, _, stored, _) = row.into_domain()?;
                        if stored == *order {
                            summary.unchanged += 1;
                        } else {
                            changed.push((id, order));
                        }
                    }
                    if !changed.is_empty() {
                        // One statement for the batch's changed orders (one per order made a
                        // re-import of a million rows twice as slow as the first).
                        let mut query =
                            sqlx::query(sqlx::AssertSqlSafe(update_rows_sql(changed.len(), postgres)));
                        for (id, order) in &changed {
                            query = bind_columns!(query.bind(*id), OrderColumns::of(order));
                        }
                        query.execute(&mut **tx).await?;
                        summary.updated += changed.len() as u64;
                    }
                    if !new.is_empty() {
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(insert_rows_sql(new.len())));
                        for order in &new {
                            query = bind_columns!(
                                query.bind(order.store.name()).bind(order.remote_id.clone()),
                                OrderColumns::of(order)
                            )
                            .bind(now);
                        }
                        query.execute(&mut **tx).await?;
                        summary.inserted += new.len() as u64;
                    }
                }
            }
        });
        // PostgreSQL plans the look-ups above from the table's statistics, which a new
        // database does not have: without them it reads the whole channel for every batch and
        // the import grows with the square of its rows (issue 23). The table is analysed inside
        // this transaction (which sees its own rows) as it grows fourfold.
        if let OrdersTx::Postgres(tx, analysed) = self {
            analysed.inserted += summary.inserted;
            if analysed.inserted >= analysed.next {
                sqlx::query("ANALYZE orders").execute(&mut **tx).await?;
                analysed.next = analysed.inserted.saturating_mul(4);
            }
        }
        Ok(summary)
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            OrdersTx::Sqlite(tx) => tx.commit().await?,
            OrdersTx::Postgres(tx, _) => tx.commit().await?,
        }
        Ok(())
    }
}
