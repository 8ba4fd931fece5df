//! What the points services return: the catalogue's rewards, redemptions
//! and the ledger, as values (the handlers make the responses).

use chrono::{DateTime, FixedOffset};
use domain::points::{Reason, RedemptionStatus};
use uuid::Uuid;

/// A reward of the catalogue.
#[derive(Debug, Clone)]
pub struct Reward {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// Points one costs.
    pub cost: i32,
    /// How many are left.
    pub stock: i32,
    /// Offered to citizens.
    pub active: bool,
}

/// A reward as an admin sets it (the name and description are trimmed
/// here; a blank name is refused).
#[derive(Debug, Clone)]
pub struct RewardSpec {
    pub name: String,
    pub description: Option<String>,
    pub cost: i32,
    pub stock: i32,
    pub active: bool,
}

/// A redeemed reward and its code.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub id: Uuid,
    /// What the citizen shows.
    pub code: String,
    pub reward_id: Uuid,
    pub reward_name: String,
    /// Points it cost.
    pub cost: i32,
    pub status: RedemptionStatus,
    pub created_at: DateTime<FixedOffset>,
    /// When staff checked the code off.
    pub used_at: Option<DateTime<FixedOffset>>,
}

/// A page of a citizen's redemptions, newest first.
#[derive(Debug)]
pub struct Redemptions {
    pub items: Vec<Redeemed>,
    /// Where the next page starts; none at the end.
    pub next_cursor: Option<String>,
}

/// One entry of a citizen's ledger.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    /// Positive for awards, negative for reversals and redemptions.
    pub points: i32,
    pub reason: Reason,
    pub note: Option<String>,
    /// The case that earned (or lost) the points, and its number.
    pub case_id: Option<Uuid>,
    pub case_no: Option<String>,
    /// The redemption that spent them.
    pub redemption_id: Option<Uuid>,
    pub created_at: DateTime<FixedOffset>,
}

/// A citizen's balance and a page of their ledger, newest first.
#[derive(Debug)]
pub struct Ledger {
    /// Points to spend now.
    pub balance: i64,
    pub entries: Vec<Entry>,
    /// Where the next page starts; none at the end.
    pub next_cursor: Option<String>,
}
