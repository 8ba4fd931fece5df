//! Report submission and the citizen's views (no HTTP here).

use super::dto::{
    AreaRef, CategoryRef, CreateReport, MergedInto, Photo, ReportPage, ReportSummary, ReportView,
    TimelineEntry,
};
use crate::{
    auth::Caller,
    cases::domain::CaseStatus,
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
    route: Option<crate::routing::Decision>,
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
    let containing = index.containing(point.lng(), point.lat());
    let route = state.directory.get().route(&containing, &category);
    let found = containing.first().ok_or_else(|| ApiError::BadRequest {
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
        route,
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

    // Two independent reads, on two pooled connections at once.
    let (candidates, case_no) = tokio::try_join!(duplicate_candidates(state, &c, now), async {
        state
            .case_numbers
            .next(&state.db, now)
            .await
            .map_err(ApiError::from)
    },)?;
    let case_id = Uuid::now_v7();
    // The photos point at this event, so its id is chosen here.
    let event_id = Uuid::now_v7();
    let mut submit = crate::cases::service::event(
        case_id,
        crate::audit::Actor::of(caller),
        "submit",
        None,
        CaseStatus::Submitted,
        None,
        true,
        Some(serde_json::json!({ "routing": c.route })),
        now,
    );
    submit.id = Set(event_id);
    let mut events = vec![submit];
    let mut am = cases::ActiveModel {
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
        routed_unit_id: Set(c.route.as_ref().map(|r| r.unit_id)),
        rule_id: Set(c.route.as_ref().map(|r| r.rule_id)),
        escalation_level: Set(0),
        extended: Set(false),
        reopen_count: Set(0),
        ..Default::default()
    };
    // Categories without manual review are accepted and dispatched at once.
    let mut fx = crate::cases::service::Effects::default();
    if !c.category.manual_review
        && let Some(route) = &c.route
    {
        let clock = state.clock();
        crate::cases::service::dispatch_into(&mut am, &clock, &c.category, route.unit_id, now);
        am.status = Set(CaseStatus::Dispatched.as_str().into());
        am.timer_at = Set(crate::cases::service::timer_after(
            None,
            &am,
            CaseStatus::Dispatched,
        ));
        let sys = crate::audit::Actor::SYSTEM;
        events.push(crate::cases::service::event(
            case_id,
            sys,
            "accept",
            Some(CaseStatus::Submitted),
            CaseStatus::Accepted,
            Some("自动受理".into()),
            true,
            None,
            now,
        ));
        events.push(crate::cases::service::event(
            case_id, sys, "dispatch", Some(CaseStatus::Accepted), CaseStatus::Dispatched,
            Some(format!("自动派遣至{}", route.unit_name)), true,
            Some(serde_json::json!({"unitCode": route.unit_code, "unitName": route.unit_name, "auto": true})),
            now,
        ));
        fx.units.push((
            route.unit_id,
            "dispatched",
            format!("新派遣案卷：{}", c.category.name),
        ));
        fx.citizen = Some((
            CaseStatus::Dispatched,
            Some(format!("已派遣至{}", route.unit_name)),
        ));
    }
    let txn = state.db.begin().await?;
    let case = am.insert(&txn).await?;
    case_event::Entity::insert_many(events.clone())
        .exec(&txn)
        .await?;
    if !candidates.is_empty() {
        entity::case_link::Entity::insert_many(candidates.iter().map(|(other, d)| {
            entity::case_link::ActiveModel {
                id: Set(Uuid::now_v7()),
                case_id: Set(case_id),
                candidate_id: Set(*other),
                distance_m: Set(*d),
                created_at: Set(now),
            }
        }))
        .exec(&txn)
        .await?;
    }
    // Claim the photos: only the caller's own, unexpired and unattached. One
    // that is not (or that a concurrent report took first) makes the whole
    // submission roll back.
    let mut photos = media::Entity::update_many()
        .col_expr(media::Column::CaseId, Expr::value(case_id))
        .col_expr(media::Column::EventId, Expr::value(event_id))
        .filter(media::Column::Id.is_in(c.media_ids.clone()))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::OwnerId.eq(caller.user_id))
        .filter(media::Column::ExpiresAt.gt(now))
        .exec_with_returning(&txn)
        .await?;
    if photos.len() != c.media_ids.len() {
        txn.rollback().await?;
        return Err(unusable_media(state, caller, &c.media_ids, now).await);
    }
    crate::cases::service::notices(state, &txn, &case, &fx).await?;
    txn.commit().await?;
    photos.sort_by_key(|p| p.id);
    assemble(
        state,
        Parts {
            case,
            category: Some(c.category),
            area: c.area,
            photos,
            events: events
                .into_iter()
                .filter_map(|e| active_event(e).filter(|e| e.public))
                .collect(),
            merged_into: None,
        },
        r.location.coord_system,
    )
}

/// Why the photos of a submission could not be claimed: those that are
/// unknown, expired, someone else's or attached to another report (422).
/// When every photo looks usable again (the report that took one rolled
/// back meanwhile), the submission lost a race: 409, try again.
async fn unusable_media(
    state: &AppState,
    caller: &Caller,
    ids: &[Uuid],
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ApiError {
    let found = match media::Entity::find()
        .filter(media::Column::Id.is_in(ids.to_vec()))
        .all(&state.db)
        .await
    {
        Ok(found) => found,
        Err(e) => return e.into(),
    };
    let usable: HashSet<Uuid> = found
        .iter()
        .filter(|m| m.owner_id == caller.user_id && m.case_id.is_none() && m.expires_at > now)
        .map(|m| m.id)
        .collect();
    let bad: Vec<Uuid> = ids
        .iter()
        .filter(|id| !usable.contains(id))
        .copied()
        .collect();
    if bad.is_empty() {
        return ApiError::conflict(
            "media_already_attached",
            "a photo was being attached to another report at the same time; try again",
        );
    }
    ApiError::Unprocessable {
        code: "invalid_media",
        message: "some photos are unknown, expired, not yours, or already in another report".into(),
        details: Some(serde_json::json!({ "mediaIds": bad })),
    }
}

/// What a citizen's view is made of.
struct Parts {
    case: cases::Model,
    category: Option<category::Model>,
    area: AreaRef,
    photos: Vec<media::Model>,
    events: Vec<case_event::Model>,
    /// The case a duplicate was merged into.
    merged_into: Option<cases::Model>,
}

fn active_event(e: case_event::ActiveModel) -> Option<case_event::Model> {
    use sea_orm::TryIntoModel;
    e.try_into_model().ok()
}

/// Open cases of the same category within the configured radius and time
/// window: candidates for the dispatcher to merge.
async fn duplicate_candidates(
    state: &AppState,
    c: &Checked,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ApiResult<Vec<(Uuid, f64)>> {
    use geo::{Distance, Haversine, Point};
    let cfg = &state.config.workflow;
    if cfg.duplicate_radius_m <= 0.0 {
        return Ok(vec![]);
    }
    let (lat, lng) = (c.point.lat(), c.point.lng());
    let dlat = cfg.duplicate_radius_m / 111_320.0;
    let dlng = dlat / lat.to_radians().cos().abs().max(0.01);
    let since = now - chrono::Duration::hours(cfg.duplicate_window_hours.max(0));
    let open: Vec<&str> = crate::cases::service::OPEN
        .iter()
        .map(|s| s.as_str())
        .collect();
    let near = cases::Entity::find()
        .filter(cases::Column::CategoryId.eq(c.category.id))
        .filter(cases::Column::CreatedAt.gte(since))
        .filter(cases::Column::Status.is_in(open))
        .filter(cases::Column::Lat.between(lat - dlat, lat + dlat))
        .filter(cases::Column::Lng.between(lng - dlng, lng + dlng))
        .order_by_desc(cases::Column::Id)
        .limit(20)
        .select_only()
        .columns([cases::Column::Id, cases::Column::Lat, cases::Column::Lng])
        .into_tuple::<(Uuid, f64, f64)>()
        .all(&state.db)
        .await?;
    let here = Point::new(lng, lat);
    Ok(near
        .into_iter()
        .map(|(id, lat, lng)| (id, Haversine.distance(here, Point::new(lng, lat))))
        .filter(|(_, d)| *d <= cfg.duplicate_radius_m)
        .collect())
}

/// 评单: the reporter rates a closed case once; an unsatisfied rating sends
/// it back to verification.
pub async fn rate(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    score: i32,
    comment: Option<String>,
) -> ApiResult<()> {
    use crate::cases::service as cs;
    caller.require(&[crate::auth::Role::Citizen])?;
    let comment = cs::clean_note(comment)?;
    let now = crate::infra::time::utc_now();
    let case = cases::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|c| c.reporter_id == caller.user_id)
        .ok_or_else(|| ApiError::not_found("report"))?;
    if case.rating.is_some() {
        return Err(ApiError::conflict(
            "already_rated",
            "this report was already rated",
        ));
    }
    if case.status != CaseStatus::Closed.as_str() {
        return Err(ApiError::conflict(
            "not_closed",
            "a report can be rated once its case is closed",
        ));
    }
    let cat = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?;
    let unsatisfied = score <= cat.map_or(2, |c| c.unsatisfied_max);
    let to = if unsatisfied {
        CaseStatus::Resolved
    } else {
        CaseStatus::Closed
    };
    let am = cases::ActiveModel {
        rating: Set(Some(score)),
        rating_comment: Set(comment.clone()),
        rated_at: Set(Some(now)),
        status: Set(to.as_str().into()),
        ..Default::default()
    };
    let fx = cs::Effects {
        events: vec![cs::event(
            id,
            crate::audit::Actor::of(caller),
            "rate",
            Some(CaseStatus::Closed),
            to,
            comment,
            true,
            Some(serde_json::json!({"score": score, "reopenedForVerification": unsatisfied})),
            now,
        )],
        units: vec![],
        citizen: None,
    };
    let txn = state.db.begin().await?;
    cs::commit(state, &txn, &case, am, to, case.version, &fx).await?;
    txn.commit().await?;
    Ok(())
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
    cats.get(&id)
        .map_or_else(CategoryRef::default, |c| CategoryRef {
            code: c.code.clone(),
            name: c.name.clone(),
        })
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
        .map_or_else(AreaRef::default, |a| AreaRef {
            code: a.code,
            name: a.name,
        });
    let category = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?;
    let merged_into = match case.duplicate_of {
        Some(d) => cases::Entity::find_by_id(d).one(&state.db).await?,
        None => None,
    };
    assemble(
        state,
        Parts {
            case,
            category,
            area,
            photos,
            events,
            merged_into,
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
        merged_into,
    } = p;
    let ttl = state.config.media.url_ttl_secs;
    let status = status_of(&case.status)?;
    Ok(ReportView {
        id: case.id,
        case_no: case.case_no,
        status,
        status_label: status.label().into(),
        category: category.map_or_else(CategoryRef::default, |c| CategoryRef {
            code: c.code,
            name: c.name,
        }),
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
        merged_into: merged_into.map(|m| MergedInto {
            id: m.id,
            case_no: m.case_no,
        }),
        rating: case.rating,
        can_rate: case.rating.is_none() && status == CaseStatus::Closed,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}
