//! Cases for staff and units: the lifecycle actions of `api-docs/contract.md` §2, the views,
//! deadlines and the scheduler that watches them.

pub use suishoupai_core::cases::*;

mod actions_api;
pub mod bodies;
pub mod dto;
pub mod filter_params;
pub mod source;
pub mod view_dto;

use crate::{
    api::Tag,
    auth::BearerAuth,
    error::Res,
    state::AppState,
    web::enums::{CaseOrder, CoordSystem},
};
pub use actions_api::CaseActionsApi;
use chrono::{DateTime, FixedOffset};
use dto::{CasePage, CaseView, ReporterView, UnitEntry};
use filter_params::{Bbox, CaseFilters};
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

pub struct CasesApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Cases")]
impl CasesApi {
    /// List cases
    ///
    /// Staff see every case; a unit member sees its unit's cases and its
    /// sub-units'. Newest first, or most urgent first with `sort=due`,
    /// with cursor pagination.
    #[oai(path = "/cases", method = "get", operation_id = "listCases")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        filters: CaseFilters,
        /// Only cases whose handling deadline is before this time (RFC 3339).
        #[oai(name = "dueBefore")]
        due_before: Query<Option<DateTime<FixedOffset>>>,
        /// Only cases inside `minLng,minLat,maxLng,maxLat` (WGS-84).
        bbox: Query<Option<Bbox>>,
        /// `newest` first (the default) or `due`: most urgent first (a
        /// unit's inbox). A cursor continues the order it came from.
        #[oai(default)]
        sort: Query<CaseOrder>,
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
    ) -> Res<Json<CasePage>, ListErrors> {
        let f = views::Filters {
            filter: filters.0,
            order: sort.0,
            due_before: due_before.0,
            bbox: bbox.0.map(|b| b.wgs84(CoordSystem::Wgs84)).transpose()?,
        };
        let list = views::list(&state, &auth.0, f, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(CasePage::of(&state, list, coord_system.0)))
    }

    /// One case
    ///
    /// Everything staff and units need: deadlines, the whole timeline,
    /// photos, duplicate candidates, extensions, the rating. Never the
    /// reporter's identity. A case the caller may not see is `404`.
    #[oai(path = "/cases/:id", method = "get", operation_id = "getCase")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// Datum of the returned location (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<CaseView>, ReadErrors> {
        let case = views::get(&state, &auth.0, id.0).await?;
        Ok(Json(CaseView::of(&state, case, coord_system.0)))
    }

    /// The unit directory
    ///
    /// The units a case can be dispatched to (派遣/改派), with their tree:
    /// staff see every unit; a unit member its unit and its sub-units.
    /// Sorted by code. Citizens are refused (403).
    #[oai(path = "/units", method = "get", operation_id = "listUnits")]
    async fn units(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<UnitEntry>>, ListErrors> {
        let units = views::units(&state, &auth.0)?;
        Ok(Json(units.into_iter().map(UnitEntry::of).collect()))
    }

    /// The reporter's identity (staff, audited)
    ///
    /// Dispatchers, supervisors and admins only, with a reason that is
    /// written to the audit log. Units never see it.
    #[oai(
        path = "/cases/:id/reporter",
        method = "get",
        operation_id = "getCaseReporter"
    )]
    async fn reporter(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// Why the identity is needed (2–200 characters); recorded.
        #[oai(validator(min_length = 2, max_length = 200))]
        reason: Query<String>,
    ) -> Res<Json<ReporterView>, ReadErrors> {
        let reporter = views::reporter(&state, &auth.0, id.0, &reason.0).await?;
        Ok(Json(reporter.into()))
    }
}

fn default_limit() -> u64 {
    20
}

crate::error_set!(ListErrors: 400, 401, 403);
crate::error_set!(ReadErrors: 400, 401, 403, 404);
