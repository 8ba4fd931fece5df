//! The ledger: awards from the case transaction (exactly once per case and
//! reason, by the ledger's unique key), reversals as entries of their own,
//! caps per day and month, the balance and the history.

use super::rules::{AwardAt, PointsRules};
use crate::{
    core::time::{shanghai, utc},
    core::{Role, Ts},
};
use anyhow::Context;
use chrono::{Datelike, TimeZone};
use entity::{points_entry as entry, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::{CaseStatement, Expr, Func, LockType, OnConflict, Query},
};
use uuid::Uuid;

pub use domain::points::Points;

pub use domain::points::Reason;

pub const CASE_ACCEPTED: Reason = Reason::CaseAccepted;
pub const SOLVED: Reason = Reason::Solved;
pub const REVERSED: Reason = Reason::CaseAcceptedReversed;
pub const REDEEM: Reason = Reason::Redeem;

/// Locks the citizen's account row until the transaction ends (PostgreSQL;
/// SQLite has one writer anyway), so that two awards at once on two nodes
/// see each other's points under the caps; returns whether it is a citizen.
pub async fn lock_citizen<C: ConnectionTrait>(db: &C, user_id: Uuid) -> anyhow::Result<bool> {
    // Only a citizen's row is locked: an integrator's many cases never queue on it.
    let mut q = user::Entity::find_by_id(user_id)
        .filter(user::Column::Role.eq(Role::Citizen))
        .select_only()
        .column(user::Column::Role);
    if db.get_database_backend() == DbBackend::Postgres {
        // NO KEY UPDATE: the case rows this transaction inserted hold a KEY
        // SHARE lock on the same account (their foreign key), and so do the
        // other submissions of this citizen waiting on a photo row we hold;
        // FOR UPDATE would deadlock with them.
        q = q.lock(LockType::NoKeyUpdate);
    }
    let role: Option<String> = q.into_tuple().one(db).await.context("lock citizen")?;
    Ok(role.as_deref() == Some(Role::Citizen.as_str()))
}

/// The citizen's balance.
pub async fn balance<C: ConnectionTrait>(db: &C, user_id: Uuid) -> anyhow::Result<i64> {
    let s: Option<Option<i64>> = entry::Entity::find()
        .select_only()
        .column_as(entry::Column::Points.sum(), "s")
        .filter(entry::Column::UserId.eq(user_id))
        .into_tuple()
        .one(db)
        .await
        .context("sum points")?;
    Ok(s.flatten().unwrap_or(0))
}

/// Points earned (positive entries, less the awards since taken back)
/// since `day` and since `month`, in one statement (`month` ≤ `day`).
async fn earned<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    (day, month): (Ts, Ts),
) -> anyhow::Result<(i64, i64)> {
    let today = Expr::from(Func::sum(
        CaseStatement::new()
            .case(
                entry::Column::CreatedAt.gte(day),
                Expr::col(entry::Column::Points),
            )
            .finally(0),
    ));
    // A reversed award no longer counts toward the caps.
    let reversed = Query::select()
        .column(entry::Column::CaseId)
        .from(entry::Entity)
        .and_where(entry::Column::UserId.eq(user_id))
        .and_where(entry::Column::Reason.eq(REVERSED))
        .and_where(entry::Column::CaseId.is_not_null())
        .to_owned();
    let row: Option<(Option<i64>, Option<i64>)> = entry::Entity::find()
        .select_only()
        .column_as(today, "d")
        .column_as(entry::Column::Points.sum(), "m")
        .filter(entry::Column::UserId.eq(user_id))
        .filter(entry::Column::Points.gt(0))
        .filter(entry::Column::CreatedAt.gte(month))
        .filter(
            Condition::any()
                .add(entry::Column::Reason.ne(CASE_ACCEPTED))
                .add(entry::Column::CaseId.is_null())
                .add(entry::Column::CaseId.not_in_subquery(reversed)),
        )
        .into_tuple()
        .one(db)
        .await
        .context("sum earned points")?;
    let (d, m) = row.unwrap_or_default();
    Ok((d.unwrap_or(0), m.unwrap_or(0)))
}

/// Carries out a points effect of a case change, inside its transaction,
/// under the rules in force `r`.
pub async fn apply<C: ConnectionTrait>(
    db: &C,
    r: &PointsRules,
    (reporter, case_id): (Uuid, Uuid),
    change: Points,
    now: Ts,
) -> anyhow::Result<()> {
    if !r.enabled || !lock_citizen(db, reporter).await? {
        return Ok(());
    }
    match change {
        Points::CaseAccepted if r.award_at == AwardAt::Accept => {
            award(db, r, (reporter, case_id), CASE_ACCEPTED, None, now).await
        }
        Points::Closed if r.award_at == AwardAt::Close => {
            award(db, r, (reporter, case_id), CASE_ACCEPTED, None, now).await
        }
        Points::CaseAccepted | Points::Closed => Ok(()),
        Points::FirstOfDuplicate if r.first_of_duplicate => {
            let note = Some("重复举报中的首位举报人");
            award(db, r, (reporter, case_id), CASE_ACCEPTED, note, now).await
        }
        Points::FirstOfDuplicate | Points::Reverse => reverse(db, reporter, case_id, now).await,
        Points::Solved => award(db, r, (reporter, case_id), SOLVED, None, now).await,
        // Its amount is the volunteers' rules': see `award_work`.
        Points::SelfFixed => Ok(()),
    }
}

/// What earned a volunteer's award: a case (随手治) or a record of theirs
/// (a patrol, a 劝导).
#[derive(Debug, Clone, Copy)]
pub enum Work {
    Case(Uuid),
    Record(Uuid),
}

/// Awards a volunteer's work `amount` points under the citizens' caps,
/// once per (volunteer, work, reason), inside the caller's transaction.
pub async fn award_work<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    work: Work,
    (reason, amount): (Reason, i32),
    note: Option<&str>,
    now: Ts,
) -> anyhow::Result<()> {
    let r = super::rules::load(db).await?;
    if !r.enabled || amount <= 0 || !lock_citizen(db, user_id).await? {
        return Ok(());
    }
    let (granted, capped) = capped(db, &r, user_id, amount, now).await?;
    let note = join(note, capped);
    let (case_id, record_id) = match work {
        Work::Case(id) => (Some(id), None),
        Work::Record(id) => (None, Some(id)),
    };
    insert(
        db,
        entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            case_id: Set(case_id),
            reason: Set(reason),
            points: Set(granted),
            note: Set(note),
            redemption_id: Set(None),
            record_id: Set(record_id),
            created_at: Set(now),
        },
    )
    .await
}

/// `amount`, less what the daily and monthly caps leave, and why.
async fn capped<C: ConnectionTrait>(
    db: &C,
    r: &PointsRules,
    user_id: Uuid,
    amount: i32,
    now: Ts,
) -> anyhow::Result<(i32, Option<String>)> {
    let local = now.with_timezone(&shanghai());
    let midnight = |d: u32| {
        shanghai()
            .with_ymd_and_hms(local.year(), local.month(), d, 0, 0, 0)
            .single()
            .map_or(now, |t| t.fixed_offset())
    };
    // Stored instants are UTC, which SQLite compares as text.
    let (day, month) = (utc(midnight(local.day())), utc(midnight(1)));
    let mut granted = i64::from(amount);
    let mut capped = None;
    if r.daily_cap > 0 || r.monthly_cap > 0 {
        let (today, this_month) = earned(db, user_id, (day, month)).await?;
        for (cap, so_far, what) in [
            (r.daily_cap, today, "每日"),
            (r.monthly_cap, this_month, "每月"),
        ] {
            let left = (i64::from(cap) - so_far).max(0);
            if cap > 0 && left < granted {
                granted = left;
                capped = Some(format!("已达{what}上限 {cap} 分"));
            }
        }
    }
    Ok((i32::try_from(granted).unwrap_or(0), capped))
}

fn join(note: Option<&str>, capped: Option<String>) -> Option<String> {
    match (note, capped) {
        (Some(n), Some(c)) => Some(format!("{n}；{c}")),
        (n, c) => c.or(n.map(str::to_owned)),
    }
}

/// Inserts an entry unless (citizen, case, reason) has one, or (citizen,
/// record, reason) for a volunteer record's: once only.
async fn insert<C: ConnectionTrait>(db: &C, e: entry::ActiveModel) -> anyhow::Result<()> {
    let of_record = matches!(&e.record_id, sea_orm::ActiveValue::Set(Some(_)));
    let target = if of_record {
        entry::Column::RecordId
    } else {
        entry::Column::CaseId
    };
    entry::Entity::insert(e)
        .on_conflict(
            OnConflict::columns([entry::Column::UserId, target, entry::Column::Reason])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .context("write points entry")?;
    Ok(())
}

async fn award<C: ConnectionTrait>(
    db: &C,
    r: &PointsRules,
    (user_id, case_id): (Uuid, Uuid),
    reason: Reason,
    note: Option<&str>,
    now: Ts,
) -> anyhow::Result<()> {
    let amount = if reason == SOLVED {
        r.solved_bonus
    } else {
        r.on_case
    };
    if amount <= 0 {
        return Ok(());
    }
    let (granted, capped) = capped(db, r, user_id, amount, now).await?;
    let note = join(note, capped);
    insert(
        db,
        entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            case_id: Set(Some(case_id)),
            reason: Set(reason),
            points: Set(granted),
            note: Set(note),
            redemption_id: Set(None),
            record_id: Set(None),
            created_at: Set(now),
        },
    )
    .await
}

/// Takes back what a case earned when it is rejected or merged into
/// another: a new entry of the opposite sign, once.
async fn reverse<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    case_id: Uuid,
    now: Ts,
) -> anyhow::Result<()> {
    let earned: Option<i32> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Points)
        .filter(entry::Column::UserId.eq(user_id))
        .filter(entry::Column::CaseId.eq(case_id))
        .filter(entry::Column::Reason.eq(CASE_ACCEPTED))
        .into_tuple()
        .one(db)
        .await
        .context("read award")?;
    let Some(points) = earned.filter(|p| *p > 0) else {
        return Ok(());
    };
    insert(
        db,
        entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            case_id: Set(Some(case_id)),
            reason: Set(REVERSED),
            points: Set(-points),
            note: Set(Some("案件被判为重复或不予受理，立案积分撤回".into())),
            redemption_id: Set(None),
            record_id: Set(None),
            created_at: Set(now),
        },
    )
    .await
}
