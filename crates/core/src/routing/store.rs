//! Reading units and routing rules from the database.

use super::Directory;
use anyhow::Context;
use entity::{routing_rule, unit};
use sea_orm::{ConnectionTrait, EntityTrait};

impl Directory {
    /// Every unit and rule.
    pub async fn load<C: ConnectionTrait>(db: &C) -> anyhow::Result<Self> {
        let units = unit::Entity::find().all(db).await.context("load units")?;
        let rules = routing_rule::Entity::find()
            .all(db)
            .await
            .context("load routing rules")?;
        Ok(Self::from_parts(units, rules))
    }
}
