//! 曝光台: the closed cases anyone may see, most recently closed first,
//! with their before and after photos (blurred derivatives, reviewed) and
//! the time they took. Never who reported, nor who handled them.

use super::BoardError;
use crate::{
    cases::publication,
    core::{CaseStatus, Ts, channel::Channel},
    media::stored::{StoredPhoto, before_after},
    state::AppState,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::{cases, media};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A closed case as the public sees it.
#[derive(Debug, Clone)]
pub struct BoardCase {
    pub id: Uuid,
    pub case_no: String,
    pub category_id: Uuid,
    pub area_id: Uuid,
    pub description: String,
    pub address: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub reported_at: Ts,
    pub closed_at: Ts,
    /// Working minutes from dispatch to resolution, when a unit handled it.
    pub handling_minutes: Option<i64>,
    /// Resolved within the handling deadline (none: it had no deadline).
    pub on_time: Option<bool>,
    /// Fixed by a volunteer (随手治) rather than a unit.
    pub self_fixed: bool,
    /// The reporter's score, 1–5, when they rated it.
    pub rating: Option<i32>,
    pub before: Vec<StoredPhoto>,
    pub after: Vec<StoredPhoto>,
}

/// A page of the board's cases.
#[derive(Debug, Clone)]
pub struct BoardCasePage {
    pub items: Vec<BoardCase>,
    pub next_cursor: Option<String>,
}

/// The board's cursor: the last case's closing time and id.
fn encode(at: Ts, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.to_rfc3339()))
}

fn decode(s: &str) -> Result<(Ts, Uuid), BoardError> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| {
            let (at, id) = t.split_once('|')?;
            Some((
                chrono::DateTime::parse_from_rfc3339(at).ok()?,
                id.parse().ok()?,
            ))
        })
        .ok_or(BoardError::Cursor)
}

/// Closed public cases in `areas` (a district's subtree; none: the city),
/// most recently closed first.
#[tracing::instrument(skip(state, areas), fields(areas = areas.as_ref().map(Vec::len)))]
pub async fn closed(
    state: &AppState,
    areas: Option<Vec<Uuid>>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<BoardCasePage, BoardError> {
    let mut q = cases::Entity::find()
        .filter(cases::Column::Status.eq(CaseStatus::Closed))
        .filter(cases::Column::ClosedAt.is_not_null())
        .filter(publication::cases(&state.config.publication))
        .order_by_desc(cases::Column::ClosedAt)
        .order_by_desc(cases::Column::Id)
        .limit(limit + 1);
    if let Some(areas) = areas {
        q = q.filter(cases::Column::AreaId.is_in(areas));
    }
    if let Some(c) = cursor {
        let (at, id) = decode(c)?;
        let at = at.to_utc().fixed_offset();
        q = q.filter(
            Condition::any().add(cases::Column::ClosedAt.lt(at)).add(
                Condition::all()
                    .add(cases::Column::ClosedAt.eq(at))
                    .add(cases::Column::Id.lt(id)),
            ),
        );
    }
    let mut rows = q.all(&state.db).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .and_then(|r| r.closed_at.map(|at| encode(at, r.id)));
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    // Before and after are told apart over every photo of the case (a
    // 随手治's by its events), then only the published ones are kept.
    let shown: HashSet<Uuid> = media::Entity::find()
        .select_only()
        .column(media::Column::Id)
        .filter(media::Column::CaseId.is_in(ids.clone()))
        .filter(publication::photos())
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let mut photos: HashMap<Uuid, Vec<StoredPhoto>> = HashMap::new();
    for p in media::Entity::find()
        .filter(media::Column::CaseId.is_in(ids))
        .filter(media::Column::BlockedAt.is_null())
        .order_by_asc(media::Column::Id)
        .all(&state.db)
        .await?
    {
        if let Some(case_id) = p.case_id {
            photos
                .entry(case_id)
                .or_default()
                .push(StoredPhoto::public(&p));
        }
    }
    let published = |v: Vec<StoredPhoto>| -> Vec<StoredPhoto> {
        v.into_iter().filter(|p| shown.contains(&p.id)).collect()
    };
    let items = rows
        .into_iter()
        .filter_map(|c| {
            let closed_at = c.closed_at?;
            let self_fix = c.channel == Channel::SelfFix;
            let mine = photos.remove(&c.id).unwrap_or_default();
            let (before, after) = before_after(&mine, c.reporter_id, self_fix);
            let (before, after) = (published(before), published(after));
            Some(BoardCase {
                id: c.id,
                case_no: c.case_no,
                category_id: c.category_id,
                area_id: c.area_id,
                description: c.description,
                address: c.address,
                lat: c.lat,
                lng: c.lng,
                reported_at: c.created_at,
                closed_at,
                handling_minutes: c.handling_minutes,
                on_time: c
                    .due_at
                    .zip(c.resolved_at)
                    .map(|(due, resolved)| resolved <= due),
                self_fixed: self_fix && c.dispatched_at.is_none(),
                rating: c.rating,
                before,
                after,
            })
        })
        .collect();
    Ok(BoardCasePage { items, next_cursor })
}
