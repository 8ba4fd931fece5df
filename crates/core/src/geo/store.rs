//! Reading the city's areas from the database into the index.

use super::areas::{AreaIndex, AreaShape, parse_geometry};
use anyhow::Context;
use sea_orm::{DatabaseConnection, EntityTrait};

impl AreaIndex {
    /// Every stored area, parsed; a bad geometry or level names its area.
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Self> {
        let rows = entity::area::Entity::find()
            .all(db)
            .await
            .context("load areas")?;
        let mut areas = Vec::with_capacity(rows.len());
        for r in rows {
            let shape =
                parse_geometry(&r.geometry).with_context(|| format!("area {} geometry", r.code))?;
            let level = r.level;
            areas.push(AreaShape {
                id: r.id,
                code: r.code,
                name: r.name,
                level,
                parent_id: r.parent_id,
                shape,
            });
        }
        Ok(Self::new(areas))
    }
}
