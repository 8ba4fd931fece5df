//! Patrol records for staff (the console's list, the hours export a city
//! re-enters into its volunteer-service platform) and monthly rankings of
//! volunteers and teams by their hours.

use super::{error::VolunteerError, patrols::close_capped, rules, teams::STAFF};
use crate::{
    command::period::Period,
    core::{
        Caller, Role,
        time::{shanghai, utc},
    },
    state::AppState,
};
use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, TimeZone};
use domain::volunteers::{PatrolEnd, minutes};
use entity::{patrol, spot, team, team_member as member};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// One patrol, as staff and the export read it.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: Uuid,
    pub volunteer: Uuid,
    pub volunteer_name: String,
    pub team_id: Uuid,
    pub team_name: String,
    pub spot_id: Uuid,
    pub spot_name: String,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub ended_by: Option<PatrolEnd>,
    /// Whole minutes: so far (open) or in all.
    pub minutes: i64,
}

/// Which patrols: those checked in on the period's days (China time), of
/// one team or all.
#[derive(Debug, Clone, Copy)]
pub struct RecordFilter {
    pub period: Period,
    pub team: Option<Uuid>,
}

/// China-time midnight at the start of `d`, in UTC: stored instants are
/// UTC, and SQLite compares them as text.
fn instant(d: NaiveDate) -> DateTime<FixedOffset> {
    shanghai()
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map_or_else(|| DateTime::<FixedOffset>::MIN_UTC.fixed_offset(), utc)
}

/// A page of the patrols matching `f`, after the patrol `after` (in the
/// order asked); returns them and the last id when more may follow.
/// City staff, or a team's leader for their own team.
pub async fn records(
    state: &AppState,
    caller: &Caller,
    f: RecordFilter,
    after: Option<Uuid>,
    limit: u64,
    oldest_first: bool,
) -> R<(Vec<Record>, Option<Uuid>)> {
    may_read(state, caller, f.team).await?;
    close_capped(state).await?;
    let rules = rules::load(&state.db).await?;
    let (start, end) = (
        instant(f.period.from),
        instant(f.period.to) + chrono::Duration::days(1),
    );
    let mut q = patrol::Entity::find()
        .filter(patrol::Column::StartedAt.gte(start))
        .filter(patrol::Column::StartedAt.lt(end));
    if let Some(t) = f.team {
        q = q.filter(patrol::Column::TeamId.eq(t));
    }
    q = match (after, oldest_first) {
        (Some(a), true) => q.filter(patrol::Column::Id.gt(a)),
        (Some(a), false) => q.filter(patrol::Column::Id.lt(a)),
        (None, _) => q,
    };
    q = if oldest_first {
        q.order_by_asc(patrol::Column::Id)
    } else {
        q.order_by_desc(patrol::Column::Id)
    };
    let mut rows = q.limit(limit + 1).all(&state.db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let names = Names::of(state, &rows).await?;
    let now = state.clock.now();
    let out: Vec<Record> = rows
        .into_iter()
        .map(|p| {
            let until = p
                .ended_at
                .unwrap_or_else(|| now.min(rules.cap_at(p.started_at)));
            Record {
                id: p.id,
                volunteer: p.user_id,
                volunteer_name: p.volunteer_name,
                team_id: p.team_id,
                team_name: names.team(p.team_id),
                spot_id: p.spot_id,
                spot_name: names.spot(p.spot_id),
                started_at: p.started_at,
                ended_at: p.ended_at,
                ended_by: p.ended_by,
                minutes: minutes(p.started_at, until),
            }
        })
        .collect();
    let last = more.then(|| out.last().map(|r| r.id)).flatten();
    Ok((out, last))
}

/// Team and spot names of a page of patrols, read once each.
struct Names {
    teams: HashMap<Uuid, String>,
    spots: HashMap<Uuid, String>,
}

impl Names {
    async fn of(state: &AppState, rows: &[patrol::Model]) -> R<Self> {
        // Each id once: a month's patrols name few teams and spots.
        let team_ids: HashSet<Uuid> = rows.iter().map(|p| p.team_id).collect();
        let spot_ids: HashSet<Uuid> = rows.iter().map(|p| p.spot_id).collect();
        let teams = team::Entity::find()
            .filter(team::Column::Id.is_in(team_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let spots = spot::Entity::find()
            .filter(spot::Column::Id.is_in(spot_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(Self { teams, spots })
    }

    fn team(&self, id: Uuid) -> String {
        self.teams.get(&id).cloned().unwrap_or_default()
    }

    /// A removed spot's patrols keep their place as `（已撤销点位）`.
    fn spot(&self, id: Uuid) -> String {
        self.spots
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "（已撤销点位）".into())
    }
}

async fn may_read(state: &AppState, caller: &Caller, team: Option<Uuid>) -> R<()> {
    if caller.require(&STAFF).is_ok() {
        return Ok(());
    }
    caller.require(&[Role::Citizen])?;
    let Some(team) = team else {
        // A leader reads their own team's records, never the city's.
        return Err(crate::core::Forbidden { role: caller.role }.into());
    };
    let leads = team::Entity::find_by_id(team)
        .one(&state.db)
        .await?
        .is_some_and(|t| t.leader_id == Some(caller.user_id));
    if leads {
        Ok(())
    } else {
        // Another team is as unknown to them as no team.
        Err(VolunteerError::NotFound { what: "team" })
    }
}

/// A volunteer's or a team's place in a month.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: Uuid,
    pub name: String,
    /// The volunteer's team (for a team: none).
    pub team_name: Option<String>,
    pub minutes: i64,
    pub patrols: u64,
    /// A team's volunteers who patrolled (for a volunteer: 1).
    pub volunteers: u64,
}

/// A month's rankings, most hours first.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub month: NaiveDate,
    pub volunteers: Vec<Ranked>,
    pub teams: Vec<Ranked>,
}

/// The rankings of the month that `month` falls in, by ended patrols
/// checked in during it (China time): hours, then patrols, then name.
/// City staff, or any volunteer (the campaign's 光荣榜).
pub async fn ranking(state: &AppState, caller: &Caller, month: NaiveDate) -> R<Ranking> {
    if caller.require(&STAFF).is_err() {
        caller.require(&[Role::Citizen])?;
        if member::Entity::find_by_id(caller.user_id)
            .one(&state.db)
            .await?
            .is_none()
        {
            return Err(crate::core::Forbidden { role: caller.role }.into());
        }
    }
    close_capped(state).await?;
    let first = month.with_day(1).unwrap_or(month);
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let rows = patrol::Entity::find()
        .filter(patrol::Column::StartedAt.gte(instant(first)))
        .filter(patrol::Column::StartedAt.lt(instant(next)))
        .filter(patrol::Column::EndedAt.is_not_null())
        .order_by_asc(patrol::Column::Id)
        .all(&state.db)
        .await?;
    let names = Names::of(state, &rows).await?;
    let mut people: HashMap<Uuid, Ranked> = HashMap::new();
    let mut teams: HashMap<Uuid, (Ranked, std::collections::HashSet<Uuid>)> = HashMap::new();
    for p in rows {
        let m = p.ended_at.map_or(0, |e| minutes(p.started_at, e));
        let v = people.entry(p.user_id).or_insert_with(|| Ranked {
            id: p.user_id,
            name: String::new(),
            team_name: None,
            minutes: 0,
            patrols: 0,
            volunteers: 1,
        });
        // The latest patrol's name and team (rows are oldest first).
        v.name = p.volunteer_name.clone();
        v.team_name = Some(names.team(p.team_id));
        v.minutes += m;
        v.patrols += 1;
        let (t, who) = teams.entry(p.team_id).or_insert_with(|| {
            (
                Ranked {
                    id: p.team_id,
                    name: names.team(p.team_id),
                    team_name: None,
                    minutes: 0,
                    patrols: 0,
                    volunteers: 0,
                },
                Default::default(),
            )
        });
        t.minutes += m;
        t.patrols += 1;
        who.insert(p.user_id);
        t.volunteers = who.len() as u64;
    }
    let order = |a: &Ranked, b: &Ranked| {
        b.minutes
            .cmp(&a.minutes)
            .then(b.patrols.cmp(&a.patrols))
            .then_with(|| a.name.cmp(&b.name))
    };
    let mut volunteers: Vec<Ranked> = people.into_values().collect();
    volunteers.sort_by(order);
    let mut teams: Vec<Ranked> = teams.into_values().map(|(t, _)| t).collect();
    teams.sort_by(order);
    Ok(Ranking {
        month: first,
        volunteers,
        teams,
    })
}

/// The first day of `now`'s month, China time.
pub fn this_month(now: DateTime<FixedOffset>) -> NaiveDate {
    let d = now.with_timezone(&shanghai()).date_naive();
    d.with_day(1).unwrap_or(d)
}

/// How one spot was covered in a period.
#[derive(Debug, Clone)]
pub struct SpotCoverage {
    pub spot: super::model::Spot,
    pub team_name: String,
    /// Patrols checked in at it in the period.
    pub patrols: u64,
    /// Their 志愿时长, whole minutes (open ones so far).
    pub minutes: i64,
    /// Volunteers who patrolled it.
    pub volunteers: u64,
    /// The latest check-in.
    pub last_visit: Option<DateTime<FixedOffset>>,
}

/// Patrol coverage of every spot (of one team, or all active teams') in
/// the period's days: which were visited, how much, and which were not.
/// City staff, or a team's leader for their own team.
pub async fn coverage(state: &AppState, caller: &Caller, f: RecordFilter) -> R<Vec<SpotCoverage>> {
    may_read(state, caller, f.team).await?;
    close_capped(state).await?;
    let rules = rules::load(&state.db).await?;
    let mut teams = team::Entity::find().filter(team::Column::Active.eq(true));
    if let Some(t) = f.team {
        teams = team::Entity::find().filter(team::Column::Id.eq(t));
    }
    let teams: HashMap<Uuid, String> = teams
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let spots = spot::Entity::find()
        .filter(spot::Column::TeamId.is_in(teams.keys().copied().collect::<Vec<_>>()))
        .order_by_asc(spot::Column::Id)
        .all(&state.db)
        .await?;
    let (start, end) = (
        instant(f.period.from),
        instant(f.period.to) + chrono::Duration::days(1),
    );
    let patrols = patrol::Entity::find()
        .filter(patrol::Column::SpotId.is_in(spots.iter().map(|s| s.id).collect::<Vec<_>>()))
        .filter(patrol::Column::StartedAt.gte(start))
        .filter(patrol::Column::StartedAt.lt(end))
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    let mut out = Vec::with_capacity(spots.len());
    for s in spots {
        let team_name = teams.get(&s.team_id).cloned().unwrap_or_default();
        let mine: Vec<&patrol::Model> = patrols.iter().filter(|p| p.spot_id == s.id).collect();
        let who: HashSet<Uuid> = mine.iter().map(|p| p.user_id).collect();
        let minutes = mine
            .iter()
            .map(|p| {
                let until = p
                    .ended_at
                    .unwrap_or_else(|| now.min(rules.cap_at(p.started_at)));
                domain::volunteers::minutes(p.started_at, until)
            })
            .sum();
        out.push(SpotCoverage {
            spot: super::spots::view(state, s),
            team_name,
            patrols: mine.len() as u64,
            minutes,
            volunteers: who.len() as u64,
            last_visit: mine.iter().map(|p| p.started_at).max(),
        });
    }
    Ok(out)
}
