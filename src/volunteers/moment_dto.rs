//! Shapes of 文明美好瞬间: a moment as its author files it, as staff and
//! its author read it, and as the public board shows it.

use super::{
    dto::Position,
    moments::{Moment, MomentPage, NewMoment},
};
use crate::{
    state::AppState,
    web::{
        dto::{AreaRef, Location, Photo},
        enums::CoordSystem,
    },
};
use chrono::{DateTime, FixedOffset};
use domain::{content::CheckStatus, geo::Wgs84, volunteers::MomentStatus};
use poem_openapi::Object;
use uuid::Uuid;

/// A good moment as its author files it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MomentInput {
    /// A few words: what happened (1–500 characters).
    #[oai(validator(min_length = 1, max_length = 500))]
    pub text: String,
    /// Where.
    pub location: Position,
    /// The street address as the map showed it.
    #[oai(nullable, validator(max_length = 200))]
    pub address: Option<String>,
    /// 1–9 photos from `POST /media`, the caller's and not used elsewhere.
    #[oai(validator(min_items = 1, max_items = 9, unique_items))]
    pub media_ids: Vec<Uuid>,
}

impl From<MomentInput> for NewMoment {
    fn from(m: MomentInput) -> Self {
        Self {
            text: m.text,
            lat: m.location.lat,
            lng: m.location.lng,
            system: m.location.coord_system,
            address: m.address,
            media_ids: m.media_ids,
        }
    }
}

/// A good moment, as its author and staff read it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MomentView {
    /// The moment's id.
    pub id: Uuid,
    /// Who filed it.
    pub author_id: Uuid,
    /// The name it is shown under: a volunteer's team name, else 市民.
    pub author_name: String,
    /// What happened.
    pub text: String,
    /// Where, in the datum asked for.
    pub location: Location,
    /// The area it is in.
    pub area: AreaRef,
    /// The street address, if one was given.
    #[oai(skip_serializing_if_is_none)]
    pub address: Option<String>,
    /// WeChat's verdict on the text when it was not a plain pass (for
    /// the reviewer: `review`, `pending`, `unchecked`).
    #[oai(skip_serializing_if_is_none)]
    pub text_check: Option<CheckStatus>,
    /// Where the review stands.
    pub status: MomentStatus,
    /// On the public board.
    pub published: bool,
    /// What the reviewer said.
    #[oai(skip_serializing_if_is_none)]
    pub review_note: Option<String>,
    /// When it was reviewed.
    #[oai(skip_serializing_if_is_none)]
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// Its photos, oldest first (those content security blocked left out).
    pub photos: Vec<Photo>,
    /// When it was filed.
    pub created_at: DateTime<FixedOffset>,
}

impl MomentView {
    pub fn of(state: &AppState, m: Moment, system: CoordSystem) -> Self {
        let ttl = state.config.media.url_ttl_secs;
        Self {
            id: m.id,
            author_id: m.author,
            author_name: m.author_name,
            text: m.text,
            location: Location::of(Wgs84::from_stored(m.lat, m.lng), system),
            area: AreaRef::of(&state.areas.get(), m.area_id),
            address: m.address,
            text_check: m.text_check,
            status: m.status,
            published: m.published,
            review_note: m.review_note,
            reviewed_at: m.reviewed_at,
            photos: (m.photos.iter())
                .map(|p| Photo::signed(&state.media.signer, ttl, p))
                .collect(),
            created_at: m.created_at,
        }
    }
}

/// A page of moments, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MomentPageView {
    /// The moments of this page.
    pub items: Vec<MomentView>,
    /// Pass as `cursor` for the next page; absent at the end.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl MomentPageView {
    pub fn of(state: &AppState, p: MomentPage, system: CoordSystem) -> Self {
        Self {
            items: (p.items.into_iter())
                .map(|m| MomentView::of(state, m, system))
                .collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// A published moment on the public board: no one's identity, the
/// author's name shown by its first character, the place as its area.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct BoardMoment {
    /// The moment's id.
    pub id: Uuid,
    /// The author's name, its first character and `*`.
    pub author_name: String,
    /// What happened.
    pub text: String,
    /// The area it is in.
    pub area: AreaRef,
    /// Its photos, oldest first.
    pub photos: Vec<Photo>,
    /// When it was filed.
    pub created_at: DateTime<FixedOffset>,
}

/// A page of the public board, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct BoardPage {
    /// The moments of this page.
    pub items: Vec<BoardMoment>,
    /// Pass as `cursor` for the next page; absent at the end.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl BoardPage {
    pub fn of(state: &AppState, p: MomentPage) -> Self {
        let ttl = state.config.media.url_ttl_secs;
        Self {
            items: (p.items.into_iter())
                .map(|m| BoardMoment {
                    id: m.id,
                    author_name: m
                        .author_name
                        .chars()
                        .next()
                        .map_or_else(String::new, |c| format!("{c}*")),
                    text: m.text,
                    area: AreaRef::of(&state.areas.get(), m.area_id),
                    photos: (m.photos.iter())
                        .map(|p| Photo::signed(&state.media.signer, ttl, p))
                        .collect(),
                    created_at: m.created_at,
                })
                .collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// A staff decision on a moment.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MomentReviewInput {
    /// Approve it (it earns its author the city's points) or decline it.
    pub approve: bool,
    /// Put an approved moment on the public board now.
    #[oai(default)]
    pub publish: bool,
    /// What the reviewer says (the author reads it).
    #[oai(nullable, validator(max_length = 500))]
    pub note: Option<String>,
}

/// On the public board or off it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PublicationInput {
    /// `true` puts an approved moment on the board; `false` takes it off.
    pub published: bool,
}
