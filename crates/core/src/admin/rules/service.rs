//! Routing rules: (category, area) → unit; listing, adding, deleting.

use crate::{
    admin::{
        codes::{area_by_code, category_by_code, unit_by_code},
        error::AdminError,
    },
    audit::{self, Actor},
    core::time::utc_now,
    infra::settings::{self, Gen},
};
use entity::routing_rule;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

/// A routing rule as stored.
pub type Rule = entity::routing_rule::Model;

/// Every routing rule, oldest first.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<routing_rule::Model>, AdminError> {
    Ok(routing_rule::Entity::find()
        .order_by_asc(routing_rule::Column::Id)
        .all(db)
        .await?)
}

/// Adds a routing rule (category and area optional: any / city-wide).
pub async fn add_rule(
    db: &DatabaseConnection,
    actor: Actor,
    category_code: Option<&str>,
    area_code: Option<&str>,
    unit_code: &str,
) -> Result<routing_rule::Model, AdminError> {
    let txn = db.begin().await?;
    let unit = unit_by_code(&txn, unit_code).await?;
    let cat = match category_code {
        Some(c) => Some(category_by_code(&txn, c).await?.id),
        None => None,
    };
    let area = match area_code {
        Some(a) => Some(area_by_code(&txn, a).await?.id),
        None => None,
    };
    let mut q = routing_rule::Entity::find();
    q = match cat {
        Some(c) => q.filter(routing_rule::Column::CategoryId.eq(c)),
        None => q.filter(routing_rule::Column::CategoryId.is_null()),
    };
    q = match area {
        Some(a) => q.filter(routing_rule::Column::AreaId.eq(a)),
        None => q.filter(routing_rule::Column::AreaId.is_null()),
    };
    if q.one(&txn).await?.is_some() {
        return Err(AdminError::RuleExists);
    }
    let rule = routing_rule::ActiveModel {
        id: Set(Uuid::now_v7()),
        category_id: Set(cat),
        area_id: Set(area),
        unit_id: Set(unit.id),
        created_at: Set(utc_now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "routing_rule.add",
        "routing_rule",
        Some(rule.id.to_string()),
        None,
        Some(serde_json::json!({"category": category_code, "area": area_code, "unit": unit_code})),
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(rule)
}

/// Deletes a routing rule; returns it as it was.
pub async fn delete_rule(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
) -> Result<routing_rule::Model, AdminError> {
    let not_found = || AdminError::NotFound {
        what: "routing rule",
    };
    let row = routing_rule::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let txn = db.begin().await?;
    let res = routing_rule::Entity::delete_by_id(id).exec(&txn).await?;
    if res.rows_affected == 0 {
        return Err(not_found());
    }
    audit::record(
        &txn,
        actor,
        "routing_rule.delete",
        "routing_rule",
        Some(id.to_string()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(row)
}
