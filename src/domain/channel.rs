//! The stores hassou writes to. A channel is a value carried by every order, never a special case
//! in the storage or the engine: adding a store means adding a variant and its rules.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One store an order belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Shopify,
    Colorme,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Shopify, Channel::Colorme];

    /// The stable code used in files, the database and `--channel`.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Shopify => "shopify",
            Channel::Colorme => "colorme",
        }
    }

    /// The name operators know the store by.
    pub fn display_name(self) -> &'static str {
        match self {
            Channel::Shopify => "Shopify",
            Channel::Colorme => "カラーミーショップ",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text that was not a channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel {0:?} (expected shopify or colorme)")]
pub struct UnknownChannel(pub String);

impl FromStr for Channel {
    type Err = UnknownChannel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "shopify" => Ok(Channel::Shopify),
            "colorme" | "color_me" | "color-me" | "カラーミー" | "カラーミーショップ" => {
                Ok(Channel::Colorme)
            }
            _ => Err(UnknownChannel(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for channel in Channel::ALL {
            assert_eq!(channel.code().parse::<Channel>(), Ok(channel));
        }
        assert_eq!("カラーミー".parse::<Channel>(), Ok(Channel::Colorme));
        assert!("amazon".parse::<Channel>().is_err());
    }
}
