//! The citizen's reports: submit one, list mine, follow one.

pub use suishoupai_core::reports::*;

pub mod dto;

use crate::{
    api::Tag,
    auth::BearerAuth,
    core::Role,
    error::{ErrorCode, Res},
    state::AppState,
    web,
    web::enums::CoordSystem,
};
use dto::{CreateReport, Following, NearbyCase, RatingBody, ReportPage, ReportView};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Header, Path, Query},
    payload::Json,
};
use submit::NewReport;
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
    /// outside_service_area`. With an `Idempotency-Key` (kept 24 hours), a
    /// retry with the same body returns the first result, on any node;
    /// with another body, `422 idempotency_key_reused`. The key is stored
    /// in the report's own transaction: a request that failed or never
    /// finished leaves the key free, and requests with one key at once
    /// make one report, which every one of them gets. With content
    /// security on, the description goes through WeChat's msgSecCheck:
    /// risky is `422 content_rejected` and nothing is stored; a doubt
    /// flags the case for the dispatcher; WeChat unreachable, the report
    /// is accepted and the text checked again later.
    #[oai(path = "/reports", method = "post", operation_id = "createReport")]
    async fn create(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        /// A client-chosen key (1–128 visible ASCII characters) that makes retries safe.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 128, pattern = "^[!-~]+$")
        )]
        idempotency_key: Header<Option<String>>,
        body: Json<CreateReport>,
    ) -> Res<CreatedReport, CreateReportErrors> {
        let caller = auth.0;
        caller.require(&[Role::Citizen])?;
        let system = body.location.coord_system;
        let report = NewReport::from(body.0);
        let limit = web::limit_write(&state, req, caller.user_id, web::Write::Report);
        let (report, replayed) =
            idempotency::submit_once(&state, &caller, idempotency_key.0, &report, limit).await?;
        Ok(CreatedReport::Created(
            Json(ReportView::of(&state, report, system)),
            replayed.then(|| "true".to_owned()),
        ))
    }

    /// Already reported? Open cases near a pin
    ///
    /// Before submitting, the mini-program asks what is open nearby in the
    /// category: the open cases within the duplicate radius
    /// (`workflow.duplicate_radius_m`), nearest first, at most 20, with
    /// their status, distance, followers and, once the city has taken a
    /// case on, the reporter's first photo as a thumbnail. Never who
    /// reported it. A citizen who finds theirs follows it instead of
    /// filing a duplicate. An unknown category is `422 unknown_category`.
    #[oai(
        path = "/reports/nearby",
        method = "get",
        operation_id = "nearbyReports"
    )]
    async fn nearby(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Latitude of the pin, −90 … 90.
        lat: Query<f64>,
        /// Longitude of the pin, −180 … 180.
        lng: Query<f64>,
        /// Datum of the pin (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// The 小类 the citizen is about to report.
        #[oai(name = "categoryCode", validator(min_length = 1, max_length = 32))]
        category_code: Query<String>,
    ) -> Res<Json<Vec<NearbyCase>>, NearbyErrors> {
        let at = web::dto::Location {
            lat: lat.0,
            lng: lng.0,
            coord_system: coord_system.0,
        };
        auth.0.require(&[Role::Citizen])?;
        let point = at.to_wgs84().map_err(|e| {
            error::ReportError::invalid(ErrorCode::InvalidCoordinates, e.to_string())
        })?;
        let found = nearby::nearby(&state, &auth.0, point, &category_code.0).await?;
        let cases = found.into_iter().map(|n| NearbyCase::of(&state, n));
        Ok(Json(cases.collect()))
    }

    /// Follow a case (附议, "me too")
    ///
    /// For a citizen whose problem is already reported: they get the
    /// case's status messages and may read its public view, and the case
    /// counts them. Following earns none of a first report's points.
    /// Following twice changes nothing. One's own report is `409
    /// own_report`; a case no longer open `409 not_open`; a case still
    /// waiting for review (someone else's) `404`.
    #[oai(
        path = "/reports/:id/follow",
        method = "post",
        operation_id = "followReport"
    )]
    async fn follow(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<Following>, FollowErrors> {
        web::limit_write(&state, req, auth.0.user_id, web::Write::Report).await?;
        Ok(Json(
            nearby::follow(&state, &auth.0, id.0, true).await?.into(),
        ))
    }

    /// Stop following a case
    #[oai(
        path = "/reports/:id/follow",
        method = "delete",
        operation_id = "unfollowReport"
    )]
    async fn unfollow(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<Following>, FollowErrors> {
        Ok(Json(
            nearby::follow(&state, &auth.0, id.0, false).await?.into(),
        ))
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
        #[oai(validator(min_length = 1, max_length = 512))]
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
        let mine = views::Mine::Reported;
        let list = views::list_mine(&state, &auth.0, mine, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(ReportPage::of(&state, list, coord_system.0)))
    }

    /// Cases I follow (我的附议)
    ///
    /// The cases the caller follows (附议), newest first, with cursor
    /// pagination; each opens with `GET /reports/{id}`.
    #[oai(path = "/me/follows", method = "get", operation_id = "listMyFollows")]
    async fn list_follows(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
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
        let mine = views::Mine::Followed;
        let list = views::list_mine(&state, &auth.0, mine, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(ReportPage::of(&state, list, coord_system.0)))
    }

    /// One of my reports
    ///
    /// With its photos and public timeline; also a report the caller
    /// follows. Someone else's report is `404`.
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
        let report = views::get_mine(&state, &auth.0, id.0).await?;
        Ok(Json(ReportView::of(&state, report, coord_system.0)))
    }

    /// Rate my report (评单)
    ///
    /// Once, when its case is closed: 1–5 and an optional comment. A rating
    /// at or below the category's unsatisfied threshold (default 2) sends
    /// the case back to verification; one above it earns the reporter the
    /// "solved" points. Not closed: `409 not_closed`; rated: `409
    /// already_rated`; someone else's: `404`. With content security on, a
    /// comment WeChat finds risky is `422 content_rejected` and nothing is
    /// stored; one it doubts is flagged for the dispatcher.
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
        let case = crate::cases::service::rate(&state, &auth.0, id.0, b.score, b.comment).await?;
        let report = views::show(&state, case).await?;
        Ok(Json(ReportView::of(&state, report, CoordSystem::Wgs84)))
    }
}

fn default_limit() -> u64 {
    20
}

crate::error_set!(CreateReportErrors: 400, 401, 403, 409, 413, 415, 422, 429);
crate::error_set!(ListReportErrors: 400, 401);
crate::error_set!(NearbyErrors: 400, 401, 403, 422);
crate::error_set!(FollowErrors: 400, 401, 403, 404, 409, 429);
crate::error_set!(ReadReportErrors: 400, 401, 404);
crate::error_set!(RateErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429);
