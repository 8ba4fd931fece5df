//! 劝导 records and 随手治 filings: the volunteer's, and the 劝导 records
//! staff and team leaders read.

use super::{
    MyListErrors, RecordErrors, WorkErrors, default_limit,
    work::{self, PersuasionFilter},
    work_dto::{PersuasionInput, PersuasionPageView, PersuasionView, SelfFixInput},
};
use crate::{
    api::Tag,
    auth::BearerAuth,
    error::Res,
    reports::dto::ReportView,
    state::AppState,
    web::{self, enums::CoordSystem},
};
use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Query, payload::Json};
use uuid::Uuid;

/// A 劝导 filed.
#[derive(ApiResponse)]
pub enum Persuaded {
    /// The record; when the act did not stop, with the case it became.
    #[oai(status = 201)]
    Created(Json<PersuasionView>),
}

/// A 随手治 filed.
#[derive(ApiResponse)]
pub enum SelfFixed {
    /// The case, `resolved`, waiting for the dispatcher's 核查.
    #[oai(status = 201)]
    Created(Json<ReportView>),
}

pub struct WorkApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Volunteers")]
impl WorkApi {
    /// File a 劝导
    ///
    /// A volunteer persuaded someone out of an uncivil act (the behaviour
    /// is a small category), or tried. Stopped on the spot
    /// (`persuaded: true`): a record, no case. Not stopped: the act
    /// becomes a case for the routed unit, as the volunteer's report
    /// (channel `persuasion`), with the photo if there is one; refused as
    /// a report would be (`400 outside_service_area`, `422
    /// unknown_category`, `422 content_rejected` …), and then nothing is
    /// written. Earns the city's points per 劝导 (`GET
    /// /admin/volunteers/rules`), within the daily and monthly caps.
    /// Volunteers (citizens in a team).
    #[oai(
        path = "/me/persuasions",
        method = "post",
        operation_id = "createPersuasion"
    )]
    async fn persuade(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        body: Json<PersuasionInput>,
    ) -> Res<Persuaded, WorkErrors> {
        web::limit_write(&state, req, auth.0.user_id, web::Write::Report).await?;
        let system = body.0.location.coord_system;
        let p = work::persuade(&state, &auth.0, &body.0.into()).await?;
        Ok(Persuaded::Created(Json(PersuasionView::of(
            &state, p, system,
        ))))
    }

    /// My 劝导 records
    ///
    /// The caller's records, newest first.
    #[oai(
        path = "/me/persuasions",
        method = "get",
        operation_id = "listMyPersuasions"
    )]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–100.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<PersuasionPageView>, MyListErrors> {
        let f = PersuasionFilter {
            user: Some(auth.0.user_id),
            ..PersuasionFilter::default()
        };
        let page = work::list(&state, &auth.0, f, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(PersuasionPageView::of(&state, page, coord_system.0)))
    }

    /// 劝导 records
    ///
    /// Newest first: the city's, or one team's (`teamId`); only those that
    /// stopped, or only those that became cases (`persuaded`). City staff,
    /// or a team's leader for their own team.
    #[oai(
        path = "/admin/persuasions",
        method = "get",
        operation_id = "listPersuasions"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// One team's records.
        #[oai(name = "teamId")]
        team_id: Query<Option<Uuid>>,
        /// `true`: stopped on the spot; `false`: became cases.
        persuaded: Query<Option<bool>>,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–100.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<PersuasionPageView>, RecordErrors> {
        let caller = &auth.0;
        let staff = caller.require(&super::STAFF).is_ok();
        if !staff && team_id.0.is_none() {
            return Err(crate::core::Forbidden { role: caller.role }.into());
        }
        let f = PersuasionFilter {
            user: None,
            team: team_id.0,
            persuaded: persuaded.0,
        };
        let page = work::list(&state, caller, f, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(PersuasionPageView::of(&state, page, coord_system.0)))
    }

    /// File a 随手治
    ///
    /// A volunteer fixed a small problem themselves (tore down a 牛皮癣
    /// ad, picked up litter) and files it with photos before and after.
    /// It becomes a case already `resolved` (channel `self_fix`), which
    /// the dispatcher verifies: closing it earns the volunteer the city's
    /// points per 随手治; reopening it sends it to the routed unit, as a
    /// dispatch with its deadlines. Counted apart from the units' own
    /// work in the indicators (群众自治). Refused as a report would be.
    /// Volunteers (citizens in a team).
    #[oai(
        path = "/me/self-fixes",
        method = "post",
        operation_id = "createSelfFix"
    )]
    async fn self_fix(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        body: Json<SelfFixInput>,
    ) -> Res<SelfFixed, WorkErrors> {
        web::limit_write(&state, req, auth.0.user_id, web::Write::Report).await?;
        let system = body.0.location.coord_system;
        let (report, after) = body.0.split();
        let r = work::self_fix(&state, &auth.0, &report, &after).await?;
        Ok(SelfFixed::Created(Json(ReportView::of(&state, r, system))))
    }
}
