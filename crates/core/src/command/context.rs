//! What the command centre holds on a node.

use super::index::CaseIndex;
use crate::{
    config::Config,
    infra::{metrics::Metrics, slots::Slots, store::ObjectStore},
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Every case's map and indicator facts, and the bounds on case exports.
pub struct Context {
    /// Every case's map and indicator facts, in memory.
    pub index: CaseIndex,
    /// Case exports running per account (one).
    pub exports_per_account: Slots,
    /// Case exports running on this node (`limits.exports_at_once`).
    pub exports_at_once: Arc<Semaphore>,
}

impl Context {
    /// Loads the case index through `index_db`, a connection whose reads
    /// are not counted with the statements of requests.
    pub async fn load(
        config: &Config,
        index_db: DatabaseConnection,
        now: crate::core::Ts,
        (store, metrics): (&ObjectStore, &Metrics),
    ) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let dir = std::path::Path::new(&config.data_dir);
        Ok(Self {
            index: CaseIndex::load(index_db, now, store, dir, metrics)
                .await
                .context("load the case index")?,
            exports_per_account: Slots::default(),
            exports_at_once: Arc::new(Semaphore::new(config.limits.exports_at_once.max(1))),
        })
    }
}
