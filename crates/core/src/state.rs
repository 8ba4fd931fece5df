//! Everything a request handler may touch, built once per app instance.

use crate::{
    auth::{
        accounts::AccountCheck,
        jwt::{JwtKeys, Lifetimes},
        wechat::WechatClient,
    },
    calendar::WorkCalendar,
    cases::numbers::CaseNumbers,
    categories::catalog::Catalog,
    config::Config,
    core::photos::UrlSigner,
    geo::areas::{AreaIndex, Areas},
    infra::{metrics::Metrics, shared::Shared, snapshot::Snapshot, store::ObjectStore},
    routing::Directory,
};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    /// `limits.trusted_proxies` and `limits.ops_networks`, parsed.
    pub trusted_proxies: crate::infra::networks::Networks,
    pub ops_networks: crate::infra::networks::Networks,
    /// The node's time (`config.clock`): every instant stored, and every
    /// comparison with one, reads it.
    pub clock: crate::core::Now,
    pub db: DatabaseConnection,
    pub store: ObjectStore,
    pub shared: Shared,
    pub metrics: Metrics,
    pub jwt: JwtKeys,
    /// Tokens checked against their accounts (cached ≤ 30 s).
    pub accounts: AccountCheck,
    pub signer: UrlSigner,
    pub wechat: WechatClient,
    pub areas: Areas,
    /// Units and routing rules.
    pub directory: Snapshot<Directory>,
    /// The working calendar behind deadlines.
    pub calendar: Snapshot<WorkCalendar>,
    /// Notifications going out (the outbox worker's).
    pub outbound: Outbound,
    /// Every category (大类 and 小类).
    pub categories: Snapshot<Catalog>,
    /// This node's reserved block of case numbers.
    pub case_numbers: CaseNumbers,
    /// The photo pipeline's and the upload gate's bounds.
    pub media: MediaBounds,
    /// Live feeds open per account (`limits.feeds_per_account`).
    pub feed_slots: crate::infra::slots::Slots,
    /// How many case exports run at once.
    pub exports: ExportBounds,
    /// The last readiness answer and when it was had (`/readyz`).
    pub readiness:
        Arc<tokio::sync::Mutex<Option<(std::time::Instant, crate::ops::service::Probed)>>>,
    /// Bounds the password checks (Argon2) running at once.
    pub password_checks: Arc<Semaphore>,
    /// Committed timeline entries, announced to every node.
    pub live: crate::infra::bus::LiveBus,
    /// Every case's map and indicator facts, in memory.
    pub case_index: crate::command::index::CaseIndex,
    /// Settings read on hot paths (the points rules), re-read at most every 5 s.
    pub settings: crate::infra::settings::Cached,
}

/// What the photo pipeline and the upload gate hold on this node.
pub struct MediaBounds {
    /// Bounds the photos being decoded at once (`media.workers`).
    pub image_slots: Arc<Semaphore>,
    /// KiB of decoded pixels held at once (`media.decode_budget_bytes`).
    pub decode_budget: Arc<Semaphore>,
    /// Bytes of upload bodies held at once (`media.upload_budget_bytes`).
    pub upload_budget: Arc<Semaphore>,
    /// Uploads in flight per client address (`limits.uploads_per_address`).
    pub upload_slots: crate::infra::slots::Slots,
}

/// Case exports: one per account, a few per node.
pub struct ExportBounds {
    /// Case exports running per account (one).
    pub per_account: crate::infra::slots::Slots,
    /// Case exports running on this node (`limits.exports_at_once`).
    pub at_once: Arc<Semaphore>,
}

/// Unit webhooks and WeChat messages going out.
pub struct Outbound {
    /// Where unit webhooks may connect.
    pub egress: crate::infra::egress::Egress,
    /// Outgoing HTTP for unit webhooks, guarded by `egress`.
    pub webhook_http: reqwest::Client,
    /// Bounds the notifications being sent at once (`webhooks.at_once`).
    pub slots: Arc<Semaphore>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn build(
        config: Config,
        clock: crate::core::Now,
        db: DatabaseConnection,
        index_db: DatabaseConnection,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        let store = ObjectStore::from_config(&config.store)
            .await
            .context("object store")?;
        let shared = Shared::connect(config.redis_url.as_deref(), &config.key_prefix).await?;
        let areas = Areas::default();
        areas.replace(AreaIndex::load(&db).await?);
        let calendar = Snapshot::new(crate::calendar::store::load(&db).await?);
        let directory = Snapshot::new(Directory::load(&db).await?);
        let categories = Snapshot::new(Catalog::load(&db).await?);
        let live =
            crate::infra::bus::LiveBus::start(config.redis_url.as_deref(), &config.key_prefix)
                .await?;
        let case_index = crate::command::index::CaseIndex::load(index_db, clock.now())
            .await
            .context("load the case index")?;
        let egress = crate::infra::egress::Egress::new(&config.webhooks.allow_hosts);
        let webhook_http = egress
            .client(std::time::Duration::from_millis(config.webhooks.timeout_ms))
            .context("webhook http client")?;
        let networks = |setting: &str, entries: &[String]| {
            crate::infra::networks::Networks::parse(setting, entries).map_err(anyhow::Error::msg)
        };
        let trusted_proxies = networks("limits.trusted_proxies", &config.limits.trusted_proxies)?;
        let ops_networks = networks("limits.ops_networks", &config.limits.ops_networks)?;
        Ok(Self(Arc::new(Inner {
            trusted_proxies,
            ops_networks,
            clock,
            metrics,
            jwt: JwtKeys::new(
                &config.jwt_secret,
                Lifetimes {
                    citizen: config.token_ttl_secs,
                    staff: config.staff_token_ttl_secs,
                    staff_session: config.staff_session_secs,
                },
            ),
            accounts: AccountCheck::new(std::time::Duration::from_secs(config.account_cache_secs)),
            signer: UrlSigner::new(&config.jwt_secret, &config.public_url),
            wechat: WechatClient::new(&config.wechat)?,
            case_numbers: CaseNumbers::new(config.reports.case_number_block),
            media: MediaBounds {
                image_slots: Arc::new(Semaphore::new(config.media.workers.max(1))),
                decode_budget: Arc::new(Semaphore::new(
                    usize::try_from(config.media.decode_budget_bytes / 1024)
                        .unwrap_or(usize::MAX)
                        .min(Semaphore::MAX_PERMITS),
                )),
                upload_budget: Arc::new(Semaphore::new(
                    config.media.upload_budget_bytes.min(Semaphore::MAX_PERMITS),
                )),
                upload_slots: crate::infra::slots::Slots::default(),
            },
            feed_slots: crate::infra::slots::Slots::default(),
            exports: ExportBounds {
                per_account: crate::infra::slots::Slots::default(),
                at_once: Arc::new(Semaphore::new(config.limits.exports_at_once.max(1))),
            },
            readiness: Arc::default(),
            password_checks: Arc::new(Semaphore::new(config.limits.password_checks_at_once.max(1))),
            categories,
            live,
            case_index,
            settings: Default::default(),
            areas,
            directory,
            calendar,
            outbound: Outbound {
                egress,
                webhook_http,
                slots: Arc::new(Semaphore::new(config.webhooks.at_once.max(1))),
            },
            store,
            shared,
            db,
            config,
        })))
    }
}

impl AppState {
    /// Reloads the snapshots that changed elsewhere (or here).
    pub async fn refresh(&self, what: &[crate::infra::settings::Gen]) -> anyhow::Result<()> {
        use crate::infra::settings::Gen;
        for g in what {
            match g {
                Gen::Areas => self.areas.replace(AreaIndex::load(&self.db).await?),
                Gen::Directory => self.directory.replace(Directory::load(&self.db).await?),
                Gen::Calendar => self
                    .calendar
                    .replace(crate::calendar::store::load(&self.db).await?),
                Gen::Categories => self.categories.replace(Catalog::load(&self.db).await?),
            }
        }
        Ok(())
    }
}
