//! The citizen's reports: submit one, list mine, follow one.

pub mod dto;
pub mod service;

use crate::{
    api::Tag,
    auth::{BearerAuth, Role},
    error::{ApiError, Res},
    geo::coords::CoordSystem,
    infra::shared::{IdemBegin, StoredResponse},
    state::AppState,
    web,
};
use dto::{CreateReport, RatingBody, ReportPage, ReportView};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Header, Path, Query},
    payload::Json,
};
use std::time::Duration;
use uuid::Uuid;

#[derive(ApiResponse)]
pub enum CreatedReport {
    /// The report was created (or, for a repeated Idempotency-Key with the
    /// same body, this is the first request's report).
    #[oai(status = 201)]
    Created(
        Json<ReportView>,
        /// `true` when this answers a repeated Idempotency-Key.
        #[oai(header = "Idempotent-Replayed")]
        Option<String>,
    ),
}

pub struct ReportsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Reports")]
impl ReportsApi {
    /// Submit a report
    ///
    /// Creates a case (status `submitted`) with a case number and its first
    /// timeline event, attaching 1–9 photos the caller uploaded. The location
    /// may be WGS-84 or GCJ-02 and is stored as WGS-84; out of range is `400
    /// invalid_coordinates`, outside every area of the city `400
    /// outside_service_area`. With an `Idempotency-Key`, a retry with the same
    /// body returns the first result (across nodes); with another body, `422`.
    #[oai(path = "/reports", method = "post", operation_id = "createReport")]
    async fn create(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        /// A client-chosen key (1–128 visible ASCII characters) that makes retries safe.
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<Option<String>>,
        body: Json<CreateReport>,
    ) -> Res<CreatedReport, CreateReportErrors> {
        let caller = auth.0;
        caller.require(&[Role::Citizen])?;
        let Some(key) = idempotency_key.0 else {
            web::limit_write(&state, req, caller.user_id, web::Write::Report).await?;
            let view = service::create(&state, &caller, &body).await?;
            return Ok(CreatedReport::Created(Json(view), None));
        };
        if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1–128 visible ASCII characters",
            )
            .into());
        }
        let scoped = format!("report:{}:{key}", caller.user_id);
        let fp = service::fingerprint(&body);
        let ttl = Duration::from_secs(state.config.reports.idempotency_ttl_secs);
        match state.shared.idem_begin(&scoped, &fp, ttl).await? {
            IdemBegin::Replay(stored) => {
                let id: Uuid = stored.body.parse().map_err(|e| {
                    ApiError::Internal(anyhow::anyhow!("stored idempotent result: {e}"))
                })?;
                let view =
                    service::get_mine(&state, &caller, id, body.location.coord_system).await?;
                Ok(CreatedReport::Created(Json(view), Some("true".into())))
            }
            IdemBegin::InProgress => Err(ApiError::conflict(
                "idempotency_in_progress",
                "a request with this Idempotency-Key is still being processed",
            )
            .into()),
            IdemBegin::Mismatch => Err(ApiError::unprocessable(
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request body",
            )
            .into()),
            IdemBegin::Proceed => {
                let result = async {
                    web::limit_write(&state, req, caller.user_id, web::Write::Report).await?;
                    service::create(&state, &caller, &body).await
                }
                .await;
                match result {
                    Ok(view) => {
                        let stored = StoredResponse {
                            status: 201,
                            body: view.id.to_string(),
                        };
                        state
                            .shared
                            .idem_complete(&scoped, &fp, stored, ttl)
                            .await?;
                        Ok(CreatedReport::Created(Json(view), None))
                    }
                    Err(e) => {
                        state.shared.idem_abort(&scoped).await?;
                        Err(e.into())
                    }
                }
            }
        }
    }

    /// My reports
    ///
    /// The caller's reports, newest first, with cursor pagination.
    #[oai(path = "/me/reports", method = "get", operation_id = "listMyReports")]
    async fn list_mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `nextCursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–100 (default 20).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// Datum of the returned locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<ReportPage>, ListReportErrors> {
        Ok(Json(
            service::list_mine(
                &state,
                &auth.0,
                cursor.0.as_deref(),
                limit.0,
                coord_system.0,
            )
            .await?,
        ))
    }

    /// One of my reports
    ///
    /// With its photos and public timeline. Someone else's report is `404`.
    #[oai(path = "/reports/:id", method = "get", operation_id = "getReport")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// Datum of the returned location (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<ReportView>, ReadReportErrors> {
        Ok(Json(
            service::get_mine(&state, &auth.0, id.0, coord_system.0).await?,
        ))
    }

    /// Rate my report (评单)
    ///
    /// Once, when its case is closed: 1–5 and an optional comment. A rating
    /// at or below the category's unsatisfied threshold (default 2) sends
    /// the case back to verification. Not closed: `409 not_closed`; rated:
    /// `409 already_rated`; someone else's: `404`.
    #[oai(
        path = "/reports/:id/rating",
        method = "post",
        operation_id = "rateReport"
    )]
    async fn rate(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<RatingBody>,
    ) -> Res<Json<ReportView>, RateErrors> {
        web::limit_write(&state, req, auth.0.user_id, web::Write::Report).await?;
        let b = body.0;
        service::rate(&state, &auth.0, id.0, b.score, b.comment).await?;
        Ok(Json(
            service::get_mine(&state, &auth.0, id.0, CoordSystem::Wgs84).await?,
        ))
    }
}

fn default_limit() -> u64 {
    20
}

crate::error_set!(CreateReportErrors: 400, 401, 403, 409, 413, 422, 429);
crate::error_set!(ListReportErrors: 400, 401);
crate::error_set!(ReadReportErrors: 400, 401, 404);
crate::error_set!(RateErrors: 400, 401, 403, 404, 409, 429);
