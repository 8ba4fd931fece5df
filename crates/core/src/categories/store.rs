//! Reading every category into the catalogue.

use super::catalog::Catalog;
use anyhow::Context;
use entity::category;
use sea_orm::{ConnectionTrait, EntityTrait};

impl Catalog {
    pub async fn load<C: ConnectionTrait>(db: &C) -> anyhow::Result<Self> {
        let rows = category::Entity::find()
            .all(db)
            .await
            .context("load categories")?;
        Ok(Self::from_rows(rows))
    }
}
