//! Submitting a report: validate, route, look for duplicates, then create the
//! case through the transition core (categories without manual review are
//! accepted and dispatched at once, by `Command::AutoDispatch`) and attach
//! the photos, all in one transaction.

use super::{
    error::ReportError,
    views::{PublicEvent, Report as ReportRead},
};
use crate::core::ErrorCode;
use crate::{
    cases::{
        model::{Case, CategoryRules, Report},
        repo, service as cases,
        transition::{self, Command, Ctx, Guard, NewEvent, Transition, Who},
    },
    core::{Actor, Caller, CaseStatus, Ts},
    geo::coords::{CoordSystem, Wgs84},
    media::stored::StoredPhoto,
    routing::Decision,
    state::AppState,
};
use domain::case::event::EventAction;
use entity::{case_link, category};
use sea_orm::{EntityTrait, Set, TransactionTrait};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use uuid::Uuid;

pub use transition::MAX_PHOTOS;

/// A report as its client sent it: what [`create`] checks, in the order
/// the API documents its refusals, before anything is written.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// A small category's code.
    pub category_code: String,
    /// In the reporter's words (trimmed when checked).
    pub description: String,
    /// The pin as sent, in `system` (checked and made WGS-84 by `create`).
    pub lat: f64,
    pub lng: f64,
    pub system: CoordSystem,
    /// The street address, if any.
    pub address: Option<String>,
    /// Photos uploaded by the caller and not used elsewhere.
    pub media_ids: Vec<Uuid>,
}

/// A stable fingerprint of a submission, for Idempotency-Key comparison.
pub fn fingerprint(r: &NewReport) -> String {
    let mut h = Sha256::new();
    h.update(r.category_code.as_bytes());
    h.update([0]);
    h.update(r.description.as_bytes());
    h.update([0]);
    h.update(r.lat.to_bits().to_be_bytes());
    h.update(r.lng.to_bits().to_be_bytes());
    h.update([u8::from(r.system == CoordSystem::Gcj02)]);
    h.update(r.address.as_deref().unwrap_or("\u{1}").as_bytes());
    h.update([0]);
    for id in &r.media_ids {
        h.update(id.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where a report comes from.
pub enum Origin<'a> {
    /// A citizen in the mini-program: 1–9 photos.
    MiniProgram,
    /// An Open311 integrator (a 12345 hotline has no photo): 0–9 photos,
    /// a longer description, and what it sent besides, kept with the case.
    Open311(&'a Open311Extras),
    /// A volunteer's 劝导 that failed: 0–9 photos (often none); the
    /// record is written with the case (`case_id` set there).
    Persuasion(&'a entity::persuasion::Model),
    /// A volunteer's 随手治: the report's photos are the before, these
    /// (1–9) the after; the case starts resolved, waiting for 核查.
    SelfFix { after: &'a [Uuid] },
}

impl Origin<'_> {
    fn channel(&self) -> domain::channel::Channel {
        use domain::channel::Channel;
        match self {
            Self::MiniProgram => Channel::MiniProgram,
            Self::Open311(_) => Channel::Open311,
            Self::Persuasion(_) => Channel::Persuasion,
            Self::SelfFix { .. } => Channel::SelfFix,
        }
    }
}

/// What an Open311 post brings besides the report.
pub struct Open311Extras {
    pub api_key_id: Uuid,
    /// The integrator's name, for the submit event.
    pub integrator: String,
    /// The person's contact (private: staff see it like a citizen's identity).
    pub contact: Option<serde_json::Value>,
    pub media_url: Option<String>,
    /// Answers to the category's attributes, checked.
    pub attributes: Option<serde_json::Value>,
}

/// GeoReport v2 allows descriptions of up to 4000 characters.
pub const OPEN311_MAX_DESCRIPTION: usize = 4000;

/// Validated input, before any write.
pub(crate) struct Checked {
    pub(crate) category: category::Model,
    rules: CategoryRules,
    pub(crate) point: Wgs84,
    pub(crate) area_id: Uuid,
    route: Option<Decision>,
    pub(crate) description: String,
    pub(crate) address: Option<String>,
    media_ids: Vec<Uuid>,
}

/// Checks a report as `create` does, before anything is written (a 劝导
/// that stopped the behaviour is checked so, and makes no case).
pub(crate) async fn check(
    state: &AppState,
    r: &NewReport,
    origin: &Origin<'_>,
) -> Result<Checked, ReportError> {
    let cfg = &state.config.reports;
    let description = r.description.trim().to_owned();
    let (max, min_photos) = match origin {
        Origin::MiniProgram | Origin::SelfFix { .. } => (cfg.max_description_chars, 1),
        Origin::Persuasion(_) => (cfg.max_description_chars, 0),
        Origin::Open311(_) => (OPEN311_MAX_DESCRIPTION, 0),
    };
    if description.chars().count() > max {
        let msg = format!("the description has more than {max} characters");
        return Err(ReportError::invalid(ErrorCode::DescriptionTooLong, msg));
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
        let max = cfg.max_address_chars;
        let msg = format!("the address has more than {max} characters");
        return Err(ReportError::invalid(ErrorCode::AddressTooLong, msg));
    }
    if r.media_ids.len() < min_photos || r.media_ids.len() > MAX_PHOTOS {
        let msg = format!("a report needs {min_photos} to {MAX_PHOTOS} photos");
        return Err(ReportError::invalid(ErrorCode::InvalidPhotoCount, msg));
    }
    let after: &[Uuid] = match origin {
        Origin::SelfFix { after } => after,
        _ => &[],
    };
    if matches!(origin, Origin::SelfFix { .. }) && (after.is_empty() || after.len() > MAX_PHOTOS) {
        let msg = format!("a 随手治 needs 1 to {MAX_PHOTOS} after photos");
        return Err(ReportError::invalid(ErrorCode::InvalidPhotoCount, msg));
    }
    let unique: HashSet<_> = r.media_ids.iter().chain(after).collect();
    if unique.len() != r.media_ids.len() + after.len() {
        return Err(ReportError::invalid(
            ErrorCode::DuplicateMediaIds,
            "a photo is listed twice",
        ));
    }
    let point = Wgs84::parse(r.lat, r.lng, r.system)
        .map_err(|e| ReportError::invalid(ErrorCode::InvalidCoordinates, e.to_string()))?;
    let category = state
        .categories
        .get()
        .reportable(&r.category_code)
        .cloned()
        .ok_or_else(|| ReportError::UnknownCategory {
            code: r.category_code.clone(),
        })?;
    let rules = crate::cases::repo::rules_from_row(&category)?;
    let index = state.areas.get();
    let tolerance = state.config.workflow.border_tolerance_m;
    let containing = index.locate(point.lng(), point.lat(), tolerance);
    let route = state.directory.get().route(&containing, &category);
    let found = containing.first().ok_or_else(|| ReportError::Invalid {
        code: ErrorCode::OutsideServiceArea,
        message: format!(
            "the location is outside every area this city serves (and more than {tolerance} m from the nearest)"
        ),
        details: Some(serde_json::json!({"lat": point.lat(), "lng": point.lng()})),
    })?;
    Ok(Checked {
        category,
        rules,
        point,
        area_id: found.id,
        route,
        description,
        address,
        media_ids: r.media_ids.clone(),
    })
}

/// The new case as submitted, with its submit event: then automatic
/// dispatch through the core where the category needs no review.
fn submitted(
    c: &Checked,
    caller: &Caller,
    (id, case_no): (Uuid, String),
    now: Ts,
    state: &AppState,
    origin: &Origin<'_>,
) -> Result<Transition, ReportError> {
    let case = Case::reported(Report {
        id,
        case_no,
        reporter_id: caller.user_id,
        category_id: c.category.id,
        description: c.description.clone(),
        address: c.address.clone(),
        lat: c.point.lat(),
        lng: c.point.lng(),
        area_id: c.area_id,
        route: c.route.as_ref().map(|r| (r.unit_id, r.rule_id)),
        channel: origin.channel(),
        at: now,
    });
    let submit = NewEvent {
        actor: Actor::of(caller),
        action: EventAction::Submit,
        from: None,
        to: CaseStatus::Submitted,
        note: None,
        public: true,
        data: Some(match origin {
            Origin::MiniProgram => serde_json::json!({ "routing": c.route }),
            Origin::Open311(x) => serde_json::json!({
                "routing": c.route,
                "channel": origin.channel().as_str(),
                "integrator": x.integrator,
            }),
            Origin::Persuasion(_) | Origin::SelfFix { .. } => serde_json::json!({
                "routing": c.route,
                "channel": origin.channel().as_str(),
            }),
        }),
    };
    let (clock, dir) = (crate::cases::clock::of(state), state.directory.get());
    let ctx = Ctx {
        who: &Who::System,
        now,
        clock: &clock,
        units: &*dir,
        category: &c.rules,
        expected_version: None,
    };
    let decided = |cmd: Command| {
        transition::decide(&case, &cmd, None, &ctx).map_err(crate::cases::error::CaseError::from)
    };
    let fixed_by_volunteer = matches!(origin, Origin::SelfFix { .. });
    let mut t = match (&c.route, c.rules.manual_review, origin) {
        (_, _, Origin::SelfFix { after }) => decided(Command::SelfFixed {
            media_ids: after.to_vec(),
        })?,
        (Some(route), false, _) => decided(Command::AutoDispatch {
            unit_id: route.unit_id,
        })?,
        _ => Transition {
            after: case,
            events: vec![],
            effects: vec![],
            guard: Guard::Version,
            assigned: vec![],
        },
    };
    if fixed_by_volunteer {
        // The volunteer did the work the resolve event records.
        for e in &mut t.events {
            e.actor = Actor::of(caller);
        }
    }
    t.events.insert(0, submit);
    for e in &mut t.effects {
        if let transition::Effect::AttachPhotos { event, .. } = e {
            *event += 1;
        }
    }
    // The citizen's photos belong to the submit event.
    if !c.media_ids.is_empty() {
        t.effects.push(transition::Effect::AttachPhotos {
            media_ids: c.media_ids.clone(),
            event: 0,
        });
    }
    Ok(t)
}

/// An Idempotency-Key to record with the report: scoped to the citizen,
/// with the fingerprint of the body.
pub struct KeyRecord {
    pub key: String,
    pub fingerprint: String,
}

/// Records the key as the transaction's first write. A key another
/// request holds makes this wait for that request's transaction (the
/// primary key), then find it taken: `KeyTaken`. A key older than the
/// retention is taken over.
async fn record_key<C: sea_orm::ConnectionTrait>(
    db: &C,
    k: &KeyRecord,
    case_id: Uuid,
    now: Ts,
    retention: chrono::Duration,
) -> Result<(), ReportError> {
    use entity::idempotency_key as idem;
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    let row = idem::ActiveModel {
        key: Set(k.key.clone()),
        fingerprint: Set(k.fingerprint.clone()),
        case_id: Set(case_id),
        created_at: Set(now),
    };
    let taken_over = OnConflict::column(idem::Column::Key)
        .update_columns([
            idem::Column::Fingerprint,
            idem::Column::CaseId,
            idem::Column::CreatedAt,
        ])
        .action_and_where(Expr::col((idem::Entity, idem::Column::CreatedAt)).lt(now - retention))
        .to_owned();
    let n = idem::Entity::insert(row)
        .on_conflict(taken_over)
        .exec_without_returning(db)
        .await?;
    if n == 0 {
        return Err(ReportError::KeyTaken);
    }
    Ok(())
}

/// Submits a report: one case, its photos, its first timeline events, and
/// its Idempotency-Key when there is one, in one transaction.
#[tracing::instrument(skip_all, fields(user = %caller.user_id))]
pub async fn create(
    state: &AppState,
    caller: &Caller,
    r: &NewReport,
    key: Option<&KeyRecord>,
    origin: Origin<'_>,
) -> Result<ReportRead, ReportError> {
    let c = check(state, r, &origin).await?;
    // An integrator's text is checked like a citizen's; having no WeChat
    // identity to check it as, it is left for a person (`unchecked`).
    let subject = crate::content::Subject::Description;
    let screened =
        crate::content::checks::screen_text(state, caller.user_id, &c.description, subject)
            .await
            .map_err(crate::cases::error::CaseError::from)?;
    let now = state.clock.now();
    // Two independent reads, on two pooled connections at once. A problem
    // already fixed (随手治) duplicates nothing.
    let fixed = matches!(origin, Origin::SelfFix { .. });
    let (candidates, case_no) = tokio::try_join!(
        async {
            if fixed {
                Ok(vec![])
            } else {
                super::duplicates::candidates(state, &c, now).await
            }
        },
        async { Ok(state.cases.numbers.next(&state.db, now).await?) }
    )?;
    let id = Uuid::now_v7();
    let mut t = submitted(&c, caller, (id, case_no), now, state, &origin)?;
    t.effects
        .extend(screened.map(transition::Effect::ContentCheck));
    let txn = state.db.begin().await?;
    if let Some(k) = key {
        let retention = chrono::Duration::seconds(
            i64::try_from(state.config.reports.idempotency_ttl_secs).unwrap_or(86_400),
        );
        record_key(&txn, k, id, now, retention).await?;
    }
    repo::insert(&txn, &t.after).await?;
    match origin {
        Origin::Open311(x) => record_open311(&txn, id, x, now).await?,
        Origin::Persuasion(p) => crate::volunteers::work::record(&txn, p, Some(id), now).await?,
        Origin::MiniProgram | Origin::SelfFix { .. } => {}
    }
    if !candidates.is_empty() {
        case_link::Entity::insert_many(candidates.iter().map(|(other, d)| {
            case_link::ActiveModel {
                id: Set(Uuid::now_v7()),
                case_id: Set(id),
                candidate_id: Set(*other),
                distance_m: Set(*d),
                created_at: Set(now),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let who = Who::Caller(caller.clone());
    let photos = cases::commit(state, txn, &t, &c.rules, &who, now).await?;
    let events = t
        .events
        .iter()
        .filter(|e| e.public)
        .map(|e| PublicEvent::written(e, now))
        .collect();
    Ok(ReportRead {
        case: t.after,
        category: (c.rules.code, c.rules.name),
        photos: photos.iter().map(StoredPhoto::from).collect(),
        events,
        merged_into: None,
    })
}

/// Keeps what an Open311 post sent besides the report, with the case.
async fn record_open311<C: sea_orm::ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    x: &Open311Extras,
    now: Ts,
) -> Result<(), ReportError> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
    entity::open311_request::Entity::insert(entity::open311_request::ActiveModel {
        case_id: Set(case_id),
        api_key_id: Set(x.api_key_id),
        contact: Set(text(&x.contact)),
        media_url: Set(x.media_url.clone()),
        attributes: Set(text(&x.attributes)),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
