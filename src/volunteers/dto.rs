//! The volunteers API's shapes: teams, members, spots and the rules.

use super::{Member, MyTeam, Spot, Team, TeamDetail};
use crate::web::{dto::Location, enums::CoordSystem};
use chrono::{DateTime, FixedOffset};
use domain::geo::{OutOfRange, Wgs84};
use domain::volunteers::{PatrolTime, TeamRole, VolunteerRules};
use poem_openapi::Object;
use uuid::Uuid;

/// A team as staff name it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TeamInput {
    /// The team's name (志愿服务队), unique.
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
}

/// A change to a team.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TeamChange {
    /// The team's name (志愿服务队), unique.
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
    /// `false` stands the team down (it takes no one new and no
    /// check-ins), `true` stands it up again; absent keeps it as it is.
    #[oai(nullable)]
    pub active: Option<bool>,
}

/// Who leads the team.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct LeaderInput {
    /// A member of the team.
    pub user_id: Uuid,
}

/// A citizen joins a team.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct JoinInput {
    /// The code the team's leader shares (case does not matter).
    #[oai(validator(min_length = 4, max_length = 16))]
    pub join_code: String,
    /// The name the volunteer serves under (志愿者姓名), as the city's
    /// volunteer-service platform knows them.
    #[oai(validator(min_length = 1, max_length = 40))]
    pub name: String,
}

/// A team.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TeamView {
    pub id: Uuid,
    /// The team's name.
    pub name: String,
    /// False once stood down: it takes no one new and no check-ins.
    pub active: bool,
    /// The code to join with; shown to staff and to the team's leader.
    #[oai(skip_serializing_if_is_none)]
    pub join_code: Option<String>,
    /// The leader, once staff have named one.
    #[oai(skip_serializing_if_is_none)]
    pub leader: Option<MemberView>,
    /// Members, the leader included.
    pub members: u64,
    /// Spots (挂包点位) assigned.
    pub spots: u64,
}

impl TeamView {
    fn of(t: Team, show_code: bool) -> Self {
        Self {
            id: t.id,
            name: t.name,
            active: t.active,
            join_code: show_code.then_some(t.join_code),
            leader: t.leader.map(MemberView::from),
            members: t.members,
            spots: t.spots,
        }
    }
}

impl From<Team> for TeamView {
    fn from(t: Team) -> Self {
        Self::of(t, true)
    }
}

/// A member of a team.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MemberView {
    /// The member's user id.
    pub user_id: Uuid,
    /// The name they serve under (志愿者姓名).
    pub name: String,
    /// Leader or member.
    pub role: TeamRole,
    /// When they joined.
    pub joined_at: DateTime<FixedOffset>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.user_id,
            name: m.name,
            role: m.role,
            joined_at: m.joined_at,
        }
    }
}

/// When a spot is patrolled.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PatrolTimeView {
    /// 1 (Monday) … 7 (Sunday).
    #[oai(validator(min_items = 1, max_items = 7))]
    pub weekdays: Vec<u8>,
    /// Start, China time, `HH:MM`.
    #[oai(validator(pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub from: String,
    /// End, China time, `HH:MM`, after the start.
    #[oai(validator(pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub to: String,
}

impl PatrolTimeView {
    pub fn parse(&self) -> Result<PatrolTime, String> {
        PatrolTime::parse(self.weekdays.clone(), &self.from, &self.to)
    }
}

impl From<PatrolTime> for PatrolTimeView {
    fn from(t: PatrolTime) -> Self {
        Self {
            weekdays: t.weekdays,
            from: t.from.format("%H:%M").to_string(),
            to: t.to.format("%H:%M").to_string(),
        }
    }
}

/// A point a volunteer's phone (or staff's map) gives: in range by the
/// schema itself.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Position {
    /// Latitude in degrees, −90 … 90.
    #[oai(validator(minimum(value = "-90"), maximum(value = "90")))]
    pub lat: f64,
    /// Longitude in degrees, −180 … 180.
    #[oai(validator(minimum(value = "-180"), maximum(value = "180")))]
    pub lng: f64,
    /// The datum of `lat`/`lng`.
    pub coord_system: CoordSystem,
}

impl Position {
    /// The point in WGS-84.
    pub fn to_wgs84(&self) -> Result<Wgs84, OutOfRange> {
        Wgs84::parse(self.lat, self.lng, self.coord_system)
    }
}

/// A spot (挂包点位) as staff assign it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SpotInput {
    /// The spot's name (a square, a street, a bus stop).
    #[oai(validator(min_length = 1, max_length = 60))]
    pub name: String,
    /// Its centre.
    pub location: Position,
    /// Metres around the centre a check-in is on site.
    #[oai(validator(minimum(value = "10"), maximum(value = "3000")))]
    pub radius_m: i32,
    /// The area it stands for (a street, a grid): a check-in inside it is
    /// on site too.
    #[oai(nullable, validator(min_length = 1, max_length = 32))]
    pub area_code: Option<String>,
    /// When it is patrolled.
    #[oai(default, validator(max_items = 14))]
    pub times: Vec<PatrolTimeView>,
}

/// A spot (挂包点位).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SpotView {
    pub id: Uuid,
    /// The team it is assigned to.
    pub team_id: Uuid,
    /// The spot's name.
    pub name: String,
    /// Its centre, in the datum asked for.
    pub location: Location,
    /// Metres around the centre a check-in is on site (plus the city's slack).
    pub radius_m: i32,
    /// The area it stands for, if any.
    #[oai(skip_serializing_if_is_none)]
    pub area_code: Option<String>,
    /// When it is patrolled.
    pub times: Vec<PatrolTimeView>,
}

impl SpotView {
    pub fn of(s: Spot, system: CoordSystem) -> Self {
        Self {
            id: s.id,
            team_id: s.team_id,
            name: s.name,
            location: Location::of(s.centre, system),
            radius_m: s.radius_m,
            area_code: s.area_code,
            times: s.times.into_iter().map(Into::into).collect(),
        }
    }
}

/// A team with its members and spots.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TeamDetailView {
    /// The team.
    pub team: TeamView,
    /// Its members, first joined first.
    pub members: Vec<MemberView>,
    /// Its spots, by name.
    pub spots: Vec<SpotView>,
}

impl TeamDetailView {
    pub fn of(d: TeamDetail, show_code: bool, system: CoordSystem) -> Self {
        Self {
            team: TeamView::of(d.team, show_code),
            members: d.members.into_iter().map(Into::into).collect(),
            spots: d
                .spots
                .into_iter()
                .map(|s| SpotView::of(s, system))
                .collect(),
        }
    }
}

/// The caller's team and their place in it (the join code only for its leader).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MyTeamView {
    /// The caller's place in the team.
    pub role: TeamRole,
    #[oai(flatten)]
    pub detail: TeamDetailView,
}

impl MyTeamView {
    pub fn of(m: MyTeam, system: CoordSystem) -> Self {
        Self {
            role: m.role,
            detail: TeamDetailView::of(m.detail, m.role == TeamRole::Leader, system),
        }
    }
}

/// The patrol rules a city sets.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct VolunteerRulesBody {
    /// A patrol left open closes itself this many minutes after check-in,
    /// and counts that long (15–720).
    #[oai(validator(minimum(value = "15"), maximum(value = "720")))]
    pub patrol_cap_minutes: i32,
    /// Metres a check-in may be beyond a spot's radius (0–500).
    #[oai(validator(minimum(value = "0"), maximum(value = "500")))]
    pub check_in_slack_m: i32,
    /// Points per hour of a patrol, pro rata and rounded down, when it
    /// ends (0–1000; 0 awards none).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_hour: i32,
    /// Points per 劝导 record, when it is filed (0–1000).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_persuasion: i32,
    /// Points per 随手治 case, when the dispatcher verifies and closes it
    /// (0–1000).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_self_fix: i32,
    /// Points per good moment (文明美好瞬间), when staff approve it
    /// (0–1000).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_moment: i32,
}

impl From<VolunteerRules> for VolunteerRulesBody {
    fn from(r: VolunteerRules) -> Self {
        Self {
            patrol_cap_minutes: r.patrol_cap_minutes,
            check_in_slack_m: r.check_in_slack_m,
            points_per_hour: r.points_per_hour,
            points_per_persuasion: r.points_per_persuasion,
            points_per_self_fix: r.points_per_self_fix,
            points_per_moment: r.points_per_moment,
        }
    }
}

/// The volunteer rules as an admin sets them: a points figure left out
/// (or null) keeps the one in force. The citizens' daily and monthly caps
/// (`/admin/points/rules`) bound volunteers' points too.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct VolunteerRulesInput {
    /// A patrol left open closes itself this many minutes after check-in,
    /// and counts that long (15–720).
    #[oai(validator(minimum(value = "15"), maximum(value = "720")))]
    pub patrol_cap_minutes: i32,
    /// Metres a check-in may be beyond a spot's radius (0–500).
    #[oai(validator(minimum(value = "0"), maximum(value = "500")))]
    pub check_in_slack_m: i32,
    /// Points per hour of a patrol (0–1000).
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_hour: Option<i32>,
    /// Points per 劝导 record (0–1000).
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_persuasion: Option<i32>,
    /// Points per verified 随手治 case (0–1000).
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_self_fix: Option<i32>,
    /// Points per approved good moment (0–1000).
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000")))]
    pub points_per_moment: Option<i32>,
}

impl VolunteerRulesInput {
    /// The rules it sets, over those in force.
    pub fn over(self, now: VolunteerRules) -> VolunteerRules {
        VolunteerRules {
            patrol_cap_minutes: self.patrol_cap_minutes,
            check_in_slack_m: self.check_in_slack_m,
            points_per_hour: self.points_per_hour.unwrap_or(now.points_per_hour),
            points_per_persuasion: self
                .points_per_persuasion
                .unwrap_or(now.points_per_persuasion),
            points_per_self_fix: self.points_per_self_fix.unwrap_or(now.points_per_self_fix),
            points_per_moment: self.points_per_moment.unwrap_or(now.points_per_moment),
        }
    }
}
