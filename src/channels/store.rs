//! The stores hassou writes to, as one type: a [`StoreConnector`] is Shopify's or カラーミー's
//! connector, and the scheduler, the console and the CLI hold it without generics or a mirror
//! trait. Each method hands the call to the store's own connector.

use chrono::{DateTime, Utc};

use super::colorme::connector::ColormeConnector;
use super::shopify::connector::ShopifyConnector;
use crate::domain::connector::{
    Connector, MailFailure, MailSent, PlannedWrite, StoreError, WriteFailure, WriteReport,
};
use crate::domain::{Problem, PulledOrder, ShippingWrite, Store, StoredOrder};

/// One configured store's connector.
pub enum StoreConnector {
    Shopify(ShopifyConnector),
    Colorme(ColormeConnector),
}

impl From<ShopifyConnector> for StoreConnector {
    fn from(c: ShopifyConnector) -> StoreConnector {
        StoreConnector::Shopify(c)
    }
}

impl From<ColormeConnector> for StoreConnector {
    fn from(c: ColormeConnector) -> StoreConnector {
        StoreConnector::Colorme(c)
    }
}

/// The same call on whichever store this is.
macro_rules! each {
    ($self:ident, $c:ident => $call:expr) => {
        match $self {
            StoreConnector::Shopify($c) => $call,
            StoreConnector::Colorme($c) => $call,
        }
    };
}

impl StoreConnector {
    /// The same connector, for `store` (its orders keyed by the store's name).
    pub fn for_store(self, store: Store) -> StoreConnector {
        match self {
            StoreConnector::Shopify(c) => StoreConnector::Shopify(c.for_store(store)),
            StoreConnector::Colorme(c) => StoreConnector::Colorme(c.for_store(store)),
        }
    }
}

impl Connector for StoreConnector {
    fn store(&self) -> Store {
        each!(self, c => c.store())
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        each!(self, c => c.preview(order, wanted))
    }

    fn planned(&self, order: &StoredOrder, wanted: &ShippingWrite) -> PlannedWrite {
        each!(self, c => c.planned(order, wanted))
    }

    async fn pull(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        each!(self, c => c.pull(since).await)
    }

    async fn read_held(&self, order: &StoredOrder) -> Result<Option<ShippingWrite>, Problem> {
        each!(self, c => c.read_held(order).await)
    }

    async fn prefetch(&self, orders: &[&StoredOrder]) {
        each!(self, c => c.prefetch(orders).await)
    }

    async fn read_back(
        &self,
        orders: &[&StoredOrder],
    ) -> Result<Vec<(i64, crate::domain::drift::StoreReading)>, Problem> {
        each!(self, c => c.read_back(orders).await)
    }

    async fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> Result<WriteReport, WriteFailure> {
        each!(self, c => c.write(order, wanted).await)
    }

    async fn send_mail(&self, order: &StoredOrder) -> Result<MailSent, MailFailure> {
        each!(self, c => c.send_mail(order).await)
    }
}
