//! The domain, pure: orders, statuses, carriers, tracking numbers, time windows and the seed's
//! eligibility rules. Nothing here does I/O, awaits, or reads the clock; it must never import
//! tokio, sqlx, reqwest or ratatui.

pub mod alert;
pub mod carrier;
pub mod cause;
pub mod channel;
pub mod connector;
pub mod drift;
pub mod health;
pub mod holidays;
pub mod input;
pub mod job;
pub mod language;
pub mod order;
pub mod period;
pub mod rules;
pub mod status;
pub mod store;
pub mod time;
pub mod tracking;
pub mod window;

pub use carrier::{Carrier, CarrierError};
pub use cause::{Cause, Problem};
pub use channel::Channel;
pub use language::Language;
pub use order::{FailedWrite, Hold, Order, PulledOrder, RemoteState, ShippingWrite, StoredOrder};
pub use period::{Period, ShopTimeZone};
pub use rules::{
    ChannelRules, Evaluation, Narrowing, Reason, RuleSettings, StatusOption, TargetWindow, Verdict,
    standing,
};
pub use status::OrderStatus;
pub use store::{NoSuchStore, Store, StoreNameError, UnknownStore};
pub use tracking::{Tracking, TrackingNumber, TrackingWarning};
