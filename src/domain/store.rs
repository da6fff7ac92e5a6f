//! A store: one configured shop of a channel, named in the configuration (`[stores.NAME]`,
//! SPEC §1). The store's name is the key of its orders, remote records, settings, schedules,
//! leases, alerts, reconcile runs and audit rows; its channel says which rules and which API
//! apply. `[shopify]` and `[colorme]` are the stores `shopify` and `colorme`, so a database made
//! before stores had names keeps every row under them.
//!
//! A `Store` is a small copyable handle. A process knows few stores (those of its configuration
//! and of its database), so names are interned once and live for the process: the handle stays
//! `Copy` like the channel it replaced, and a name always means one channel in one process (a
//! second meaning is refused where the configuration or the database brings it).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{LazyLock, RwLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

use super::channel::Channel;

/// One configured shop: its name and its channel.
///
/// Equality is by name (a name has one channel in a process); the order puts Shopify stores
/// before カラーミー ones, each by name, so the two stores of an old configuration keep their order.
#[derive(Clone, Copy)]
pub struct Store {
    name: &'static str,
    channel: Channel,
}

/// A store name that cannot be used, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreNameError {
    #[error("store name {0:?} must be 1–32 letters, digits, - or _")]
    Invalid(String),
    #[error("store {name:?} is a {known} store already; it cannot also be a {asked} store")]
    OtherChannel {
        name: String,
        known: &'static str,
        asked: &'static str,
    },
}

static KNOWN: LazyLock<RwLock<HashMap<&'static str, Store>>> = LazyLock::new(|| {
    RwLock::new(
        Store::DEFAULTS
            .into_iter()
            .map(|store| (store.name, store))
            .collect(),
    )
});

impl Store {
    /// The store `[shopify]` configures (and every Shopify order of an older database).
    pub const SHOPIFY: Store = Store {
        name: "shopify",
        channel: Channel::Shopify,
    };
    /// The store `[colorme]` configures (and every カラーミー order of an older database).
    pub const COLORME: Store = Store {
        name: "colorme",
        channel: Channel::Colorme,
    };
    /// The stores of a configuration in the old form: one of each channel.
    pub const DEFAULTS: [Store; 2] = [Store::SHOPIFY, Store::COLORME];

    /// The store an old configuration has of `channel` (`[shopify]`, `[colorme]`).
    pub fn of_channel(channel: Channel) -> Store {
        match channel {
            Channel::Shopify => Store::SHOPIFY,
            Channel::Colorme => Store::COLORME,
        }
    }

    /// The store called `name` of `channel`, known from now on in this process. Refused when the
    /// name is not a valid store name or already means a store of another channel.
    pub fn register(name: &str, channel: Channel) -> Result<Store, StoreNameError> {
        if !Store::is_valid_name(name) {
            return Err(StoreNameError::Invalid(name.to_owned()));
        }
        let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = known.get(name) {
            return if store.channel == channel {
                Ok(*store)
            } else {
                Err(StoreNameError::OtherChannel {
                    name: name.to_owned(),
                    known: store.channel.code(),
                    asked: channel.code(),
                })
            };
        }
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let store = Store { name, channel };
        known.insert(name, store);
        Ok(store)
    }

    /// The store this process knows by `name` (from its configuration or its database).
    pub fn named(name: &str) -> Option<Store> {
        KNOWN
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .copied()
    }

    /// The store `text` names among `stores`: a store's name, or a channel's name (`shopify`,
    /// `カラーミー`) when exactly one of `stores` is of that channel (SPEC §3).
    pub fn choose(text: &str, stores: &[Store]) -> Result<Store, NoSuchStore> {
        let text = text.trim();
        if let Some(found) = stores.iter().find(|s| s.name == text) {
            return Ok(*found);
        }
        let names = |of: &mut dyn Iterator<Item = &Store>| of.map(|s| s.name).collect();
        if let Ok(channel) = text.parse::<Channel>() {
            let of_channel: Vec<Store> = stores
                .iter()
                .copied()
                .filter(|s| s.channel == channel)
                .collect();
            return match of_channel[..] {
                [one] => Ok(one),
                [] => Err(NoSuchStore::NoneOfChannel {
                    channel,
                    stores: names(&mut stores.iter()),
                }),
                _ => Err(NoSuchStore::SeveralOfChannel {
                    channel,
                    stores: names(&mut of_channel.iter()),
                }),
            };
        }
        Err(NoSuchStore::Unknown {
            typed: text.to_owned(),
            stores: names(&mut stores.iter()),
        })
    }

    /// Every store this process knows (its configuration's, its database's, and the two old
    /// stores), in the stores' order.
    pub fn known() -> Vec<Store> {
        let mut all: Vec<Store> = KNOWN
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .copied()
            .collect();
        all.sort();
        all
    }

    /// SPEC §3: letters, digits, `-` and `_` (ASCII, so it makes an environment variable name).
    pub fn is_valid_name(name: &str) -> bool {
        (1..=32).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    /// The name: the key in the database, files, `--store` and JSON's `"store"`.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Which kind of store this is: its rules and its API.
    pub fn channel(self) -> Channel {
        self.channel
    }

    /// The name operators know the store's platform by (`Shopify`, `カラーミーショップ`).
    pub fn display_name(self) -> &'static str {
        self.channel.display_name()
    }

    /// Whether this is the one store of its channel an old configuration has (`shopify`,
    /// `colorme`): such a store is named by its platform alone on screen.
    pub fn is_default(self) -> bool {
        Store::DEFAULTS.contains(&self)
    }

    /// The environment variable of this store's token (SPEC §3: `HASSOU_TOKEN_JP`).
    pub fn token_variable(self) -> String {
        format!(
            "HASSOU_TOKEN_{}",
            self.name.to_ascii_uppercase().replace('-', "_")
        )
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.name == other.name
    }
}

impl Eq for Store {}

impl Hash for Store {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl Ord for Store {
    fn cmp(&self, other: &Store) -> Ordering {
        (self.channel, self.name).cmp(&(other.channel, other.name))
    }
}

impl PartialOrd for Store {
    fn partial_cmp(&self, other: &Store) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name, self.channel.code())
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Serialize for Store {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

/// Why a name chose no store among the configured ones (the stores' names, to say them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoSuchStore {
    Unknown {
        typed: String,
        stores: Vec<&'static str>,
    },
    NoneOfChannel {
        channel: Channel,
        stores: Vec<&'static str>,
    },
    SeveralOfChannel {
        channel: Channel,
        stores: Vec<&'static str>,
    },
}

/// The text that names no store this process knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown store {0:?}")]
pub struct UnknownStore(pub String);

/// A known store's name; a channel's name (`shopify`, `カラーミー`…) means that channel's store of
/// an old configuration. Which stores a *configuration* has is `Config::store`'s business.
impl FromStr for Store {
    type Err = UnknownStore;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(store) = Store::named(s) {
            return Ok(store);
        }
        s.parse::<Channel>()
            .map(Store::of_channel)
            .map_err(|_| UnknownStore(s.to_owned()))
    }
}

impl<'de> Deserialize<'de> for Store {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_mean_one_channel() {
        assert_eq!(Store::named("shopify"), Some(Store::SHOPIFY));
        let jp = Store::register("unit-jp", Channel::Shopify).unwrap();
        assert_eq!(Store::register("unit-jp", Channel::Shopify), Ok(jp));
        assert_eq!(jp.channel(), Channel::Shopify);
        assert!(matches!(
            Store::register("unit-jp", Channel::Colorme),
            Err(StoreNameError::OtherChannel { .. })
        ));
        assert!(matches!(
            Store::register("shopify", Channel::Colorme),
            Err(StoreNameError::OtherChannel { .. })
        ));
        for bad in ["", "a b", "jp.outlet", "日本", &"x".repeat(33)] {
            assert!(Store::register(bad, Channel::Shopify).is_err(), "{bad:?}");
        }
        assert_eq!(
            Store::register("my-shop_2", Channel::Colorme)
                .unwrap()
                .token_variable(),
            "HASSOU_TOKEN_MY_SHOP_2"
        );
    }

    #[test]
    fn shopify_stores_come_first_each_by_name() {
        let b = Store::register("unit-b", Channel::Shopify).unwrap();
        let a = Store::register("unit-a", Channel::Colorme).unwrap();
        let mut all = vec![a, Store::COLORME, b, Store::SHOPIFY];
        all.sort();
        assert_eq!(all, vec![Store::SHOPIFY, b, Store::COLORME, a]);
    }
}
