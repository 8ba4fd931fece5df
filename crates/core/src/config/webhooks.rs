//! Unit webhook settings.

use serde::{Deserialize, Serialize};

/// Unit webhooks: where they may connect and how long a receiver gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookConfig {
    /// Hosts (names or addresses, as written in the URL) a webhook may
    /// reach although they are internal (loopback, private, link-local).
    pub allow_hosts: Vec<String>,
    /// How long one call may take, milliseconds (under 50 000: the outbox
    /// row's lease is 60 s, and a call must end within it).
    pub timeout_ms: u64,
    /// How many calls a node makes at once; a slow receiver holds one.
    pub at_once: usize,
}
