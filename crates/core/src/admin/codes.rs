//! What a code may be, and finding units, categories and areas by code:
//! shared by the resources that name one another.

use super::error::AdminError;
use crate::core::ErrorCode;
use entity::{area, category, unit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Codes are 1–32 letters, digits, '-' or '_'.
pub(super) fn check_code(code: &str) -> Result<(), AdminError> {
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AdminError::invalid(
            ErrorCode::InvalidCode,
            "codes are 1–32 letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

pub(super) async fn unit_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<unit::Model, AdminError> {
    unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::UnknownUnit { code: code.into() })
}

pub(super) async fn category_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<category::Model, AdminError> {
    category::Entity::find()
        .filter(category::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::UnknownCategory { code: code.into() })
}

pub(super) async fn area_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<area::Model, AdminError> {
    area::Entity::find()
        .filter(area::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AdminError::UnknownArea { code: code.into() })
}
