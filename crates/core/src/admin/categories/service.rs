//! Categories: listing, and creating or replacing one by code.

use crate::core::ErrorCode;
use crate::{
    admin::{
        codes::{category_by_code, check_code},
        error::AdminError,
    },
    audit::{self, Actor},
    categories::attributes::{self, Attribute},
    core::LimitUnit,
    infra::settings::{self, Gen},
};
use entity::category;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

/// A category as stored.
pub type Category = entity::category::Model;

/// A category to create or replace.
#[derive(Debug, Clone)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub time_limit: Option<i32>,
    pub limit_unit: Option<LimitUnit>,
    pub accept_limit_hours: Option<i32>,
    pub manual_review: bool,
    pub close_criterion: String,
    pub unsatisfied_max: i32,
    pub sort_order: i32,
    pub active: bool,
    pub attributes: Vec<Attribute>,
}

/// Every category, 大类 and 小类, by code.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<category::Model>, AdminError> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Code)
        .all(db)
        .await?)
}

/// Creates a category, or replaces the one with this code.
pub async fn upsert_category(
    db: &DatabaseConnection,
    actor: Actor,
    c: CategoryInput,
) -> Result<category::Model, AdminError> {
    check_code(&c.code)?;
    if c.name.trim().is_empty() || c.name.chars().count() > 64 {
        return Err(AdminError::invalid(
            ErrorCode::InvalidName,
            "a name is 1–64 characters",
        ));
    }
    if c.close_criterion.chars().count() > 500 {
        return Err(AdminError::invalid(
            ErrorCode::InvalidCriterion,
            "closeCriterion has at most 500 characters",
        ));
    }
    if c.parent_code.as_deref() == Some(c.code.as_str()) {
        return Err(AdminError::InvalidParent(
            "a category cannot be its own parent",
        ));
    }
    if !(0..=5).contains(&c.unsatisfied_max) {
        return Err(AdminError::invalid(
            ErrorCode::InvalidThreshold,
            "unsatisfiedMax is 0–5",
        ));
    }
    attributes::check_definition(&c.attributes)
        .map_err(|e| AdminError::invalid(e.code, e.message))?;
    let txn = db.begin().await?;
    let parent = match &c.parent_code {
        Some(p) => {
            let parent = category_by_code(&txn, p).await?;
            if parent.parent_id.is_some() {
                return Err(AdminError::InvalidParent(
                    "categories have two levels: the parent must be a 大类",
                ));
            }
            Some(parent.id)
        }
        None => None,
    };
    if parent.is_none() && !c.attributes.is_empty() {
        return Err(AdminError::invalid(
            ErrorCode::InvalidAttributes,
            "a 大类 has no attributes; give them to its 小类",
        ));
    }
    if parent.is_some() {
        match (c.time_limit, c.limit_unit, c.accept_limit_hours) {
            (Some(t), Some(_), Some(a)) if (1..=10_000).contains(&t) && (1..=1000).contains(&a) => {
            }
            _ => {
                return Err(AdminError::invalid(
                    ErrorCode::InvalidTimeLimit,
                    "a 小类 needs timeLimit (1–10000), limitUnit and acceptLimitHours (1–1000)",
                ));
            }
        }
    }
    let existing = category::Entity::find()
        .filter(category::Column::Code.eq(&c.code))
        .one(&txn)
        .await?;
    if let (Some(e), Some(_)) = (&existing, parent) {
        let children = category::Entity::find()
            .filter(category::Column::ParentId.eq(e.id))
            .one(&txn)
            .await?;
        if children.is_some() {
            return Err(AdminError::InvalidParent(
                "this 大类 has 小类 and cannot become a 小类 itself",
            ));
        }
    }
    if let (Some(e), None) = (&existing, parent)
        && e.parent_id.is_some()
    {
        // A 大类 has no time limits; the cases of a 小类 need its limits.
        let cases = entity::cases::Entity::find()
            .filter(entity::cases::Column::CategoryId.eq(e.id))
            .one(&txn)
            .await?;
        if cases.is_some() {
            return Err(AdminError::InvalidParent(
                "this 小类 has cases and cannot become a 大类; deactivate it instead",
            ));
        }
    }
    let am = category::ActiveModel {
        id: Set(existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id)),
        code: Set(c.code.clone()),
        name: Set(c.name.trim().to_owned()),
        parent_id: Set(parent),
        time_limit: Set(c.time_limit.filter(|_| parent.is_some())),
        limit_unit: Set(c.limit_unit.filter(|_| parent.is_some())),
        accept_limit_hours: Set(c.accept_limit_hours.filter(|_| parent.is_some())),
        manual_review: Set(c.manual_review),
        close_criterion: Set(c.close_criterion.clone()),
        sort_order: Set(c.sort_order),
        active: Set(c.active),
        unsatisfied_max: Set(c.unsatisfied_max),
        attributes: Set(attributes::store(&c.attributes)),
    };
    let saved = if existing.is_some() {
        am.update(&txn).await?
    } else {
        am.insert(&txn).await?
    };
    audit::record(
        &txn,
        actor,
        "category.save",
        "category",
        Some(c.code.clone()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Categories).await?;
    txn.commit().await?;
    Ok(saved)
}
