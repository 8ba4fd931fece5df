//! Retention, applied by a job on the nodes that run the background jobs
//! (hourly): photos of cases that ended more than `retention.photo_days`
//! ago are deleted (row, then objects), and citizens unused for
//! `retention.identity_days` have their identity removed (`service::erase`,
//! audited as the system's). 0 keeps them forever. A batch at a time.

use super::service::{Why, erase};
use crate::{
    core::{CaseStatus, Role, time::utc_now},
    state::AppState,
};
use entity::{cases, content_check, media, user};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait, sea_query::Query,
};
use uuid::Uuid;

const BATCH: u64 = 500;

/// What one run removed: photos, identities.
pub async fn run(state: &AppState) -> anyhow::Result<(usize, usize)> {
    Ok((photos(state).await?, identities(state).await?))
}

async fn photos(state: &AppState) -> anyhow::Result<usize> {
    let days = state.config.retention.photo_days;
    if days == 0 {
        return Ok(0);
    }
    let before = state.clock.now() - chrono::Duration::days(i64::from(days));
    let ended = [
        CaseStatus::Closed,
        CaseStatus::Rejected,
        CaseStatus::Duplicate,
    ];
    let old = Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .and_where(cases::Column::Status.is_in(ended))
        .and_where(cases::Column::UpdatedAt.lt(before))
        .to_owned();
    // One transaction: the photos and their checks go together, and only
    // while their case still ended long enough ago; the objects after.
    let txn = state.db.begin().await?;
    let ids: Vec<Uuid> = media::Entity::find()
        .select_only()
        .column(media::Column::Id)
        .filter(media::Column::CaseId.in_subquery(old))
        .limit(BATCH)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    content_check::Entity::delete_many()
        .filter(content_check::Column::MediaId.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    media::Entity::delete_many()
        .filter(media::Column::Id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    for id in &ids {
        crate::media::service::remove_objects(state, *id).await;
    }
    Ok(ids.len())
}

async fn identities(state: &AppState) -> anyhow::Result<usize> {
    let days = state.config.retention.identity_days;
    if days == 0 {
        return Ok(0);
    }
    let before = utc_now() - chrono::Duration::days(i64::from(days));
    let idle: Vec<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Citizen))
        .filter(user::Column::DeletedAt.is_null())
        .filter(user::Column::UpdatedAt.lt(before))
        .limit(BATCH)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut erased = 0;
    for id in &idle {
        erased += usize::from(
            erase(state, *id, Why::Expired(before))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        );
    }
    Ok(erased)
}
