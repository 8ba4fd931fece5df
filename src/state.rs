//! Everything a request handler may touch, built once per app instance.

use crate::{
    auth::{jwt::JwtKeys, wechat::WechatClient},
    config::Config,
    geo::areas::{AreaIndex, Areas},
    infra::{metrics::Metrics, shared::Shared, store::ObjectStore},
    media::signing::UrlSigner,
};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub db: DatabaseConnection,
    pub store: ObjectStore,
    pub shared: Shared,
    pub metrics: Metrics,
    pub jwt: JwtKeys,
    pub signer: UrlSigner,
    pub wechat: WechatClient,
    pub areas: Areas,
    /// Small categories by code (a short TTL: admin changes show within seconds).
    pub categories: moka::sync::Cache<String, Option<entity::category::Model>>,
    /// Bounds the photos being decoded at once.
    pub image_slots: Arc<Semaphore>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn build(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let store = ObjectStore::from_config(&config.store)
            .await
            .context("object store")?;
        let shared = Shared::connect(config.redis_url.as_deref(), &config.key_prefix).await?;
        let areas = Areas::default();
        areas.replace(AreaIndex::load(&db).await?);
        Ok(Self(Arc::new(Inner {
            metrics: Metrics::new()?,
            jwt: JwtKeys::new(&config.jwt_secret, config.token_ttl_secs),
            signer: UrlSigner::new(&config.jwt_secret, &config.public_url),
            wechat: WechatClient::new(&config.wechat)?,
            image_slots: Arc::new(Semaphore::new(config.media.workers.max(1))),
            categories: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(std::time::Duration::from_secs(30))
                .build(),
            areas,
            store,
            shared,
            db,
            config,
        })))
    }
}
