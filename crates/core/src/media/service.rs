//! Photo upload, storage and serving (no HTTP here).

use super::pipeline::{self, PipelineError, PipelineLimits, Processed};
pub use crate::core::photos::Variant;
use crate::{core::Caller, state::AppState};
use anyhow::Context;
use bytes::Bytes;
use entity::media;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
    sea_query::OnConflict,
};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

/// An upload as stored: its size, type, owner, case and expiry.
pub type Upload = media::Model;

/// Every way an upload or a read can fail; the app's `error` module
/// (`src/error/mapping.rs`) maps each to its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the photo is {size} bytes; at most {max} are accepted")]
    TooLarge { size: usize, max: usize },
    #[error("the file field is empty")]
    Empty,
    /// Not a photo we take, too many pixels, or corrupt.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("too many photos are being processed; retry shortly")]
    Busy,
    #[error("photo not found")]
    NotFound,
    #[error(transparent)]
    Forbidden(#[from] crate::core::Forbidden),
    #[error(transparent)]
    Cursor(#[from] crate::core::page::BadCursor),
    /// A request the API refuses as it stands (400).
    #[error("{message}")]
    Invalid {
        code: crate::core::ErrorCode,
        message: String,
    },
    /// A request at odds with the photo's state (409).
    #[error("{message}")]
    Conflict {
        code: crate::core::ErrorCode,
        message: String,
    },
    /// The object store failed (503 `storage_unavailable`).
    #[error(transparent)]
    Store(#[from] crate::infra::store::StoreError),
    #[error(transparent)]
    Db(#[from] crate::infra::DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(MediaError);

/// Object keys are derived from the id, so serving needs no database lookup.
pub fn object_key(id: Uuid, variant: Variant) -> String {
    match variant {
        Variant::Full => format!("media/{id}/full.jpg"),
        Variant::Thumb => format!("media/{id}/thumb.jpg"),
    }
}

/// Processes and stores an upload; the same bytes from the same user give
/// the same media.
#[tracing::instrument(skip(state, bytes), fields(size = bytes.len()))]
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    bytes: Vec<u8>,
) -> Result<media::Model, MediaError> {
    let cfg = &state.config.media;
    if bytes.len() > cfg.max_bytes {
        return Err(MediaError::TooLarge {
            size: bytes.len(),
            max: cfg.max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    // Cheap checks before taking a decode slot.
    let (format, _) = pipeline::sniff(&bytes).inspect_err(|_| count(state, "rejected"))?;
    let (w, h) = pipeline::dimensions(&bytes, format).inspect_err(|_| count(state, "rejected"))?;
    pipeline::check_pixels(w, h, cfg.max_pixels).inspect_err(|_| count(state, "rejected"))?;

    let sha = hex::encode(Sha256::digest(&bytes));
    if let Some(existing) = find_by_hash(&state.db, caller.user_id, &sha).await? {
        count(state, "deduplicated");
        return Ok(existing);
    }

    let processed = run_pipeline(state, bytes).await?;
    let id = Uuid::now_v7();
    let full_key = object_key(id, Variant::Full);
    let thumb_key = object_key(id, Variant::Thumb);
    let full_len = processed.full.len();
    let stored = async {
        state
            .store
            .put(&full_key, Bytes::from(processed.full), "image/jpeg")
            .await?;
        state
            .store
            .put(&thumb_key, Bytes::from(processed.thumb), "image/jpeg")
            .await
    }
    .await;
    if let Err(e) = stored {
        remove_objects(state, id).await;
        return Err(e.into());
    }

    let now = state.clock.now().to_utc();
    let ttl = chrono::Duration::seconds(i64::try_from(cfg.unattached_ttl_secs).unwrap_or(86_400));
    let row = media::ActiveModel {
        id: Set(id),
        owner_id: Set(caller.user_id),
        sha256: Set(sha.clone()),
        content_type: Set("image/jpeg".into()),
        width: Set(i32::try_from(processed.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(processed.height).unwrap_or(i32::MAX)),
        bytes: Set(i64::try_from(full_len).unwrap_or(i64::MAX)),
        original_format: Set(processed.original_format.into()),
        object_key: Set(full_key),
        thumb_key: Set(thumb_key),
        exif_taken_at: Set(processed.exif.taken_at),
        exif_lat: Set(processed.exif.lat),
        exif_lng: Set(processed.exif.lng),
        case_id: Set(None),
        event_id: Set(None),
        record_id: Set(None),
        created_at: Set(now.fixed_offset()),
        expires_at: Set((now + ttl).fixed_offset()),
        blocked_at: Set(None),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        review_boxes: Set(None),
        public_rev: Set(None),
        review_seq: Set(0),
    };
    // The row and its content check (when on) in one transaction.
    // Citizens' and integrators' photos are checked (an integrator's,
    // without a WeChat identity, is left for a person); staff's are not.
    let checked_as = match caller.role {
        crate::core::Role::Citizen | crate::core::Role::Integrator => {
            crate::content::checks::photo_owner(state, caller.user_id).await
        }
        _ => None,
    };
    let inserted = async {
        let txn = state.db.begin().await?;
        let n = media::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([media::Column::OwnerId, media::Column::Sha256])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        if let (1, Some(openid)) = (n, checked_as) {
            crate::content::checks::enqueue_photo(&txn, id, openid, now.fixed_offset()).await?;
        }
        txn.commit().await?;
        Ok::<_, MediaError>(n)
    }
    .await;
    match inserted {
        Ok(1) => {}
        Ok(_) => {
            // The same upload won a race in another request: keep that one.
            remove_objects(state, id).await;
            count(state, "deduplicated");
            return find_by_hash(&state.db, caller.user_id, &sha)
                .await?
                .ok_or_else(|| anyhow::anyhow!("deduplicated media vanished").into());
        }
        Err(e) => {
            remove_objects(state, id).await;
            return Err(e);
        }
    }
    count(state, "stored");
    media::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("media row just inserted is missing").into())
}

fn count(state: &AppState, outcome: &str) {
    state.metrics.photos.with_label_values(&[outcome]).inc();
}

async fn find_by_hash(
    db: &DatabaseConnection,
    owner: Uuid,
    sha: &str,
) -> Result<Option<media::Model>, MediaError> {
    Ok(media::Entity::find()
        .filter(media::Column::OwnerId.eq(owner))
        .filter(media::Column::Sha256.eq(sha))
        .one(db)
        .await?)
}

/// Decodes on the blocking pool with a bounded number in flight and a
/// bounded number of decoded bytes (estimated from the header first); when
/// either stays spent past the queue wait, `503` rather than unbounded
/// memory. A decode past `decode_secs` is `422`; its thread finishes on its
/// own and gives its share of the budget back then.
async fn run_pipeline(state: &AppState, bytes: Vec<u8>) -> Result<Processed, MediaError> {
    let cfg = &state.config.media;
    let refused = |e: pipeline::PipelineError| {
        count(state, "rejected");
        MediaError::from(e)
    };
    let cost = pipeline::decode_cost(&bytes, cfg.max_pixels, cfg.max_scans).map_err(refused)?;
    // Permits are KiB, so that the budget fits a semaphore.
    let budget_kib = u32::try_from(cfg.decode_budget_bytes / 1024).unwrap_or(u32::MAX);
    let cost_kib = u32::try_from(cost.div_ceil(1024)).unwrap_or(u32::MAX);
    if cost_kib > budget_kib {
        return Err(refused(pipeline::PipelineError::TooCostly {
            needs: cost,
            budget: cfg.decode_budget_bytes,
        }));
    }
    let wait = Duration::from_millis(cfg.queue_wait_ms);
    let decoded = tokio::time::timeout(
        wait,
        state
            .media
            .decode_budget
            .clone()
            .acquire_many_owned(cost_kib),
    )
    .await
    .map_err(|_| {
        count(state, "busy");
        MediaError::Busy
    })?
    .context("decode budget closed")?;
    let permit = tokio::time::timeout(
        Duration::from_millis(cfg.queue_wait_ms),
        state.media.image_slots.clone().acquire_owned(),
    )
    .await
    .map_err(|_| {
        count(state, "busy");
        MediaError::Busy
    })?
    .context("image slots closed")?;
    let limits = PipelineLimits {
        max_pixels: cfg.max_pixels,
        max_edge: cfg.max_edge,
        thumb_edge: cfg.thumb_edge,
        jpeg_quality: cfg.jpeg_quality,
    };
    let task = tokio::task::spawn_blocking(move || {
        let _held = (permit, decoded);
        pipeline::process(&bytes, &limits)
    });
    let slow = pipeline::PipelineError::TooSlow(cfg.decode_secs);
    let result = tokio::time::timeout(Duration::from_secs(cfg.decode_secs.max(1)), task)
        .await
        .map_err(|_| refused(slow))?
        .context("image task")?;
    result
        .inspect_err(|_| count(state, "rejected"))
        .map_err(Into::into)
}

/// Deletes a photo's objects: the original, its thumbnail and any public
/// derivative (`media/{id}/…`).
pub async fn remove_objects(state: &AppState, id: Uuid) {
    let mut keys = vec![
        object_key(id, Variant::Full),
        object_key(id, Variant::Thumb),
    ];
    match state.store.list(&format!("media/{id}/")).await {
        Ok(found) => {
            for k in found {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        Err(e) => tracing::warn!(error = %format!("{:#}", e.0), %id, "could not list objects"),
    }
    for key in keys {
        if let Err(e) = state.store.delete(&key).await {
            tracing::warn!(error = %format!("{e:#}"), %id, "could not delete object");
        }
    }
}

/// Deletes unattached uploads past their expiry: the row first, and only
/// when it is still unattached at that moment (an attach that wins the race
/// keeps the photo whole; one that loses finds no photo and is refused),
/// then its objects.
pub async fn purge_expired(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let expired = media::Entity::find()
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::RecordId.is_null())
        .filter(media::Column::ExpiresAt.lt(now))
        .select_only()
        .column(media::Column::Id)
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await
        .context("list expired media")?;
    let mut n = 0;
    for id in expired {
        let res = media::Entity::delete_many()
            .filter(media::Column::Id.eq(id))
            .filter(media::Column::CaseId.is_null())
            .filter(media::Column::RecordId.is_null())
            .filter(media::Column::ExpiresAt.lt(now))
            .exec(&state.db)
            .await
            .context("delete expired media")?;
        if res.rows_affected == 1 {
            // Its content check goes with it (no flag for a photo nobody sent).
            entity::content_check::Entity::delete_many()
                .filter(entity::content_check::Column::MediaId.eq(id))
                .exec(&state.db)
                .await
                .context("delete the photo's content check")?;
            remove_objects(state, id).await;
            n += 1;
        }
    }
    Ok(n)
}

/// Deletes stored objects that no photo row names (an upload cut off
/// between storing its objects and inserting its row: a crash, a kill),
/// once they are older than `grace` (their id is a UUIDv7, which carries
/// its creation time), so an upload in flight is never touched. Returns
/// how many photos' objects were removed.
pub async fn sweep_orphans(
    db: &DatabaseConnection,
    store: &crate::infra::store::ObjectStore,
    grace: Duration,
) -> anyhow::Result<usize> {
    let keys = store.list("media/").await.map_err(|e| e.0)?;
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(grace).unwrap_or_default();
    // To the millisecond the id carries: whole seconds would keep an
    // orphan made less than a second before the cutoff.
    let old_enough = |id: &Uuid| {
        id.get_timestamp().is_some_and(|t| {
            let (secs, nanos) = t.to_unix();
            i64::try_from(secs)
                .ok()
                .and_then(|s| chrono::DateTime::from_timestamp(s, nanos))
                .is_some_and(|at| at < cutoff)
        })
    };
    // Every key under media/{id}/ (partial `.part` files included), by id.
    let mut by_id: std::collections::BTreeMap<Uuid, Vec<String>> = Default::default();
    for k in keys {
        let id = k
            .strip_prefix("media/")
            .and_then(|r| r.split('/').next())
            .and_then(|i| i.parse::<Uuid>().ok());
        if let Some(id) = id.filter(old_enough) {
            by_id.entry(id).or_default().push(k);
        }
    }
    let old: Vec<Uuid> = by_id.keys().copied().collect();
    let mut removed = 0;
    for chunk in old.chunks(500) {
        let known: std::collections::HashSet<Uuid> = media::Entity::find()
            .filter(media::Column::Id.is_in(chunk.iter().copied()))
            .select_only()
            .column(media::Column::Id)
            .into_tuple::<Uuid>()
            .all(db)
            .await
            .context("read photo rows")?
            .into_iter()
            .collect();
        for id in chunk.iter().filter(|id| !known.contains(id)) {
            for key in by_id.get(id).into_iter().flatten() {
                store.delete(key).await.map_err(|e| e.0)?;
            }
            removed += 1;
        }
    }
    Ok(removed)
}

/// Reads a stored variant for a signed URL. A photo WeChat found risky is
/// served to nobody, even after the checks are turned off (one lookup by id).
pub async fn read(state: &AppState, id: Uuid, variant: Variant) -> Result<Bytes, MediaError> {
    {
        let blocked = media::Entity::find_by_id(id)
            .select_only()
            .column(media::Column::BlockedAt)
            .into_tuple::<Option<chrono::DateTime<chrono::FixedOffset>>>()
            .one(&state.db)
            .await?;
        if matches!(blocked, Some(Some(_))) {
            return Err(MediaError::NotFound);
        }
    }
    state
        .store
        .get(&object_key(id, variant))
        .await?
        .ok_or(MediaError::NotFound)
}
