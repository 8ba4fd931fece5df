//! What the outbox worker holds on a node: unit webhooks and WeChat
//! messages going out.

use crate::{config::Config, infra::egress::Egress};
use anyhow::Context as _;
use std::{sync::Arc, time::Duration};
use tokio::sync::Semaphore;

/// Where unit webhooks may connect, the client that connects, and the
/// bound on sends at once.
pub struct Context {
    /// Where unit webhooks may connect.
    pub egress: Egress,
    /// Outgoing HTTP for unit webhooks, guarded by `egress`.
    pub webhook_http: reqwest::Client,
    /// Bounds the notifications being sent at once (`webhooks.at_once`).
    pub slots: Arc<Semaphore>,
}

impl Context {
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let hooks = &config.webhooks;
        let egress = Egress::new(&hooks.allow_hosts);
        let webhook_http = egress
            .client(Duration::from_millis(hooks.timeout_ms))
            .context("webhook http client")?;
        Ok(Self {
            egress,
            webhook_http,
            slots: Arc::new(Semaphore::new(hooks.at_once.max(1))),
        })
    }
}
