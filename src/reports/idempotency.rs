//! Submission under an `Idempotency-Key` (HTTP side): the same key with the
//! same body returns the first result, across nodes; with another body,
//! `422`; while the first is still running, `409`.

use super::{dto::CreateReport, dto::ReportView, submit, views};
use crate::{
    core::Caller,
    error::ApiError,
    infra::shared::{IdemBegin, StoredResponse},
    state::AppState,
    web,
};
use poem::Request;
use std::time::Duration;
use uuid::Uuid;

/// Submits, once per key; returns the view and whether it is a replay.
pub async fn submit_once(
    state: &AppState,
    req: &Request,
    caller: &Caller,
    key: Option<String>,
    body: &CreateReport,
) -> Result<(ReportView, bool), ApiError> {
    let submit = || async {
        web::limit_write(state, req, caller.user_id, web::Write::Report).await?;
        Ok::<_, ApiError>(submit::create(state, caller, body).await?)
    };
    let Some(key) = key else {
        return Ok((submit().await?, false));
    };
    if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1–128 visible ASCII characters",
        ));
    }
    let scoped = format!("report:{}:{key}", caller.user_id);
    let fp = submit::fingerprint(body);
    let ttl = Duration::from_secs(state.config.reports.idempotency_ttl_secs);
    match state.shared.idem_begin(&scoped, &fp, ttl).await? {
        IdemBegin::Replay(stored) => {
            let id: Uuid = stored
                .body
                .parse()
                .map_err(|e| anyhow::anyhow!("stored idempotent result: {e}"))?;
            let system = body.location.coord_system.into();
            Ok((views::get_mine(state, caller, id, system).await?, true))
        }
        IdemBegin::InProgress => Err(ApiError::conflict(
            "idempotency_in_progress",
            "a request with this Idempotency-Key is still being processed",
        )),
        IdemBegin::Mismatch => Err(ApiError::unprocessable(
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request body",
        )),
        IdemBegin::Proceed => match submit().await {
            Ok(view) => {
                let stored = StoredResponse {
                    status: 201,
                    body: view.id.to_string(),
                };
                state
                    .shared
                    .idem_complete(&scoped, &fp, stored, ttl)
                    .await?;
                Ok((view, false))
            }
            Err(e) => {
                state.shared.idem_abort(&scoped).await?;
                Err(e)
            }
        },
    }
}
