//! The volunteers API's shapes: check-in and check-out, patrols, records
//! and rankings.

use super::{
    Patrol, PatrolPage,
    dto::Position,
    records::{Ranked, Ranking, Record},
};
use chrono::{DateTime, FixedOffset};
use domain::volunteers::PatrolEnd;
use poem_openapi::Object;
use uuid::Uuid;

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
    /// 劝导 records filed meanwhile.
    pub persuasions: u64,
    /// 随手治 cases filed meanwhile (also counted in `reports`).
    pub self_fixes: u64,
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
            persuasions: p.persuasions,
            self_fixes: p.self_fixes,
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

impl From<Record> for PatrolRecord {
    fn from(r: Record) -> Self {
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
    pub fn of(r: Ranking, full_names: bool) -> Self {
        let ranked = |list: Vec<Ranked>, mask: bool| {
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

/// How one spot was covered in the period.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SpotCoverageView {
    /// The spot, its centre in the datum asked for.
    pub spot: super::dto::SpotView,
    /// Its team's name.
    pub team_name: String,
    /// Visited at least once (a check-in) in the period.
    pub visited: bool,
    /// Patrols checked in at it.
    pub patrols: u64,
    /// Their 志愿时长, whole minutes.
    pub minutes: i64,
    /// Volunteers who patrolled it.
    pub volunteers: u64,
    /// The latest check-in.
    #[oai(skip_serializing_if_is_none)]
    pub last_visit_at: Option<DateTime<FixedOffset>>,
}

impl SpotCoverageView {
    pub fn of(c: super::records::SpotCoverage, system: crate::web::enums::CoordSystem) -> Self {
        Self {
            spot: super::dto::SpotView::of(c.spot, system),
            team_name: c.team_name,
            visited: c.patrols > 0,
            patrols: c.patrols,
            minutes: c.minutes,
            volunteers: c.volunteers,
            last_visit_at: c.last_visit,
        }
    }
}

/// Patrol coverage of the spots in a period.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CoverageView {
    /// First day (China time).
    pub from: crate::web::date::Date,
    /// Last day (China time).
    pub to: crate::web::date::Date,
    /// Spots visited in the period.
    pub visited: u64,
    /// Spots not visited.
    pub unvisited: u64,
    /// Every spot, those not visited first.
    pub spots: Vec<SpotCoverageView>,
}
