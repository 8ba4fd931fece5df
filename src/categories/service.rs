//! Reading the category tree.

use super::{CategoryGroup, Subcategory};
use crate::{core::UnknownStored, infra::DbError};
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

/// Active categories, 大类 with their 小类, in display order.
pub async fn tree<C: ConnectionTrait>(db: &C) -> Result<Vec<CategoryGroup>, CategoryError> {
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
                    let r = crate::cases::repo::rules_from_row(c)?;
                    Ok(Subcategory {
                        id: c.id,
                        code: r.code,
                        name: r.name,
                        time_limit: i32::try_from(r.time_limit).unwrap_or(i32::MAX),
                        limit_unit: r.limit_unit,
                        accept_limit_hours: i32::try_from(r.accept_limit_hours).unwrap_or(i32::MAX),
                        manual_review: r.manual_review,
                        close_criterion: c.close_criterion.clone(),
                    })
                })
                .collect::<Result<_, CategoryError>>()?;
            Ok(CategoryGroup {
                children,
                id: p.id,
                code: p.code,
                name: p.name,
            })
        })
        .collect()
}
