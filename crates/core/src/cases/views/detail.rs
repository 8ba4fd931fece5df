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

use super::{super::service, staff_only};
use crate::{
    audit,
    cases::{
        error::CaseError,
        model::Case,
        transition::{self, Command},
    },
    content::flags::Flag,
    core::{Actor, Caller, CaseStatus, EventAction, ExtensionStatus, LimitUnit, Role, Ts},
    media::stored::StoredPhoto,
    state::AppState,
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

/// One case with everything staff and units need (never who reported it).
#[derive(Debug)]
pub struct CaseDetail {
    pub case: Case,
    /// Its category's code and name.
    pub category: (String, String),
    /// The reporter's photos.
    pub photos: Vec<StoredPhoto>,
    /// The whole timeline, oldest first.
    pub timeline: Vec<StaffEvent>,
    /// The case this one was merged into, when the caller may see it.
    pub duplicate_of: Option<CaseBrief>,
    /// Open cases nearby of the same category, with the distance between
    /// the pins in metres (to 0.1 m).
    pub duplicate_candidates: Vec<(CaseBrief, f64)>,
    /// Extension requests, oldest first.
    pub extensions: Vec<Extension>,
    /// What the caller may do now.
    pub actions: Vec<Command>,
    /// Whether the caller may decide a pending extension.
    pub may_decide_extension: bool,
    /// Clock minutes to the deadline (negative past it), while a clock runs.
    pub minutes_left: Option<i64>,
    /// What an Open311 integrator sent with the report (none: the
    /// mini-program).
    pub open311: Option<Filed>,
    /// Citizens who follow the case besides its reporter.
    pub followers: u64,
    /// Open content flags of its text and photos.
    pub content_flags: Vec<Flag>,
}

/// Another case, by number.
#[derive(Debug, Clone)]
pub struct CaseBrief {
    pub id: Uuid,
    pub case_no: String,
    pub status: CaseStatus,
}

/// One step of the timeline, as staff see it.
#[derive(Debug)]
pub struct StaffEvent {
    pub id: Uuid,
    pub at: Ts,
    pub action: EventAction,
    pub from_status: Option<CaseStatus>,
    pub status: CaseStatus,
    /// The actor's role as stored (`system` besides the roles).
    pub actor_role: String,
    /// The staff or unit account that acted (never a citizen's name).
    pub actor_name: Option<String>,
    pub note: Option<String>,
    /// Whether the citizen sees it.
    pub public: bool,
    pub data: Option<serde_json::Value>,
    /// Photos attached with this step (after-photos).
    pub photos: Vec<StoredPhoto>,
}

/// An extension request.
#[derive(Debug)]
pub struct Extension {
    pub id: Uuid,
    pub amount: i32,
    pub limit_unit: LimitUnit,
    pub reason: String,
    pub status: ExtensionStatus,
    pub decision_note: Option<String>,
    pub created_at: Ts,
    pub decided_at: Option<Ts>,
}

/// What an Open311 integrator sent with a report besides it (its contact
/// stays out: staff read it through the audited reporter view).
#[derive(Debug)]
pub struct Filed {
    /// The integrator's name, from the submit event.
    pub integrator: Option<String>,
    /// A photo link the integrator gave.
    pub media_url: Option<String>,
    /// Answers to the category's extra questions, as stored.
    pub answers: Vec<serde_json::Value>,
}

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

fn case_ref(c: &cases::Model) -> CaseBrief {
    CaseBrief {
        id: c.id,
        case_no: c.case_no.clone(),
        status: c.status,
    }
}

/// One case with everything staff and units need.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<CaseDetail, CaseError> {
    staff_only(caller)?;
    let case = service::load_visible(state, &state.directory.get(), caller, id).await?;
    show(state, caller, case).await
}

/// The view of a case already read (as an action wrote it): what it has
/// besides its row is read, the row is not read again.
pub async fn show(state: &AppState, caller: &Caller, case: Case) -> Result<CaseDetail, CaseError> {
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
    let self_fix = case.channel == crate::core::channel::Channel::SelfFix;
    let all: Vec<StoredPhoto> = r.photos.iter().map(StoredPhoto::from).collect();
    let (citizen_photos, after) =
        crate::media::stored::before_after(&all, case.reporter_id, self_fix);
    let timeline: Vec<StaffEvent> = r
        .events
        .into_iter()
        .map(|e| StaffEvent {
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
                .copied()
                .collect(),
            action: e.action,
            actor_role: e.actor_role,
            note: e.note,
            public: e.public,
            data: e.data.and_then(|d| serde_json::from_str(&d).ok()),
        })
        .collect();
    let duplicate_candidates = r
        .links
        .iter()
        .filter_map(|l| r.linked.get(&l.candidate_id).map(|d| (l, d)))
        .map(|(l, d)| (case_ref(d), (l.distance_m * 10.0).round() / 10.0))
        .collect();
    let extensions: Vec<Extension> = r
        .extensions
        .into_iter()
        .map(|e| Extension {
            id: e.id,
            amount: e.amount,
            limit_unit: e.limit_unit,
            reason: e.reason,
            status: e.status,
            decision_note: e.decision_note,
            created_at: e.created_at,
            decided_at: e.decided_at,
        })
        .collect();
    let pending = extensions
        .iter()
        .any(|e| e.status == ExtensionStatus::Pending);
    let open311 = r.open311.map(|o| Filed {
        integrator: integrator(&timeline),
        media_url: o.media_url,
        answers: o
            .attributes
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_default(),
    });
    Ok(CaseDetail {
        category: (cat.code, cat.name),
        minutes_left: minutes_left(state, &case),
        duplicate_of: case
            .duplicate_of
            .and_then(|d| r.linked.get(&d))
            .map(case_ref),
        duplicate_candidates,
        actions: transition::available(&case, caller, pending),
        may_decide_extension: pending && caller.role == Role::Dispatcher,
        extensions,
        photos: citizen_photos,
        open311,
        followers: r.followers,
        content_flags,
        timeline,
        case,
    })
}

/// The integrator an Open311 case's submit event names.
fn integrator(timeline: &[StaffEvent]) -> Option<String> {
    timeline
        .first()
        .and_then(|e| e.data.as_ref())
        .and_then(|d| d["integrator"].as_str())
        .map(str::to_owned)
}

/// Who reported a case.
#[derive(Debug)]
pub struct Reporter {
    pub user_id: Uuid,
    pub openid: Option<String>,
    pub phone: Option<String>,
    /// Their name, or the person an integrator named.
    pub display_name: String,
}

/// The reporter's identity, for staff (not units), with the reason recorded.
pub async fn reporter(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    reason: &str,
) -> Result<Reporter, CaseError> {
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
    Ok(Reporter {
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
