//! The volunteers API's shapes.

use super::{Member, MyTeam, Patrol, PatrolPage, Spot, Team, TeamDetail};
use crate::web::{dto::Location, enums::CoordSystem};
use chrono::{DateTime, FixedOffset};
use domain::geo::{OutOfRange, Wgs84};
use domain::volunteers::{PatrolEnd, PatrolTime, TeamRole, VolunteerRules};
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

/// A check-in.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CheckInInput {
    /// One of the caller's team's spots.
    pub spot_id: Uuid,
    /// Where the volunteer stands (the phone's fix).
    pub location: Position,
}

/// A check-out.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CheckOutInput {
    /// Where the volunteer stands, if the phone gave it.
    #[oai(nullable)]
    pub location: Option<Position>,
}

/// A patrol (巡访).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PatrolView {
    pub id: Uuid,
    /// The team patrolled for.
    pub team_id: Uuid,
    /// The spot checked in at.
    pub spot_id: Uuid,
    /// The spot's name (empty once it was removed).
    pub spot_name: String,
    /// Check-in.
    pub started_at: DateTime<FixedOffset>,
    /// None while open.
    #[oai(skip_serializing_if_is_none)]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// `capped`: no check-out came, and the patrol closed itself at the
    /// city's cap, which is all it counts.
    #[oai(skip_serializing_if_is_none)]
    pub ended_by: Option<PatrolEnd>,
    /// 志愿时长 in whole minutes: so far (open) or in all.
    pub minutes: i64,
    /// Metres from the spot's centre at check-in.
    pub start_distance_m: i32,
    /// Reports the volunteer filed during the patrol.
    pub reports: u64,
}

impl From<Patrol> for PatrolView {
    fn from(p: Patrol) -> Self {
        Self {
            id: p.id,
            team_id: p.team_id,
            spot_id: p.spot_id,
            spot_name: p.spot_name,
            started_at: p.started_at,
            ended_at: p.ended_at,
            ended_by: p.ended_by,
            minutes: p.minutes,
            start_distance_m: p.start_distance_m,
            reports: p.reports,
        }
    }
}

/// The caller's patrols, newest first, and their hours.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PatrolPageView {
    /// The patrols.
    pub items: Vec<PatrolView>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
    /// Minutes of every ended patrol (志愿时长 in all).
    pub total_minutes: i64,
}

impl From<PatrolPage> for PatrolPageView {
    fn from(p: PatrolPage) -> Self {
        Self {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
            total_minutes: p.total_minutes,
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
}

impl From<VolunteerRules> for VolunteerRulesBody {
    fn from(r: VolunteerRules) -> Self {
        Self {
            patrol_cap_minutes: r.patrol_cap_minutes,
            check_in_slack_m: r.check_in_slack_m,
        }
    }
}

impl From<VolunteerRulesBody> for VolunteerRules {
    fn from(r: VolunteerRulesBody) -> Self {
        Self {
            patrol_cap_minutes: r.patrol_cap_minutes,
            check_in_slack_m: r.check_in_slack_m,
        }
    }
}

/// A patrol, as staff read the records.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PatrolRecord {
    pub id: Uuid,
    /// The volunteer's user id.
    pub volunteer_id: Uuid,
    /// The name the volunteer served under.
    pub volunteer_name: String,
    /// The team.
    pub team_id: Uuid,
    /// The team's name.
    pub team_name: String,
    /// The spot checked in at.
    pub spot_id: Uuid,
    /// The spot's name (「（已撤销点位）」 once removed).
    pub spot_name: String,
    /// Check-in.
    pub started_at: DateTime<FixedOffset>,
    /// The end: check-out, or the cap; absent while open.
    #[oai(skip_serializing_if_is_none)]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// How it ended.
    #[oai(skip_serializing_if_is_none)]
    pub ended_by: Option<PatrolEnd>,
    /// Whole minutes: so far (open) or in all.
    pub minutes: i64,
}

impl From<super::records::Record> for PatrolRecord {
    fn from(r: super::records::Record) -> Self {
        Self {
            id: r.id,
            volunteer_id: r.volunteer,
            volunteer_name: r.volunteer_name,
            team_id: r.team_id,
            team_name: r.team_name,
            spot_id: r.spot_id,
            spot_name: r.spot_name,
            started_at: r.started_at,
            ended_at: r.ended_at,
            ended_by: r.ended_by,
            minutes: r.minutes,
        }
    }
}

/// A page of patrol records, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PatrolRecordPage {
    /// The patrols.
    pub items: Vec<PatrolRecord>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// A volunteer's or a team's place in a month.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RankedView {
    /// 1 for the most hours.
    pub rank: u32,
    pub id: Uuid,
    /// The volunteer's name (to volunteers, only its first character and
    /// `*`) or the team's.
    pub name: String,
    /// The volunteer's team.
    #[oai(skip_serializing_if_is_none)]
    pub team_name: Option<String>,
    /// 志愿时长 in the month, whole minutes.
    pub minutes: i64,
    /// Ended patrols in the month.
    pub patrols: u64,
    /// A team's volunteers who patrolled in the month.
    pub volunteers: u64,
}

/// A month's rankings, most hours first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RankingView {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Volunteers, most hours first.
    pub volunteers: Vec<RankedView>,
    /// Teams, most hours first.
    pub teams: Vec<RankedView>,
}

impl RankingView {
    /// The ranking; with `full_names` false, each volunteer's name is its
    /// first character and `*` (a volunteer sees the board, not the roll).
    pub fn of(r: super::records::Ranking, full_names: bool) -> Self {
        let ranked = |list: Vec<super::records::Ranked>, mask: bool| {
            (1u32..)
                .zip(list)
                .map(|(rank, x)| RankedView {
                    rank,
                    id: x.id,
                    name: if mask {
                        x.name
                            .chars()
                            .next()
                            .map(|c| format!("{c}*"))
                            .unwrap_or_default()
                    } else {
                        x.name
                    },
                    team_name: x.team_name,
                    minutes: x.minutes,
                    patrols: x.patrols,
                    volunteers: x.volunteers,
                })
                .collect()
        };
        Self {
            month: r.month.format("%Y-%m").to_string(),
            volunteers: ranked(r.volunteers, !full_names),
            teams: ranked(r.teams, false),
        }
    }
}
