//! One case, as staff and units see it.
//!
//! Read in a bounded number of statements, whatever the length of its
//! timeline: the case row (which decides visibility), then eight reads at
//! once on pooled connections — photos, events, the names of the staff who
//! acted, duplicate links, the linked cases, extensions, what an Open311
//! integrator sent, the number of followers — so 9 statements in 2 round
//! trips (8 in 1 after an action, which has the row already); with
//! content security on, the case's open content flags besides. The
//! category comes from the categories catalogue and the area from the areas
//! snapshot.

use super::{super::service, staff_only, unit_ref};
use crate::{
    audit,
    cases::{
        dto::{
            CaseAction, CaseRef, CaseView, Deadlines, DuplicateCandidate, ExtensionView,
            RatingView, ReporterView, StaffTimelineEntry,
        },
        error::CaseError,
        model::Case,
        source, transition,
    },
    core::{Actor, Caller, CaseStatus, ExtensionStatus, Role},
    geo::coords::{CoordSystem, Wgs84},
    state::AppState,
    web::dto::{AreaRef, CategoryRef, Photo},
};
use entity::{
    case_event, case_follower, case_link, cases, extension, media, open311_request, user,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait, sea_query::Query,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Everything read about a case besides its row.
struct Related {
    photos: Vec<media::Model>,
    events: Vec<case_event::Model>,
    names: HashMap<Uuid, String>,
    links: Vec<case_link::Model>,
    linked: HashMap<Uuid, cases::Model>,
    extensions: Vec<extension::Model>,
    open311: Option<open311_request::Model>,
    followers: u64,
}

async fn related(state: &AppState, case: &Case) -> Result<Related, CaseError> {
    let db = &state.db;
    let id = case.id;
    let actors = Query::select()
        .column(case_event::Column::ActorId)
        .from(case_event::Entity)
        .and_where(case_event::Column::CaseId.eq(id))
        .and_where(case_event::Column::ActorRole.ne(Role::Citizen.as_str()))
        .to_owned();
    let links = Query::select()
        .column(case_link::Column::CandidateId)
        .from(case_link::Entity)
        .and_where(case_link::Column::CaseId.eq(id))
        .to_owned();
    let mut linked = Condition::any().add(cases::Column::Id.in_subquery(links));
    if let Some(d) = case.duplicate_of {
        linked = linked.add(cases::Column::Id.eq(d));
    }
    let (photos, events, names, links, linked, extensions, open311, followers) = tokio::try_join!(
        media::Entity::find()
            .filter(media::Column::CaseId.eq(id))
            .filter(media::Column::BlockedAt.is_null())
            .order_by_asc(media::Column::Id)
            .all(db),
        case_event::Entity::find()
            .filter(case_event::Column::CaseId.eq(id))
            .order_by_asc(case_event::Column::Id)
            .all(db),
        user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName])
            .filter(user::Column::Id.in_subquery(actors))
            .into_tuple::<(Uuid, String)>()
            .all(db),
        case_link::Entity::find()
            .filter(case_link::Column::CaseId.eq(id))
            .all(db),
        cases::Entity::find().filter(linked).all(db),
        extension::Entity::find()
            .filter(extension::Column::CaseId.eq(id))
            .order_by_asc(extension::Column::Id)
            .all(db),
        open311_request::Entity::find_by_id(id).one(db),
        case_follower::Entity::find()
            .filter(case_follower::Column::CaseId.eq(id))
            .count(db),
    )?;
    Ok(Related {
        photos,
        events,
        names: names.into_iter().collect(),
        links,
        linked: linked.into_iter().map(|c| (c.id, c)).collect(),
        extensions,
        open311,
        followers,
    })
}

fn case_ref(c: &cases::Model) -> CaseRef {
    CaseRef {
        id: c.id,
        case_no: c.case_no.clone(),
        status: c.status,
    }
}

/// One case with everything staff and units need.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    system: CoordSystem,
) -> Result<CaseView, CaseError> {
    staff_only(caller)?;
    let case = service::load_visible(state, &state.directory.get(), caller, id).await?;
    show(state, caller, case, system).await
}

/// The view of a case already read (as an action wrote it): what it has
/// besides its row is read, the row is not read again.
pub async fn show(
    state: &AppState,
    caller: &Caller,
    case: Case,
    system: CoordSystem,
) -> Result<CaseView, CaseError> {
    staff_only(caller)?;
    let dir = state.directory.get();
    if !service::visible(&dir, caller, &case) {
        return Err(CaseError::not_found());
    }
    let cat = service::category(state, case.category_id)?;
    let (mut r, content_flags) = tokio::try_join!(related(state, &case), async {
        Ok::<_, CaseError>(crate::content::flags::of_case(state, case.id).await?)
    })?;
    // A unit sees the linked and merged cases it could open, no others
    // (not even their numbers and statuses).
    if caller.role == Role::UnitMember {
        let scope = caller.unit_id.map(|u| dir.subtree(u)).unwrap_or_default();
        r.linked
            .retain(|_, c| c.unit_id.is_some_and(|u| scope.contains(&u)));
    }
    let ttl = state.config.media.url_ttl_secs;
    let photo = |m: &media::Model| Photo::signed(&state.signer, ttl, &m.into());
    let (citizen_photos, after): (Vec<_>, Vec<_>) = r
        .photos
        .iter()
        .partition(|p| p.owner_id == case.reporter_id);
    let timeline = r
        .events
        .into_iter()
        .map(|e| {
            Ok(StaffTimelineEntry {
                id: e.id,
                at: e.created_at,
                from_status: e.from_status,
                status: e.to_status,
                actor_name: if e.actor_role == Role::Citizen.as_str() {
                    None
                } else {
                    e.actor_id.and_then(|a| r.names.get(&a).cloned())
                },
                photos: after
                    .iter()
                    .filter(|p| p.event_id == Some(e.id))
                    .map(|p| photo(p))
                    .collect(),
                action: e.action,
                actor_role: e.actor_role,
                note: e.note,
                public: e.public,
                data: e.data.and_then(|d| serde_json::from_str(&d).ok()),
            })
        })
        .collect::<Result<Vec<_>, CaseError>>()?;
    let duplicate_candidates = r
        .links
        .iter()
        .filter_map(|l| r.linked.get(&l.candidate_id).map(|d| (l, d)))
        .map(|(l, d)| {
            let c = case_ref(d);
            DuplicateCandidate {
                id: c.id,
                case_no: c.case_no,
                status: c.status,
                distance_m: (l.distance_m * 10.0).round() / 10.0,
            }
        })
        .collect();
    let extensions = r
        .extensions
        .into_iter()
        .map(|e| ExtensionView {
            id: e.id,
            amount: e.amount,
            limit_unit: e.limit_unit,
            reason: e.reason,
            status: e.status,
            decision_note: e.decision_note,
            created_at: e.created_at,
            decided_at: e.decided_at,
        })
        .collect::<Vec<_>>();
    let k = &case.clock;
    let pending = extensions
        .iter()
        .any(|e| e.status == ExtensionStatus::Pending);
    let mut actions: Vec<CaseAction> = transition::available(&case, caller, pending)
        .iter()
        .filter_map(CaseAction::of)
        .collect();
    if pending && caller.role == Role::Dispatcher {
        actions.push(CaseAction::DecideExtension);
    }
    Ok(CaseView {
        id: case.id,
        case_no: case.case_no.clone(),
        status: case.status,
        status_label: case.status.label().into(),
        version: case.version,
        category: CategoryRef {
            code: cat.code,
            name: cat.name,
        },
        description: case.description.clone(),
        location: Wgs84::from_stored(case.lat, case.lng).to_location(system),
        address: case.address.clone(),
        area: AreaRef::of(&state.areas.get(), case.area_id),
        routed_unit: unit_ref(&dir, case.routed_unit_id),
        unit: unit_ref(&dir, case.unit_id),
        deadlines: Deadlines {
            accept_due_at: k.accept_due_at,
            due_at: k.due_at,
            warn_at: k.warn_at,
            warned_at: k.warned_at,
            overdue: case.is_overdue(),
            overdue_at: k.overdue_at,
            escalation_level: k.escalation_level,
            escalated_to: unit_ref(&dir, k.escalated_unit_id),
            minutes_left_when_suspended: k.left_minutes,
            extended: case.extended,
            minutes_left: minutes_left(state, &case),
        },
        suspended_from: case.suspended_from,
        duplicate_of: case
            .duplicate_of
            .and_then(|d| r.linked.get(&d))
            .map(case_ref),
        duplicate_candidates,
        actions,
        extensions,
        rating: case.rating.as_ref().map(|x| RatingView {
            score: x.score,
            comment: x.comment.clone(),
            at: x.at,
        }),
        photos: citizen_photos.into_iter().map(photo).collect(),
        source: source::of(r.open311.as_ref(), integrator(&timeline)),
        followers: i64::try_from(r.followers).unwrap_or(i64::MAX),
        content_flags,
        timeline,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}

/// The integrator an Open311 case's submit event names.
fn integrator(timeline: &[StaffTimelineEntry]) -> Option<String> {
    timeline
        .first()
        .and_then(|e| e.data.as_ref())
        .and_then(|d| d["integrator"].as_str())
        .map(str::to_owned)
}

/// The reporter's identity, for staff (not units), with the reason recorded.
pub async fn reporter(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    reason: &str,
) -> Result<ReporterView, CaseError> {
    caller.require(&[Role::Dispatcher, Role::Supervisor, Role::Admin])?;
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        return Err(CaseError::ReasonRequired);
    }
    let dir = state.directory.get();
    let case = service::load_visible(state, &dir, caller, id).await?;
    let (u, filed) = tokio::try_join!(
        user::Entity::find_by_id(case.reporter_id).one(&state.db),
        open311_request::Entity::find_by_id(id).one(&state.db),
    )?;
    let u = u.ok_or(CaseError::NotFound { what: "reporter" })?;
    // An Open311 case's reporter is the person the integrator named.
    let contact: serde_json::Value = filed
        .and_then(|f| f.contact)
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default();
    let field = |k: &str| contact[k].as_str().map(str::to_owned);
    let person = [field("last_name"), field("first_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("");
    let display_name = match (person.is_empty(), field("email")) {
        (true, None) => u.display_name,
        (true, Some(email)) => format!("{email}（经 {}）", u.display_name),
        (false, _) => format!("{person}（经 {}）", u.display_name),
    };
    // Reads first, then one write: SQLite never has to upgrade a stale snapshot.
    let txn = state.db.begin().await?;
    audit::record(
        &txn,
        Actor::of(caller),
        "reporter.view",
        "case",
        Some(id.to_string()),
        Some(reason),
        Some(serde_json::json!({"reporterId": u.id, "at": crate::core::time::utc_now()})),
    )
    .await?;
    txn.commit().await?;
    Ok(ReporterView {
        user_id: u.id,
        openid: u.openid,
        phone: field("phone").or(u.phone),
        display_name,
    })
}

/// Clock minutes from now to the deadline (negative past it), while a
/// clock runs.
fn minutes_left(state: &AppState, case: &Case) -> Option<i64> {
    let (kind, due) = (case.clock.kind?, case.clock.due_at?);
    if !CaseStatus::CLOCK_RUNS.contains(&case.status) {
        return None;
    }
    let (clock, now) = (crate::cases::clock::of(state), state.clock.now());
    Some(if now <= due {
        clock.between(kind, now, due)
    } else {
        -clock.between(kind, due, now)
    })
}
