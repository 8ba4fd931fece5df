//! What the photo pipeline and the upload gate hold on a node.

use crate::{config::Config, core::photos::UrlSigner, infra::slots::Slots};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The photo URLs' signer and the bounds on decoding and uploading.
pub struct Context {
    /// Signs and checks the photo URLs handed out (on the system's clock,
    /// which their clients compare `urlExpiresAt` with).
    pub signer: UrlSigner,
    /// Bounds the photos being decoded at once (`media.workers`).
    pub image_slots: Arc<Semaphore>,
    /// KiB of decoded pixels held at once (`media.decode_budget_bytes`).
    pub decode_budget: Arc<Semaphore>,
    /// Bytes of upload bodies held at once (`media.upload_budget_bytes`).
    pub upload_budget: Arc<Semaphore>,
    /// Uploads in flight per client address (`limits.uploads_per_address`).
    pub upload_slots: Slots,
}

impl Context {
    pub fn new(config: &Config) -> Self {
        let media = &config.media;
        Self {
            signer: UrlSigner::new(&config.jwt_secret, &config.public_url),
            image_slots: Arc::new(Semaphore::new(media.workers.max(1))),
            decode_budget: Arc::new(Semaphore::new(
                usize::try_from(media.decode_budget_bytes / 1024)
                    .unwrap_or(usize::MAX)
                    .min(Semaphore::MAX_PERMITS),
            )),
            upload_budget: Arc::new(Semaphore::new(
                media.upload_budget_bytes.min(Semaphore::MAX_PERMITS),
            )),
            upload_slots: Slots::default(),
        }
    }
}
