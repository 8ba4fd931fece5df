//! Photos fit to publish (api-docs/contract.md, "Publication"): before the
//! public sees a case's or a moment's photo, staff review it, mark the
//! faces and number plates on it, and the public gets a derivative with
//! those regions blurred beyond recognition. The derivative is made once
//! per review, stored beside the original under a revision of its own
//! (`media/{id}/public-{rev}.jpg`; revisions only grow, so a public URL
//! never names two different images), and served from the object store at a
//! stable, unsigned URL that anyone may cache; the original stays for
//! staff and the reporter. A photo with no review, or withheld at review,
//! is never public.

use super::{
    pipeline::{self, PipelineLimits, redact::Derivative},
    service::MediaError,
    service::Variant,
};
use crate::{
    audit::{self, Actor},
    cases::publication,
    core::{Caller, ErrorCode, Role},
    state::AppState,
};
use anyhow::Context;
use bytes::Bytes;
use domain::{
    photos::{MAX_REGIONS, Region},
    volunteers::MomentStatus,
};
use entity::{cases, media, moment};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};
use std::time::Duration;
use uuid::Uuid;

/// Who reviews photos for publication.
const REVIEWERS: [Role; 2] = [Role::Dispatcher, Role::Admin];

/// The object key of a public derivative.
pub fn public_key(id: Uuid, rev: i32, v: Variant) -> String {
    match v {
        Variant::Full => format!("media/{id}/public-{rev}.jpg"),
        Variant::Thumb => format!("media/{id}/public-{rev}-thumb.jpg"),
    }
}

/// What a photo was taken for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A case's: before (the reporter's) or after (the unit's) handling.
    Case {
        id: Uuid,
        case_no: String,
        before: bool,
    },
    /// A 文明美好瞬间's.
    Moment { id: Uuid },
}

/// A photo waiting for its review, or reviewed.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub photo: media::Model,
    pub subject: Subject,
}

/// A staff decision on one photo.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Publish the photo with `regions` blurred; `false` withholds it.
    pub publish: bool,
    pub regions: Vec<Region>,
}

/// The photos waiting for review, oldest first: those of cases the public
/// may see and of approved moments, not blocked nor held by a content
/// check, never reviewed.
#[tracing::instrument(skip(state, caller))]
pub async fn queue(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u64,
) -> Result<(Vec<Reviewed>, Option<String>), MediaError> {
    caller.require(&REVIEWERS)?;
    let public_cases = sea_orm::sea_query::Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .cond_where(publication::cases(&state.config.publication))
        .to_owned();
    let approved = sea_orm::sea_query::Query::select()
        .column(moment::Column::Id)
        .from(moment::Entity)
        .and_where(moment::Column::Status.eq(MomentStatus::Approved))
        .to_owned();
    let mut q = media::Entity::find()
        .filter(media::Column::ReviewedAt.is_null())
        .filter(publication::checked_photos())
        .filter(
            Condition::any()
                .add(media::Column::CaseId.in_subquery(public_cases))
                .add(media::Column::RecordId.in_subquery(approved)),
        )
        .order_by_asc(media::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(media::Column::Id.gt(crate::core::page::decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next = crate::core::page::split_page(&mut rows, limit, |m| m.id);
    Ok((subjects(state, rows).await?, next))
}

/// What each photo was taken for (one read of their cases).
async fn subjects(state: &AppState, rows: Vec<media::Model>) -> Result<Vec<Reviewed>, MediaError> {
    let case_ids: Vec<Uuid> = rows.iter().filter_map(|m| m.case_id).collect();
    let found: std::collections::HashMap<Uuid, (String, Uuid)> = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .column(cases::Column::CaseNo)
        .column(cases::Column::ReporterId)
        .filter(cases::Column::Id.is_in(case_ids))
        .into_tuple::<(Uuid, String, Uuid)>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|(id, no, reporter)| (id, (no, reporter)))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|photo| {
            let subject = match (photo.case_id, photo.record_id) {
                (Some(id), _) => {
                    let (case_no, reporter) = found.get(&id)?;
                    Subject::Case {
                        id,
                        case_no: case_no.clone(),
                        before: *reporter == photo.owner_id,
                    }
                }
                (None, Some(id)) => Subject::Moment { id },
                (None, None) => return None,
            };
            Some(Reviewed { photo, subject })
        })
        .collect())
}

/// Reviews one photo: publish it with the regions blurred (a new
/// derivative, replacing any earlier one) or withhold it. A photo of no
/// case nor moment, or one WeChat blocked, is `409 not_publishable`.
#[tracing::instrument(skip(state, caller, d), fields(publish = d.publish, regions = d.regions.len()))]
pub async fn review(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    d: Decision,
) -> Result<Reviewed, MediaError> {
    caller.require(&REVIEWERS)?;
    if d.regions.len() > MAX_REGIONS || !d.regions.iter().all(Region::is_valid) {
        return Err(MediaError::Invalid {
            code: ErrorCode::InvalidRegions,
            message: format!(
                "at most {MAX_REGIONS} regions, each with x, y, width and height in fractions \
                 of the image (0–1) that stay on it"
            ),
        });
    }
    let photo = media::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(MediaError::NotFound)?;
    let is_moment = match photo.record_id {
        Some(r) => moment::Entity::find_by_id(r)
            .one(&state.db)
            .await?
            .is_some(),
        None => false,
    };
    if photo.blocked_at.is_some() || (photo.case_id.is_none() && !is_moment) {
        return Err(MediaError::Conflict {
            code: ErrorCode::NotPublishable,
            message: "only a case's or a moment's photo, not blocked by the content check, \
                      is reviewed for publication"
                .into(),
        });
    }
    let old = photo.public_rev;
    // Claim this review's number before making anything: a reviewer at the
    // same time claims another, and the later claim wins the row.
    let seq = photo.review_seq + 1;
    let claimed = media::Entity::update_many()
        .col_expr(media::Column::ReviewSeq, Expr::value(seq))
        .filter(media::Column::Id.eq(id))
        .filter(media::Column::ReviewSeq.eq(photo.review_seq))
        .exec(&state.db)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(concurrent());
    }
    let rev = if d.publish {
        let made = derive(state, &photo, &d.regions).await?;
        store(state, id, seq, made).await?;
        Some(seq)
    } else {
        None
    };
    let now = state.clock.now().to_utc().fixed_offset();
    let boxes = (d.publish && !d.regions.is_empty())
        .then(|| serde_json::to_string(&d.regions))
        .transpose()
        .context("regions to JSON")?;
    let written = async {
        let txn = state.db.begin().await?;
        let done = media::Entity::update_many()
            .set(media::ActiveModel {
                reviewed_at: Set(Some(now)),
                reviewed_by: Set(Some(caller.user_id)),
                review_boxes: Set(boxes),
                public_rev: Set(rev),
                ..Default::default()
            })
            .filter(media::Column::Id.eq(id))
            .filter(media::Column::ReviewSeq.eq(seq))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            txn.rollback().await?;
            return Ok(false);
        }
        audit::record(
            &txn,
            Actor::of(caller),
            "media.review",
            "media",
            Some(id.to_string()),
            None,
            Some(serde_json::json!({
                "publish": d.publish,
                "regions": d.regions.len(),
                "rev": rev,
            })),
        )
        .await?;
        txn.commit().await?;
        Ok::<_, MediaError>(true)
    }
    .await;
    match written {
        Ok(true) => {
            if let Some(r) = old {
                remove_public(state, id, r).await;
            }
        }
        Ok(false) => {
            if let Some(r) = rev {
                remove_public(state, id, r).await;
            }
            return Err(concurrent());
        }
        Err(e) => {
            if let Some(r) = rev {
                remove_public(state, id, r).await;
            }
            return Err(e);
        }
    }
    let row = media::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(MediaError::NotFound)?;
    subjects(state, vec![row])
        .await?
        .pop()
        .ok_or(MediaError::NotFound)
}

fn concurrent() -> MediaError {
    MediaError::Conflict {
        code: ErrorCode::ConcurrentUpdate,
        message: "someone else reviewed this photo at the same time; reload it".into(),
    }
}

/// Makes the derivative on the blocking pool, in one of the node's image
/// slots.
async fn derive(
    state: &AppState,
    photo: &media::Model,
    regions: &[Region],
) -> Result<Derivative, MediaError> {
    let cfg = &state.config.media;
    let original = state
        .store
        .get(&photo.object_key)
        .await?
        .ok_or(MediaError::NotFound)?;
    let permit = tokio::time::timeout(
        Duration::from_millis(cfg.queue_wait_ms),
        state.media.image_slots.clone().acquire_owned(),
    )
    .await
    .map_err(|_| MediaError::Busy)?
    .context("image slots closed")?;
    let limits = PipelineLimits {
        max_pixels: cfg.max_pixels,
        max_edge: cfg.max_edge,
        thumb_edge: cfg.thumb_edge,
        jpeg_quality: cfg.jpeg_quality,
    };
    let regions = regions.to_vec();
    let made = tokio::task::spawn_blocking(move || {
        let _held = permit;
        pipeline::redact::redact(&original, &regions, &limits)
    })
    .await
    .context("redaction task")??;
    Ok(made)
}

async fn store(state: &AppState, id: Uuid, rev: i32, d: Derivative) -> Result<(), MediaError> {
    let put = async {
        state
            .store
            .put(
                &public_key(id, rev, Variant::Full),
                Bytes::from(d.full),
                "image/jpeg",
            )
            .await?;
        state
            .store
            .put(
                &public_key(id, rev, Variant::Thumb),
                Bytes::from(d.thumb),
                "image/jpeg",
            )
            .await
    }
    .await;
    if let Err(e) = put {
        remove_public(state, id, rev).await;
        return Err(e.into());
    }
    Ok(())
}

async fn remove_public(state: &AppState, id: Uuid, rev: i32) {
    for v in [Variant::Full, Variant::Thumb] {
        if let Err(e) = state.store.delete(&public_key(id, rev, v)).await {
            tracing::warn!(error = %format!("{e:#}"), %id, rev, "could not delete a derivative");
        }
    }
}

/// Reads a public derivative for anyone: only the photo's current
/// revision, while the photo is public (its case public, or its moment
/// approved and published; not blocked; its checks passed).
#[tracing::instrument(skip(state))]
pub async fn read_public(
    state: &AppState,
    id: Uuid,
    rev: i32,
    v: Variant,
) -> Result<Bytes, MediaError> {
    let published_moments = sea_orm::sea_query::Query::select()
        .column(moment::Column::Id)
        .from(moment::Entity)
        .and_where(moment::Column::Status.eq(MomentStatus::Approved))
        .and_where(moment::Column::Published.eq(true))
        .to_owned();
    let public_cases = sea_orm::sea_query::Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .cond_where(publication::cases(&state.config.publication))
        .to_owned();
    let found = media::Entity::find_by_id(id)
        .filter(media::Column::PublicRev.eq(rev))
        .filter(publication::photos())
        .filter(
            Condition::any()
                .add(media::Column::CaseId.in_subquery(public_cases))
                .add(media::Column::RecordId.in_subquery(published_moments)),
        )
        .select_only()
        .column_as(Expr::val(1), "one")
        .into_tuple::<i32>()
        .one(&state.db)
        .await?;
    if found.is_none() {
        return Err(MediaError::NotFound);
    }
    state
        .store
        .get(&public_key(id, rev, v))
        .await?
        .ok_or(MediaError::NotFound)
}
