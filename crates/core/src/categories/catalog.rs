//! Every category in memory, as a snapshot every node reloads when the
//! categories change (their generation in the settings table): submission,
//! the case loop and the views read it without a query.

use entity::category;
use std::collections::HashMap;
use uuid::Uuid;

/// A category as stored (and as the catalogue holds it).
pub type Category = category::Model;

#[derive(Default)]
pub struct Catalog {
    by_id: HashMap<Uuid, category::Model>,
    by_code: HashMap<String, Uuid>,
}

impl Catalog {
    pub fn from_rows(rows: Vec<category::Model>) -> Self {
        let by_code = rows.iter().map(|c| (c.code.clone(), c.id)).collect();
        let by_id = rows.into_iter().map(|c| (c.id, c)).collect();
        Self { by_id, by_code }
    }

    pub fn by_id(&self, id: Uuid) -> Option<&category::Model> {
        self.by_id.get(&id)
    }

    /// Every category, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = &category::Model> {
        self.by_id.values()
    }

    pub fn by_code(&self, code: &str) -> Option<&category::Model> {
        self.by_code.get(code).and_then(|id| self.by_id.get(id))
    }

    /// An active small category (小类): what a citizen may report.
    pub fn reportable(&self, code: &str) -> Option<&category::Model> {
        self.by_code(code)
            .filter(|c| c.active && c.parent_id.is_some())
    }

    /// The category with this code and, for a 大类, its 小类.
    pub fn with_children(&self, code: &str) -> Option<Vec<Uuid>> {
        let c = self.by_code(code)?;
        Some(
            self.by_id
                .values()
                .filter(|x| x.id == c.id || x.parent_id == Some(c.id))
                .map(|x| x.id)
                .collect(),
        )
    }
}
