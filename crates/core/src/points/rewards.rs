//! The catalogue, redemptions and staff checking codes off; the history.

pub use super::model::{Entry, Ledger, Redeemed, Redemptions, Reward, RewardSpec};
use super::{
    error::PointsError,
    ledger::{self, REDEEM},
};
use crate::{
    audit,
    core::{
        Actor, Caller, Role,
        page::{decode_cursor, split_page},
    },
    state::AppState,
};
use domain::points::RedemptionStatus;
use entity::{cases, points_entry as entry, redemption, reward};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, sea_query::Expr, sea_query::ExprTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

type R<T> = Result<T, PointsError>;

fn reward_view(r: reward::Model) -> Reward {
    Reward {
        id: r.id,
        name: r.name,
        description: r.description,
        cost: r.cost,
        stock: r.stock,
        active: r.active,
    }
}

/// The catalogue: what is offered (or, for admins, everything).
pub async fn catalogue(state: &AppState, all: bool) -> R<Vec<Reward>> {
    let mut q = reward::Entity::find().order_by_asc(reward::Column::Cost);
    if !all {
        q = q.filter(reward::Column::Active.eq(true));
    }
    Ok(q.all(&state.db)
        .await?
        .into_iter()
        .map(reward_view)
        .collect())
}

/// Creates (`id` none) or changes a reward; audited.
pub async fn save(state: &AppState, caller: &Caller, id: Option<Uuid>, r: RewardSpec) -> R<Reward> {
    let name = r.name.trim().to_owned();
    if name.is_empty() {
        return Err(PointsError::InvalidName);
    }
    let taken = reward::Entity::find()
        .filter(reward::Column::Name.eq(&name))
        .filter(reward::Column::Id.ne(id.unwrap_or_default()))
        .one(&state.db)
        .await?;
    if taken.is_some() {
        return Err(PointsError::NameTaken { name });
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let row = match id {
        None => reward::ActiveModel {
            id: Set(Uuid::now_v7()),
            created_at: Set(now),
            ..Default::default()
        },
        Some(id) => reward::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(Into::into)
            .ok_or(PointsError::NotFound { what: "reward" })?,
    };
    let row = reward::ActiveModel {
        name: Set(name),
        description: Set(r
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())),
        cost: Set(r.cost),
        stock: Set(r.stock),
        active: Set(r.active),
        updated_at: Set(now),
        ..row
    };
    let saved = if id.is_some() {
        reward::Entity::update(row).exec(&txn).await?
    } else {
        reward::Entity::insert(row)
            .exec_with_returning(&txn)
            .await?
    };
    let action = if id.is_some() {
        "reward.update"
    } else {
        "reward.create"
    };
    let data = serde_json::json!({"name": saved.name, "cost": saved.cost, "stock": saved.stock, "active": saved.active});
    audit::record(
        &txn,
        Actor::of(caller),
        action,
        "reward",
        Some(saved.id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    Ok(reward_view(saved))
}

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn redemption_view(r: redemption::Model, reward_name: String) -> Redeemed {
    Redeemed {
        id: r.id,
        code: r.code,
        reward_id: r.reward_id,
        reward_name,
        cost: r.cost,
        status: r.status,
        created_at: r.created_at,
        used_at: r.used_at,
    }
}

async fn with_name(state: &AppState, r: redemption::Model) -> R<Redeemed> {
    let name = reward::Entity::find_by_id(r.reward_id)
        .one(&state.db)
        .await?
        .map(|w| w.name)
        .unwrap_or_default();
    Ok(redemption_view(r, name))
}

async fn by_key(state: &AppState, user: Uuid, key: &str) -> R<Option<redemption::Model>> {
    Ok(redemption::Entity::find()
        .filter(redemption::Column::UserId.eq(user))
        .filter(redemption::Column::IdempotencyKey.eq(key))
        .one(&state.db)
        .await?)
}

/// A citizen redeems a reward: the stock goes down by one, the points are
/// spent (an entry of their own) and a code is issued, in one transaction.
/// A retry with the same Idempotency-Key gets the same redemption.
/// Returns it and whether it is a replay.
pub async fn redeem(
    state: &AppState,
    caller: &Caller,
    reward_id: Uuid,
    key: Option<String>,
) -> R<(Redeemed, bool)> {
    caller.require(&[Role::Citizen])?;
    if let Some(k) = key.as_deref()
        && let Some(done) = by_key(state, caller.user_id, k).await?
    {
        if done.reward_id != reward_id {
            return Err(PointsError::KeyReused);
        }
        return Ok((with_name(state, done).await?, true));
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    ledger::lock_citizen(&txn, caller.user_id).await?;
    let w = reward::Entity::find_by_id(reward_id)
        .filter(reward::Column::Active.eq(true))
        .one(&txn)
        .await?
        .ok_or(PointsError::NotFound { what: "reward" })?;
    let balance = ledger::balance(&txn, caller.user_id).await?;
    if balance < i64::from(w.cost) {
        return Err(PointsError::InsufficientPoints {
            name: w.name,
            cost: w.cost,
            balance,
        });
    }
    let taken = reward::Entity::update_many()
        .col_expr(
            reward::Column::Stock,
            Expr::col(reward::Column::Stock).sub(1),
        )
        .filter(reward::Column::Id.eq(w.id))
        .filter(reward::Column::Stock.gt(0))
        .exec(&txn)
        .await?;
    if taken.rows_affected == 0 {
        return Err(PointsError::OutOfStock { name: w.name });
    }
    let row = redemption::Model {
        id: Uuid::now_v7(),
        code: new_code(),
        user_id: caller.user_id,
        reward_id: w.id,
        cost: w.cost,
        status: RedemptionStatus::Issued,
        idempotency_key: key.clone(),
        created_at: now,
        used_at: None,
        used_by: None,
    };
    let inserted =
        redemption::Entity::insert(redemption::ActiveModel::from(row.clone()).reset_all())
            .exec_without_returning(&txn)
            .await;
    if let Err(e) = inserted {
        drop(txn);
        // The same key committed meanwhile: that one is the answer.
        if let Some(k) = key.as_deref()
            && let Some(done) = by_key(state, caller.user_id, k).await?
        {
            return Ok((with_name(state, done).await?, true));
        }
        return Err(e.into());
    }
    entry::Entity::insert(entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(caller.user_id),
        case_id: Set(None),
        reason: Set(REDEEM),
        points: Set(-w.cost),
        note: Set(Some(w.name.clone())),
        redemption_id: Set(Some(row.id)),
        record_id: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok((redemption_view(row, w.name), false))
}

/// The caller's redemptions, newest first, `limit` at a time.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u64,
) -> R<Redemptions> {
    caller.require(&[Role::Citizen])?;
    let mut q = redemption::Entity::find()
        .filter(redemption::Column::UserId.eq(caller.user_id))
        .order_by_desc(redemption::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(redemption::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |r| r.id);
    let names: HashMap<Uuid, String> = reward::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect();
    Ok(Redemptions {
        items: rows
            .into_iter()
            .map(|r| {
                let name = names.get(&r.reward_id).cloned().unwrap_or_default();
                redemption_view(r, name)
            })
            .collect(),
        next_cursor,
    })
}

/// Staff check a code off when they hand the reward over: once.
pub async fn check_off(state: &AppState, caller: &Caller, code: &str) -> R<Redeemed> {
    caller.require(&[
        Role::Dispatcher,
        Role::Supervisor,
        Role::Admin,
        Role::UnitMember,
    ])?;
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let row = redemption::Entity::find()
        .filter(redemption::Column::Code.eq(&code))
        .one(&state.db)
        .await?
        .ok_or(PointsError::NotFound {
            what: "redemption code",
        })?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let n = redemption::Entity::update_many()
        .col_expr(
            redemption::Column::Status,
            Expr::value(RedemptionStatus::Used.as_str()),
        )
        .col_expr(redemption::Column::UsedAt, Expr::value(now))
        .col_expr(redemption::Column::UsedBy, Expr::value(caller.user_id))
        .filter(redemption::Column::Id.eq(row.id))
        .filter(redemption::Column::Status.eq(RedemptionStatus::Issued))
        .exec(&txn)
        .await?
        .rows_affected;
    if n == 0 {
        let when = row.used_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        return Err(PointsError::AlreadyUsed { at: when });
    }
    audit::record(
        &txn,
        Actor::of(caller),
        "points.check_off",
        "redemption",
        Some(row.id.to_string()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    let used = redemption::Model {
        status: RedemptionStatus::Used,
        used_at: Some(now),
        used_by: Some(caller.user_id),
        ..row
    };
    with_name(state, used).await
}

/// The caller's balance and history, newest first, `limit` at a time.
pub async fn history(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u64,
) -> R<Ledger> {
    caller.require(&[Role::Citizen])?;
    let mut q = entry::Entity::find()
        .filter(entry::Column::UserId.eq(caller.user_id))
        .order_by_desc(entry::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(entry::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |r| r.id);
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.case_id).collect();
    let numbers = cases::numbers_of(&state.db, ids).await?;
    Ok(Ledger {
        balance: ledger::balance(&state.db, caller.user_id).await?,
        entries: rows
            .into_iter()
            .map(|r| Entry {
                id: r.id,
                points: r.points,
                reason: r.reason,
                note: r.note,
                case_no: r.case_id.and_then(|c| numbers.get(&c).cloned()),
                case_id: r.case_id,
                redemption_id: r.redemption_id,
                created_at: r.created_at,
            })
            .collect(),
        next_cursor,
    })
}
