//! Patrols (check-in, check-out, the volunteer's own), the records and
//! the hours sheet staff and leaders read, and the monthly rankings.

use super::{
    CheckInErrors, CheckOutErrors, ListErrors, ReadErrors, RecordErrors, STAFF, StaffItemErrors,
    default_limit, default_records, hours,
    patrol_dto::{
        CheckInInput, CheckOutInput, CoverageView, PatrolPageView, PatrolRecordPage, PatrolView,
        RankingView, SpotCoverageView,
    },
    patrols, records,
};
use crate::{
    api::Tag,
    auth::BearerAuth,
    error::{ApiError, ErrorCode, Res},
    state::AppState,
};
use crate::{
    command::{Csv, Xlsx},
    core::page::{decode_cursor, encode_cursor},
    web::date::Date,
};
use chrono::NaiveDate;
use poem::Body;
use poem::web::Data;
use poem_openapi::{ApiResponse, payload::Binary};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

/// The caller's open patrol, or none.
#[derive(ApiResponse)]
pub enum Current {
    /// The open patrol, with its time so far.
    #[oai(status = 200)]
    Open(Json<PatrolView>),
    /// No patrol is open.
    #[oai(status = 204)]
    None,
}

/// A check-in.
#[derive(ApiResponse)]
pub enum CheckedIn {
    /// The patrol is open; its time runs until check-out (or the cap).
    #[oai(status = 201)]
    Created(Json<PatrolView>),
}

/// Which patrols a records read or an export covers.
fn record_filter(
    state: &AppState,
    from: Option<Date>,
    to: Option<Date>,
    team: Option<Uuid>,
) -> Result<records::RecordFilter, crate::cases::error::CaseError> {
    let period = crate::command::period::Period::parse(
        from.map(|d| d.0),
        to.map(|d| d.0),
        state.clock.now(),
    )?;
    Ok(records::RecordFilter { period, team })
}

fn hours_name(f: &records::RecordFilter, ext: &str) -> String {
    format!(
        "attachment; filename=\"volunteer-hours-{}-{}.{ext}\"",
        f.period.from, f.period.to
    )
}

pub struct PatrolsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Volunteers")]
impl PatrolsApi {
    /// Check in
    ///
    /// At one of the caller's team's spots, on site: within its radius
    /// plus the city's slack, or inside its area, in GCJ-02 or WGS-84 as
    /// sent. Too far: `422 too_far_from_spot` with the distance; a patrol
    /// already open: `409 patrol_open`. Citizens in a team.
    #[oai(path = "/me/patrols", method = "post", operation_id = "checkIn")]
    async fn check_in(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        body: Json<CheckInInput>,
    ) -> Res<CheckedIn, CheckInErrors> {
        crate::web::limit_write(&state, req, auth.0.user_id, crate::web::Write::Report).await?;
        let here = body
            .0
            .location
            .to_wgs84()
            .map_err(|e| ApiError::bad_request(ErrorCode::InvalidCoordinates, e.to_string()))?;
        let p = patrols::check_in(&state, &auth.0, body.0.spot_id, here).await?;
        Ok(CheckedIn::Created(Json(p.into())))
    }

    /// Check out
    ///
    /// Ends the patrol: its time is 志愿时长. After the city's cap the
    /// patrol has closed itself (`409 patrol_ended`; it counts to the cap).
    #[oai(
        path = "/me/patrols/:id/check-out",
        method = "post",
        operation_id = "checkOut"
    )]
    async fn check_out(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<CheckOutInput>,
    ) -> Res<Json<PatrolView>, CheckOutErrors> {
        let here = match &body.0.location {
            Some(l) => Some(l.to_wgs84().map_err(|e| {
                ApiError::bad_request(ErrorCode::InvalidCoordinates, e.to_string())
            })?),
            None => None,
        };
        Ok(Json(
            patrols::check_out(&state, &auth.0, id.0, here)
                .await?
                .into(),
        ))
    }

    /// My open patrol
    ///
    /// With its time so far; `204` when none is open.
    #[oai(
        path = "/me/patrols/current",
        method = "get",
        operation_id = "currentPatrol"
    )]
    async fn current(&self, state: Data<&AppState>, auth: BearerAuth) -> Res<Current, ReadErrors> {
        Ok(match patrols::current(&state, &auth.0).await? {
            Some(p) => Current::Open(Json(p.into())),
            None => Current::None,
        })
    }

    /// My patrols
    ///
    /// Newest first, with cursor pagination, and the minutes of every ended
    /// patrol (志愿时长 in all).
    #[oai(path = "/me/patrols", method = "get", operation_id = "myPatrols")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Patrols per page, 1–100 (default 20).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<PatrolPageView>, ListErrors> {
        let page = patrols::mine(&state, &auth.0, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(page.into()))
    }

    /// Patrol records
    ///
    /// Patrols checked in on the period's days (China time; default the
    /// last 30 days), of one team or all, newest first, with cursor
    /// pagination. An open patrol shows its time so far. City staff, or a
    /// team's leader for their team.
    #[oai(path = "/admin/patrols", method = "get", operation_id = "listPatrols")]
    #[allow(clippy::too_many_arguments)]
    async fn records(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day (China time).
        from: Query<Option<Date>>,
        /// Last day (China time).
        to: Query<Option<Date>>,
        /// One team's patrols.
        #[oai(name = "teamId")]
        team_id: Query<Option<Uuid>>,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Patrols per page, 1–200 (default 50).
        #[oai(
            default = "default_records",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<PatrolRecordPage>, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let after = cursor.0.as_deref().map(decode_cursor).transpose()?;
        let (items, last) = records::records(&state, &auth.0, f, after, limit.0, false).await?;
        Ok(Json(PatrolRecordPage {
            items: items.into_iter().map(Into::into).collect(),
            next_cursor: last.map(encode_cursor),
        }))
    }

    /// Export volunteer hours as CSV
    ///
    /// One row per ended patrol in the period (as `GET /admin/patrols`),
    /// oldest first, in the columns a city re-enters into its
    /// volunteer-service platform: 姓名, 服务队, 日期, 开始时间, 结束时间,
    /// 时长(小时), 地点, 活动内容, 结束方式. UTF-8 with a byte-order mark; a
    /// cell that starts like a formula gets a leading `'`. City staff, or a
    /// team's leader for their team.
    #[oai(
        path = "/exports/volunteer-hours.csv",
        method = "get",
        operation_id = "exportVolunteerHoursCsv"
    )]
    async fn hours_csv(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day (China time).
        from: Query<Option<Date>>,
        /// Last day (China time).
        to: Query<Option<Date>>,
        /// One team's patrols.
        #[oai(name = "teamId")]
        team_id: Query<Option<Uuid>>,
    ) -> Res<Csv, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let rows = hours::ended(&state, &auth.0, f).await?;
        Ok(Csv::File(
            Binary(Body::from(hours::csv(&rows)?)),
            hours_name(&f, "csv"),
        ))
    }

    /// Export volunteer hours as XLSX
    ///
    /// The sheet of `GET /exports/volunteer-hours.csv` as a workbook (the
    /// hours a number, the rest text).
    #[oai(
        path = "/exports/volunteer-hours.xlsx",
        method = "get",
        operation_id = "exportVolunteerHoursXlsx"
    )]
    async fn hours_xlsx(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day (China time).
        from: Query<Option<Date>>,
        /// Last day (China time).
        to: Query<Option<Date>>,
        /// One team's patrols.
        #[oai(name = "teamId")]
        team_id: Query<Option<Uuid>>,
    ) -> Res<Xlsx, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let rows = hours::ended(&state, &auth.0, f).await?;
        Ok(Xlsx::File(
            Binary(Body::from(hours::xlsx(&rows)?)),
            hours_name(&f, "xlsx"),
        ))
    }

    /// Patrol coverage of the spots (挂包点位巡访覆盖)
    ///
    /// For the period's days (China time; default the last 30): each
    /// spot of the active teams (or of one team), whether it was visited,
    /// by how many patrols, volunteers and minutes, and when last; those
    /// not visited first. The command centre's map draws it. City staff,
    /// or a team's leader for their own team.
    #[oai(
        path = "/stats/patrol-coverage",
        method = "get",
        operation_id = "patrolCoverage"
    )]
    async fn coverage(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day (China time).
        from: Query<Option<Date>>,
        /// Last day (China time).
        to: Query<Option<Date>>,
        /// One team's spots.
        #[oai(name = "teamId")]
        team_id: Query<Option<Uuid>>,
        /// Datum of the spots' centres (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<crate::web::enums::CoordSystem>,
    ) -> Res<Json<CoverageView>, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let mut spots: Vec<SpotCoverageView> = records::coverage(&state, &auth.0, f)
            .await?
            .into_iter()
            .map(|c| SpotCoverageView::of(c, coord_system.0))
            .collect();
        spots.sort_by_key(|s| s.visited);
        let visited = spots.iter().filter(|s| s.visited).count() as u64;
        Ok(Json(CoverageView {
            from: Date(f.period.from),
            to: Date(f.period.to),
            visited,
            unvisited: spots.len() as u64 - visited,
            spots,
        }))
    }

    /// Monthly rankings
    ///
    /// Volunteers and teams by 志愿时长 in the month (ended patrols checked
    /// in during it, China time), then by patrols. City staff see full
    /// names; a volunteer (a member of any team) sees each volunteer's
    /// first character and `*`.
    #[oai(
        path = "/volunteers/rankings",
        method = "get",
        operation_id = "volunteerRankings"
    )]
    async fn rankings(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The month, `YYYY-MM` (default this month, China time).
        #[oai(validator(pattern = "^20[0-9]{2}-(0[1-9]|1[0-2])$"))]
        month: Query<Option<String>>,
    ) -> Res<Json<RankingView>, StaffItemErrors> {
        let first = match month.0.as_deref() {
            Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(
                    ErrorCode::InvalidPeriod,
                    format!("{m} is not a month YYYY-MM"),
                )
            })?,
            None => records::this_month(state.clock.now()),
        };
        let r = records::ranking(&state, &auth.0, first).await?;
        Ok(Json(RankingView::of(r, auth.0.require(&STAFF).is_ok())))
    }
}
