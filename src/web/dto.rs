//! Response shapes shared by the citizen and the staff views.

use crate::{
    core::photos::UrlSigner,
    geo::coords::{self, OutOfRange, Wgs84},
    media::stored::StoredPhoto,
    web::enums::CoordSystem,
};
use poem_openapi::Object;
use uuid::Uuid;

/// A photo in a case view.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Photo {
    pub id: Uuid,
    /// Stored width in pixels.
    pub width: i32,
    /// Stored height in pixels.
    pub height: i32,
    /// Signed URL, which expires; on a public read, the stable URL of the
    /// photo's blurred derivative.
    pub url: String,
    /// Signed URL of the thumbnail, which expires (on a public read, of
    /// the derivative's thumbnail, stable).
    pub thumbnail_url: String,
}

impl Photo {
    /// A stored photo with its signed URLs; a public read's, with the
    /// stable URLs of its blurred derivative.
    pub fn signed(signer: &UrlSigner, ttl_secs: u64, m: &StoredPhoto) -> Self {
        let urls = match m.public_rev {
            Some(rev) => signer.public_photo(m.id, rev),
            None => signer.photo(m.id, ttl_secs),
        };
        Self {
            id: m.id,
            width: m.width,
            height: m.height,
            url: urls.url,
            thumbnail_url: urls.thumbnail_url,
        }
    }
}

/// A category reference.
#[derive(Debug, Default, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct CategoryRef {
    /// Category code.
    pub code: String,
    /// Category name.
    pub name: String,
}

impl CategoryRef {
    /// The category of an id in the catalogue (empty if it vanished).
    pub fn of(catalog: &crate::categories::catalog::Catalog, id: Uuid) -> Self {
        catalog.by_id(id).map_or_else(Self::default, |c| Self {
            code: c.code.clone(),
            name: c.name.clone(),
        })
    }
}

/// An area reference.
#[derive(Debug, Default, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct AreaRef {
    /// Area code (district, street or grid).
    pub code: String,
    /// Area name.
    pub name: String,
}

impl AreaRef {
    /// The area of an id in the areas snapshot (empty if it vanished).
    pub fn of(areas: &crate::geo::areas::AreaIndex, id: Uuid) -> Self {
        areas.by_id(id).map_or_else(Self::default, |a| Self {
            code: a.code.clone(),
            name: a.name.clone(),
        })
    }
}

/// A point as a client sends or receives it.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Location {
    /// Latitude in degrees, −90 … 90.
    pub lat: f64,
    /// Longitude in degrees, −180 … 180.
    pub lng: f64,
    /// The datum of `lat`/`lng`.
    pub coord_system: CoordSystem,
}

impl Location {
    /// The point, validated and in WGS-84.
    pub fn to_wgs84(&self) -> Result<Wgs84, OutOfRange> {
        Wgs84::parse(self.lat, self.lng, self.coord_system)
    }
}

impl Location {
    /// A point in the datum a client asked for.
    pub fn of(point: Wgs84, system: coords::CoordSystem) -> Self {
        let (lat, lng) = point.in_system(system);
        Self {
            lat,
            lng,
            coord_system: system,
        }
    }
}
