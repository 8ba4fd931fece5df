//! Volunteers (志愿者): staff create teams (志愿服务队) and assign them
//! spots (挂包点位) with patrol times; citizens join a team with the code
//! its leader shares (one team per person) and patrol its spots, checking
//! in on site and out again; the time between is 志愿时长, and a patrol
//! left open closes itself at the city's cap and says so.

pub use suishoupai_core::volunteers::{
    error,
    model::*,
    patrols, rules,
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
use dto::{
    CheckInInput, CheckOutInput, JoinInput, LeaderInput, MyTeamView, PatrolPageView, PatrolView,
    SpotInput, SpotView, TeamDetailView, TeamInput, TeamView, VolunteerRulesBody,
};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::Json,
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
        body: Json<TeamInput>,
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
    /// Applies to patrols from now on (an open patrol closes at the cap in
    /// force when it is closed). Admins; audited.
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
}

fn default_limit() -> u64 {
    20
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
