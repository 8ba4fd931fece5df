//! What the live feed holds on a node.

use crate::{
    config::Config,
    infra::{bus::LiveBus, slots::Slots},
};

/// The bus that carries committed timeline entries to every node, and the
/// feeds open per account.
pub struct Context {
    /// Committed timeline entries, announced to every node.
    pub bus: LiveBus,
    /// Live feeds open per account (`limits.feeds_per_account`).
    pub feed_slots: Slots,
}

impl Context {
    pub async fn start(config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            bus: LiveBus::start(config.redis_url.as_deref(), &config.key_prefix).await?,
            feed_slots: Slots::default(),
        })
    }
}
