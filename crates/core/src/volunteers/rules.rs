//! The patrol rules a city sets (kept in `settings`, as the points rules
//! are): the cap at which an open patrol closes itself, and the slack a
//! check-in has beyond a spot's radius.

pub use domain::volunteers::VolunteerRules;

const KEY: &str = "volunteers:rules";

/// The rules in force (the defaults until an admin saves some).
pub async fn load<C: sea_orm::ConnectionTrait>(db: &C) -> anyhow::Result<VolunteerRules> {
    match crate::infra::settings::get(db, KEY).await? {
        Some(v) => VolunteerRules::from_saved(&v)
            .map_err(|e| anyhow::anyhow!("the saved volunteer rules ({KEY}) do not read: {e}")),
        None => Ok(VolunteerRules::default()),
    }
}

/// An admin sets the rules: saved and audited in one transaction.
pub async fn set(
    state: &crate::state::AppState,
    caller: &crate::core::Caller,
    r: &VolunteerRules,
) -> anyhow::Result<()> {
    use sea_orm::TransactionTrait;
    let txn = state.db.begin().await?;
    crate::infra::settings::put(&txn, KEY, &r.to_saved()?).await?;
    let who = crate::core::Actor::of(caller);
    let data = Some(serde_json::from_str(&r.to_saved()?)?);
    crate::audit::record(&txn, who, "volunteers.rules", "settings", None, None, data).await?;
    txn.commit().await?;
    Ok(())
}
