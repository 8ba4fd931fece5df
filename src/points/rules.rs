//! The points rules an admin sets (kept in `settings`, read in the
//! transaction of each award, so every node applies the current ones).

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

const KEY: &str = "points:rules";

/// When a report's points are awarded.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, poem_openapi::Enum, Serialize, Deserialize,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum AwardAt {
    /// A person first takes the case on.
    #[default]
    Accept,
    /// The case is verified and closed.
    Close,
}

/// How citizens earn points (积分).
#[derive(Debug, Clone, PartialEq, Object, Serialize, Deserialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct PointsRules {
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
    #[serde(default)]
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

impl Default for PointsRules {
    fn default() -> Self {
        Self {
            enabled: true,
            on_case: 5,
            award_at: AwardAt::Accept,
            first_of_duplicate: true,
            solved_bonus: 2,
            daily_cap: 20,
            monthly_cap: 200,
        }
    }
}

/// The rules in force (the defaults until an admin saves some).
pub async fn load<C: sea_orm::ConnectionTrait>(db: &C) -> anyhow::Result<PointsRules> {
    parse(crate::infra::settings::get(db, KEY).await?)
}

/// The rules in force as this node applies them: from its settings cache
/// (read through `db` when it has none), so an award costs no read of them.
pub async fn current<C: sea_orm::ConnectionTrait>(
    cache: &crate::infra::settings::Cached,
    db: &C,
) -> anyhow::Result<PointsRules> {
    parse(cache.get(db, KEY).await?)
}

fn parse(saved: Option<String>) -> anyhow::Result<PointsRules> {
    Ok(match saved {
        Some(v) => serde_json::from_str(&v)
            .map_err(|e| anyhow::anyhow!("the saved points rules do not read: {e}"))?,
        None => PointsRules::default(),
    })
}

pub async fn save<C: sea_orm::ConnectionTrait>(db: &C, r: &PointsRules) -> anyhow::Result<()> {
    crate::infra::settings::put(db, KEY, &serde_json::to_string(r)?).await
}

/// An admin sets the rules: saved and audited in one transaction; this
/// node applies them at once, the others within 5 s.
pub async fn set(
    state: &crate::state::AppState,
    caller: &crate::core::Caller,
    r: &PointsRules,
) -> anyhow::Result<()> {
    use sea_orm::TransactionTrait;
    let txn = state.db.begin().await?;
    save(&txn, r).await?;
    let who = crate::core::Actor::of(caller);
    let data = Some(serde_json::to_value(r)?);
    crate::audit::record(&txn, who, "points.rules", "settings", None, None, data).await?;
    txn.commit().await?;
    state.settings.forget(KEY);
    Ok(())
}
