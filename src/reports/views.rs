//! The citizen's views: my reports, and one report with its public
//! timeline. One report is read in at most 4 statements in 2 round trips:
//! the case row (which decides visibility), then its photos, its public
//! events and, for a duplicate, the case it was merged into, at once.

use super::{
    dto::{MergedInto, ReportPage, ReportSummary, ReportView, TimelineEntry},
    error::ReportError,
};
use crate::{
    cases::{model::Case, publication, repo, service as cases, transition::NewEvent},
    core::{
        Caller, CaseStatus, Ts,
        page::{decode_cursor, split_page},
    },
    geo::coords::{CoordSystem, Wgs84},
    state::AppState,
    web::dto::{AreaRef, CategoryRef, Photo},
};
use entity::{case_event, case_follower, cases as case_rows, media};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::IntoCondition,
};
use std::collections::HashMap;
use uuid::Uuid;

/// What a citizen's view is made of.
pub struct Parts {
    pub case: Case,
    /// (code, name) of the category.
    pub category: (String, String),
    pub area: AreaRef,
    pub photos: Vec<media::Model>,
    pub events: Vec<TimelineEntry>,
    /// The case a duplicate was merged into.
    pub merged_into: Option<MergedInto>,
}

/// A public timeline entry from a stored event.
fn entry(e: case_event::Model) -> Result<TimelineEntry, ReportError> {
    let status = e.to_status;
    Ok(TimelineEntry {
        at: e.created_at,
        action: e.action,
        status,
        status_label: status.label().into(),
        note: e.note,
    })
}

/// A public timeline entry from an event just written.
pub fn public_entry(e: &NewEvent, at: Ts) -> TimelineEntry {
    TimelineEntry {
        at,
        action: e.action,
        status: e.to,
        status_label: e.to.label().into(),
        note: e.note.clone(),
    }
}

/// The caller's reports, newest first.
/// Which of "my" lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mine {
    /// The reports the caller filed.
    Reported,
    /// The cases the caller follows (附议).
    Followed,
}

pub async fn list_mine(
    state: &AppState,
    caller: &Caller,
    which: Mine,
    cursor: Option<&str>,
    limit: u64,
    system: CoordSystem,
) -> Result<ReportPage, ReportError> {
    let publication = &state.config.publication;
    let (mine, shown) = match which {
        Mine::Reported => (
            case_rows::Column::ReporterId
                .eq(caller.user_id)
                .into_condition(),
            media::Column::BlockedAt.is_null().into_condition(),
        ),
        // What one follows is shown while it is public (a case rejected
        // after it was followed is not).
        Mine::Followed => (
            Condition::all()
                .add(
                    case_rows::Column::Id.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(case_follower::Column::CaseId)
                            .from(case_follower::Entity)
                            .and_where(case_follower::Column::UserId.eq(caller.user_id))
                            .to_owned(),
                    ),
                )
                .add(publication::cases(publication)),
            publication::photos(),
        ),
    };
    let mut q = case_rows::Entity::find()
        .filter(mine)
        .order_by_desc(case_rows::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(case_rows::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |r| r.id);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let photos = media::Entity::find()
        .filter(media::Column::CaseId.is_in(ids))
        .filter(shown)
        .order_by_asc(media::Column::Id)
        .all(&state.db)
        .await?;
    let cats = state.categories.get();
    let mut first_photo: HashMap<Uuid, Uuid> = HashMap::new();
    for p in photos {
        if let Some(case_id) = p.case_id {
            first_photo.entry(case_id).or_insert(p.id);
        }
    }
    let ttl = state.config.media.url_ttl_secs;
    let items = rows
        .into_iter()
        .map(|r| {
            let c = crate::cases::repo::case_from_row(r);
            Ok(ReportSummary {
                id: c.id,
                status: c.status,
                status_label: c.status.label().into(),
                category: CategoryRef::of(&cats, c.category_id),
                location: Wgs84::from_stored(c.lat, c.lng).to_location(system),
                thumbnail_url: first_photo
                    .get(&c.id)
                    .map(|m| state.signer.thumbnail(*m, ttl)),
                created_at: c.created_at,
                description: c.description,
                case_no: c.case_no,
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    Ok(ReportPage { items, next_cursor })
}

/// One of the caller's reports with its public timeline; anyone else's is `404`.
pub async fn get_mine(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    system: CoordSystem,
) -> Result<ReportView, ReportError> {
    let case = repo::find(&state.db, id)
        .await?
        .ok_or_else(ReportError::not_found)?;
    if case.reporter_id == caller.user_id {
        return show(state, case, system).await;
    }
    // A follower reads the public view only, while the case is public.
    if !super::nearby::follows(state, caller.user_id, case.id).await?
        || !publication::is_public(&state.db, &state.config.publication, case.id).await?
    {
        return Err(ReportError::not_found());
    }
    show_as(state, case, system, Reader::Public).await
}

/// Who reads a citizen's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The reporter: every photo not blocked.
    Reporter,
    /// Anyone else (a follower): the public photos only.
    Public,
}

/// The citizen's view of their case already read (as a rating wrote it).
pub async fn show(
    state: &AppState,
    case: Case,
    system: CoordSystem,
) -> Result<ReportView, ReportError> {
    show_as(state, case, system, Reader::Reporter).await
}

async fn show_as(
    state: &AppState,
    case: Case,
    system: CoordSystem,
    reader: Reader,
) -> Result<ReportView, ReportError> {
    let db = &state.db;
    let shown = match reader {
        Reader::Reporter => media::Column::BlockedAt.is_null().into_condition(),
        Reader::Public => publication::photos(),
    };
    let cat = cases::category(state, case.category_id)?;
    let (photos, events, merged_into) = tokio::try_join!(
        async {
            Ok::<_, ReportError>(
                media::Entity::find()
                    .filter(media::Column::CaseId.eq(case.id))
                    .filter(shown)
                    .order_by_asc(media::Column::Id)
                    .all(db)
                    .await?,
            )
        },
        async {
            Ok(case_event::Entity::find()
                .filter(case_event::Column::CaseId.eq(case.id))
                .filter(case_event::Column::Public.eq(true))
                .order_by_asc(case_event::Column::Id)
                .all(db)
                .await?)
        },
        async {
            Ok(match case.duplicate_of {
                Some(d) => repo::case_ref(db, d).await?,
                None => None,
            })
        },
    )?;
    let events = events.into_iter().map(entry).collect::<Result<_, _>>()?;
    assemble(
        state,
        Parts {
            area: AreaRef::of(&state.areas.get(), case.area_id),
            case,
            category: (cat.code, cat.name),
            photos,
            events,
            merged_into: merged_into.map(|m| MergedInto {
                id: m.id,
                case_no: m.case_no,
            }),
        },
        system,
    )
}

pub fn assemble(
    state: &AppState,
    p: Parts,
    system: CoordSystem,
) -> Result<ReportView, ReportError> {
    let Parts {
        case,
        category: (code, name),
        area,
        photos,
        events,
        merged_into,
    } = p;
    let ttl = state.config.media.url_ttl_secs;
    let status = case.status;
    Ok(ReportView {
        id: case.id,
        case_no: case.case_no,
        status,
        status_label: status.label().into(),
        category: CategoryRef { code, name },
        description: case.description,
        location: Wgs84::from_stored(case.lat, case.lng).to_location(system),
        address: case.address,
        area,
        photos: photos
            .iter()
            .filter(|p| p.owner_id == case.reporter_id)
            .map(|p| Photo::signed(&state.signer, ttl, p))
            .collect(),
        after_photos: photos
            .iter()
            .filter(|p| p.owner_id != case.reporter_id)
            .map(|p| Photo::signed(&state.signer, ttl, p))
            .collect(),
        due_at: case.clock.due_at.filter(|_| status.clock_runs()),
        timeline: events,
        merged_into,
        rating: case.rating.as_ref().map(|r| r.score),
        can_rate: case.rating.is_none() && status == CaseStatus::Closed,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}
