//! City-wide settings and the change counters ("generations") that tell every
//! node to reload a cached snapshot (areas, routing, calendar, categories).

use anyhow::Context;
use entity::setting;
use migration::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// What a generation counter guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gen {
    Areas,
    Directory,
    Calendar,
    Categories,
}

impl Gen {
    pub const ALL: [Gen; 4] = [Gen::Areas, Gen::Directory, Gen::Calendar, Gen::Categories];

    fn key(self) -> &'static str {
        match self {
            Gen::Areas => "gen:areas",
            Gen::Directory => "gen:directory",
            Gen::Calendar => "gen:calendar",
            Gen::Categories => "gen:categories",
        }
    }
}

pub async fn get<C: ConnectionTrait>(db: &C, key: &str) -> anyhow::Result<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
        .with_context(|| format!("read setting {key}"))?
        .map(|s| s.value))
}

pub async fn put<C: ConnectionTrait>(db: &C, key: &str, value: &str) -> anyhow::Result<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await
    .with_context(|| format!("write setting {key}"))?;
    Ok(())
}

/// Settings as a node reads them: again at most every
/// `workflow.cache_refresh_ms` (5 s by default), so that a hot path costs
/// no read of them (a change applies at once on the node that made it,
/// which forgets it, and within that time on the others).
#[derive(Clone)]
pub struct Cached(moka::sync::Cache<String, Option<String>>);

impl Cached {
    /// A cache whose entries are read again after `every`.
    pub fn new(every: std::time::Duration) -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(64)
                .time_to_live(every)
                .build(),
        )
    }
}

impl Cached {
    /// The setting, read through `db` when the cache has none.
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        key: &str,
    ) -> anyhow::Result<Option<String>> {
        if let Some(v) = self.0.get(key) {
            return Ok(v);
        }
        let v = get(db, key).await?;
        self.0.insert(key.to_owned(), v.clone());
        Ok(v)
    }

    /// Forgets a setting this node just changed.
    pub fn forget(&self, key: &str) {
        self.0.invalidate(key);
    }
}

/// Marks `what` as changed; call inside the transaction of the change.
pub async fn bump<C: ConnectionTrait>(db: &C, what: Gen) -> anyhow::Result<()> {
    put(db, what.key(), &uuid::Uuid::now_v7().to_string()).await
}

/// The current generation of everything.
pub async fn generations<C: ConnectionTrait>(db: &C) -> anyhow::Result<HashMap<Gen, String>> {
    let rows = setting::Entity::find()
        .filter(setting::Column::Key.starts_with("gen:"))
        .all(db)
        .await
        .context("read generations")?;
    Ok(Gen::ALL
        .into_iter()
        .filter_map(|g| {
            rows.iter()
                .find(|r| r.key == g.key())
                .map(|r| (g, r.value.clone()))
        })
        .collect())
}
