//! The SQL of the case loop: typed cases read from their rows, a
//! transition's outcome written as the fields that changed under its
//! guard, events, photos and extension rows.

use super::{
    error::CaseError,
    model::Case,
    transition::{CaseRef, ExtensionRef, Guard, NewEvent, Transition},
};
use crate::core::{Actor, CaseStatus, ExtensionStatus, LimitUnit, Ts};
use entity::{case_event, cases, extension, media};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

mod rows;

pub use rows::{case_from_row, rules_from_row};
use rows::{changes, unchanged_since};

/// One case by id.
pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Case>, CaseError> {
    match cases::Entity::find_by_id(id).one(db).await? {
        Some(row) => Ok(Some(crate::cases::repo::case_from_row(row))),
        None => Ok(None),
    }
}

/// Another case, as the target of a merge.
pub async fn case_ref<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<CaseRef>, CaseError> {
    let row = cases::Entity::find_by_id(id)
        .select_only()
        .columns([
            cases::Column::Id,
            cases::Column::CaseNo,
            cases::Column::Status,
            cases::Column::CreatedAt,
        ])
        .into_tuple::<(Uuid, String, CaseStatus, crate::core::Ts)>()
        .one(db)
        .await?;
    let Some((id, case_no, status, created_at)) = row else {
        return Ok(None);
    };
    // The group's first report: the case, or one merged into it earlier.
    let merged_first: Option<crate::core::Ts> = cases::Entity::find()
        .filter(cases::Column::DuplicateOf.eq(id))
        .select_only()
        .column_as(cases::Column::CreatedAt.min(), "first")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let created_at = merged_first.map_or(created_at, |m| std::cmp::min(m, created_at));
    Ok(Some(CaseRef {
        id,
        case_no,
        status,
        created_at,
    }))
}

/// One extension request of a case.
pub async fn extension<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    id: Uuid,
) -> Result<Option<ExtensionRef>, CaseError> {
    let Some(e) = extension::Entity::find_by_id(id)
        .filter(extension::Column::CaseId.eq(case_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ExtensionRef {
        id: e.id,
        status: e.status,
        amount: e.amount,
        unit: e.limit_unit,
    }))
}

/// Whether a request of the case waits for a decision.
pub async fn extension_pending<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<bool, CaseError> {
    Ok(extension::Entity::find()
        .filter(extension::Column::CaseId.eq(case_id))
        .filter(extension::Column::Status.eq(ExtensionStatus::Pending))
        .one(db)
        .await?
        .is_some())
}

/// The row of a timeline event.
pub fn event_row(case_id: Uuid, id: Uuid, e: &NewEvent, at: Ts) -> case_event::ActiveModel {
    case_event::ActiveModel {
        id: Set(id),
        case_id: Set(case_id),
        actor_id: Set(e.actor.id),
        actor_role: Set(e.actor.role.into()),
        action: Set(e.action),
        from_status: Set(e.from),
        to_status: Set(e.to),
        note: Set(e.note.clone()),
        public: Set(e.public),
        data: Set(e.data.as_ref().map(|d| d.to_string())),
        created_at: Set(at),
    }
}

/// Inserts events with the ids given.
pub async fn insert_events<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    events: &[(Uuid, NewEvent)],
    at: Ts,
) -> Result<(), CaseError> {
    if events.is_empty() {
        return Ok(());
    }
    case_event::Entity::insert_many(events.iter().map(|(id, e)| event_row(case_id, *id, e, at)))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts a new case as it is after submission.
pub async fn insert<C: ConnectionTrait>(db: &C, case: &Case) -> Result<(), CaseError> {
    new_row(case).insert(db).await?;
    Ok(())
}

/// The row of a new case: every field, as the case holds it.
pub fn new_row(case: &Case) -> cases::ActiveModel {
    let mut am = changes(None, case, &[]);
    am.id = Set(case.id);
    am.case_no = Set(case.case_no.clone());
    am.reporter_id = Set(case.reporter_id);
    am.category_id = Set(case.category_id);
    am.description = Set(case.description.clone());
    am.lat = Set(case.lat);
    am.lng = Set(case.lng);
    am.address = Set(case.address.clone());
    am.area_id = Set(case.area_id);
    am.channel = Set(case.channel);
    am.version = Set(case.version);
    am.routed_unit_id = Set(case.routed_unit_id);
    am.rule_id = Set(case.rule_id);
    am.created_at = Set(case.created_at);
    am
}

/// Writes a transition's change of the case under its guard; returns
/// false when the guard failed (another action, or another node's timer,
/// came first).
pub async fn write<C: ConnectionTrait>(
    db: &C,
    before: &Case,
    t: &Transition,
) -> Result<bool, CaseError> {
    let am = changes(Some(before), &t.after, &t.assigned);
    let mut q = cases::Entity::update_many()
        .set(am)
        .filter(cases::Column::Id.eq(before.id))
        .filter(cases::Column::Version.eq(before.version))
        .filter(cases::Column::Status.eq(before.status));
    match t.guard {
        Guard::Version => {
            q = q.col_expr(
                cases::Column::Version,
                Expr::col(cases::Column::Version).add(1),
            );
        }
        Guard::Timer => {
            for cond in unchanged_since(before, &t.after) {
                q = q.filter(cond);
            }
        }
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Refreshes the scheduler's index of a case whose timer held nothing due.
pub async fn refresh_timer<C: ConnectionTrait>(db: &C, case: &Case) -> Result<(), CaseError> {
    cases::Entity::update_many()
        .col_expr(cases::Column::TimerAt, Expr::value(case.timer_at()))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Version.eq(case.version))
        .exec(db)
        .await?;
    Ok(())
}

/// Cases whose earliest timer is due, oldest first.
pub async fn due_timers<C: ConnectionTrait>(
    db: &C,
    now: Ts,
    limit: u64,
) -> Result<Vec<Case>, CaseError> {
    use sea_orm::QueryOrder;
    let rows = cases::Entity::find()
        .filter(cases::Column::TimerAt.lte(now))
        .filter(cases::Column::Status.is_in(CaseStatus::CLOCK_RUNS))
        .order_by_asc(cases::Column::TimerAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(case_from_row).collect())
}

/// Moves a case's timer index to `at` (a case the scheduler cannot handle
/// now is retried then, and does not hold up the others meanwhile).
pub async fn postpone_timer<C: ConnectionTrait>(db: &C, id: Uuid, at: Ts) -> Result<(), CaseError> {
    cases::Entity::update_many()
        .col_expr(cases::Column::TimerAt, Expr::value(at))
        .filter(cases::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Claims photos for a case and one of its events: only the owner's own,
/// unexpired and unattached. Returns the photos claimed; fewer than asked
/// means the caller must roll back.
pub async fn claim_photos<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    event_id: Uuid,
    owner: Uuid,
    ids: &[Uuid],
    now: Ts,
) -> Result<Vec<media::Model>, CaseError> {
    Ok(media::Entity::update_many()
        .col_expr(media::Column::CaseId, Expr::value(case_id))
        .col_expr(media::Column::EventId, Expr::value(event_id))
        .filter(media::Column::Id.is_in(ids.to_vec()))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::RecordId.is_null())
        .filter(media::Column::OwnerId.eq(owner))
        .filter(media::Column::ExpiresAt.gt(now))
        .exec_with_returning(db)
        .await?)
}

/// Stores a pending extension request.
pub async fn open_extension<C: ConnectionTrait>(
    db: &C,
    case: &Case,
    actor: Actor,
    (id, amount, unit, reason): (Uuid, i32, LimitUnit, &str),
    now: Ts,
) -> Result<(), CaseError> {
    extension::Entity::insert(extension::ActiveModel {
        id: Set(id),
        case_id: Set(case.id),
        unit_id: Set(case.unit_id.unwrap_or_default()),
        requested_by: Set(actor.id.unwrap_or_default()),
        amount: Set(amount),
        limit_unit: Set(unit),
        reason: Set(reason.to_owned()),
        status: Set(ExtensionStatus::Pending),
        decided_by: Set(None),
        decision_note: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Records a decision on a pending request.
pub async fn decide_extension<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    actor: Actor,
    (status, note): (ExtensionStatus, Option<&str>),
    now: Ts,
) -> Result<(), CaseError> {
    extension::Entity::update_many()
        .col_expr(extension::Column::Status, Expr::value(status.as_str()))
        .col_expr(extension::Column::DecidedBy, Expr::value(actor.id))
        .col_expr(
            extension::Column::DecisionNote,
            Expr::value(note.map(str::to_owned)),
        )
        .col_expr(extension::Column::DecidedAt, Expr::value(now))
        .filter(extension::Column::Id.eq(id))
        .filter(extension::Column::Status.eq(ExtensionStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}

/// Why photos could not be claimed: those that are unknown, expired,
/// someone else's or attached elsewhere; or, when every one looks usable
/// again (the claim that took one rolled back meanwhile), a lost race.
pub async fn why_unclaimed<C: ConnectionTrait>(
    db: &C,
    owner: Uuid,
    ids: &[Uuid],
    now: Ts,
) -> CaseError {
    let found = match media::Entity::find()
        .filter(media::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
    {
        Ok(found) => found,
        Err(e) => return e.into(),
    };
    let bad: Vec<Uuid> = ids
        .iter()
        .filter(|id| {
            !found.iter().any(|m| {
                m.id == **id
                    && m.owner_id == owner
                    && m.case_id.is_none()
                    && m.record_id.is_none()
                    && m.expires_at > now
            })
        })
        .copied()
        .collect();
    if bad.is_empty() {
        CaseError::MediaRace
    } else {
        CaseError::InvalidMedia { ids: bad }
    }
}
