//! Shapes of the points endpoints.

use chrono::{DateTime, FixedOffset};
use poem_openapi::Object;
use uuid::Uuid;

use super::{
    rewards,
    rules::{AwardAt, PointsRules},
};

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

/// Where a redemption stands, from the domain.
pub use domain::points::RedemptionStatus;

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

/// How citizens earn points (积分).
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(rename = "PointsRules", rename_all = "camelCase")]
pub struct PointsRulesBody {
    /// Award points at all.
    pub enabled: bool,
    /// Points for a report the city accepts. Rejected and duplicate
    /// reports earn nothing, and lose what they earned when that is found
    /// out later, after dispatch too (an entry of its own).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub on_case: i32,
    /// When `onCase` is awarded: when a person first takes the case on
    /// (`accept`: a dispatcher accepts or dispatches it, or a unit member
    /// claims it; an automatic dispatch is not one), or when it is
    /// verified and closed (`close`). Default `accept`.
    #[oai(default)]
    pub award_at: AwardAt,
    /// The first reporter of a duplicate group (武汉's rule) keeps, or
    /// gets, the points of a case when a later report is the one that
    /// carries on.
    pub first_of_duplicate: bool,
    /// Extra points when the reporter rates the fixed case as solved
    /// (above the category's unsatisfied threshold).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub solved_bonus: i32,
    /// Most points a citizen earns in a day (China time); 0: no cap.
    #[oai(validator(minimum(value = "0"), maximum(value = "100000")))]
    pub daily_cap: i32,
    /// Most points a citizen earns in a calendar month; 0: no cap.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub monthly_cap: i32,
}

impl From<PointsRules> for PointsRulesBody {
    fn from(r: PointsRules) -> Self {
        Self {
            enabled: r.enabled,
            on_case: r.on_case,
            award_at: r.award_at,
            first_of_duplicate: r.first_of_duplicate,
            solved_bonus: r.solved_bonus,
            daily_cap: r.daily_cap,
            monthly_cap: r.monthly_cap,
        }
    }
}

impl From<PointsRulesBody> for PointsRules {
    fn from(b: PointsRulesBody) -> Self {
        Self {
            enabled: b.enabled,
            on_case: b.on_case,
            award_at: b.award_at,
            first_of_duplicate: b.first_of_duplicate,
            solved_bonus: b.solved_bonus,
            daily_cap: b.daily_cap,
            monthly_cap: b.monthly_cap,
        }
    }
}

impl From<rewards::Reward> for Reward {
    fn from(r: rewards::Reward) -> Self {
        Self {
            id: r.id,
            name: r.name,
            description: r.description,
            cost: r.cost,
            stock: r.stock,
            active: r.active,
        }
    }
}

impl From<RewardInput> for rewards::RewardSpec {
    fn from(r: RewardInput) -> Self {
        Self {
            name: r.name,
            description: r.description,
            cost: r.cost,
            stock: r.stock,
            active: r.active,
        }
    }
}

impl From<rewards::Redeemed> for Redemption {
    fn from(r: rewards::Redeemed) -> Self {
        Self {
            id: r.id,
            code: r.code,
            reward_id: r.reward_id,
            reward_name: r.reward_name,
            cost: r.cost,
            status: r.status,
            created_at: r.created_at,
            used_at: r.used_at,
        }
    }
}

impl From<rewards::Redemptions> for RedemptionPage {
    fn from(p: rewards::Redemptions) -> Self {
        Self {
            items: p.items.into_iter().map(Redemption::from).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

impl From<rewards::Ledger> for MyPoints {
    fn from(l: rewards::Ledger) -> Self {
        let entries = l.entries.into_iter().map(|e| PointsEntry {
            id: e.id,
            points: e.points,
            reason: e.reason,
            why: e.reason.label().into(),
            note: e.note,
            case_id: e.case_id,
            case_no: e.case_no,
            redemption_id: e.redemption_id,
            created_at: e.created_at,
        });
        Self {
            balance: l.balance,
            entries: entries.collect(),
            next_cursor: l.next_cursor,
        }
    }
}
