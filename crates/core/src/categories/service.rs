//! Reading the category tree.

use crate::{cases::model::CategoryRules, core::UnknownStored, infra::DbError};
use entity::category;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

#[derive(Debug, thiserror::Error)]
pub enum CategoryError {
    #[error(transparent)]
    Stored(#[from] UnknownStored),
    #[error(transparent)]
    Db(#[from] DbError),
}

crate::db_err_into!(CategoryError);

/// A 大类 with its 小类.
#[derive(Debug)]
pub struct Group {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    /// Its 小类, in display order.
    pub children: Vec<Small>,
}

/// A 小类: its rules and what "fixed" means (结案标准).
#[derive(Debug)]
pub struct Small {
    pub id: uuid::Uuid,
    pub rules: CategoryRules,
    pub close_criterion: String,
}

/// Active categories, 大类 with their 小类, in display order.
pub async fn tree<C: ConnectionTrait>(db: &C) -> Result<Vec<Group>, CategoryError> {
    let rows = category::Entity::find()
        .filter(category::Column::Active.eq(true))
        .order_by_asc(category::Column::SortOrder)
        .order_by_asc(category::Column::Code)
        .all(db)
        .await?;
    let (parents, children): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|c| c.parent_id.is_none());
    parents
        .into_iter()
        .map(|p| {
            let children = children
                .iter()
                .filter(|c| c.parent_id == Some(p.id))
                .map(|c| {
                    Ok(Small {
                        id: c.id,
                        rules: crate::cases::repo::rules_from_row(c)?,
                        close_criterion: c.close_criterion.clone(),
                    })
                })
                .collect::<Result<_, CategoryError>>()?;
            Ok(Group {
                children,
                id: p.id,
                code: p.code,
                name: p.name,
            })
        })
        .collect()
}
