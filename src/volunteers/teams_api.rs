//! Teams, their spots and the patrol rules: staff's; joining, leaving and
//! the leader's part: citizens'.

use super::{
    Done, JoinErrors, LeaveErrors, MemberErrors, MineErrors, STAFF, SpotSpec, StaffItemErrors,
    StaffReadErrors, StaffUpdateErrors, StaffWriteErrors,
    dto::{
        JoinInput, LeaderInput, MyTeamView, SpotInput, SpotView, TeamChange, TeamDetailView,
        TeamInput, TeamView, VolunteerRulesBody, VolunteerRulesInput,
    },
    rules, spots, teams,
};
use crate::core::Role;
use crate::{
    api::Tag,
    auth::BearerAuth,
    error::{ApiError, ErrorCode, Res},
    state::AppState,
    web::enums::CoordSystem,
};
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

pub struct TeamsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Volunteers")]
impl TeamsApi {
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
            .map(super::dto::PatrolTimeView::parse)
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
        let s = spots::add(&state, &auth.0, id.0, spec).await?;
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
        spots::delete(&state, &auth.0, id.0).await?;
        Ok(Done::Done)
    }

    /// Patrol rules
    ///
    /// The cap at which an open patrol closes itself, the slack a
    /// check-in has beyond a spot's radius, and the points volunteers'
    /// work earns. City staff.
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
        body: Json<VolunteerRulesInput>,
    ) -> Res<Json<VolunteerRulesBody>, StaffWriteErrors> {
        auth.0.require(&[Role::Admin])?;
        let r = body.0.over(rules::load(&state.db).await?);
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
}
