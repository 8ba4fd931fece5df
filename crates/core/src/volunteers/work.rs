//! A volunteer's work besides patrols: 劝导 (they persuade someone out of
//! an uncivil act; when that fails the act becomes a case for the routed
//! unit, as a report) and 随手治 (they fix a small problem themselves and
//! file it with before and after photos: a case already resolved, which
//! the dispatcher verifies and closes, or reopens to the unit). Each earns
//! points by the volunteers' rules, through the citizens' ledger.

use super::{error::VolunteerError, rules};
use crate::{
    core::{Caller, Role, Ts, page::split_page},
    media::stored::StoredPhoto,
    points::ledger::{self, Reason, Work},
    reports::{
        submit::{self, NewReport, Origin},
        views::Report,
    },
    state::AppState,
};
use domain::{channel::Channel, geo::CoordSystem};
use entity::{category, media, persuasion, team, team_member as member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait, sea_query::Expr,
};
use std::collections::HashMap;
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// A 劝导 as the volunteer files it.
#[derive(Debug, Clone)]
pub struct NewPersuasion {
    /// The behaviour: a small category's code (the city's list).
    pub category_code: String,
    pub lat: f64,
    pub lng: f64,
    pub system: CoordSystem,
    pub address: Option<String>,
    /// What happened, in the volunteer's words.
    pub note: Option<String>,
    /// A photo the volunteer uploaded, if any.
    pub media_id: Option<Uuid>,
    /// Stopped on the spot (劝导成功); if not, a case is made.
    pub persuaded: bool,
}

/// A 劝导 record as it is read back.
#[derive(Debug, Clone)]
pub struct Persuasion {
    pub id: Uuid,
    pub volunteer: Uuid,
    pub volunteer_name: String,
    pub team_id: Uuid,
    pub team_name: String,
    /// (code, name) of the behaviour.
    pub category: (String, String),
    pub lat: f64,
    pub lng: f64,
    pub address: Option<String>,
    pub note: Option<String>,
    pub photo: Option<StoredPhoto>,
    pub persuaded: bool,
    /// The case a failed 劝导 became: (id, case number).
    pub case: Option<(Uuid, String)>,
    pub created_at: Ts,
}

/// A page of 劝导 records, newest first.
#[derive(Debug)]
pub struct PersuasionPage {
    pub items: Vec<Persuasion>,
    pub next_cursor: Option<String>,
}

/// The caller's membership: only a volunteer of an active team files
/// volunteers' work (as only they check in).
async fn membership(state: &AppState, caller: &Caller) -> R<member::Model> {
    caller.require(&[Role::Citizen])?;
    let m = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotAVolunteer)?;
    let active = team::Entity::find_by_id(m.team_id)
        .one(&state.db)
        .await?
        .is_some_and(|t| t.active);
    if active {
        Ok(m)
    } else {
        Err(VolunteerError::NotAVolunteer)
    }
}

/// The volunteer files a 劝导: a record, and a case for the routed unit
/// when the behaviour did not stop.
pub async fn persuade(state: &AppState, caller: &Caller, p: &NewPersuasion) -> R<Persuasion> {
    let m = membership(state, caller).await?;
    let note = p
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let report = NewReport {
        category_code: p.category_code.clone(),
        description: note.clone().unwrap_or_default(),
        lat: p.lat,
        lng: p.lng,
        system: p.system,
        address: p.address.clone(),
        media_ids: p.media_id.into_iter().collect(),
    };
    let now = state.clock.now();
    let mut row = persuasion::Model {
        id: Uuid::now_v7(),
        user_id: caller.user_id,
        volunteer_name: m.name,
        team_id: m.team_id,
        category_id: Uuid::nil(),
        lat: 0.0,
        lng: 0.0,
        area_id: Uuid::nil(),
        address: None,
        note,
        media_id: p.media_id,
        persuaded: p.persuaded,
        case_id: None,
        created_at: now,
    };
    let c = submit::check(state, &report, &Origin::Persuasion(&row)).await?;
    (row.category_id, row.area_id) = (c.category.id, c.area_id);
    (row.lat, row.lng, row.address) = (c.point.lat(), c.point.lng(), c.address.clone());
    if p.persuaded {
        let txn = state.db.begin().await?;
        if let Some(photo) = p.media_id {
            keep_photo(&txn, caller.user_id, photo, row.id, now).await?;
        }
        record(&txn, &row, None, now).await?;
        txn.commit().await?;
    } else {
        if row.note.is_none() {
            let text = format!("志愿者劝导未果：{}", c.category.name);
            row.note = Some(text);
        }
        let report = NewReport {
            description: row.note.clone().unwrap_or_default(),
            ..report
        };
        submit::create(state, caller, &report, None, Origin::Persuasion(&row)).await?;
    }
    get(state, row.id).await
}

/// Keeps the volunteer's unattached photo as the record's: their own,
/// unexpired, on no case and no other record.
async fn keep_photo<C: ConnectionTrait>(
    db: &C,
    owner: Uuid,
    photo: Uuid,
    record: Uuid,
    now: Ts,
) -> R<()> {
    let kept = media::Entity::update_many()
        .col_expr(media::Column::RecordId, Expr::value(record))
        .filter(media::Column::Id.eq(photo))
        .filter(media::Column::OwnerId.eq(owner))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::RecordId.is_null())
        .filter(media::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if kept.rows_affected == 1 {
        Ok(())
    } else {
        Err(VolunteerError::InvalidMedia { ids: vec![photo] })
    }
}

/// Writes a 劝导 record (with the case it became, if any) in the
/// caller's transaction, and, for one that stopped the act, its points (one
/// that did not earns as the report it became does, and loses them as it
/// does if the city rejects it).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    row: &persuasion::Model,
    case_id: Option<Uuid>,
    now: Ts,
) -> anyhow::Result<()> {
    let row = persuasion::Model {
        case_id,
        ..row.clone()
    };
    persuasion::Entity::insert(persuasion::ActiveModel::from(row.clone()))
        .exec_without_returning(db)
        .await?;
    if !row.persuaded {
        return Ok(());
    }
    let points = rules::load(db).await?.points_per_persuasion;
    let work = Work::Record(row.id);
    ledger::award_work(
        db,
        row.user_id,
        work,
        (Reason::Persuasion, points),
        None,
        now,
    )
    .await
}

/// The volunteer files a 随手治: the report with its before photos, and
/// the after photos; the case waits, resolved, for the dispatcher's 核查.
pub async fn self_fix(
    state: &AppState,
    caller: &Caller,
    report: &NewReport,
    after: &[Uuid],
) -> R<Report> {
    membership(state, caller).await?;
    Ok(submit::create(state, caller, report, None, Origin::SelfFix { after }).await?)
}

/// A 随手治 case passed 核查: its volunteer's points, in the case's
/// transaction.
pub async fn self_fix_verified<C: ConnectionTrait>(
    db: &C,
    case: &crate::cases::model::Case,
    now: Ts,
) -> anyhow::Result<()> {
    if case.channel != Channel::SelfFix {
        return Ok(());
    }
    let points = rules::load(db).await?.points_per_self_fix;
    let work = Work::Case(case.id);
    ledger::award_work(
        db,
        case.reporter_id,
        work,
        (Reason::SelfFix, points),
        None,
        now,
    )
    .await
}

/// One 劝导 record.
pub async fn get(state: &AppState, id: Uuid) -> R<Persuasion> {
    let row = persuasion::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "persuasion" })?;
    let mut out = views(state, vec![row]).await?;
    out.pop()
        .ok_or(VolunteerError::NotFound { what: "persuasion" })
}

/// Which 劝导 records: one volunteer's, one team's, or the city's.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersuasionFilter {
    pub user: Option<Uuid>,
    pub team: Option<Uuid>,
    /// Only those that stopped (true) or became cases (false).
    pub persuaded: Option<bool>,
}

/// A page of 劝导 records, newest first. A volunteer reads their own;
/// a leader their team's; staff anyone's.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    mut f: PersuasionFilter,
    cursor: Option<&str>,
    limit: u64,
) -> R<PersuasionPage> {
    if caller.require(&super::teams::STAFF).is_err() {
        caller.require(&[Role::Citizen])?;
        match f.team {
            Some(t) => {
                let leads = team::Entity::find_by_id(t)
                    .one(&state.db)
                    .await?
                    .is_some_and(|t| t.leader_id == Some(caller.user_id));
                if !leads {
                    // Another team is as unknown to them as no team.
                    return Err(VolunteerError::NotFound { what: "team" });
                }
            }
            None => f.user = Some(caller.user_id),
        }
    }
    let mut q = persuasion::Entity::find()
        .order_by_desc(persuasion::Column::Id)
        .limit(limit + 1);
    if let Some(u) = f.user {
        q = q.filter(persuasion::Column::UserId.eq(u));
    }
    if let Some(t) = f.team {
        q = q.filter(persuasion::Column::TeamId.eq(t));
    }
    if let Some(p) = f.persuaded {
        q = q.filter(persuasion::Column::Persuaded.eq(p));
    }
    if let Some(c) = cursor {
        q = q.filter(persuasion::Column::Id.lt(crate::core::page::decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |p| p.id);
    Ok(PersuasionPage {
        items: views(state, rows).await?,
        next_cursor,
    })
}

/// Records as read: each category, team, photo and case read once per page.
async fn views(state: &AppState, rows: Vec<persuasion::Model>) -> R<Vec<Persuasion>> {
    let ids = |f: fn(&persuasion::Model) -> Option<Uuid>| -> Vec<Uuid> {
        let mut v: Vec<Uuid> = rows.iter().filter_map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let categories: HashMap<Uuid, (String, String)> = category::Entity::find()
        .filter(category::Column::Id.is_in(ids(|r| Some(r.category_id))))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.code, c.name)))
        .collect();
    let teams: HashMap<Uuid, String> = team::Entity::find()
        .filter(team::Column::Id.is_in(ids(|r| Some(r.team_id))))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let photos: HashMap<Uuid, StoredPhoto> = media::Entity::find()
        .filter(media::Column::Id.is_in(ids(|r| r.media_id)))
        .filter(media::Column::BlockedAt.is_null())
        .all(&state.db)
        .await?
        .iter()
        .map(|m| (m.id, StoredPhoto::from(m)))
        .collect();
    let cases: HashMap<Uuid, String> = entity::cases::Entity::find()
        .filter(entity::cases::Column::Id.is_in(ids(|r| r.case_id)))
        .select_only()
        .columns([entity::cases::Column::Id, entity::cases::Column::CaseNo])
        .into_tuple::<(Uuid, String)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Persuasion {
            id: r.id,
            volunteer: r.user_id,
            volunteer_name: r.volunteer_name,
            team_id: r.team_id,
            team_name: teams.get(&r.team_id).cloned().unwrap_or_default(),
            category: categories.get(&r.category_id).cloned().unwrap_or_default(),
            lat: r.lat,
            lng: r.lng,
            address: r.address,
            note: r.note,
            photo: r.media_id.and_then(|m| photos.get(&m).cloned()),
            persuaded: r.persuaded,
            case: r
                .case_id
                .and_then(|c| cases.get(&c).map(|no| (c, no.clone()))),
            created_at: r.created_at,
        })
        .collect())
}
