//! Patrols (巡访): a volunteer checks in at one of their team's spots (on
//! site: within its radius, plus the city's slack, or inside its area),
//! and checks out; the time between is 志愿时长. A patrol left open closes
//! itself at the city's cap and counts only that long (`close_capped`,
//! run by the background job and before any read of patrols, so what a
//! reader sees never depends on when the job last ran).

pub use super::model::{Patrol, PatrolPage};
use super::{error::VolunteerError, rules};
use crate::{
    core::{
        Caller, Role,
        page::{decode_cursor, split_page},
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use domain::{
    geo::Wgs84,
    volunteers::{PatrolEnd, VolunteerRules, minutes},
};
use entity::{cases, patrol, spot, team, team_member as member};
use geo::{Distance, Haversine, Point};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr, TransactionTrait,
};
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// The volunteer checks in at `spot_id`, standing at `here`.
pub async fn check_in(state: &AppState, caller: &Caller, spot_id: Uuid, here: Wgs84) -> R<Patrol> {
    caller.require(&[Role::Citizen])?;
    let rules = rules::load(&state.db).await?;
    close_capped_of(state, &rules, Some(caller.user_id)).await?;
    let m = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "spot" })?;
    let s = spot::Entity::find_by_id(spot_id)
        .one(&state.db)
        .await?
        .filter(|s| s.team_id == m.team_id)
        .ok_or(VolunteerError::NotFound { what: "spot" })?;
    let active = team::Entity::find_by_id(m.team_id)
        .one(&state.db)
        .await?
        .is_some_and(|t| t.active);
    if !active {
        return Err(VolunteerError::NotFound { what: "spot" });
    }
    if let Some(open) = open_of(state, caller.user_id).await? {
        return Err(VolunteerError::PatrolOpen {
            since: open.started_at.to_rfc3339(),
        });
    }
    let distance = Haversine.distance(Point::new(s.lng, s.lat), Point::new(here.lng(), here.lat()));
    let allowed = f64::from(s.radius_m) + f64::from(rules.check_in_slack_m);
    let in_area = s.area_id.is_some_and(|a| {
        state
            .areas
            .get()
            .containing(here.lng(), here.lat())
            .iter()
            .any(|x| x.id == a)
    });
    if distance > allowed && !in_area {
        return Err(VolunteerError::TooFar {
            spot: s.name,
            distance_m: distance.round() as i64,
            allowed_m: allowed.round() as i64,
        });
    }
    let row = patrol::Model {
        id: Uuid::now_v7(),
        user_id: caller.user_id,
        volunteer_name: m.name.clone(),
        team_id: m.team_id,
        spot_id: s.id,
        started_at: state.clock.now(),
        ended_at: None,
        ended_by: None,
        start_lat: here.lat(),
        start_lng: here.lng(),
        start_distance_m: distance.round() as i32,
        end_lat: None,
        end_lng: None,
    };
    if let Err(e) = patrol::Entity::insert(patrol::ActiveModel::from(row.clone()))
        .exec_without_returning(&state.db)
        .await
    {
        // Two check-ins at once: the one-open-patrol index lets one in.
        if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            return Err(VolunteerError::PatrolOpen {
                since: row.started_at.to_rfc3339(),
            });
        }
        return Err(e.into());
    }
    view(state, &rules, row).await
}

/// The volunteer checks out of their patrol (where they are, if the phone
/// gave it). After the cap, the patrol has closed itself: `PatrolEnded`.
pub async fn check_out(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    here: Option<Wgs84>,
) -> R<Patrol> {
    let rules = rules::load(&state.db).await?;
    close_capped_of(state, &rules, Some(caller.user_id)).await?;
    let p = patrol::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|p| p.user_id == caller.user_id)
        .ok_or(VolunteerError::NotFound { what: "patrol" })?;
    if p.ended_at.is_some() {
        return Err(VolunteerError::PatrolEnded);
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    if !finish(&txn, &rules, &p, rules.end_of(p.started_at, now), here, now).await? {
        return Err(VolunteerError::PatrolEnded);
    }
    txn.commit().await?;
    let p = patrol::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "patrol" })?;
    view(state, &rules, p).await
}

/// The volunteer's open patrol, if any.
pub async fn current(state: &AppState, caller: &Caller) -> R<Option<Patrol>> {
    let rules = rules::load(&state.db).await?;
    close_capped_of(state, &rules, Some(caller.user_id)).await?;
    match open_of(state, caller.user_id).await? {
        Some(p) => Ok(Some(view(state, &rules, p).await?)),
        None => Ok(None),
    }
}

/// The volunteer's patrols, newest first, and the minutes of all ended ones.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u64,
) -> R<PatrolPage> {
    let rules = rules::load(&state.db).await?;
    close_capped_of(state, &rules, Some(caller.user_id)).await?;
    let mut q = patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(caller.user_id))
        .order_by_desc(patrol::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(patrol::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |p| p.id);
    let mut items = Vec::with_capacity(rows.len());
    for p in rows {
        items.push(view(state, &rules, p).await?);
    }
    let ended = patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(caller.user_id))
        .filter(patrol::Column::EndedAt.is_not_null())
        .all(&state.db)
        .await?;
    let total_minutes = ended
        .iter()
        .filter_map(|p| p.ended_at.map(|e| minutes(p.started_at, e)))
        .sum();
    Ok(PatrolPage {
        items,
        next_cursor,
        total_minutes,
    })
}

/// Ends the volunteer's open patrol, if any, now (or at the cap, if that
/// came first), in `db`'s transaction: they leave the team, are removed
/// from it, or delete their account.
pub async fn end_open<C: sea_orm::ConnectionTrait>(state: &AppState, db: &C, user: Uuid) -> R<()> {
    let rules = rules::load(db).await?;
    let open = patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(user))
        .filter(patrol::Column::EndedAt.is_null())
        .one(db)
        .await?;
    if let Some(p) = open {
        let now = state.clock.now();
        finish(db, &rules, &p, rules.end_of(p.started_at, now), None, now).await?;
    }
    Ok(())
}

/// Ends a patrol that is still open (a guard: `ended_at IS NULL`) and
/// awards its hours' points, in `db`'s transaction; false when it had
/// ended already.
async fn finish<C: sea_orm::ConnectionTrait>(
    db: &C,
    rules: &VolunteerRules,
    p: &patrol::Model,
    (end, how): (DateTime<FixedOffset>, PatrolEnd),
    here: Option<Wgs84>,
    now: DateTime<FixedOffset>,
) -> R<bool> {
    let done = patrol::Entity::update_many()
        .set(patrol::ActiveModel {
            ended_at: Set(Some(end)),
            ended_by: Set(Some(how)),
            end_lat: Set(here.map(Wgs84::lat)),
            end_lng: Set(here.map(Wgs84::lng)),
            ..Default::default()
        })
        .filter(patrol::Column::Id.eq(p.id))
        .filter(patrol::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    let m = minutes(p.started_at, end);
    // Pro rata, rounded down: 90 minutes at 2 points an hour earn 3.
    let points = i32::try_from(m * i64::from(rules.points_per_hour) / 60).unwrap_or(i32::MAX);
    let note = format!("巡访 {m} 分钟");
    let work = crate::points::ledger::Work::Record(p.id);
    let reason = (crate::points::ledger::Reason::PatrolHours, points);
    crate::points::ledger::award_work(db, p.user_id, work, reason, Some(&note), now).await?;
    Ok(true)
}

/// Closes every patrol left open past the cap, at the cap (the background
/// job's step); returns how many. Each is closed under a guard
/// (`ended_at IS NULL`), so nodes running it at once close each once.
pub async fn close_capped(state: &AppState) -> R<u64> {
    let rules = rules::load(&state.db).await?;
    close_capped_of(state, &rules, None).await
}

async fn close_capped_of(state: &AppState, rules: &VolunteerRules, user: Option<Uuid>) -> R<u64> {
    let now = state.clock.now();
    let latest_start = now - chrono::Duration::minutes(i64::from(rules.patrol_cap_minutes));
    let mut q = patrol::Entity::find()
        .filter(patrol::Column::EndedAt.is_null())
        .filter(patrol::Column::StartedAt.lte(latest_start));
    if let Some(u) = user {
        q = q.filter(patrol::Column::UserId.eq(u));
    }
    let mut closed = 0;
    for p in q.limit(500).all(&state.db).await? {
        let txn = state.db.begin().await?;
        let end = (rules.cap_at(p.started_at), PatrolEnd::Capped);
        if finish(&txn, rules, &p, end, None, now).await? {
            closed += 1;
        }
        txn.commit().await?;
    }
    Ok(closed)
}

async fn open_of(state: &AppState, user: Uuid) -> R<Option<patrol::Model>> {
    Ok(patrol::Entity::find()
        .filter(patrol::Column::UserId.eq(user))
        .filter(patrol::Column::EndedAt.is_null())
        .one(&state.db)
        .await?)
}

async fn view(state: &AppState, rules: &VolunteerRules, p: patrol::Model) -> R<Patrol> {
    let now = state.clock.now();
    let until: DateTime<FixedOffset> = p
        .ended_at
        .unwrap_or_else(|| now.min(rules.cap_at(p.started_at)));
    let during = |q: sea_orm::Select<cases::Entity>| {
        q.filter(cases::Column::ReporterId.eq(p.user_id))
            .filter(cases::Column::CreatedAt.gte(p.started_at))
            .filter(cases::Column::CreatedAt.lte(until))
    };
    let reports = during(cases::Entity::find()).count(&state.db).await?;
    let self_fixes = during(cases::Entity::find())
        .filter(cases::Column::Channel.eq(domain::channel::Channel::SelfFix))
        .count(&state.db)
        .await?;
    let persuasions = entity::persuasion::Entity::find()
        .filter(entity::persuasion::Column::UserId.eq(p.user_id))
        .filter(entity::persuasion::Column::CreatedAt.gte(p.started_at))
        .filter(entity::persuasion::Column::CreatedAt.lte(until))
        .count(&state.db)
        .await?;
    let spot_name = match super::spots::get(state, p.spot_id).await {
        Ok(s) => s.name,
        Err(VolunteerError::NotFound { .. }) => String::new(),
        Err(e) => return Err(e),
    };
    Ok(Patrol {
        id: p.id,
        volunteer: p.user_id,
        team_id: p.team_id,
        spot_id: p.spot_id,
        spot_name,
        started_at: p.started_at,
        ended_at: p.ended_at,
        ended_by: p.ended_by,
        minutes: minutes(p.started_at, until),
        start_distance_m: p.start_distance_m,
        reports,
        persuasions,
        self_fixes,
    })
}
