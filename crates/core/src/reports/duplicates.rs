//! Duplicate candidates of a new report: open cases of its category near
//! it and recent, for the dispatcher to merge (`case_links`).

use super::{error::ReportError, submit::Checked};
use crate::{
    core::{CaseStatus, Ts},
    state::AppState,
};
use entity::cases as case_rows;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Open cases of the same category within the configured radius and time
/// window: candidates for the dispatcher to merge.
pub(super) async fn candidates(
    state: &AppState,
    c: &Checked,
    now: Ts,
) -> Result<Vec<(Uuid, f64)>, ReportError> {
    use geo::{Distance, Haversine, Point};
    let cfg = &state.config.workflow;
    if cfg.duplicate_radius_m <= 0.0 {
        return Ok(vec![]);
    }
    let (lat, lng) = (c.point.lat(), c.point.lng());
    let dlat = cfg.duplicate_radius_m / 111_320.0;
    let dlng = dlat / lat.to_radians().cos().abs().max(0.01);
    let since = now - chrono::Duration::hours(cfg.duplicate_window_hours.max(0));
    let near = case_rows::Entity::find()
        .filter(case_rows::Column::CategoryId.eq(c.category.id))
        .filter(case_rows::Column::CreatedAt.gte(since))
        .filter(case_rows::Column::Status.is_in(CaseStatus::OPEN))
        .filter(case_rows::Column::Lat.between(lat - dlat, lat + dlat))
        .filter(case_rows::Column::Lng.between(lng - dlng, lng + dlng))
        .order_by_desc(case_rows::Column::Id)
        .limit(20)
        .select_only()
        .columns([
            case_rows::Column::Id,
            case_rows::Column::Lat,
            case_rows::Column::Lng,
        ])
        .into_tuple::<(Uuid, f64, f64)>()
        .all(&state.db)
        .await?;
    let here = Point::new(lng, lat);
    Ok(near
        .into_iter()
        .map(|(id, lat, lng)| (id, Haversine.distance(here, Point::new(lng, lat))))
        .filter(|(_, d)| *d <= cfg.duplicate_radius_m)
        .collect())
}
