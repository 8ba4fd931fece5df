//! What the operations endpoints and the HTTP edge hold on a node.

use super::service::Probed;
use crate::{config::Config, infra::networks::Networks};
use std::{sync::Arc, time::Instant};
use tokio::sync::Mutex;

/// The networks the node trusts, parsed from configuration, and the last
/// readiness answer.
pub struct Context {
    /// `limits.trusted_proxies`: whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Networks,
    /// `limits.ops_networks`: who may ask `/readyz` and `/metrics`.
    pub ops_networks: Networks,
    /// The last readiness answer and when it was had (`/readyz`).
    pub readiness: Arc<Mutex<Option<(Instant, Probed)>>>,
}

impl Context {
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let networks = |setting: &str, entries: &[String]| {
            Networks::parse(setting, entries).map_err(anyhow::Error::msg)
        };
        let limits = &config.limits;
        Ok(Self {
            trusted_proxies: networks("limits.trusted_proxies", &limits.trusted_proxies)?,
            ops_networks: networks("limits.ops_networks", &limits.ops_networks)?,
            readiness: Arc::default(),
        })
    }
}
