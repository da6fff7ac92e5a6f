//! The stores a database holds (migration 0017): each name with its channel, so a name means
//! one kind of store for as long as the database lives. Opening a database makes its stores
//! known to the process (rows name their store); a configuration adopts its stores into it, and
//! a configuration that would give a name another channel is refused before anything is read
//! or written (its orders carry the other store's ids).

use super::{Db, DbError, with_pool};
use crate::domain::{Channel, Store, StoreNameError};

impl Db {
    /// The stores the database holds: each name with its channel.
    async fn held_stores(&self) -> Result<Vec<(String, Channel)>, DbError> {
        let rows: Vec<(String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT name, channel FROM stores")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(name, channel)| match channel.parse::<Channel>() {
                Ok(channel) => Ok((name, channel)),
                Err(e) => Err(DbError::Corrupt(format!("store {name:?}: {e}"))),
            })
            .collect()
    }

    /// Makes the database's stores known to this process; refused when the configuration read
    /// before gave one of their names another channel.
    pub(super) async fn know_stores(&self) -> Result<(), DbError> {
        for (name, channel) in self.held_stores().await? {
            if let Err(StoreNameError::OtherChannel { known, .. }) = Store::register(&name, channel)
            {
                return Err(other_channel(&name, channel.code(), known));
            }
        }
        Ok(())
    }

    /// Records the configuration's stores the database does not hold yet (nothing is written
    /// when it holds them all, as it does after the first command); refused when it holds one of
    /// these names as a store of another channel.
    pub async fn adopt_stores(&self, stores: &[Store]) -> Result<(), DbError> {
        let held = self.held_stores().await?;
        for store in stores {
            let (name, channel) = (store.name(), store.channel());
            match held.iter().find(|(n, _)| n == name) {
                Some((_, held)) if *held != channel => {
                    return Err(other_channel(name, held.code(), channel.code()));
                }
                Some(_) => {}
                None => {
                    // Another process may add the same name at the same moment: what the
                    // database holds then is what counts.
                    let held: String = with_pool!(self, pool => {
                        sqlx::query(
                            "INSERT INTO stores (name, channel) VALUES ($1, $2) \
                             ON CONFLICT (name) DO NOTHING",
                        )
                        .bind(name)
                        .bind(channel.code())
                        .execute(pool)
                        .await?;
                        sqlx::query_scalar("SELECT channel FROM stores WHERE name = $1")
                            .bind(name)
                            .fetch_one(pool)
                            .await?
                    });
                    if held != channel.code() {
                        return Err(other_channel(name, &held, channel.code()));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A name the database holds as a store of `held` that the configuration makes a `configured`.
fn other_channel(name: &str, held: &str, configured: &str) -> DbError {
    DbError::StoreConflict(format!(
        "store {name:?} is a {held} store in this database; the configuration makes it a \
         {configured} store (its orders carry {held} ids): give the new store another name"
    ))
}
