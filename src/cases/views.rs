//! The staff and unit views: the case list with filters and one case with
//! everything (never the reporter's identity), and the reporter's identity
//! for staff, with a reason that goes to the audit log.

use super::{
    domain::CaseStatus,
    dto::{
        CasePage, CaseRef, CaseSummary, CaseView, Deadlines, DuplicateCandidate, ExtensionView,
        RatingView, ReporterView, StaffTimelineEntry, UnitRef,
    },
    service::{CLOCK_RUNS, load_visible, status_of},
};
use crate::{
    audit::{self, Actor},
    auth::{Caller, Role},
    categories::LimitUnit,
    error::{ApiError, ApiResult},
    geo::coords::{CoordSystem, Wgs84},
    infra::time::{utc, utc_now},
    media::service::Variant,
    reports::{
        dto::{AreaRef, CategoryRef, Photo},
        service::{decode_cursor, encode_cursor},
    },
    routing::Directory,
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::{area, case_event, case_link, cases, category, extension, media, user};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Filters of `GET /cases`.
#[derive(Debug, Default)]
pub struct Filters {
    pub status: Option<CaseStatus>,
    pub unit_code: Option<String>,
    pub category_code: Option<String>,
    pub area_code: Option<String>,
    pub overdue: Option<bool>,
    pub due_before: Option<DateTime<FixedOffset>>,
    /// min lng, min lat, max lng, max lat (WGS-84).
    pub bbox: Option<[f64; 4]>,
}

/// Parses `minLng,minLat,maxLng,maxLat`.
pub fn parse_bbox(s: &str) -> ApiResult<[f64; 4]> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad_bbox())?;
    let [a, b, c, d] = v[..] else {
        return Err(bad_bbox());
    };
    let ok = v.iter().all(|x| x.is_finite())
        && (-180.0..=180.0).contains(&a)
        && (-180.0..=180.0).contains(&c)
        && (-90.0..=90.0).contains(&b)
        && (-90.0..=90.0).contains(&d)
        && a <= c
        && b <= d;
    if ok {
        Ok([a, b, c, d])
    } else {
        Err(bad_bbox())
    }
}

fn bad_bbox() -> ApiError {
    ApiError::bad_request(
        "invalid_bbox",
        "bbox is minLng,minLat,maxLng,maxLat in WGS-84 degrees, min before max",
    )
}

fn staff_only(caller: &Caller) -> ApiResult<()> {
    caller.require(&[
        Role::Dispatcher,
        Role::Supervisor,
        Role::Admin,
        Role::UnitMember,
    ])
}

fn unit_ref(dir: &Directory, id: Option<Uuid>) -> Option<UnitRef> {
    id.and_then(|u| dir.unit(u)).map(|u| UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    })
}

fn is_overdue(c: &cases::Model, status: CaseStatus) -> bool {
    c.overdue_at.is_some() && (CLOCK_RUNS.contains(&status) || status == CaseStatus::Suspended)
}

/// Cases the caller may see, newest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    f: Filters,
    cursor: Option<&str>,
    limit: u64,
    system: CoordSystem,
) -> ApiResult<CasePage> {
    staff_only(caller)?;
    let dir = state.directory.get();
    let mut q = cases::Entity::find()
        .order_by_desc(cases::Column::Id)
        .limit(limit + 1);
    if caller.role == Role::UnitMember {
        let mine = caller.unit_id.map(|u| dir.subtree(u)).unwrap_or_default();
        q = q.filter(cases::Column::UnitId.is_in(mine));
    }
    if let Some(c) = cursor {
        q = q.filter(cases::Column::Id.lt(decode_cursor(c)?));
    }
    if let Some(s) = f.status {
        q = q.filter(cases::Column::Status.eq(s.as_str()));
    }
    if let Some(code) = &f.unit_code {
        let u = dir.unit_by_code(code).ok_or_else(|| {
            ApiError::bad_request("unknown_unit", format!("no unit with code {code}"))
        })?;
        q = q.filter(cases::Column::UnitId.eq(u.id));
    }
    if let Some(code) = &f.category_code {
        let cats = category::Entity::find().all(&state.db).await?;
        let c = cats.iter().find(|c| &c.code == code).ok_or_else(|| {
            ApiError::bad_request("unknown_category", format!("no category with code {code}"))
        })?;
        // A 大类 matches its 小类 too.
        let ids: Vec<Uuid> = cats
            .iter()
            .filter(|x| x.id == c.id || x.parent_id == Some(c.id))
            .map(|x| x.id)
            .collect();
        q = q.filter(cases::Column::CategoryId.is_in(ids));
    }
    if let Some(code) = &f.area_code {
        let areas = state.areas.get();
        let ids = areas.subtree_of_code(code).ok_or_else(|| {
            ApiError::bad_request("unknown_area", format!("no area with code {code}"))
        })?;
        q = q.filter(cases::Column::AreaId.is_in(ids));
    }
    if let Some(o) = f.overdue {
        let running: Vec<&str> = CLOCK_RUNS
            .iter()
            .chain([&CaseStatus::Suspended])
            .map(|s| s.as_str())
            .collect();
        let cond = Condition::all()
            .add(cases::Column::OverdueAt.is_not_null())
            .add(cases::Column::Status.is_in(running));
        q = q.filter(if o { cond } else { cond.not() });
    }
    if let Some(t) = f.due_before {
        q = q.filter(cases::Column::DueAt.lt(utc(t)));
    }
    if let Some([a, b, c, d]) = f.bbox {
        q = q
            .filter(cases::Column::Lng.between(a, c))
            .filter(cases::Column::Lat.between(b, d));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    let cats: HashMap<Uuid, category::Model> = category::Entity::find()
        .filter(category::Column::Id.is_in(rows.iter().map(|r| r.category_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let areas = state.areas.get();
    let items = rows
        .into_iter()
        .map(|r| {
            let status = status_of(&r.status)?;
            Ok(CaseSummary {
                overdue: is_overdue(&r, status),
                id: r.id,
                case_no: r.case_no,
                status,
                version: r.version,
                category: cats
                    .get(&r.category_id)
                    .map_or_else(CategoryRef::default, |c| CategoryRef {
                        code: c.code.clone(),
                        name: c.name.clone(),
                    }),
                area: areas
                    .by_id(r.area_id)
                    .map_or_else(AreaRef::default, |a| AreaRef {
                        code: a.code.clone(),
                        name: a.name.clone(),
                    }),
                unit: unit_ref(&dir, r.unit_id),
                location: Wgs84::from_stored(r.lat, r.lng).to_location(system),
                due_at: r.due_at,
                escalation_level: r.escalation_level,
                created_at: r.created_at,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(CasePage { items, next_cursor })
}

fn photo(state: &AppState, m: &media::Model) -> Photo {
    let ttl = state.config.media.url_ttl_secs;
    Photo {
        id: m.id,
        width: m.width,
        height: m.height,
        url: state.signer.url(m.id, Variant::Full.as_str(), ttl),
        thumbnail_url: state.signer.url(m.id, Variant::Thumb.as_str(), ttl),
    }
}

/// One case with everything staff and units need.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    system: CoordSystem,
) -> ApiResult<CaseView> {
    staff_only(caller)?;
    let dir = state.directory.get();
    let case = load_visible(&state.db, &dir, caller, id).await?;
    let status = status_of(&case.status)?;
    let cat = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?;
    let area = area::Entity::find_by_id(case.area_id)
        .one(&state.db)
        .await?;
    let photos = media::Entity::find()
        .filter(media::Column::CaseId.eq(case.id))
        .order_by_asc(media::Column::Id)
        .all(&state.db)
        .await?;
    let events = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case.id))
        .order_by_asc(case_event::Column::Id)
        .all(&state.db)
        .await?;
    let actor_ids: Vec<Uuid> = events
        .iter()
        .filter(|e| e.actor_role != "citizen")
        .filter_map(|e| e.actor_id)
        .collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let links = case_link::Entity::find()
        .filter(case_link::Column::CaseId.eq(case.id))
        .all(&state.db)
        .await?;
    let mut related_ids: Vec<Uuid> = links.iter().map(|l| l.candidate_id).collect();
    related_ids.extend(case.duplicate_of);
    let related: HashMap<Uuid, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(related_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let exts = extension::Entity::find()
        .filter(extension::Column::CaseId.eq(case.id))
        .order_by_asc(extension::Column::Id)
        .all(&state.db)
        .await?;
    let (citizen_photos, after): (Vec<_>, Vec<_>) = photos
        .into_iter()
        .partition(|p| p.owner_id == case.reporter_id);
    let timeline = events
        .into_iter()
        .map(|e| {
            Ok(StaffTimelineEntry {
                id: e.id,
                at: e.created_at,
                action: e.action,
                from_status: e.from_status.as_deref().and_then(CaseStatus::parse),
                status: status_of(&e.to_status)?,
                actor_name: if e.actor_role == "citizen" {
                    None
                } else {
                    e.actor_id.and_then(|a| names.get(&a).cloned())
                },
                actor_role: e.actor_role,
                note: e.note,
                public: e.public,
                data: e.data.and_then(|d| serde_json::from_str(&d).ok()),
                photos: after
                    .iter()
                    .filter(|p| p.event_id == Some(e.id))
                    .map(|p| photo(state, p))
                    .collect(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(CaseView {
        id: case.id,
        case_no: case.case_no.clone(),
        status,
        status_label: status.label().into(),
        version: case.version,
        category: cat.map_or_else(CategoryRef::default, |c| CategoryRef {
            code: c.code,
            name: c.name,
        }),
        description: case.description.clone(),
        location: Wgs84::from_stored(case.lat, case.lng).to_location(system),
        address: case.address.clone(),
        area: area.map_or_else(AreaRef::default, |a| AreaRef {
            code: a.code,
            name: a.name,
        }),
        routed_unit: unit_ref(&dir, case.routed_unit_id),
        unit: unit_ref(&dir, case.unit_id),
        deadlines: Deadlines {
            accept_due_at: case.accept_due_at,
            due_at: case.due_at,
            warn_at: case.warn_at,
            warned_at: case.warned_at,
            overdue: is_overdue(&case, status),
            overdue_at: case.overdue_at,
            escalation_level: case.escalation_level,
            escalated_to: unit_ref(&dir, case.escalated_unit_id),
            minutes_left_when_suspended: case.clock_left_minutes,
            extended: case.extended,
        },
        suspended_from: case.suspended_from.as_deref().and_then(CaseStatus::parse),
        duplicate_of: case
            .duplicate_of
            .and_then(|d| related.get(&d))
            .map(|d| CaseRef {
                id: d.id,
                case_no: d.case_no.clone(),
                status: CaseStatus::parse(&d.status).unwrap_or(CaseStatus::Submitted),
            }),
        duplicate_candidates: links
            .iter()
            .filter_map(|l| {
                related.get(&l.candidate_id).map(|d| DuplicateCandidate {
                    id: d.id,
                    case_no: d.case_no.clone(),
                    status: CaseStatus::parse(&d.status).unwrap_or(CaseStatus::Submitted),
                    distance_m: (l.distance_m * 10.0).round() / 10.0,
                })
            })
            .collect(),
        extensions: exts
            .into_iter()
            .map(|e| ExtensionView {
                id: e.id,
                amount: e.amount,
                limit_unit: LimitUnit::parse(&e.limit_unit).unwrap_or(LimitUnit::WorkHours),
                reason: e.reason,
                status: e.status,
                decision_note: e.decision_note,
                created_at: e.created_at,
                decided_at: e.decided_at,
            })
            .collect(),
        rating: match (case.rating, case.rated_at) {
            (Some(score), Some(at)) => Some(RatingView {
                score,
                comment: case.rating_comment.clone(),
                at,
            }),
            _ => None,
        },
        photos: citizen_photos.iter().map(|p| photo(state, p)).collect(),
        timeline,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}

/// The reporter's identity, for staff (not units), with the reason recorded.
pub async fn reporter(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    reason: &str,
) -> ApiResult<ReporterView> {
    caller.require(&[Role::Dispatcher, Role::Supervisor, Role::Admin])?;
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "reason_required",
            "say why you need the reporter's identity (2–200 characters)",
        ));
    }
    let dir = state.directory.get();
    let case = load_visible(&state.db, &dir, caller, id).await?;
    let u = user::Entity::find_by_id(case.reporter_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("reporter"))?;
    // Reads first, then one write: SQLite never has to upgrade a stale snapshot.
    let txn = state.db.begin().await?;
    audit::record(
        &txn,
        Actor::of(caller),
        "reporter.view",
        "case",
        Some(id.to_string()),
        Some(reason),
        Some(serde_json::json!({"reporterId": u.id, "at": utc_now()})),
    )
    .await?;
    txn.commit().await?;
    Ok(ReporterView {
        user_id: u.id,
        openid: u.openid,
        phone: u.phone,
        display_name: u.display_name,
    })
}
