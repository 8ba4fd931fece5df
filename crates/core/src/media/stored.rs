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
}

impl From<&media::Model> for StoredPhoto {
    fn from(m: &media::Model) -> Self {
        Self {
            id: m.id,
            owner_id: m.owner_id,
            width: m.width,
            height: m.height,
        }
    }
}
