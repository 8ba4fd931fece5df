//! The points rules an admin sets (kept in `settings`, read in the
//! transaction of each award, so every node applies the current ones).
//! The rules are the domain's `PointsRules`, checked when they are read
//! from the database as when they come in; `PointsRulesBody` is their
//! shape in the API.

use poem_openapi::Object;

pub use domain::points::{AwardAt, PointsRules};

const KEY: &str = "points:rules";

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

/// The saved rules, parsed and checked (a value out of its range in the
/// database is an error, as it would be in a request), or the defaults.
fn parse(saved: Option<String>) -> anyhow::Result<PointsRules> {
    match saved {
        Some(v) => PointsRules::from_saved(&v)
            .map_err(|e| anyhow::anyhow!("the saved points rules ({KEY}) do not read: {e}")),
        None => Ok(PointsRules::default()),
    }
}

pub async fn save<C: sea_orm::ConnectionTrait>(db: &C, r: &PointsRules) -> anyhow::Result<()> {
    crate::infra::settings::put(db, KEY, &r.to_saved()?).await
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
    let data = Some(serde_json::from_str(&r.to_saved()?)?);
    crate::audit::record(&txn, who, "points.rules", "settings", None, None, data).await?;
    txn.commit().await?;
    state.settings.forget(KEY);
    Ok(())
}
