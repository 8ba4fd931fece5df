//! Areas: listing, and importing GeoJSON all or nothing.

use crate::core::ErrorCode;
use crate::{
    admin::{codes::check_code, error::AdminError},
    audit::{self, Actor},
    core::time::utc_now,
    geo::areas::{Level, parse_geometry},
    infra::settings::{self, Gen},
};
use entity::area;
use geo::{BoundingRect, Validation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

/// An area as stored.
pub type Area = entity::area::Model;

/// One area of an import.
#[derive(Debug, Clone)]
pub struct AreaInput {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    /// GeoJSON geometry text.
    pub geometry: String,
    /// 常住人口, from an optional `population` property.
    pub population: Option<i64>,
}

/// Every area, by code.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<area::Model>, AdminError> {
    Ok(area::Entity::find()
        .order_by_asc(area::Column::Code)
        .all(db)
        .await?)
}

/// Parses a GeoJSON FeatureCollection whose features carry `code`, `name`,
/// `level` and optionally `parentCode` properties.
pub fn parse_feature_collection(text: &str) -> Result<Vec<AreaInput>, AdminError> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| AdminError::invalid(ErrorCode::InvalidGeojson, format!("not GeoJSON: {e}")))?;
    let features = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => {
            return Err(AdminError::invalid(
                ErrorCode::InvalidGeojson,
                "expected a Feature or FeatureCollection",
            ));
        }
    };
    features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let prop = |k: &str| f.property(k).and_then(|v| v.as_str()).map(str::to_owned);
            let missing = |k: &str| AdminError::Invalid {
                code: ErrorCode::InvalidGeojson,
                message: format!("feature {i} has no \"{k}\" property"),
                details: Some(serde_json::json!({"feature": i})),
            };
            Ok(AreaInput {
                code: prop("code").ok_or_else(|| missing("code"))?,
                name: prop("name").ok_or_else(|| missing("name"))?,
                level: prop("level").ok_or_else(|| missing("level"))?,
                parent_code: prop("parentCode"),
                population: match f.property("population") {
                    None | Some(serde_json::Value::Null) => None,
                    Some(v) => Some(v.as_i64().filter(|n| (0..=100_000_000).contains(n)).ok_or_else(
                        || AdminError::Invalid {
                            code: ErrorCode::InvalidGeojson,
                            message: format!(
                                "feature {i}: \"population\" is a whole number of people, 0 to 100000000"
                            ),
                            details: Some(serde_json::json!({"feature": i})),
                        },
                    )?),
                },
                geometry: f
                    .geometry
                    .as_ref()
                    .map(|g| g.to_string())
                    .ok_or_else(|| missing("geometry"))?,
            })
        })
        .collect()
}

/// Imports areas all or nothing: each geometry a valid (non-self-
/// intersecting) Polygon or MultiPolygon in WGS-84 range, each level under
/// the one above; an existing code is replaced.
pub async fn import_areas(
    db: &DatabaseConnection,
    actor: Actor,
    items: Vec<AreaInput>,
) -> Result<usize, AdminError> {
    if items.is_empty() || items.len() > 20_000 {
        return Err(AdminError::invalid(
            ErrorCode::InvalidGeojson,
            "1–20000 features per import",
        ));
    }
    let mut shapes = Vec::with_capacity(items.len());
    for (i, a) in items.iter().enumerate() {
        check_code(&a.code).map_err(|_| {
            AdminError::in_feature(
                i,
                ErrorCode::InvalidCode,
                "codes are 1–32 letters, digits, '-' or '_'",
            )
        })?;
        let level = Level::parse(&a.level).ok_or_else(|| {
            AdminError::in_feature(
                i,
                ErrorCode::InvalidLevel,
                "level is district, street or grid",
            )
        })?;
        let shape = parse_geometry(&a.geometry)
            .map_err(|e| AdminError::in_feature(i, ErrorCode::InvalidGeojson, format!("{e:#}")))?;
        if let Err(e) = shape.check_validation() {
            return Err(AdminError::in_feature(
                i,
                ErrorCode::InvalidPolygon,
                format!("invalid polygon: {e}"),
            ));
        }
        let r = shape
            .bounding_rect()
            .ok_or_else(|| AdminError::in_feature(i, ErrorCode::InvalidPolygon, "empty polygon"))?;
        if r.min().x < -180.0 || r.max().x > 180.0 || r.min().y < -90.0 || r.max().y > 90.0 {
            return Err(AdminError::in_feature(
                i,
                ErrorCode::InvalidPolygon,
                "coordinates outside WGS-84 range",
            ));
        }
        shapes.push((level, r));
    }
    let txn = db.begin().await?;
    let now = utc_now();
    for (i, (a, (level, r))) in items.iter().zip(shapes).enumerate() {
        let parent = match &a.parent_code {
            Some(p) => {
                let parent = area::Entity::find()
                    .filter(area::Column::Code.eq(p))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| {
                        AdminError::in_feature(
                            i,
                            ErrorCode::UnknownArea,
                            format!("parent {p} does not exist (list parents before children)"),
                        )
                    })?;
                let plevel = parent.level;
                if plevel as i32 + 1 != level as i32 {
                    return Err(AdminError::in_feature(
                        i,
                        ErrorCode::InvalidLevel,
                        format!("a {} cannot be under a {}", a.level, parent.level.as_str()),
                    ));
                }
                Some(parent.id)
            }
            None if level == Level::District => None,
            None => {
                return Err(AdminError::in_feature(
                    i,
                    ErrorCode::InvalidLevel,
                    "streets and grids need a parentCode",
                ));
            }
        };
        let existing = area::Entity::find()
            .filter(area::Column::Code.eq(&a.code))
            .one(&txn)
            .await?;
        let am = area::ActiveModel {
            id: Set(existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id)),
            code: Set(a.code.clone()),
            name: Set(a.name.clone()),
            level: Set(level),
            parent_id: Set(parent),
            geometry: Set(a.geometry.clone()),
            min_lng: Set(r.min().x),
            min_lat: Set(r.min().y),
            max_lng: Set(r.max().x),
            max_lat: Set(r.max().y),
            created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
            // An import without the figure keeps the one given before.
            population: Set(a
                .population
                .or(existing.as_ref().and_then(|e| e.population))),
        };
        if existing.is_some() {
            am.update(&txn).await?;
        } else {
            am.insert(&txn).await?;
        }
    }
    audit::record(
        &txn,
        actor,
        "area.import",
        "area",
        None,
        None,
        Some(serde_json::json!({"count": items.len()})),
    )
    .await?;
    settings::bump(&txn, Gen::Areas).await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(items.len())
}

/// Parses and imports a GeoJSON text in one step (the API's import).
pub async fn import_geojson(
    db: &DatabaseConnection,
    actor: Actor,
    text: &str,
) -> Result<usize, AdminError> {
    let items = parse_feature_collection(text)?;
    import_areas(db, actor, items).await
}
