//! Volunteers (志愿者): staff create teams (志愿服务队) and assign them
//! spots (挂包点位) with patrol times; citizens join a team with the code
//! its leader shares (one team per person) and patrol its spots, checking
//! in on site and out again; the time between is 志愿时长, and a patrol
//! left open closes itself at the city's cap and says so.

pub use suishoupai_core::volunteers::{
    error, hours,
    model::*,
    patrols, records, rules,
    teams::{self, STAFF},
};

pub mod dto;

use crate::{
    api::Tag,
    auth::BearerAuth,
    core::Role,
    error::{ApiError, ErrorCode, Res},
    state::AppState,
    web::enums::CoordSystem,
};
use crate::{
    core::page::{decode_cursor, encode_cursor},
    web::date::Date,
};
use chrono::NaiveDate;
use dto::{
    CheckInInput, CheckOutInput, JoinInput, LeaderInput, MyTeamView, PatrolPageView,
    PatrolRecordPage, PatrolView, RankingView, SpotInput, SpotView, TeamChange, TeamDetailView,
    TeamInput, TeamView, VolunteerRulesBody,
};
use poem::{Body, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};
use uuid::Uuid;

/// No content.
#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

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

/// The volunteer-hours sheet as CSV.
#[derive(ApiResponse)]
pub enum HoursCsv {
    /// UTF-8 with a byte-order mark.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    File(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

/// The volunteer-hours sheet as XLSX.
#[derive(ApiResponse)]
pub enum HoursXlsx {
    /// An Office Open XML workbook.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    File(Binary<Body>, #[oai(header = "Content-Disposition")] String),
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

pub struct VolunteersApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Volunteers")]
impl VolunteersApi {
    /// Create a team
    ///
    /// A 志愿服务队 with a join code to share. Its leader is named once
    /// they have joined (`PUT /admin/teams/{id}/leader`). A name another
    /// team has: `409 name_taken`. City staff; audited.
    #[oai(path = "/admin/teams", method = "post", operation_id = "createTeam")]
    async fn create_team(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<TeamInput>,
    ) -> Res<Json<TeamView>, StaffWriteErrors> {
        Ok(Json(
            teams::create(&state, &auth.0, &body.0.name).await?.into(),
        ))
    }

    /// Teams
    ///
    /// Every team by name, with its leader, join code and counts. City staff.
    #[oai(path = "/admin/teams", method = "get", operation_id = "listTeams")]
    async fn list_teams(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<TeamView>>, StaffReadErrors> {
        let all = teams::list(&state, &auth.0).await?;
        Ok(Json(all.into_iter().map(Into::into).collect()))
    }

    /// A team
    ///
    /// With its members (the names they serve under) and spots. City staff.
    #[oai(path = "/admin/teams/:id", method = "get", operation_id = "getTeam")]
    async fn get_team(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// Datum of the returned locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<TeamDetailView>, StaffItemErrors> {
        let d = teams::get(&state, &auth.0, id.0).await?;
        Ok(Json(TeamDetailView::of(d, true, coord_system.0)))
    }

    /// Change a team
    ///
    /// Its name, or stand it down (`active: false`: it takes no one new and
    /// no check-ins). City staff; audited.
    #[oai(path = "/admin/teams/:id", method = "put", operation_id = "updateTeam")]
    async fn update_team(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<TeamChange>,
    ) -> Res<Json<TeamView>, StaffUpdateErrors> {
        let t = teams::update(&state, &auth.0, id.0, &body.0.name, body.0.active).await?;
        Ok(Json(t.into()))
    }

    /// Name a team's leader
    ///
    /// A member of the team (`409 not_a_member` otherwise). The leader
    /// sees the join code and can remove members. City staff; audited.
    #[oai(
        path = "/admin/teams/:id/leader",
        method = "put",
        operation_id = "setTeamLeader"
    )]
    async fn set_leader(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<LeaderInput>,
    ) -> Res<Json<TeamView>, StaffUpdateErrors> {
        Ok(Json(
            teams::set_leader(&state, &auth.0, id.0, body.0.user_id)
                .await?
                .into(),
        ))
    }

    /// Assign a spot
    ///
    /// A 挂包点位: a centre and a radius (a check-in within it, plus the
    /// city's slack, is on site), optionally the area it stands for (a
    /// check-in inside it is on site too), and its patrol times. An
    /// unknown area: `404`. City staff; audited.
    #[oai(
        path = "/admin/teams/:id/spots",
        method = "post",
        operation_id = "addSpot"
    )]
    async fn add_spot(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<SpotInput>,
    ) -> Res<Json<SpotView>, StaffUpdateErrors> {
        let b = body.0;
        let centre = b
            .location
            .to_wgs84()
            .map_err(|e| ApiError::bad_request(ErrorCode::InvalidCoordinates, e.to_string()))?;
        let times = (b.times.iter())
            .map(dto::PatrolTimeView::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad_request(ErrorCode::InvalidPatrolTime, e))?;
        let spec = SpotSpec {
            name: b.name,
            centre,
            radius_m: b.radius_m,
            area_code: b.area_code,
            times,
        };
        let system = b.location.coord_system;
        let s = teams::add_spot(&state, &auth.0, id.0, spec).await?;
        Ok(Json(SpotView::of(s, system)))
    }

    /// Remove a spot
    ///
    /// Its patrols stay in the record. City staff; audited.
    #[oai(
        path = "/admin/spots/:id",
        method = "delete",
        operation_id = "deleteSpot"
    )]
    async fn delete_spot(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Done, StaffItemErrors> {
        teams::delete_spot(&state, &auth.0, id.0).await?;
        Ok(Done::Done)
    }

    /// Patrol rules
    ///
    /// The cap at which an open patrol closes itself, and the slack a
    /// check-in has beyond a spot's radius. City staff.
    #[oai(
        path = "/admin/volunteers/rules",
        method = "get",
        operation_id = "getVolunteerRules"
    )]
    async fn get_rules(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<VolunteerRulesBody>, StaffReadErrors> {
        auth.0.require(&STAFF)?;
        Ok(Json(rules::load(&state.db).await?.into()))
    }

    /// Set the patrol rules
    ///
    /// Applies at once, to patrols already open too: an open patrol closes
    /// at the cap in force when it is closed (lower the cap outside patrol
    /// times). Admins; audited.
    #[oai(
        path = "/admin/volunteers/rules",
        method = "put",
        operation_id = "setVolunteerRules"
    )]
    async fn set_rules(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<VolunteerRulesBody>,
    ) -> Res<Json<VolunteerRulesBody>, StaffWriteErrors> {
        auth.0.require(&[Role::Admin])?;
        let r = body.0.into();
        rules::set(&state, &auth.0, &r).await?;
        Ok(Json(r.into()))
    }

    /// A new join code
    ///
    /// The old code stops working (a code shared too widely). The team's
    /// leader or city staff.
    #[oai(
        path = "/teams/:id/join-code",
        method = "post",
        operation_id = "rotateJoinCode"
    )]
    async fn rotate_code(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<TeamView>, StaffItemErrors> {
        Ok(Json(
            teams::rotate_code(&state, &auth.0, id.0).await?.into(),
        ))
    }

    /// Remove a member
    ///
    /// The team's leader (or city staff) removes a member; not the leader
    /// (`409 leader_cannot_leave`). Their patrols stay in the record.
    #[oai(
        path = "/teams/:id/members/:member",
        method = "delete",
        operation_id = "removeTeamMember"
    )]
    async fn remove_member(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// The member's user id.
        member: Path<Uuid>,
    ) -> Res<Done, MemberErrors> {
        teams::remove(&state, &auth.0, id.0, member.0).await?;
        Ok(Done::Done)
    }

    /// Join a team
    ///
    /// With the code its leader shares, under the name the volunteer serves
    /// by. One team per person (`409 already_in_team`); an unknown code or
    /// a stood-down team: `404`. Citizens.
    #[oai(path = "/me/team", method = "post", operation_id = "joinTeam")]
    async fn join(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        body: Json<JoinInput>,
    ) -> Res<Json<MyTeamView>, JoinErrors> {
        crate::web::limit_write(&state, req, auth.0.user_id, crate::web::Write::Report).await?;
        let t = teams::join(&state, &auth.0, &body.0.join_code, &body.0.name).await?;
        Ok(Json(MyTeamView::of(t, CoordSystem::Gcj02)))
    }

    /// My team
    ///
    /// The caller's team, their place in it, its members and spots (the
    /// join code for its leader). Not in a team: `404`.
    #[oai(path = "/me/team", method = "get", operation_id = "myTeam")]
    async fn my_team(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Datum of the returned locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<MyTeamView>, MineErrors> {
        let t = teams::mine(&state, &auth.0).await?;
        Ok(Json(MyTeamView::of(t, coord_system.0)))
    }

    /// Leave my team
    ///
    /// A leader cannot (`409 leader_cannot_leave`): staff name another
    /// first. The caller's patrols stay in the record.
    #[oai(path = "/me/team", method = "delete", operation_id = "leaveTeam")]
    async fn leave(&self, state: Data<&AppState>, auth: BearerAuth) -> Res<Done, LeaveErrors> {
        teams::leave(&state, &auth.0).await?;
        Ok(Done::Done)
    }

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
    ) -> Res<HoursCsv, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let rows = hours::ended(&state, &auth.0, f).await?;
        Ok(HoursCsv::File(
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
    ) -> Res<HoursXlsx, RecordErrors> {
        let f = record_filter(&state, from.0, to.0, team_id.0)?;
        let rows = hours::ended(&state, &auth.0, f).await?;
        Ok(HoursXlsx::File(
            Binary(Body::from(hours::xlsx(&rows)?)),
            hours_name(&f, "xlsx"),
        ))
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

fn default_limit() -> u64 {
    20
}

fn default_records() -> u64 {
    50
}

crate::error_set!(StaffReadErrors: 401, 403);
crate::error_set!(StaffItemErrors: 400, 401, 403, 404);
crate::error_set!(StaffWriteErrors: 400, 401, 403, 409, 413, 415);
crate::error_set!(StaffUpdateErrors: 400, 401, 403, 404, 409, 413, 415);
crate::error_set!(MemberErrors: 400, 401, 403, 404, 409);
crate::error_set!(JoinErrors: 400, 401, 403, 404, 409, 413, 415, 429);
crate::error_set!(MineErrors: 400, 401, 404);
crate::error_set!(LeaveErrors: 401, 404, 409);
crate::error_set!(CheckInErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429);
crate::error_set!(CheckOutErrors: 400, 401, 404, 409, 413, 415);
crate::error_set!(ReadErrors: 401);
crate::error_set!(ListErrors: 400, 401);
crate::error_set!(RecordErrors: 400, 401, 403, 404);
