//! Submission under an `Idempotency-Key`: the same key with the same body
//! answers with the first request's report, across nodes and after a
//! crash; with another body, `422`.
//!
//! The key is written in the report's own transaction (see
//! [`submit::create`]), so there is no "in progress" state to outlive a
//! crash: either the report and its key were committed, or neither was and
//! a retry runs afresh. Two requests with one key at once: the second
//! waits on the key's row until the first commits, then answers with its
//! report.

use super::{error::ReportError, submit, submit::NewReport, views, views::Report};
use crate::core::ErrorCode;
use crate::{core::Caller, state::AppState};
use entity::idempotency_key as idem;
use sea_orm::EntityTrait;

/// Submits, once per key; returns the report and whether it is a replay.
/// `limit` is the caller's rate limit, awaited only when a report is to
/// be made (a replay costs nothing); its refusal is returned as it is.
pub async fn submit_once<E: From<ReportError>>(
    state: &AppState,
    caller: &Caller,
    key: Option<String>,
    body: &NewReport,
    limit: impl Future<Output = Result<(), E>>,
) -> Result<(Report, bool), E> {
    let Some(key) = key else {
        limit.await?;
        return Ok((
            submit::create(state, caller, body, None, submit::Origin::MiniProgram).await?,
            false,
        ));
    };
    if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ReportError::invalid(
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 1–128 visible ASCII characters",
        )
        .into());
    }
    let record = submit::KeyRecord {
        key: format!("report:{}:{key}", caller.user_id),
        fingerprint: submit::fingerprint(body),
    };
    if let Some(done) = recorded(state, &record).await? {
        return Ok(replay(state, caller, &record, done).await?);
    }
    limit.await?;
    match submit::create(
        state,
        caller,
        body,
        Some(&record),
        submit::Origin::MiniProgram,
    )
    .await
    {
        Ok(view) => Ok((view, false)),
        Err(ReportError::KeyTaken) => match recorded(state, &record).await? {
            Some(done) => Ok(replay(state, caller, &record, done).await?),
            None => Err(ReportError::KeyTaken.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// The key's record, if it is within the retention.
async fn recorded(
    state: &AppState,
    record: &submit::KeyRecord,
) -> Result<Option<idem::Model>, ReportError> {
    let retention = i64::try_from(state.config.reports.idempotency_ttl_secs).unwrap_or(86_400);
    let since = state.clock.now() - chrono::Duration::seconds(retention);
    Ok(idem::Entity::find_by_id(record.key.clone())
        .one(&state.db)
        .await?
        .filter(|r| r.created_at >= since))
}

/// The first request's report, or `422` when the body differs.
async fn replay(
    state: &AppState,
    caller: &Caller,
    record: &submit::KeyRecord,
    done: idem::Model,
) -> Result<(Report, bool), ReportError> {
    if done.fingerprint != record.fingerprint {
        return Err(ReportError::KeyReused);
    }
    Ok((views::get_mine(state, caller, done.case_id).await?, true))
}

/// Deletes keys past the retention; returns how many.
pub async fn purge_expired(state: &AppState) -> Result<u64, ReportError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let retention = i64::try_from(state.config.reports.idempotency_ttl_secs).unwrap_or(86_400);
    let before = state.clock.now() - chrono::Duration::seconds(retention);
    Ok(idem::Entity::delete_many()
        .filter(idem::Column::CreatedAt.lt(before))
        .exec(&state.db)
        .await?
        .rows_affected)
}
