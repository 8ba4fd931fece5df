//! Administration services, shared by the admin API and `suishoupai admin`.
//! Every change is validated whole before anything is written, runs in one
//! transaction with its audit entry, and bumps the generation that makes
//! every node reload its snapshot.

use crate::{
    audit::{self, Actor},
    calendar::{HolidayYear, WorkCalendar, store as cal_store},
    core::{LimitUnit, time::utc_now},
    error::{ApiError, ApiResult},
    geo::areas::{Level, parse_geometry},
    infra::settings::{self, Gen},
};
use chrono::NaiveTime;
use entity::{area, category, routing_rule, unit};
use geo::{BoundingRect, Validation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use uuid::Uuid;

fn unprocessable(code: &'static str, message: String) -> ApiError {
    ApiError::Unprocessable {
        code,
        message,
        details: None,
    }
}

async fn unit_by_code<C: ConnectionTrait>(db: &C, code: &str) -> ApiResult<unit::Model> {
    unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| unprocessable("unknown_unit", format!("no unit with code {code}")))
}

async fn category_by_code<C: ConnectionTrait>(db: &C, code: &str) -> ApiResult<category::Model> {
    category::Entity::find()
        .filter(category::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| unprocessable("unknown_category", format!("no category with code {code}")))
}

async fn area_by_code<C: ConnectionTrait>(db: &C, code: &str) -> ApiResult<area::Model> {
    area::Entity::find()
        .filter(area::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| unprocessable("unknown_area", format!("no area with code {code}")))
}

fn check_code(code: &str) -> ApiResult<()> {
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiError::bad_request(
            "invalid_code",
            "codes are 1–32 letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

/// A category to create or replace.
#[derive(Debug, Clone)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub time_limit: Option<i32>,
    pub limit_unit: Option<LimitUnit>,
    pub accept_limit_hours: Option<i32>,
    pub manual_review: bool,
    pub close_criterion: String,
    pub unsatisfied_max: i32,
    pub sort_order: i32,
    pub active: bool,
}

/// Creates a category, or replaces the one with this code.
pub async fn upsert_category(
    db: &DatabaseConnection,
    actor: Actor,
    c: CategoryInput,
) -> ApiResult<category::Model> {
    check_code(&c.code)?;
    if c.name.trim().is_empty() || c.name.chars().count() > 64 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a name is 1–64 characters",
        ));
    }
    if c.close_criterion.chars().count() > 500 {
        return Err(ApiError::bad_request(
            "invalid_criterion",
            "closeCriterion has at most 500 characters",
        ));
    }
    if c.parent_code.as_deref() == Some(c.code.as_str()) {
        return Err(unprocessable(
            "invalid_parent",
            "a category cannot be its own parent".into(),
        ));
    }
    if !(0..=5).contains(&c.unsatisfied_max) {
        return Err(ApiError::bad_request(
            "invalid_threshold",
            "unsatisfiedMax is 0–5",
        ));
    }
    let txn = db.begin().await?;
    let parent = match &c.parent_code {
        Some(p) => {
            let parent = category_by_code(&txn, p).await?;
            if parent.parent_id.is_some() {
                return Err(unprocessable(
                    "invalid_parent",
                    "categories have two levels: the parent must be a 大类".into(),
                ));
            }
            Some(parent.id)
        }
        None => None,
    };
    if parent.is_some() {
        match (c.time_limit, c.limit_unit, c.accept_limit_hours) {
            (Some(t), Some(_), Some(a)) if (1..=10_000).contains(&t) && (1..=1000).contains(&a) => {
            }
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_time_limit",
                    "a 小类 needs timeLimit (1–10000), limitUnit and acceptLimitHours (1–1000)",
                ));
            }
        }
    }
    let existing = category::Entity::find()
        .filter(category::Column::Code.eq(&c.code))
        .one(&txn)
        .await?;
    if let (Some(e), Some(_)) = (&existing, parent) {
        let children = category::Entity::find()
            .filter(category::Column::ParentId.eq(e.id))
            .one(&txn)
            .await?;
        if children.is_some() {
            return Err(unprocessable(
                "invalid_parent",
                "this 大类 has 小类 and cannot become a 小类 itself".into(),
            ));
        }
    }
    let am = category::ActiveModel {
        id: Set(existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id)),
        code: Set(c.code.clone()),
        name: Set(c.name.trim().to_owned()),
        parent_id: Set(parent),
        time_limit: Set(c.time_limit.filter(|_| parent.is_some())),
        limit_unit: Set(c
            .limit_unit
            .filter(|_| parent.is_some())
            .map(|u| u.as_str().into())),
        accept_limit_hours: Set(c.accept_limit_hours.filter(|_| parent.is_some())),
        manual_review: Set(c.manual_review),
        close_criterion: Set(c.close_criterion.clone()),
        sort_order: Set(c.sort_order),
        active: Set(c.active),
        unsatisfied_max: Set(c.unsatisfied_max),
    };
    let saved = if existing.is_some() {
        am.update(&txn).await?
    } else {
        am.insert(&txn).await?
    };
    audit::record(
        &txn,
        actor,
        "category.save",
        "category",
        Some(c.code.clone()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Categories).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A unit to create or replace.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub webhook_kind: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
}

pub async fn upsert_unit(
    db: &DatabaseConnection,
    actor: Actor,
    u: UnitInput,
) -> ApiResult<unit::Model> {
    check_code(&u.code)?;
    if u.name.trim().is_empty() || u.name.chars().count() > 64 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a name is 1–64 characters",
        ));
    }
    if u.kind.is_empty()
        || u.kind.len() > 32
        || u.webhook_url.as_deref().is_some_and(|w| w.len() > 500)
    {
        return Err(ApiError::bad_request(
            "invalid_unit",
            "kind is 1–32 characters and webhookUrl at most 500",
        ));
    }
    match (u.webhook_kind.as_deref(), u.webhook_url.as_deref()) {
        (None, None) => {}
        (Some("wecom" | "hmac"), Some(url))
            if url.starts_with("http://") || url.starts_with("https://") => {}
        _ => {
            return Err(ApiError::bad_request(
                "invalid_webhook",
                "webhookKind is wecom or hmac, with an http(s) webhookUrl",
            ));
        }
    }
    if u.webhook_kind.as_deref() == Some("hmac")
        && u.webhook_secret.as_deref().is_none_or(|s| s.len() < 16)
    {
        return Err(ApiError::bad_request(
            "invalid_webhook",
            "hmac webhooks need a secret of 16+ characters",
        ));
    }
    let txn = db.begin().await?;
    let existing = unit::Entity::find()
        .filter(unit::Column::Code.eq(&u.code))
        .one(&txn)
        .await?;
    let id = existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id);
    let parent = match &u.parent_code {
        Some(p) => {
            let parent = unit_by_code(&txn, p).await?;
            // No cycles: the parent must not be this unit or below it.
            let mut cur = Some(parent.clone());
            while let Some(x) = cur {
                if x.id == id {
                    return Err(unprocessable(
                        "unit_cycle",
                        "a unit cannot be under itself".into(),
                    ));
                }
                cur = match x.parent_id {
                    Some(pid) => unit::Entity::find_by_id(pid).one(&txn).await?,
                    None => None,
                };
            }
            Some(parent.id)
        }
        None => None,
    };
    let am = unit::ActiveModel {
        id: Set(id),
        code: Set(u.code.clone()),
        name: Set(u.name.trim().to_owned()),
        kind: Set(u.kind.clone()),
        parent_id: Set(parent),
        created_at: Set(existing.as_ref().map_or_else(utc_now, |e| e.created_at)),
        webhook_kind: Set(u.webhook_kind.clone()),
        webhook_url: Set(u.webhook_url.clone()),
        webhook_secret: Set(u.webhook_secret.clone()),
    };
    let saved = if existing.is_some() {
        am.update(&txn).await?
    } else {
        am.insert(&txn).await?
    };
    audit::record(
        &txn,
        actor,
        "unit.save",
        "unit",
        Some(u.code.clone()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(saved)
}

/// One area of an import.
#[derive(Debug, Clone)]
pub struct AreaInput {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    /// GeoJSON geometry text.
    pub geometry: String,
}

/// Parses a GeoJSON FeatureCollection whose features carry `code`, `name`,
/// `level` and optionally `parentCode` properties.
pub fn parse_feature_collection(text: &str) -> ApiResult<Vec<AreaInput>> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| ApiError::bad_request("invalid_geojson", format!("not GeoJSON: {e}")))?;
    let features = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => {
            return Err(ApiError::bad_request(
                "invalid_geojson",
                "expected a Feature or FeatureCollection",
            ));
        }
    };
    features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let prop = |k: &str| f.property(k).and_then(|v| v.as_str()).map(str::to_owned);
            let missing = |k: &str| ApiError::BadRequest {
                code: "invalid_geojson",
                message: format!("feature {i} has no \"{k}\" property"),
                details: Some(serde_json::json!({"feature": i})),
            };
            Ok(AreaInput {
                code: prop("code").ok_or_else(|| missing("code"))?,
                name: prop("name").ok_or_else(|| missing("name"))?,
                level: prop("level").ok_or_else(|| missing("level"))?,
                parent_code: prop("parentCode"),
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
) -> ApiResult<usize> {
    if items.is_empty() || items.len() > 20_000 {
        return Err(ApiError::bad_request(
            "invalid_geojson",
            "1–20000 features per import",
        ));
    }
    let bad = |i: usize, code: &'static str, msg: String| ApiError::BadRequest {
        code,
        message: format!("feature {i}: {msg}"),
        details: Some(serde_json::json!({"feature": i})),
    };
    let mut shapes = Vec::with_capacity(items.len());
    for (i, a) in items.iter().enumerate() {
        check_code(&a.code).map_err(|_| {
            bad(
                i,
                "invalid_code",
                "codes are 1–32 letters, digits, '-' or '_'".into(),
            )
        })?;
        let level = Level::parse(&a.level).ok_or_else(|| {
            bad(
                i,
                "invalid_level",
                "level is district, street or grid".into(),
            )
        })?;
        let shape =
            parse_geometry(&a.geometry).map_err(|e| bad(i, "invalid_geojson", format!("{e:#}")))?;
        if let Err(e) = shape.check_validation() {
            return Err(bad(i, "invalid_polygon", format!("invalid polygon: {e}")));
        }
        let r = shape
            .bounding_rect()
            .ok_or_else(|| bad(i, "invalid_polygon", "empty polygon".into()))?;
        if r.min().x < -180.0 || r.max().x > 180.0 || r.min().y < -90.0 || r.max().y > 90.0 {
            return Err(bad(
                i,
                "invalid_polygon",
                "coordinates outside WGS-84 range".into(),
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
                        bad(
                            i,
                            "unknown_area",
                            format!("parent {p} does not exist (list parents before children)"),
                        )
                    })?;
                let plevel = Level::parse(&parent.level).unwrap_or(Level::Grid);
                if plevel as i32 + 1 != level as i32 {
                    return Err(bad(
                        i,
                        "invalid_level",
                        format!("a {} cannot be under a {}", a.level, parent.level),
                    ));
                }
                Some(parent.id)
            }
            None if level == Level::District => None,
            None => {
                return Err(bad(
                    i,
                    "invalid_level",
                    "streets and grids need a parentCode".into(),
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
            level: Set(a.level.clone()),
            parent_id: Set(parent),
            geometry: Set(a.geometry.clone()),
            min_lng: Set(r.min().x),
            min_lat: Set(r.min().y),
            max_lng: Set(r.max().x),
            max_lat: Set(r.max().y),
            created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
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

/// Adds a routing rule (category and area optional: any / city-wide).
pub async fn add_rule(
    db: &DatabaseConnection,
    actor: Actor,
    category_code: Option<&str>,
    area_code: Option<&str>,
    unit_code: &str,
) -> ApiResult<routing_rule::Model> {
    let txn = db.begin().await?;
    let unit = unit_by_code(&txn, unit_code).await?;
    let cat = match category_code {
        Some(c) => Some(category_by_code(&txn, c).await?.id),
        None => None,
    };
    let area = match area_code {
        Some(a) => Some(area_by_code(&txn, a).await?.id),
        None => None,
    };
    let mut q = routing_rule::Entity::find();
    q = match cat {
        Some(c) => q.filter(routing_rule::Column::CategoryId.eq(c)),
        None => q.filter(routing_rule::Column::CategoryId.is_null()),
    };
    q = match area {
        Some(a) => q.filter(routing_rule::Column::AreaId.eq(a)),
        None => q.filter(routing_rule::Column::AreaId.is_null()),
    };
    if q.one(&txn).await?.is_some() {
        return Err(ApiError::conflict(
            "rule_exists",
            "a rule for this category and area exists; delete it first",
        ));
    }
    let rule = routing_rule::ActiveModel {
        id: Set(Uuid::now_v7()),
        category_id: Set(cat),
        area_id: Set(area),
        unit_id: Set(unit.id),
        created_at: Set(utc_now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "routing_rule.add",
        "routing_rule",
        Some(rule.id.to_string()),
        None,
        Some(serde_json::json!({"category": category_code, "area": area_code, "unit": unit_code})),
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(rule)
}

pub async fn delete_rule(db: &DatabaseConnection, actor: Actor, id: Uuid) -> ApiResult<()> {
    let txn = db.begin().await?;
    let res = routing_rule::Entity::delete_by_id(id).exec(&txn).await?;
    if res.rows_affected == 0 {
        return Err(ApiError::not_found("routing rule"));
    }
    audit::record(
        &txn,
        actor,
        "routing_rule.delete",
        "routing_rule",
        Some(id.to_string()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(())
}

/// Loads one holiday-cn year (replacing that year).
pub async fn load_calendar_year(
    db: &DatabaseConnection,
    actor: Actor,
    json: &str,
) -> ApiResult<HolidayYear> {
    let y = HolidayYear::parse(json).map_err(|e| ApiError::BadRequest {
        code: "invalid_calendar",
        message: e.to_string(),
        details: None,
    })?;
    if !(2000..=2100).contains(&y.year) {
        return Err(ApiError::bad_request(
            "invalid_calendar",
            "year must be 2000–2100",
        ));
    }
    let txn = db.begin().await?;
    cal_store::save_year(&txn, &y).await?;
    audit::record(
        &txn,
        actor,
        "calendar.load_year",
        "calendar",
        Some(y.year.to_string()),
        None,
        Some(serde_json::json!({"days": y.days.len()})),
    )
    .await?;
    txn.commit().await?;
    Ok(y)
}

/// Sets the working periods of the day (`08:30-12:00,13:30-17:30`).
pub async fn set_working_hours(
    db: &DatabaseConnection,
    actor: Actor,
    periods: &str,
) -> ApiResult<()> {
    let parsed = cal_store::parse_periods(periods).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_periods",
            "periods look like 08:30-12:00,13:30-17:30",
        )
    })?;
    WorkCalendar::new(parsed.clone(), crate::core::time::shanghai())
        .map_err(|e| ApiError::bad_request("invalid_periods", e.to_string()))?;
    let txn = db.begin().await?;
    cal_store::save_periods(&txn, &parsed).await?;
    audit::record(
        &txn,
        actor,
        "calendar.set_hours",
        "calendar",
        None,
        None,
        Some(serde_json::json!({"periods": cal_store::format_periods(&parsed)})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub fn parse_hm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}
