//! The six order statuses (受注ステータス) with their Japanese labels.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an order is in the shop's own workflow. hassou never infers it from the store's
/// fulfillment state: the operator (or the order file) sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// 新規受付
    New,
    /// 入金待ち
    AwaitingPayment,
    /// 発送待ち
    AwaitingShipment,
    /// 保留
    OnHold,
    /// 処理済み
    Processed,
    /// キャンセル
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::New,
        OrderStatus::AwaitingPayment,
        OrderStatus::AwaitingShipment,
        OrderStatus::OnHold,
        OrderStatus::Processed,
        OrderStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::AwaitingShipment => "awaiting_shipment",
            OrderStatus::OnHold => "on_hold",
            OrderStatus::Processed => "processed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            OrderStatus::New => "新規受付",
            OrderStatus::AwaitingPayment => "入金待ち",
            OrderStatus::AwaitingShipment => "発送待ち",
            OrderStatus::OnHold => "保留",
            OrderStatus::Processed => "処理済み",
            OrderStatus::Cancelled => "キャンセル",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::AwaitingPayment => "awaiting payment",
            OrderStatus::AwaitingShipment => "awaiting shipment",
            OrderStatus::OnHold => "on hold",
            OrderStatus::Processed => "processed",
            OrderStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown status {0:?} (expected new, awaiting_payment, awaiting_shipment, on_hold, processed or cancelled, or 新規受付/入金待ち/発送待ち/保留/処理済み/キャンセル)"
)]
pub struct UnknownStatus(pub String);

impl FromStr for OrderStatus {
    type Err = UnknownStatus;

    /// Accepts the codes and the Japanese labels, including GoQ's spelling 処理済 and 新規.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let status = match t.to_ascii_lowercase().replace('-', "_").as_str() {
            "new" | "新規受付" | "新規" => OrderStatus::New,
            "awaiting_payment" | "入金待ち" => OrderStatus::AwaitingPayment,
            "awaiting_shipment" | "発送待ち" => OrderStatus::AwaitingShipment,
            "on_hold" | "保留" => OrderStatus::OnHold,
            "processed" | "処理済み" | "処理済" => OrderStatus::Processed,
            "cancelled" | "canceled" | "キャンセル" => OrderStatus::Cancelled,
            _ => return Err(UnknownStatus(s.to_owned())),
        };
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_parse() {
        for status in OrderStatus::ALL {
            assert_eq!(status.code().parse::<OrderStatus>(), Ok(status));
            assert_eq!(status.label_ja().parse::<OrderStatus>(), Ok(status));
        }
        assert_eq!("処理済".parse::<OrderStatus>(), Ok(OrderStatus::Processed));
        assert!("shipped".parse::<OrderStatus>().is_err());
    }
}
