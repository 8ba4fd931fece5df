//! Typed configuration: embedded defaults, then `suishoupai.toml` (if present),
//! then `SSP_*` environment variables (`SSP_STORE__KIND=s3`, …).

mod clock;
mod content;
mod embedded;
mod limits;
mod media;
mod store;
mod webhooks;
mod wechat;
pub use clock::ClockConfig;
pub use content::ContentSecurityConfig;
pub use limits::RateLimits;
pub use media::MediaConfig;
pub use store::{ChecksumMode, S3Config, StoreConfig, StoreKind};
pub use webhooks::WebhookConfig;
pub use wechat::WechatConfig;

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The JWT secret shipped for the embedded default; production refuses it.
pub const DEFAULT_JWT_SECRET: &str = "suishoupai-embedded-dev-secret-change-me";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// SQLite + local files + in-process shared state; dev login allowed.
    Embedded,
    /// Real parts; insecure defaults are refused at start.
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub mode: Mode,
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Base of absolute URLs handed to clients (signed photo URLs). Empty:
    /// URLs are relative to the API host.
    pub public_url: String,
    pub database_url: String,
    /// PostgreSQL schema to use (search_path); none means the server default.
    pub database_schema: Option<String>,
    /// Redis URL; none means in-process shared state (one node only).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so several deployments (or tests) can share one Redis.
    pub key_prefix: String,
    /// How many API nodes this deployment declares.
    pub nodes: u32,
    pub store: StoreConfig,
    #[serde(serialize_with = "ser_secret")]
    pub jwt_secret: SecretString,
    /// Lifetime of citizens' bearer tokens, in seconds (the mini-program
    /// logs in again silently with `wx.login()`).
    pub token_ttl_secs: u64,
    /// Lifetime of staff and unit accounts' bearer tokens, in seconds;
    /// `/auth/refresh` issues the next one.
    pub staff_token_ttl_secs: u64,
    /// How long after a password login `/auth/refresh` keeps working, in
    /// seconds: a shift, then the password again.
    pub staff_session_secs: u64,
    /// How long a node trusts what it read of an account (disabled, role,
    /// unit) before reading it again, in seconds; at most 30.
    pub account_cache_secs: u64,
    pub dev_login: bool,
    /// Load the demo city into an empty database.
    pub demo_data: bool,
    pub wechat: WechatConfig,
    pub media: MediaConfig,
    pub limits: RateLimits,
    pub reports: ReportConfig,
    pub workflow: WorkflowConfig,
    #[serde(default)]
    pub publication: PublicationConfig,
    #[serde(default)]
    pub retention: RetentionConfig,
    #[serde(default)]
    pub clock: ClockConfig,
    /// Seconds in-flight requests get to finish at shutdown.
    pub shutdown_grace_secs: u64,
    pub console: ConsoleConfig,
    pub webhooks: WebhookConfig,
    /// Where the embedded default keeps its files (the generated JWT
    /// secret; the default database and photos are under it too).
    pub data_dir: String,
    /// Let the embedded default listen on a non-loopback address although
    /// the demo accounts or dev login are on (a throwaway demo only).
    pub allow_public_demo: bool,
}

/// The staff console's basemap. With no tile URL the map draws the city's
/// areas on a plain background and needs no network.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConsoleConfig {
    /// A raster tile URL template (`{z}`, `{x}`, `{y}`, and `{s}` for a
    /// subdomain), e.g. Tianditu's `vec_w` or AMap's tiles.
    pub tile_url: Option<String>,
    /// Subdomains for `{s}`, e.g. "01234567" for Tianditu's t0–t7.
    pub tile_subdomains: String,
    /// The datum the tiles are drawn in: gcj02 (AMap, Tencent) or wgs84
    /// (Tianditu, OpenStreetMap). The console asks the API for that datum.
    pub tile_coord_system: TileDatum,
    /// The attribution shown on the map (tile licences require one).
    pub tile_attribution: String,
    /// The highest zoom the tiles have.
    pub tile_max_zoom: u8,
}

/// The datum a basemap is drawn in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TileDatum {
    #[default]
    Wgs84,
    Gcj02,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportConfig {
    pub max_description_chars: usize,
    pub max_address_chars: usize,
    /// How long an Idempotency-Key is remembered, seconds.
    pub idempotency_ttl_secs: u64,
    /// Case numbers a node reserves at once (one database round trip per
    /// block instead of per report). Numbers a node had reserved but not used
    /// when it stops are skipped; 1 gives gap-free numbers at the cost of a
    /// counter update per report.
    pub case_number_block: u32,
}

/// How long photos and identities are kept (`privacy::retention`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RetentionConfig {
    /// Days after a case ended (closed, rejected, merged) that its photos
    /// are deleted; 0 keeps them. Default 1095 (three years).
    pub photo_days: u32,
    /// Days a citizen's account may go unused before its identity is
    /// removed (as a deletion); 0 keeps it. Default 1095.
    pub identity_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            photo_days: 1095,
            identity_days: 1095,
        }
    }
}

/// What the public may see (api-docs/contract.md, "Publication").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicationConfig {
    /// Publish a case that was dispatched automatically (its category
    /// needs no manual review) before any person took it on. Off by
    /// default: that a category needs no review says how it is routed,
    /// not that it may be shown. `SSP_PUBLICATION__AUTO_DISPATCHED=true`.
    pub auto_dispatched: bool,
    /// How long a node keeps a rendered page of the public board, and
    /// how long clients and CDNs may (`Cache-Control: max-age`); 0 renders
    /// every request. `SSP_PUBLICATION__BOARD_CACHE_SECS`.
    pub board_cache_secs: u64,
}

impl Default for PublicationConfig {
    fn default() -> Self {
        Self {
            auto_dispatched: false,
            board_cache_secs: 30,
        }
    }
}

/// Deadlines, the scheduler, duplicates and notification delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkflowConfig {
    /// A warning (预警) fires when this fraction of the limit has run.
    pub warn_fraction: f64,
    /// Open cases of the same category within this many metres …
    pub duplicate_radius_m: f64,
    /// … submitted within this many hours are duplicate candidates.
    pub duplicate_window_hours: i64,
    /// A pin on an area's border, or outside every area but within this
    /// many metres of one, belongs to one area (see `AreaIndex::locate`).
    pub border_tolerance_m: f64,
    /// How often the scheduler looks for due timers, milliseconds.
    pub scheduler_tick_ms: u64,
    /// How often the outbox worker looks for due notifications, milliseconds.
    pub outbox_tick_ms: u64,
    /// Delivery attempts before a notification is given up (status failed).
    pub outbox_max_attempts: i32,
    /// First retry delay, doubled at each attempt, milliseconds.
    pub outbox_backoff_ms: u64,
    /// How often a node checks whether areas, units, rules, categories or
    /// the calendar changed elsewhere, and reads its cached settings (the
    /// points rules) again, milliseconds.
    pub cache_refresh_ms: u64,
    /// How often the case index re-reads the cases whose `updated_at`
    /// moved (for changes the live bus lost), milliseconds.
    pub index_catch_up_ms: u64,
    /// How often the nodes that run the background jobs write the case
    /// index's snapshot to the object store, for nodes starting to load
    /// instead of reading every case, seconds (0: never).
    pub index_snapshot_secs: u64,
    /// Run the scheduler and the outbox worker on this node.
    pub background_jobs: bool,
}

pub(super) fn ser_secret<S: serde::Serializer>(
    s: &SecretString,
    ser: S,
) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose_secret())
}

fn ser_opt_secret<S: serde::Serializer>(
    s: &Option<SecretString>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_some(s.expose_secret()),
        None => ser.serialize_none(),
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Embedded,
            bind: "127.0.0.1:8080".into(),
            public_url: String::new(),
            database_url: "sqlite://./data/suishoupai.db?mode=rwc".into(),
            database_schema: None,
            redis_url: None,
            key_prefix: "ssp:".into(),
            nodes: 1,
            store: StoreConfig {
                kind: StoreKind::Local,
                local_root: "./data/objects".into(),
                s3: S3Config {
                    endpoint: None,
                    region: "us-east-1".into(),
                    bucket: "suishoupai".into(),
                    access_key: String::new(),
                    secret_key: SecretString::from(""),
                    path_style: true,
                    checksums: ChecksumMode::WhenRequired,
                    create_bucket: false,
                },
            },
            jwt_secret: SecretString::from(DEFAULT_JWT_SECRET),
            token_ttl_secs: 7 * 24 * 3600,
            staff_token_ttl_secs: 3600,
            staff_session_secs: 12 * 3600,
            account_cache_secs: 30,
            dev_login: true,
            demo_data: true,
            wechat: WechatConfig {
                base_url: "https://api.weixin.qq.com".into(),
                appid: String::new(),
                secret: SecretString::from(""),
                timeout_ms: 5000,
                subscribe_template_id: None,
                calendar_template_id: None,
                miniprogram_state: "formal".into(),
                content_security: ContentSecurityConfig::default(),
            },
            media: MediaConfig::default(),
            limits: RateLimits {
                login_per_ip: 30,
                login_failures_per_user_ip: 10,
                login_failures_per_ip: 30,
                login_failures_per_user: 10,
                password_checks_at_once: std::thread::available_parallelism()
                    .map_or(2, |n| n.get()),
                password_check_wait_ms: 2000,
                upload_per_user: 60,
                upload_per_ip: 120,
                report_per_user: 20,
                report_per_ip: 60,
                trusted_proxies: vec![],
                header_read_secs: 20,
                idle_secs: 60,
                body_idle_secs: 15,
                body_min_bytes_per_sec: 16 * 1024,
                uploads_per_address: 4,
                feeds_per_account: 5,
                feed_replay_rows: 10_000,
                exports_at_once: 2,
                open311_reads_per_ip: 120,
                ops_networks: [
                    "127.0.0.0/8",
                    "::1/128",
                    "10.0.0.0/8",
                    "172.16.0.0/12",
                    "192.168.0.0/16",
                    "fc00::/7",
                ]
                .map(String::from)
                .to_vec(),
            },
            reports: ReportConfig {
                max_description_chars: 1000,
                max_address_chars: 200,
                idempotency_ttl_secs: 24 * 3600,
                case_number_block: 20,
            },
            workflow: WorkflowConfig {
                warn_fraction: 0.8,
                duplicate_radius_m: 50.0,
                duplicate_window_hours: 72,
                border_tolerance_m: 30.0,
                scheduler_tick_ms: 5000,
                outbox_tick_ms: 1000,
                outbox_max_attempts: 8,
                outbox_backoff_ms: 5000,
                cache_refresh_ms: 5000,
                index_catch_up_ms: 5000,
                index_snapshot_secs: 1800,
                background_jobs: true,
            },
            publication: PublicationConfig::default(),
            retention: RetentionConfig::default(),
            clock: ClockConfig::default(),
            webhooks: WebhookConfig {
                allow_hosts: vec![],
                timeout_ms: 5000,
                at_once: 16,
            },
            console: ConsoleConfig {
                tile_max_zoom: 18,
                ..ConsoleConfig::default()
            },
            data_dir: "./data".into(),
            allow_public_demo: false,
            shutdown_grace_secs: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("refusing to start in production mode: {0}")]
    Insecure(&'static str),
    #[error("configuration: {0}")]
    Invalid(&'static str),
    #[error(
        "refusing to listen on {0}: the demo accounts (admin / Admin@2026 …) or dev login are on, \
         so anyone who reaches this address could log in as any of them. Listen on 127.0.0.1, \
         or turn them off (SSP_DEMO_DATA=false, SSP_DEV_LOGIN=false; then create accounts with \
         `suishoupai admin create-account`), or, for a throwaway demo, say so with \
         SSP_ALLOW_PUBLIC_DEMO=true"
    )]
    PublicDemo(String),
    #[error("the JWT secret file {0}: {1}")]
    Secret(String, std::io::Error),
}

impl Config {
    /// Defaults, then `suishoupai.toml` (or the file named by `SSP_CONFIG`),
    /// then `SSP_` environment variables (`__` separates nesting).
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("SSP_CONFIG").unwrap_or_else(|_| "suishoupai.toml".into());
        let cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("SSP_").split("__"))
            .extract()
            .map_err(Box::new)?;
        cfg.check()?;
        Ok(cfg)
    }

    /// The production checks of `api-docs/contract.md` §9.
    pub fn check(&self) -> Result<(), ConfigError> {
        let f = self.workflow.warn_fraction;
        if !(f > 0.0 && f <= 1.0) {
            return Err(ConfigError::Invalid(
                "workflow.warn_fraction must be above 0 and at most 1",
            ));
        }
        if self.webhooks.timeout_ms >= 50_000 {
            return Err(ConfigError::Invalid(
                "webhooks.timeout_ms must be under 50000: a call must end within its 60-second outbox lease",
            ));
        }
        if self.account_cache_secs > 30 {
            return Err(ConfigError::Invalid(
                "account_cache_secs is at most 30: a disabled account must stop working within 30 s",
            ));
        }
        self.wechat
            .content_security
            .check(&self.public_url)
            .map_err(ConfigError::Invalid)?;
        self.media.check().map_err(ConfigError::Invalid)?;
        if self.mode != Mode::Production {
            return Ok(());
        }
        if self.jwt_secret.expose_secret() == DEFAULT_JWT_SECRET
            || self.jwt_secret.expose_secret().len() < 32
        {
            return Err(ConfigError::Insecure(
                "jwt_secret is the default or shorter than 32 bytes",
            ));
        }
        if self.dev_login {
            return Err(ConfigError::Insecure("dev_login is on"));
        }
        if self.clock.start.is_some() {
            return Err(ConfigError::Insecure(
                "clock.start is set: a production node keeps the system's time",
            ));
        }
        if self.nodes > 1 && self.redis_url.is_none() {
            return Err(ConfigError::Insecure(
                "more than one node declared but no redis_url",
            ));
        }
        if self.nodes > 1 && self.store.kind == StoreKind::Local {
            return Err(ConfigError::Insecure(
                "more than one node declared but photos are on local files",
            ));
        }
        if self.nodes > 1 && self.database_url.starts_with("sqlite:") {
            return Err(ConfigError::Insecure(
                "more than one node declared but the database is SQLite",
            ));
        }
        Ok(())
    }
}
