//! The stores a database holds (migration 0017): each name with its channel, so a name means
//! one kind of store for as long as the database lives. Opening a database makes its stores
//! known to the process (rows name their store); a configuration adopts its stores into it, and
//! a configuration that would give a name another channel is refused before anything is read
//! or written (its orders carry the other store's ids).

use super::{Db, DbError, with_pool};
use crate::domain::{Channel, Store};

impl Db {
    /// Makes the database's stores known to this process.
    pub(super) async fn know_stores(&self) -> Result<(), DbError> {
        let rows: Vec<(String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT name, channel FROM stores")
                .fetch_all(pool)
                .await?
        });
        for (name, channel) in rows {
            let channel: Channel = channel
                .parse()
                .map_err(|e| DbError::Corrupt(format!("store {name:?}: {e}")))?;
            Store::register(&name, channel).map_err(|e| DbError::StoreConflict(e.to_string()))?;
        }
        Ok(())
    }

    /// Records the configuration's stores in the database; refused when the database holds one
    /// of these names as a store of another channel.
    pub async fn adopt_stores(&self, stores: &[Store]) -> Result<(), DbError> {
        for store in stores {
            let (name, channel) = (store.name(), store.channel().code());
            let held: String = with_pool!(self, pool => {
                sqlx::query(
                    "INSERT INTO stores (name, channel) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(channel)
                .execute(pool)
                .await?;
                sqlx::query_scalar("SELECT channel FROM stores WHERE name = $1")
                    .bind(name)
                    .fetch_one(pool)
                    .await?
            });
            if held != channel {
                return Err(DbError::StoreConflict(format!(
                    "store {name:?} is a {held} store in this database; the configuration makes \
                     it a {channel} store (its orders carry {held} ids): give the new store \
                     another name"
                )));
            }
        }
        Ok(())
    }
}
