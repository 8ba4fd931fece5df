//! A stored photo as the services hand it on: what a view shows of it,
//! before the handler signs its URLs (`web::dto::Photo::signed`).

use entity::media;
use uuid::Uuid;

/// A stored photo of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPhoto {
    pub id: Uuid,
    /// Who took it: the reporter (处置前) or the unit's person (处置后).
    pub owner_id: Uuid,
    /// Stored size in pixels.
    pub width: i32,
    pub height: i32,
    /// The case event it came with (the report, a resolution).
    pub event_id: Option<Uuid>,
    /// Shown as its public derivative, this revision (a public read);
    /// none: the original, to its owner or staff.
    pub public_rev: Option<i32>,
}

/// A case's photos as (处置前, 处置后): the reporter's and the unit's; for
/// a 随手治, whose volunteer took both, those of the report's own event
/// and the rest (event ids grow with time, the report's first).
pub fn before_after(
    photos: &[StoredPhoto],
    reporter: Uuid,
    self_fix: bool,
) -> (Vec<StoredPhoto>, Vec<StoredPhoto>) {
    let first = photos
        .iter()
        .filter(|p| p.owner_id == reporter)
        .filter_map(|p| p.event_id)
        .min();
    photos.iter().partition(|p| {
        p.owner_id == reporter && (!self_fix || p.event_id.is_none() || p.event_id == first)
    })
}

impl From<&media::Model> for StoredPhoto {
    fn from(m: &media::Model) -> Self {
        Self {
            id: m.id,
            owner_id: m.owner_id,
            width: m.width,
            height: m.height,
            event_id: m.event_id,
            public_rev: None,
        }
    }
}

impl StoredPhoto {
    /// A photo as the public sees it: its blurred derivative (a photo read
    /// through `publication::photos()`, which has one).
    pub fn public(m: &media::Model) -> Self {
        Self {
            public_rev: m.public_rev,
            ..Self::from(m)
        }
    }
}
