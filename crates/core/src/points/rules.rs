//! The points rules an admin sets (kept in `settings`, read in the
//! transaction of each award, so every node applies the current ones).
//! The rules are the domain's `PointsRules`, checked when they are read
//! from the database as when they come in; `dto::PointsRulesBody` is
//! their shape in the API.

pub use domain::points::{AwardAt, PointsRules};

const KEY: &str = "points:rules";

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
