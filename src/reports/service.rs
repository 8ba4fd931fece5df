//! Report submission and the citizen's views (no HTTP here).

use super::dto::{
    AreaRef, CategoryRef, CreateReport, Photo, ReportPage, ReportSummary, ReportView, TimelineEntry,
};
use crate::{
    auth::Caller,
    cases::domain::{CaseStatus, next_case_no},
    error::{ApiError, ApiResult},
    geo::coords::{CoordSystem, Wgs84},
    media::service::Variant,
    state::AppState,
};
use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::{area, case_event, cases, category, media};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub const MAX_PHOTOS: usize = 9;

/// A stable fingerprint of a submission, for Idempotency-Key comparison.
pub fn fingerprint(r: &CreateReport) -> String {
    let mut h = Sha256::new();
    h.update(r.category_code.as_bytes());
    h.update([0]);
    h.update(r.description.as_bytes());
    h.update([0]);
    h.update(r.location.lat.to_bits().to_be_bytes());
    h.update(r.location.lng.to_bits().to_be_bytes());
    h.update([u8::from(r.location.coord_system == CoordSystem::Gcj02)]);
    h.update(r.address.as_deref().unwrap_or("\u{1}").as_bytes());
    h.update([0]);
    for id in &r.media_ids {
        h.update(id.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Validated input, before any write.
struct Checked {
    category: category::Model,
    point: Wgs84,
    area_id: Uuid,
    area: AreaRef,
    description: String,
    address: Option<String>,
    media_ids: Vec<Uuid>,
}

async fn check(state: &AppState, r: &CreateReport) -> ApiResult<Checked> {
    let cfg = &state.config.reports;
    let description = r.description.trim().to_owned();
    if description.chars().count() > cfg.max_description_chars {
        return Err(ApiError::bad_request(
            "description_too_long",
            format!(
                "the description has more than {} characters",
                cfg.max_description_chars
            ),
        ));
    }
    let address = r
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    if address
        .as_ref()
        .is_some_and(|a| a.chars().count() > cfg.max_address_chars)
    {
        return Err(ApiError::bad_request(
            "address_too_long",
            format!(
                "the address has more than {} characters",
                cfg.max_address_chars
            ),
        ));
    }
    if r.media_ids.is_empty() || r.media_ids.len() > MAX_PHOTOS {
        return Err(ApiError::bad_request(
            "invalid_photo_count",
            format!("a report needs 1 to {MAX_PHOTOS} photos"),
        ));
    }
    let unique: HashSet<_> = r.media_ids.iter().collect();
    if unique.len() != r.media_ids.len() {
        return Err(ApiError::bad_request(
            "duplicate_media_ids",
            "a photo is listed twice",
        ));
    }
    let point = Wgs84::parse(&r.location).map_err(|e| ApiError::BadRequest {
        code: "invalid_coordinates",
        message: e.to_string(),
        details: None,
    })?;
    let category = reportable_category(state, &r.category_code)
        .await?
        .ok_or_else(|| ApiError::Unprocessable {
            code: "unknown_category",
            message: format!(
                "{} is not a reportable category; see GET /api/v1/categories",
                r.category_code
            ),
            details: None,
        })?;
    let index = state.areas.get();
    let found = index
        .most_specific(point.lng(), point.lat())
        .ok_or_else(|| ApiError::BadRequest {
            code: "outside_service_area",
            message: "the location is outside every area this city serves".into(),
            details: Some(serde_json::json!({"lat": point.lat(), "lng": point.lng()})),
        })?;
    Ok(Checked {
        category,
        point,
        area_id: found.id,
        area: AreaRef {
            code: found.code.clone(),
            name: found.name.clone(),
        },
        description,
        address,
        media_ids: r.media_ids.clone(),
    })
}

/// An active small category by code, through a short-lived cache.
async fn reportable_category(state: &AppState, code: &str) -> ApiResult<Option<category::Model>> {
    if let Some(hit) = state.categories.get(code) {
        return Ok(hit);
    }
    let found = category::Entity::find()
        .filter(category::Column::Code.eq(code))
        .filter(category::Column::Active.eq(true))
        .one(&state.db)
        .await?
        .filter(|c| c.parent_id.is_some());
    state.categories.insert(code.to_owned(), found.clone());
    Ok(found)
}

/// Submits a report: one case, its photos attached, its first timeline
/// event, all in one transaction.
#[tracing::instrument(skip_all, fields(user = %caller.user_id))]
pub async fn create(state: &AppState, caller: &Caller, r: &CreateReport) -> ApiResult<ReportView> {
    let c = check(state, r).await?;
    let now = chrono::Utc::now().fixed_offset();

    let photos = media::Entity::find()
        .filter(media::Column::Id.is_in(c.media_ids.clone()))
        .all(&state.db)
        .await?;
    let usable: HashSet<Uuid> = photos
        .iter()
        .filter(|m| m.owner_id == caller.user_id && m.case_id.is_none() && m.expires_at > now)
        .map(|m| m.id)
        .collect();
    let bad: Vec<Uuid> = c
        .media_ids
        .iter()
        .filter(|id| !usable.contains(id))
        .copied()
        .collect();
    if !bad.is_empty() {
        return Err(ApiError::Unprocessable {
            code: "invalid_media",
            message: "some photos are unknown, expired, not yours, or already in another report"
                .into(),
            details: Some(serde_json::json!({ "mediaIds": bad })),
        });
    }

    let case_no = next_case_no(&state.db, now).await?;
    let case_id = Uuid::now_v7();
    let event_id = Uuid::now_v7();
    let txn = state.db.begin().await?;
    let case = cases::ActiveModel {
        id: Set(case_id),
        case_no: Set(case_no),
        reporter_id: Set(caller.user_id),
        category_id: Set(c.category.id),
        description: Set(c.description),
        lat: Set(c.point.lat()),
        lng: Set(c.point.lng()),
        address: Set(c.address),
        area_id: Set(c.area_id),
        status: Set(CaseStatus::Submitted.as_str().into()),
        version: Set(1),
        unit_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let event = case_event::ActiveModel {
        id: Set(event_id),
        case_id: Set(case_id),
        actor_id: Set(Some(caller.user_id)),
        actor_role: Set(caller.role.as_str().into()),
        action: Set("submit".into()),
        from_status: Set(None),
        to_status: Set(CaseStatus::Submitted.as_str().into()),
        note: Set(None),
        public: Set(true),
        data: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // Claim the photos only if still unattached: a concurrent report that
    // took one of them makes this one fail whole.
    let claimed = media::Entity::update_many()
        .col_expr(media::Column::CaseId, Expr::value(case_id))
        .col_expr(media::Column::EventId, Expr::value(event_id))
        .filter(media::Column::Id.is_in(c.media_ids.clone()))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::OwnerId.eq(caller.user_id))
        .exec(&txn)
        .await?;
    if usize::try_from(claimed.rows_affected).ok() != Some(c.media_ids.len()) {
        txn.rollback().await?;
        return Err(ApiError::conflict(
            "media_already_attached",
            "a photo was attached to another report at the same time",
        ));
    }
    txn.commit().await?;
    let mut photos = photos;
    photos.sort_by_key(|p| p.id);
    assemble(
        state,
        Parts {
            case,
            category: Some(c.category),
            area: c.area,
            photos,
            events: vec![event],
        },
        r.location.coord_system,
    )
}

/// What a citizen's view is made of.
struct Parts {
    case: cases::Model,
    category: Option<category::Model>,
    area: AreaRef,
    photos: Vec<media::Model>,
    events: Vec<case_event::Model>,
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

pub fn decode_cursor(s: &str) -> ApiResult<Uuid> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| Uuid::from_slice(&b).ok())
        .ok_or_else(|| {
            ApiError::bad_request("invalid_cursor", "the cursor is not one this API issued")
        })
}

fn status_of(s: &str) -> ApiResult<CaseStatus> {
    Ok(CaseStatus::parse(s).with_context(|| format!("stored status {s}"))?)
}

/// The caller's reports, newest first.
pub async fn list_mine(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u64,
    system: CoordSystem,
) -> ApiResult<ReportPage> {
    let mut q = cases::Entity::find()
        .filter(cases::Column::ReporterId.eq(caller.user_id))
        .order_by_desc(cases::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(cases::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let cats = categories_by_id(state, rows.iter().map(|r| r.category_id).collect()).await?;
    let first_photo: HashMap<Uuid, Uuid> = {
        let photos = media::Entity::find()
            .filter(media::Column::CaseId.is_in(ids))
            .order_by_asc(media::Column::Id)
            .all(&state.db)
            .await?;
        let mut m = HashMap::new();
        for p in photos {
            if let Some(case_id) = p.case_id {
                m.entry(case_id).or_insert(p.id);
            }
        }
        m
    };
    let ttl = state.config.media.url_ttl_secs;
    let items = rows
        .into_iter()
        .map(|r| {
            let status = status_of(&r.status)?;
            Ok(ReportSummary {
                id: r.id,
                case_no: r.case_no,
                status,
                status_label: status.label().into(),
                category: cat_ref(&cats, r.category_id),
                description: r.description,
                location: Wgs84::from_stored(r.lat, r.lng).to_location(system),
                thumbnail_url: first_photo
                    .get(&r.id)
                    .map(|m| state.signer.url(*m, Variant::Thumb.as_str(), ttl)),
                created_at: r.created_at,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(ReportPage { items, next_cursor })
}

async fn categories_by_id(
    state: &AppState,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

fn cat_ref(cats: &HashMap<Uuid, category::Model>, id: Uuid) -> CategoryRef {
    cats.get(&id).map_or_else(
        || CategoryRef {
            code: String::new(),
            name: String::new(),
        },
        |c| CategoryRef {
            code: c.code.clone(),
            name: c.name.clone(),
        },
    )
}

/// One of the caller's reports with its public timeline; anyone else's is `404`.
pub async fn get_mine(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    system: CoordSystem,
) -> ApiResult<ReportView> {
    let case = cases::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|c| c.reporter_id == caller.user_id)
        .ok_or_else(|| ApiError::not_found("report"))?;
    let photos = media::Entity::find()
        .filter(media::Column::CaseId.eq(case.id))
        .order_by_asc(media::Column::Id)
        .all(&state.db)
        .await?;
    let events = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case.id))
        .filter(case_event::Column::Public.eq(true))
        .order_by_asc(case_event::Column::Id)
        .all(&state.db)
        .await?;
    let area = area::Entity::find_by_id(case.area_id)
        .one(&state.db)
        .await?
        .map_or_else(
            || AreaRef {
                code: String::new(),
                name: String::new(),
            },
            |a| AreaRef {
                code: a.code,
                name: a.name,
            },
        );
    let category = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?;
    assemble(
        state,
        Parts {
            case,
            category,
            area,
            photos,
            events,
        },
        system,
    )
}

fn assemble(state: &AppState, p: Parts, system: CoordSystem) -> ApiResult<ReportView> {
    let Parts {
        case,
        category,
        area,
        photos,
        events,
    } = p;
    let ttl = state.config.media.url_ttl_secs;
    let status = status_of(&case.status)?;
    Ok(ReportView {
        id: case.id,
        case_no: case.case_no,
        status,
        status_label: status.label().into(),
        category: category.map_or_else(
            || CategoryRef {
                code: String::new(),
                name: String::new(),
            },
            |c| CategoryRef {
                code: c.code,
                name: c.name,
            },
        ),
        description: case.description,
        location: Wgs84::from_stored(case.lat, case.lng).to_location(system),
        address: case.address,
        area,
        photos: photos
            .iter()
            .map(|p| Photo {
                id: p.id,
                width: p.width,
                height: p.height,
                url: state.signer.url(p.id, Variant::Full.as_str(), ttl),
                thumbnail_url: state.signer.url(p.id, Variant::Thumb.as_str(), ttl),
            })
            .collect(),
        timeline: events
            .into_iter()
            .map(|e| {
                let status = status_of(&e.to_status)?;
                Ok(TimelineEntry {
                    at: e.created_at,
                    action: e.action,
                    status,
                    status_label: status.label().into(),
                    note: e.note,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}
