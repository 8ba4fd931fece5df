//! Everything a request handler may touch, built once per app instance:
//! the node's parts (configuration, clock, database, object store, shared
//! cache, metrics), the reference data every feature reads, and one
//! context per feature that holds something of its own.

use crate::{
    auth::wechat::WechatClient,
    calendar::WorkCalendar,
    categories::catalog::Catalog,
    config::Config,
    geo::areas::{AreaIndex, Areas},
    infra::{metrics::Metrics, shared::Shared, snapshot::Snapshot, store::ObjectStore},
    routing::Directory,
};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    /// The node's time (`config.clock`): every instant stored, and every
    /// comparison with one, reads it.
    pub clock: crate::core::Now,
    pub db: DatabaseConnection,
    pub store: ObjectStore,
    pub shared: Shared,
    pub metrics: Metrics,
    /// Settings read on hot paths (the points rules), re-read at most every
    /// `workflow.cache_refresh_ms`.
    pub settings: crate::infra::settings::Cached,
    /// WeChat's server API: sign-in, subscribe messages, content checks.
    pub wechat: WechatClient,

    /// Areas (the geofences behind routing and the map).
    pub areas: Areas,
    /// Units and routing rules.
    pub directory: Snapshot<Directory>,
    /// The working calendar behind deadlines.
    pub calendar: Snapshot<WorkCalendar>,
    /// Every category (大类 and 小类).
    pub categories: Snapshot<Catalog>,

    pub auth: crate::auth::context::Context,
    pub cases: crate::cases::context::Context,
    pub command: crate::command::context::Context,
    pub live: crate::live::context::Context,
    pub media: crate::media::context::Context,
    pub notify: crate::notify::context::Context,
    pub ops: crate::ops::context::Context,
    /// The public board's rendered pages (`board::BoardCache`).
    pub board: crate::board::BoardCache,
    /// The day the 创建日历's tasks were last generated on this node.
    pub campaign_day: std::sync::Mutex<Option<chrono::NaiveDate>>,
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
        Ok(Self(Arc::new(Inner {
            calendar: Snapshot::new(crate::calendar::store::load(&db).await?),
            directory: Snapshot::new(Directory::load(&db).await?),
            categories: Snapshot::new(Catalog::load(&db).await?),
            areas,
            auth: crate::auth::context::Context::new(&config),
            cases: crate::cases::context::Context::new(&config),
            command: crate::command::context::Context::load(
                &config,
                index_db,
                clock.now(),
                (&store, &metrics),
            )
            .await?,
            live: crate::live::context::Context::start(&config).await?,
            media: crate::media::context::Context::new(&config),
            notify: crate::notify::context::Context::new(&config)?,
            ops: crate::ops::context::Context::new(&config)?,
            board: crate::board::BoardCache::new(std::time::Duration::from_secs(
                config.publication.board_cache_secs,
            )),
            campaign_day: std::sync::Mutex::new(None),
            wechat: WechatClient::new(&config.wechat)?,
            settings: crate::infra::settings::Cached::new(std::time::Duration::from_millis(
                config.workflow.cache_refresh_ms.max(100),
            )),
            clock,
            metrics,
            store,
            shared,
            db,
            config,
        })))
    }

    /// Reloads the snapshots that changed elsewhere (or here).
    pub async fn refresh(&self, what: &[crate::infra::settings::Gen]) -> anyhow::Result<()> {
        use crate::infra::settings::Gen;
        for g in what {
            match g {
                Gen::Areas => self.areas.replace(AreaIndex::load(&self.db).await?),
                Gen::Directory => self.directory.replace(Directory::load(&self.db).await?),
                Gen::Calendar => {
                    self.calendar
                        .replace(crate::calendar::store::load(&self.db).await?);
                    // The 创建日历's reminder days follow the new working
                    // days at the next tick.
                    if let Ok(mut d) = self.campaign_day.lock() {
                        *d = None;
                    }
                }
                Gen::Categories => self.categories.replace(Catalog::load(&self.db).await?),
            }
        }
        Ok(())
    }
}
