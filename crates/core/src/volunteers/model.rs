//! What the volunteers services return, as values (the handlers make the
//! responses).

use chrono::{DateTime, FixedOffset};
use domain::{
    geo::Wgs84,
    volunteers::{PatrolEnd, PatrolTime, TeamRole},
};
use uuid::Uuid;

/// A team as staff list it.
#[derive(Debug, Clone)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub join_code: String,
    pub leader: Option<Member>,
    pub members: u64,
    pub spots: u64,
}

/// A member of a team.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub role: TeamRole,
    pub joined_at: DateTime<FixedOffset>,
}

/// A spot (挂包点位).
#[derive(Debug, Clone)]
pub struct Spot {
    pub id: Uuid,
    pub team_id: Uuid,
    pub name: String,
    pub centre: Wgs84,
    pub radius_m: i32,
    pub area_code: Option<String>,
    pub times: Vec<PatrolTime>,
}

/// A spot as staff set it (checked: the name is trimmed and not blank).
#[derive(Debug, Clone)]
pub struct SpotSpec {
    pub name: String,
    pub centre: Wgs84,
    pub radius_m: i32,
    pub area_code: Option<String>,
    pub times: Vec<PatrolTime>,
}

/// A team with its members and spots.
#[derive(Debug, Clone)]
pub struct TeamDetail {
    pub team: Team,
    pub members: Vec<Member>,
    pub spots: Vec<Spot>,
}

/// A volunteer's own team: their place in it, and the join code if they
/// lead it.
#[derive(Debug, Clone)]
pub struct MyTeam {
    pub detail: TeamDetail,
    pub role: TeamRole,
}

/// A patrol.
#[derive(Debug, Clone)]
pub struct Patrol {
    pub id: Uuid,
    pub volunteer: Uuid,
    pub team_id: Uuid,
    pub spot_id: Uuid,
    pub spot_name: String,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub ended_by: Option<PatrolEnd>,
    /// 志愿时长 so far (open) or in all (ended), whole minutes.
    pub minutes: i64,
    /// How far from the spot's centre the check-in was.
    pub start_distance_m: i32,
    /// Reports the volunteer filed between check-in and the end (their
    /// failed 劝导 and 随手治 cases among them).
    pub reports: u64,
    /// 劝导 records filed meanwhile.
    pub persuasions: u64,
    /// 随手治 cases filed meanwhile.
    pub self_fixes: u64,
}

/// A volunteer's patrols, newest first, and their hours.
#[derive(Debug, Clone)]
pub struct PatrolPage {
    pub items: Vec<Patrol>,
    pub next_cursor: Option<String>,
    /// Minutes of every ended patrol.
    pub total_minutes: i64,
}
