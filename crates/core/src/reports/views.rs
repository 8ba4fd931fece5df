//! The citizen's views: my reports, and one report with its public
//! timeline. One report is read in at most 4 statements in 2 round trips:
//! the case row (which decides visibility), then its photos, its public
//! events and, for a duplicate, the case it was merged into, at once.
//!
//! These are the service's values; the handlers turn them into the
//! responses (`dto::ReportView::of`, `dto::ReportPage::of`).

use super::error::ReportError;
use crate::{
    cases::{model::Case, publication, repo, service as cases, transition::NewEvent},
    core::{
        Caller, CaseStatus, EventAction, Ts,
        page::{decode_cursor, split_page},
    },
    media::stored::StoredPhoto,
    state::AppState,
};
use entity::{case_event, case_follower, cases as case_rows, media};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::IntoCondition,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A report as its citizen's view shows it.
#[derive(Debug)]
pub struct Report {
    pub case: Case,
    /// (code, name) of the category.
    pub category: (String, String),
    /// The photos the reader may see, oldest first: the reporter's and,
    /// once resolved, the unit's.
    pub photos: Vec<StoredPhoto>,
    /// The public timeline, oldest first.
    pub events: Vec<PublicEvent>,
    /// For a duplicate: (id, case number) of the case that carries on.
    pub merged_into: Option<(Uuid, String)>,
}

/// One public step of a case's timeline.
#[derive(Debug)]
pub struct PublicEvent {
    pub at: Ts,
    pub action: EventAction,
    /// The status after it.
    pub status: CaseStatus,
    pub note: Option<String>,
}

/// A page of the caller's reports (or follows), newest first.
#[derive(Debug)]
pub struct ReportList {
    /// Each case with its reporter's first shown photo.
    pub items: Vec<(Case, Option<StoredPhoto>)>,
    pub next_cursor: Option<String>,
}

impl From<case_event::Model> for PublicEvent {
    fn from(e: case_event::Model) -> Self {
        Self {
            at: e.created_at,
            action: e.action,
            status: e.to_status,
            note: e.note,
        }
    }
}

impl PublicEvent {
    /// A public step from an event just written.
    pub fn written(e: &NewEvent, at: Ts) -> Self {
        Self {
            at,
            action: e.action,
            status: e.to,
            note: e.note.clone(),
        }
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
) -> Result<ReportList, ReportError> {
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
    // A followed case shows its public derivative; one's own, the original.
    let mut first_photo: HashMap<Uuid, StoredPhoto> = HashMap::new();
    for p in photos {
        if let Some(case_id) = p.case_id {
            let shown = match which {
                Mine::Reported => StoredPhoto::from(&p),
                Mine::Followed => StoredPhoto::public(&p),
            };
            first_photo.entry(case_id).or_insert(shown);
        }
    }
    let items = rows
        .into_iter()
        .map(|r| {
            let thumbnail = first_photo.remove(&r.id);
            (crate::cases::repo::case_from_row(r), thumbnail)
        })
        .collect();
    Ok(ReportList { items, next_cursor })
}

/// One of the caller's reports with its public timeline; anyone else's is `404`.
pub async fn get_mine(state: &AppState, caller: &Caller, id: Uuid) -> Result<Report, ReportError> {
    let case = repo::find(&state.db, id)
        .await?
        .ok_or_else(ReportError::not_found)?;
    if case.reporter_id == caller.user_id {
        return show(state, case).await;
    }
    // A follower reads the public view only, while the case is public.
    if !super::nearby::follows(state, caller.user_id, case.id).await?
        || !publication::is_public(&state.db, &state.config.publication, case.id).await?
    {
        return Err(ReportError::not_found());
    }
    show_as(state, case, Reader::Public).await
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
pub async fn show(state: &AppState, case: Case) -> Result<Report, ReportError> {
    show_as(state, case, Reader::Reporter).await
}

async fn show_as(state: &AppState, case: Case, reader: Reader) -> Result<Report, ReportError> {
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
    Ok(Report {
        case,
        category: (cat.code, cat.name),
        photos: photos
            .iter()
            .map(|p| match reader {
                Reader::Reporter => StoredPhoto::from(p),
                Reader::Public => StoredPhoto::public(p),
            })
            .collect(),
        events: events.into_iter().map(PublicEvent::from).collect(),
        merged_into: merged_into.map(|m| (m.id, m.case_no)),
    })
}
