//! Shapes of the points endpoints.

use chrono::{DateTime, FixedOffset};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

/// Why an entry was written: the ledger's stored reason, from the domain.
pub use domain::points::Reason as PointsReason;

/// One entry of the ledger.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct PointsEntry {
    pub id: Uuid,
    /// Positive for awards, negative for reversals and redemptions.
    pub points: i32,
    pub reason: PointsReason,
    /// The reason in words, for the mini-program.
    pub why: String,
    /// More detail: a cap reached, the first reporter of a duplicate
    /// group, the reward redeemed.
    pub note: Option<String>,
    /// The case that earned (or lost) the points.
    pub case_id: Option<Uuid>,
    /// Its case number.
    pub case_no: Option<String>,
    /// The redemption that spent them.
    pub redemption_id: Option<Uuid>,
    /// When the entry was written.
    pub created_at: DateTime<FixedOffset>,
}

/// The caller's points: balance and history, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct MyPoints {
    /// Points to spend now.
    pub balance: i64,
    /// The history, newest first.
    pub entries: Vec<PointsEntry>,
    /// Pass as `cursor` for older entries; none at the end.
    pub next_cursor: Option<String>,
}

/// A reward of the catalogue.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct Reward {
    pub id: Uuid,
    /// What it is.
    pub name: String,
    /// More about it.
    pub description: Option<String>,
    /// Points one costs.
    pub cost: i32,
    /// How many are left.
    pub stock: i32,
    /// Offered to citizens.
    pub active: bool,
}

/// A reward as an admin sets it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RewardInput {
    /// 1–60 characters, unique.
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
    /// At most 500 characters.
    #[oai(validator(max_length = 500))]
    pub description: Option<String>,
    /// Points one costs, 1–100000.
    #[oai(validator(minimum(value = "1"), maximum(value = "100000")))]
    pub cost: i32,
    /// How many there are, 0–1000000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub stock: i32,
    /// Offered to citizens (default true).
    #[oai(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Where a redemption stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum RedemptionStatus {
    /// The code waits to be shown.
    Issued,
    /// Staff checked it off: the reward was handed over.
    Used,
}

/// A redeemed reward and the code the citizen shows.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct Redemption {
    pub id: Uuid,
    /// 10 characters, no look-alikes (0/O, 1/I/L).
    pub code: String,
    /// The reward redeemed.
    pub reward_id: Uuid,
    /// Its name.
    pub reward_name: String,
    /// Points it cost.
    pub cost: i32,
    pub status: RedemptionStatus,
    /// When it was redeemed.
    pub created_at: DateTime<FixedOffset>,
    /// When staff checked the code off.
    pub used_at: Option<DateTime<FixedOffset>>,
}

/// A code to check off.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CheckOff {
    /// The code the citizen shows (case and spaces do not matter).
    #[oai(validator(min_length = 4, max_length = 32))]
    pub code: String,
}

/// A page of the caller's redemptions, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct RedemptionPage {
    /// The redemptions of this page.
    pub items: Vec<Redemption>,
    /// Pass as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}
