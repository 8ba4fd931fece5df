//! Admin: areas (district, street, grid) imported from GeoJSON.

pub use suishoupai_core::admin::areas::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, infra::settings::Gen, state::AppState};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// A stored area (without its polygon).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AreaRow {
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// district | street | grid
    pub level: String,
    /// Parent area id.
    #[oai(nullable)]
    pub parent_id: Option<Uuid>,
    /// 常住人口, when the import gave it (the public board's cases per
    /// 10,000 people).
    #[oai(nullable)]
    pub population: Option<i64>,
}

impl From<service::Area> for AreaRow {
    fn from(a: service::Area) -> Self {
        Self {
            id: a.id,
            code: a.code,
            name: a.name,
            level: a.level.as_str().into(),
            parent_id: a.parent_id,
            population: a.population,
        }
    }
}

/// How many areas an import stored.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ImportResult {
    /// Areas created or replaced.
    pub imported: u64,
}

pub struct AdminAreasApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminAreasApi {
    /// List areas
    #[oai(path = "/areas", method = "get", operation_id = "adminListAreas")]
    async fn areas(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<AreaRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Import areas from GeoJSON
    ///
    /// A FeatureCollection (or one Feature) whose features have `code`,
    /// `name`, `level` (district | street | grid) and `parentCode`
    /// properties, optionally `population` (常住人口, a whole number, for
    /// the public board's cases per 10,000 people), and a Polygon or
    /// MultiPolygon geometry in WGS-84. All or
    /// nothing: an invalid or self-intersecting polygon, a missing parent or
    /// a level out of order is a 4xx naming the feature, and nothing changes.
    #[oai(path = "/areas", method = "post", operation_id = "adminImportAreas")]
    async fn import_areas(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<serde_json::Value>,
    ) -> Res<Json<ImportResult>, AdminErrors> {
        let actor = admin(&auth)?;
        let n = service::import_geojson(&state.db, actor, &body.0.to_string()).await?;
        state.refresh(&[Gen::Areas, Gen::Directory]).await?;
        Ok(Json(ImportResult { imported: n as u64 }))
    }
}
