//! What the auth feature holds on a node.

use super::{
    accounts::AccountCheck,
    jwt::{JwtKeys, Lifetimes},
};
use crate::config::Config;
use std::{sync::Arc, time::Duration};
use tokio::sync::Semaphore;

/// Token keys, the account check behind every token, and the bound on
/// password checks.
pub struct Context {
    pub jwt: JwtKeys,
    /// Tokens checked against their accounts (cached ≤ 30 s).
    pub accounts: AccountCheck,
    /// Bounds the password checks (Argon2) running at once.
    pub password_checks: Arc<Semaphore>,
}

impl Context {
    pub fn new(config: &Config) -> Self {
        Self {
            jwt: JwtKeys::new(
                &config.jwt_secret,
                Lifetimes {
                    citizen: config.token_ttl_secs,
                    staff: config.staff_token_ttl_secs,
                    staff_session: config.staff_session_secs,
                },
            ),
            accounts: AccountCheck::new(Duration::from_secs(config.account_cache_secs)),
            password_checks: Arc::new(Semaphore::new(config.limits.password_checks_at_once.max(1))),
        }
    }
}
