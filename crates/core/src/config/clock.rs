//! The node's clock (`core::time::Now`).

use serde::{Deserialize, Serialize};

/// Where the node's clock starts.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ClockConfig {
    /// Start the node's clock at this instant (RFC 3339) instead of the
    /// system's, and run it on from there: for tests and for drills that
    /// replay a working day. Refused in production mode.
    pub start: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError, Mode};

    #[test]
    fn production_keeps_the_systems_time() {
        let mut c = Config {
            mode: Mode::Production,
            jwt_secret: "0123456789abcdef0123456789abcdef-clock".to_owned().into(),
            dev_login: false,
            ..Config::default()
        };
        assert!(c.check().is_ok(), "{:?}", c.check());
        c.clock.start = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00").ok();
        assert!(matches!(c.check(), Err(ConfigError::Insecure(m)) if m.contains("clock.start")));
    }
}
