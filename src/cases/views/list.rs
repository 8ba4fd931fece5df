//! The case list: newest first, with filters and cursor pagination.

use super::{staff_only, unit_ref};
use crate::{
    cases::{
        dto::{CasePage, CaseSummary},
        error::CaseError,
        model::Case,
    },
    core::{
        Caller, CaseStatus, Role,
        page::{decode_cursor, split_page},
        time::utc,
    },
    geo::coords::{CoordSystem, Wgs84},
    state::AppState,
    web::dto::{AreaRef, CategoryRef},
};
use chrono::{DateTime, FixedOffset};
use entity::cases;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Filters of `GET /cases`.
#[derive(Debug, Default)]
pub struct Filters {
    pub status: Option<CaseStatus>,
    pub unit_code: Option<String>,
    pub category_code: Option<String>,
    pub area_code: Option<String>,
    pub overdue: Option<bool>,
    pub due_before: Option<DateTime<FixedOffset>>,
    /// min lng, min lat, max lng, max lat (WGS-84).
    pub bbox: Option<[f64; 4]>,
}

/// Parses `minLng,minLat,maxLng,maxLat`.
pub fn parse_bbox(s: &str) -> Result<[f64; 4], CaseError> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad_bbox())?;
    let [a, b, c, d] = v[..] else {
        return Err(bad_bbox());
    };
    let ok = v.iter().all(|x| x.is_finite())
        && (-180.0..=180.0).contains(&a)
        && (-180.0..=180.0).contains(&c)
        && (-90.0..=90.0).contains(&b)
        && (-90.0..=90.0).contains(&d)
        && a <= c
        && b <= d;
    if ok {
        Ok([a, b, c, d])
    } else {
        Err(bad_bbox())
    }
}

fn bad_bbox() -> CaseError {
    CaseError::BadFilter {
        code: "invalid_bbox",
        message: "bbox is minLng,minLat,maxLng,maxLat in WGS-84 degrees, min before max".into(),
    }
}

/// Cases the caller may see, newest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    f: Filters,
    cursor: Option<&str>,
    limit: u64,
    system: CoordSystem,
) -> Result<CasePage, CaseError> {
    staff_only(caller)?;
    let dir = state.directory.get();
    let mut q = cases::Entity::find()
        .order_by_desc(cases::Column::Id)
        .limit(limit + 1);
    if caller.role == Role::UnitMember {
        let mine = caller.unit_id.map(|u| dir.subtree(u)).unwrap_or_default();
        q = q.filter(cases::Column::UnitId.is_in(mine));
    }
    if let Some(c) = cursor {
        q = q.filter(cases::Column::Id.lt(decode_cursor(c)?));
    }
    if let Some(s) = f.status {
        q = q.filter(cases::Column::Status.eq(s.as_str()));
    }
    if let Some(code) = &f.unit_code {
        let u = dir.unit_by_code(code).ok_or_else(|| CaseError::BadFilter {
            code: "unknown_unit",
            message: format!("no unit with code {code}"),
        })?;
        q = q.filter(cases::Column::UnitId.eq(u.id));
    }
    let cats = state.categories.get();
    if let Some(code) = &f.category_code {
        // A 大类 matches its 小类 too.
        let ids = cats
            .with_children(code)
            .ok_or_else(|| CaseError::BadFilter {
                code: "unknown_category",
                message: format!("no category with code {code}"),
            })?;
        q = q.filter(cases::Column::CategoryId.is_in(ids));
    }
    if let Some(code) = &f.area_code {
        let areas = state.areas.get();
        let ids = areas
            .subtree_of_code(code)
            .ok_or_else(|| CaseError::BadFilter {
                code: "unknown_area",
                message: format!("no area with code {code}"),
            })?;
        q = q.filter(cases::Column::AreaId.is_in(ids));
    }
    if let Some(o) = f.overdue {
        let running: Vec<&str> = CaseStatus::ALL
            .into_iter()
            .filter(|s| s.overdue_counts())
            .map(|s| s.as_str())
            .collect();
        let cond = Condition::all()
            .add(cases::Column::OverdueAt.is_not_null())
            .add(cases::Column::Status.is_in(running));
        q = q.filter(if o { cond } else { cond.not() });
    }
    if let Some(t) = f.due_before {
        q = q.filter(cases::Column::DueAt.lt(utc(t)));
    }
    if let Some([a, b, c, d]) = f.bbox {
        q = q
            .filter(cases::Column::Lng.between(a, c))
            .filter(cases::Column::Lat.between(b, d));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |r| r.id);
    let areas = state.areas.get();
    let items = rows
        .into_iter()
        .map(|r| {
            let c = Case::from_row(r)?;
            Ok(CaseSummary {
                overdue: c.is_overdue(),
                id: c.id,
                status: c.status.into(),
                version: c.version,
                category: CategoryRef::of(&cats, c.category_id),
                area: AreaRef::of(&areas, c.area_id),
                unit: unit_ref(&dir, c.unit_id),
                location: Wgs84::from_stored(c.lat, c.lng).to_location(system),
                due_at: c.clock.due_at,
                escalation_level: c.clock.escalation_level,
                created_at: c.created_at,
                case_no: c.case_no,
            })
        })
        .collect::<Result<Vec<_>, CaseError>>()?;
    Ok(CasePage { items, next_cursor })
}
