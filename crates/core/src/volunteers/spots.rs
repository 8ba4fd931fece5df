//! Spots (挂包点位) staff assign a team: a centre and a radius, optionally
//! the area it stands for, and its patrol times.

pub use super::model::{Spot, SpotSpec};
use super::{
    error::VolunteerError,
    teams::{STAFF, find, trimmed},
};
use crate::{
    audit,
    core::{Actor, Caller},
    state::AppState,
};
use domain::{geo::Wgs84, volunteers::PatrolTime};
use entity::spot;
use sea_orm::{EntityTrait, TransactionTrait};
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// Staff assign the team a spot.
pub async fn add(state: &AppState, caller: &Caller, id: Uuid, s: SpotSpec) -> R<Spot> {
    caller.require(&STAFF)?;
    let t = find(&state.db, id).await?;
    let name = trimmed(&s.name, "a spot")?;
    let area_id = match s.area_code.as_deref() {
        None => None,
        Some(code) => Some(
            state
                .areas
                .get()
                .by_code(code)
                .map(|a| a.id)
                .ok_or(VolunteerError::NotFound { what: "area" })?,
        ),
    };
    let row = spot::Model {
        id: Uuid::now_v7(),
        team_id: t.id,
        name,
        lat: s.centre.lat(),
        lng: s.centre.lng(),
        radius_m: s.radius_m,
        area_id,
        times: serde_json::to_string(&s.times).map_err(anyhow::Error::from)?,
        created_at: state.clock.now(),
    };
    let txn = state.db.begin().await?;
    spot::Entity::insert(spot::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    let data = serde_json::json!({ "team": t.id, "name": row.name, "radiusM": row.radius_m });
    audit::record(
        &txn,
        Actor::of(caller),
        "spot.create",
        "spot",
        Some(row.id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    Ok(view(state, row))
}

/// Staff take a spot from its team (its patrols stay in the record).
pub async fn delete(state: &AppState, caller: &Caller, id: Uuid) -> R<()> {
    caller.require(&STAFF)?;
    let txn = state.db.begin().await?;
    let gone = spot::Entity::delete_by_id(id).exec(&txn).await?;
    if gone.rows_affected == 0 {
        return Err(VolunteerError::NotFound { what: "spot" });
    }
    audit::record(
        &txn,
        Actor::of(caller),
        "spot.delete",
        "spot",
        Some(id.to_string()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A spot, read back.
pub async fn get(state: &AppState, id: Uuid) -> R<Spot> {
    let row = spot::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "spot" })?;
    Ok(view(state, row))
}

pub(super) fn view(state: &AppState, s: spot::Model) -> Spot {
    let areas = state.areas.get();
    Spot {
        id: s.id,
        team_id: s.team_id,
        name: s.name,
        centre: Wgs84::from_stored(s.lat, s.lng),
        radius_m: s.radius_m,
        area_code: s
            .area_id
            .and_then(|a| areas.by_id(a))
            .map(|a| a.code.clone()),
        // Written by `add_spot` from checked values; an unreadable list
        // reads as none rather than hiding the spot.
        times: serde_json::from_str::<Vec<PatrolTime>>(&s.times).unwrap_or_default(),
    }
}
