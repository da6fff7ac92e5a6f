//! The carrier-file import's two queries: the orders a file's keys may reach, read slim (only
//! the keys and shipping fields, no store state, so 100,000 of them stay small), and the save of
//! new shipping fields, all or nothing at the revisions read.

use chrono::{DateTime, NaiveDate, Utc};

use super::{BeginWrite, Db, DbError, Pool, with_pool};
use crate::domain::{Carrier, OrderStatus, Store, Tracking};

/// What an import needs of an order: how it is found (number, bundle parent), what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingHeld {
    pub id: i64,
    pub revision: i64,
    pub channel: Store,
    pub number: String,
    pub status: OrderStatus,
    pub shipped_on: Option<NaiveDate>,
    pub carrier: Option<Carrier>,
    pub tracking: Tracking,
    pub bundle_parent: Option<String>,
}

/// New shipping fields for one order read at `revision` (`number` names it in a conflict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippingSave<'a> {
    pub id: i64,
    pub revision: i64,
    pub number: &'a str,
    pub status: OrderStatus,
    pub shipped_on: NaiveDate,
    pub carrier: &'a Carrier,
    pub tracking: &'a [String],
}

impl From<&super::StoredOrder> for ShippingHeld {
    fn from(stored: &super::StoredOrder) -> ShippingHeld {
        let o = &stored.order;
        ShippingHeld {
            id: stored.id,
            revision: stored.revision,
            channel: o.store,
            number: o.number.clone(),
            status: o.status,
            shipped_on: o.shipped_on,
            carrier: o.carrier.clone(),
            tracking: o.tracking.clone(),
            bundle_parent: o.bundle_parent.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: i64,
    revision: i64,
    channel: String,
    number: String,
    status: String,
    shipped_on: Option<NaiveDate>,
    carrier: Option<String>,
    tracking: String,
    bundle_parent: Option<String>,
}

impl HeldRow {
    fn into_held(self) -> Result<ShippingHeld, DbError> {
        let corrupt = |what: String| DbError::Corrupt(format!("order id {}: {what}", self.id));
        Ok(ShippingHeld {
            id: self.id,
            revision: self.revision,
            channel: self.channel.parse().map_err(|e| corrupt(format!("{e}")))?,
            status: self.status.parse().map_err(|e| corrupt(format!("{e}")))?,
            carrier: self.carrier.as_deref().and_then(Carrier::parse),
            tracking: Tracking::parse(&self.tracking),
            number: self.number,
            shipped_on: self.shipped_on,
            bundle_parent: self.bundle_parent,
        })
    }
}

/// Values a look-up query binds at most, and orders an UPDATE saves at most (7 values each).
/// Kept small on purpose: sqlx finds each SQLite parameter by name, which costs time in the
/// square of the parameters of a statement (at 500 it was a third of a 100,000-row import).
const LOOKUP_BATCH: usize = 100;
const SAVE_BATCH: usize = 50;

impl Db {
    /// Every order numbered one of `numbers` (any channel), and the bundle children of those,
    /// read in batches (a carrier file's keys).
    pub async fn orders_numbered(&self, numbers: &[String]) -> Result<Vec<ShippingHeld>, DbError> {
        let mut found = self.shipping_where_in("number", numbers).await?;
        let parents: Vec<String> = found.iter().map(|o| o.number.clone()).collect();
        let known: std::collections::HashSet<i64> = found.iter().map(|o| o.id).collect();
        let children = self.shipping_where_in("bundle_parent", &parents).await?;
        found.extend(children.into_iter().filter(|o| !known.contains(&o.id)));
        found.shrink_to_fit();
        Ok(found)
    }

    /// The orders whose `column` (a fixed column name, never input) is one of `values`.
    async fn shipping_where_in(
        &self,
        column: &'static str,
        values: &[String],
    ) -> Result<Vec<ShippingHeld>, DbError> {
        let mut found = Vec::new();
        for chunk in values.chunks(LOOKUP_BATCH) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, revision, channel, number, status, shipped_on, carrier, tracking, \
                 bundle_parent FROM orders WHERE {column} IN ({}) ORDER BY id",
                placeholders.join(", ")
            );
            let rows: Vec<HeldRow> = with_pool!(self, pool => {
                let mut query = sqlx::query_as::<_, HeldRow>(sqlx::AssertSqlSafe(sql));
                for value in chunk {
                    query = query.bind(value.as_str());
                }
                query.fetch_all(pool).await?
            });
            for row in rows {
                found.push(row.into_held()?);
            }
        }
        Ok(found)
    }

    /// Saves the shipping fields (status, 出荷日, carrier, tracking; 更新日時 = `at`) of each
    /// order, all or nothing: if any of them changed since it was read, nothing is saved and
    /// the conflict is named. One statement per 50 orders, so 10,000 save in a fraction of a
    /// second.
    pub async fn save_shipping_at_revision(
        &self,
        saves: &[ShippingSave<'_>],
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.begin_shipping_save().await?;
        tx.save(saves, at).await?;
        tx.commit().await
    }

    /// Opens the one transaction a large import saves in, batch after batch; dropped without
    /// [`ShippingTx::commit`], nothing is saved.
    pub async fn begin_shipping_save(&self) -> Result<ShippingTx, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => ShippingTx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => ShippingTx::Postgres(pool.begin_write().await?),
        })
    }
}

/// A transaction of shipping saves (see [`Db::begin_shipping_save`]).
pub enum ShippingTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl ShippingTx {
    /// Saves `saves` at the revisions read; a conflict is an error and the caller drops the
    /// transaction (nothing saved).
    pub async fn save(
        &mut self,
        saves: &[ShippingSave<'_>],
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let postgres = matches!(self, ShippingTx::Postgres(_));
        // PostgreSQL types each value of a VALUES list: say which.
        let casts: [&str; 7] = if postgres {
            [
                "::bigint",
                "::bigint",
                "::text",
                "::timestamptz",
                "::date",
                "::text",
                "::text",
            ]
        } else {
            [""; 7]
        };
        // The same statements on either backend's transaction.
        macro_rules! on_tx {
            ($tx:ident => $body:block) => {
                match self {
                    ShippingTx::Sqlite($tx) => $body,
                    ShippingTx::Postgres($tx) => $body,
                }
            };
        }
        on_tx!(tx => {
                for batch in saves.chunks(SAVE_BATCH) {
                    // Any order of the batch changed since it was read: name it, save nothing.
                    let ids: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
                    let check = format!(
                        "SELECT id, revision FROM orders WHERE id IN ({})",
                        ids.join(", ")
                    );
                    let mut read = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(check));
                    for save in batch {
                        read = read.bind(save.id);
                    }
                    let now: std::collections::HashMap<i64, i64> =
                        read.fetch_all(&mut **tx).await?.into_iter().collect();
                    if let Some(stale) = batch.iter().find(|s| now.get(&s.id) != Some(&s.revision))
                    {
                        return Err(DbError::Conflict {
                            number: stale.number.to_owned(),
                        });
                    }
                    let rows: Vec<String> = (0..batch.len())
                        .map(|r| {
                            let cells: Vec<String> = (0..7)
                                .map(|c| format!("${}{}", r * 7 + c + 1, casts[c]))
                                .collect();
                            format!("({})", cells.join(", "))
                        })
                        .collect();
                    let sql = format!(
                        "WITH v (id, rev, status, updated_at, shipped_on, carrier, tracking) AS \
                         (VALUES {}) UPDATE orders SET status = v.status, updated_at = v.updated_at, \
                         shipped_on = v.shipped_on, carrier = v.carrier, tracking = v.tracking, \
                         revision = orders.revision + 1 FROM v \
                         WHERE orders.id = v.id AND orders.revision = v.rev",
                        rows.join(", ")
                    );
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for save in batch {
                        query = query
                            .bind(save.id)
                            .bind(save.revision)
                            .bind(save.status.code())
                            .bind(at)
                            .bind(save.shipped_on)
                            .bind(save.carrier.code().to_owned())
                            .bind(Tracking::parse(&save.tracking.join(";")).to_text());
                    }
                    let done = query.execute(&mut **tx).await?.rows_affected();
                    if done != batch.len() as u64 {
                        // Changed between the check above and the update (another writer on
                        // PostgreSQL): dropping the transaction rolls every update back.
                        return Err(DbError::Conflict {
                            number: batch[0].number.to_owned(),
                        });
                    }
                }
        });
        Ok(())
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            ShippingTx::Sqlite(tx) => tx.commit().await?,
            ShippingTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
