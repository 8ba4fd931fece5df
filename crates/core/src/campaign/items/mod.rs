//! Keeping the indicators: one by one from the console (create or replace
//! by code; retire), or many at once from a sheet (`sheet`), through the
//! same checks and the same write.

use super::{CampaignError, schedule, today};
use crate::{
    audit::{self, Actor},
    core::ErrorCode,
    state::AppState,
};
use domain::campaign::DateRule;
use entity::{assessment_item as item, calendar_task as task, item_unit, key_date, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QueryTrait, Set, TransactionTrait, sea_query::Expr,
};
use std::collections::HashMap;
use uuid::Uuid;

mod check;

pub use check::*;

/// A key date to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDateInput {
    /// What is due (节点说明), 1–100 characters.
    pub title: String,
    pub rule: DateRule,
    /// Working days ahead the units are reminded, 0–60.
    pub lead_working_days: u32,
}

/// An indicator to create or replace, by code.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub criterion: Option<String>,
    pub unit_codes: Vec<String>,
    pub key_dates: Vec<KeyDateInput>,
}

/// An indicator as kept, with its units and its key dates.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: item::Model,
    pub parent_code: Option<String>,
    pub units: Vec<unit::Model>,
    pub key_dates: Vec<key_date::Model>,
}

/// Creates an indicator, or replaces the one with this code: its units and
/// key dates become those given. Tasks already reminded, done or past stay;
/// the coming ones follow the new key dates and units.
pub async fn save(state: &AppState, actor: Actor, i: ItemInput) -> Result<ItemView, CampaignError> {
    if let Some((_, code, message)) = check(&i).into_iter().next() {
        return Err(CampaignError::invalid(code, message));
    }
    let txn = state.db.begin().await?;
    let units = units_by_code(&txn).await?;
    let unit_ids =
        resolve_units(&units, &i.unit_codes).map_err(|code| CampaignError::UnknownUnit { code })?;
    let n = tasks_a_year(&i, unit_ids.len(), today(state));
    if n > MAX_TASKS_A_YEAR {
        return Err(CampaignError::invalid(
            ErrorCode::InvalidRule,
            too_many_tasks(n),
        ));
    }
    let items = items_by_code(&txn).await?;
    let parent = resolve_parent(&items, &HashMap::new(), &i)
        .map_err(|(_, message)| CampaignError::Parent(message))?;
    let id = write(&txn, state, &i, parent, &unit_ids, &items).await?;
    audit::record(
        &txn,
        actor,
        "assessment_item.save",
        "assessment_item",
        Some(i.code.clone()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    get(state, id).await
}

/// Retires an indicator: it gives no new tasks; its coming tasks that no
/// one was reminded of go; what was done stays.
pub async fn retire(state: &AppState, actor: Actor, code: &str) -> Result<(), CampaignError> {
    let txn = state.db.begin().await?;
    let found = item::Entity::find()
        .filter(item::Column::Code.eq(code))
        .one(&txn)
        .await?
        .ok_or(CampaignError::NotFound { what: "indicator" })?;
    item::Entity::update_many()
        .col_expr(item::Column::Active, Expr::value(false))
        .col_expr(item::Column::UpdatedAt, Expr::value(state.clock.now()))
        .filter(item::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    key_date::Entity::update_many()
        .col_expr(key_date::Column::Active, Expr::value(false))
        .filter(key_date::Column::ItemId.eq(found.id))
        .exec(&txn)
        .await?;
    drop_coming(&txn, found.id, today(state), &[], &[]).await?;
    audit::record(
        &txn,
        actor,
        "assessment_item.retire",
        "assessment_item",
        Some(code.to_owned()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every indicator, active ones first, by code.
pub async fn list(state: &AppState) -> Result<Vec<ItemView>, CampaignError> {
    views(state, None).await
}

async fn get(state: &AppState, id: Uuid) -> Result<ItemView, CampaignError> {
    views(state, Some(id))
        .await?
        .pop()
        .ok_or(CampaignError::NotFound { what: "indicator" })
}

/// Every indicator with its units and key dates, or only the one asked for.
async fn views(state: &AppState, only: Option<Uuid>) -> Result<Vec<ItemView>, CampaignError> {
    let items = item::Entity::find()
        .apply_if(only, |q, id| q.filter(item::Column::Id.eq(id)))
        .order_by_desc(item::Column::Active)
        .order_by_asc(item::Column::Code)
        .all(&state.db)
        .await?;
    let links = item_unit::Entity::find()
        .apply_if(only, |q, id| q.filter(item_unit::Column::ItemId.eq(id)))
        .all(&state.db)
        .await?;
    let dates = key_date::Entity::find()
        .filter(key_date::Column::Active.eq(true))
        .apply_if(only, |q, id| q.filter(key_date::Column::ItemId.eq(id)))
        .order_by_asc(key_date::Column::CreatedAt)
        .all(&state.db)
        .await?;
    // The parents' codes: of the items read, or (one item) its parent's.
    let parents: Vec<Uuid> = items.iter().filter_map(|i| i.parent_id).collect();
    let codes: HashMap<Uuid, String> = match only {
        None => items.iter().map(|i| (i.id, i.code.clone())).collect(),
        Some(_) => item::Entity::find()
            .filter(item::Column::Id.is_in(parents))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect(),
    };
    let dir = state.directory.get();
    Ok(items
        .into_iter()
        .map(|it| {
            let mut units: Vec<unit::Model> = links
                .iter()
                .filter(|l| l.item_id == it.id)
                .filter_map(|l| dir.unit(l.unit_id).cloned())
                .collect();
            units.sort_by(|a, b| a.code.cmp(&b.code));
            ItemView {
                parent_code: it.parent_id.and_then(|p| codes.get(&p).cloned()),
                key_dates: dates
                    .iter()
                    .filter(|d| d.item_id == it.id)
                    .cloned()
                    .collect(),
                units,
                item: it,
            }
        })
        .collect())
}

pub(super) async fn units_by_code<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<String, Uuid>, CampaignError> {
    Ok(unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect())
}

pub(super) async fn items_by_code<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<String, item::Model>, CampaignError> {
    Ok(item::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect())
}

/// The units' ids, or the first code that names none.
pub(super) fn resolve_units(
    units: &HashMap<String, Uuid>,
    codes: &[String],
) -> Result<Vec<Uuid>, String> {
    let mut out = vec![];
    for c in codes {
        let id = *units.get(c).ok_or_else(|| c.clone())?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The parent's id (a stored indicator, or one of `pending`, the sheet's
/// own parents by code), refusing a cycle: `Err((column, message))`.
pub(super) fn resolve_parent(
    stored: &HashMap<String, item::Model>,
    pending: &HashMap<String, Option<String>>,
    i: &ItemInput,
) -> Result<Option<String>, (&'static str, String)> {
    let Some(p) = i.parent_code.clone() else {
        return Ok(None);
    };
    if !stored.contains_key(&p) && !pending.contains_key(&p) {
        return Err(("parent", format!("no indicator with code {p}")));
    }
    // Walk up, through the sheet's parents first (they replace the
    // stored ones), then the stored tree.
    let by_id: HashMap<Uuid, &str> = stored.values().map(|m| (m.id, m.code.as_str())).collect();
    let mut cur = Some(p.clone());
    let mut steps = 0;
    while let Some(c) = cur {
        if c == i.code || steps > 1000 {
            return Err(("parent", "an indicator cannot be under itself".into()));
        }
        steps += 1;
        cur = match pending.get(&c) {
            Some(up) => up.clone(),
            None => stored
                .get(&c)
                .and_then(|m| m.parent_id)
                .and_then(|pid| by_id.get(&pid).map(|s| (*s).to_owned())),
        };
    }
    Ok(Some(p))
}

/// Writes one indicator in the caller's transaction: the row, its units,
/// its key dates (unchanged ones are kept, with their tasks), and its
/// coming tasks. Returns its id.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    state: &AppState,
    i: &ItemInput,
    parent_code: Option<String>,
    unit_ids: &[Uuid],
    stored: &HashMap<String, item::Model>,
) -> Result<Uuid, CampaignError> {
    let now = state.clock.now();
    let parent_id = match parent_code {
        None => None,
        Some(p) => Some(
            item::Entity::find()
                .filter(item::Column::Code.eq(&p))
                .one(txn)
                .await?
                .ok_or_else(|| CampaignError::Parent(format!("no indicator with code {p}")))?
                .id,
        ),
    };
    let existing = stored.get(&i.code);
    let id = existing.map_or_else(Uuid::now_v7, |e| e.id);
    let am = item::ActiveModel {
        id: Set(id),
        code: Set(i.code.clone()),
        name: Set(i.name.trim().to_owned()),
        parent_id: Set(parent_id),
        criterion: Set(i.criterion.clone().filter(|c| !c.trim().is_empty())),
        active: Set(true),
        created_at: Set(existing.map_or(now, |e| e.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        am.update(txn).await?;
    } else {
        am.insert(txn).await?;
    }
    item_unit::Entity::delete_many()
        .filter(item_unit::Column::ItemId.eq(id))
        .exec(txn)
        .await?;
    if !unit_ids.is_empty() {
        item_unit::Entity::insert_many(unit_ids.iter().map(|u| item_unit::ActiveModel {
            item_id: Set(id),
            unit_id: Set(*u),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    // Key dates: keep the unchanged, retire the rest, add the new.
    let old = key_date::Entity::find()
        .filter(key_date::Column::ItemId.eq(id))
        .filter(key_date::Column::Active.eq(true))
        .all(txn)
        .await?;
    // A key date is its rule: one whose rule stays keeps its id and its
    // tasks (its title and lead are updated in place); the others retire.
    let same = |k: &key_date::Model, n: &KeyDateInput| {
        let (kind, date, num) = n.rule.parts();
        k.rule_kind == kind && k.rule_date == date && k.rule_n == num
    };
    let mut kept = vec![];
    for k in &old {
        let update = match i.key_dates.iter().find(|n| same(k, n)) {
            Some(n) => {
                kept.push(k.id);
                key_date::ActiveModel {
                    id: Set(k.id),
                    title: Set(n.title.trim().to_owned()),
                    lead_working_days: Set(i32::try_from(n.lead_working_days).unwrap_or(0)),
                    ..Default::default()
                }
            }
            None => key_date::ActiveModel {
                id: Set(k.id),
                active: Set(false),
                ..Default::default()
            },
        };
        update.update(txn).await?;
    }
    for n in &i.key_dates {
        if old.iter().any(|k| same(k, n)) {
            continue;
        }
        let (kind, date, num) = n.rule.parts();
        let kid = Uuid::now_v7();
        key_date::ActiveModel {
            id: Set(kid),
            item_id: Set(id),
            title: Set(n.title.trim().to_owned()),
            rule_kind: Set(kind),
            rule_date: Set(date),
            rule_n: Set(num),
            lead_working_days: Set(i32::try_from(n.lead_working_days).unwrap_or(0)),
            active: Set(true),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        kept.push(kid);
    }
    drop_coming(txn, id, today(state), &kept, unit_ids).await?;
    schedule::generate(txn, &state.calendar.get(), now, today(state), Some(id)).await?;
    Ok(id)
}

/// Deletes the indicator's coming tasks still open (pending or returned,
/// reminded or not) that no longer follow from its key dates (`keep`) and
/// units: a duty the city dropped is no longer due. What was handed in,
/// and what is past, stays.
async fn drop_coming<C: ConnectionTrait>(
    db: &C,
    item_id: Uuid,
    today: chrono::NaiveDate,
    keep: &[Uuid],
    units: &[Uuid],
) -> Result<(), CampaignError> {
    task::Entity::delete_many()
        .filter(task::Column::ItemId.eq(item_id))
        .filter(task::Column::Status.is_in([
            domain::campaign::TaskStatus::Pending,
            domain::campaign::TaskStatus::Returned,
        ]))
        .filter(task::Column::DueOn.gte(today))
        .filter(
            Condition::any()
                .add(task::Column::KeyDateId.is_not_in(keep.iter().copied()))
                .add(task::Column::UnitId.is_not_in(units.iter().copied())),
        )
        .exec(db)
        .await?;
    Ok(())
}
