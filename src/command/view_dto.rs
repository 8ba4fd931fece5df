//! The command centre's GeoJSON and tables, from what the views counted
//! (`service`): points and outlines in the datum asked for, categories by
//! name, rates as ratios.

use super::{
    dto::{
        AreaCollection, AreaFeature, AreaLevel, AreaProperties, ClusterCollection, ClusterFeature,
        ClusterProperties, FeatureCollectionType, FeatureType, GroupBy, HeatFeature,
        HeatProperties, HeatmapCollection, IndicatorRow, IndicatorTable, PointGeometry, Ratio,
        SelfGovernedView, Summary,
    },
    service::{AreaCounts, Clusters, Counts, Heat, Indicators},
    stats::Tally,
};
use crate::{
    geo::{
        areas::AreaShape,
        coords::{CoordSystem, Wgs84},
    },
    state::AppState,
    web::{date::Date, dto::CategoryRef},
};
use geo::{MapCoords, Simplify};

impl ClusterCollection {
    /// The clusters as GeoJSON points in `system`.
    pub fn of(state: &AppState, c: Clusters, system: CoordSystem) -> Self {
        let cats = state.categories.get();
        let features = c
            .cells
            .into_iter()
            .map(|cell| {
                let single = cell.single;
                ClusterFeature {
                    kind: FeatureType::Feature,
                    geometry: PointGeometry::at(cell.lat, cell.lng, system),
                    properties: ClusterProperties {
                        cluster: single.is_none(),
                        count: cell.count,
                        by_status: cell.by_status.into(),
                        overdue: cell.overdue,
                        expansion_zoom: cell.expansion_zoom,
                        id: single.as_ref().map(|e| e.id),
                        status: single.as_ref().map(|e| e.status),
                        category: (single.as_ref())
                            .and_then(|e| e.category_id)
                            .map(|id| CategoryRef::of(&cats, id)),
                        case_no: single.map(|e| e.case_no),
                    },
                }
            })
            .collect();
        Self {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            total: c.total,
            zoom: c.zoom,
            coord_system: system,
        }
    }
}

impl HeatmapCollection {
    /// The heatmap as GeoJSON points in `system`.
    pub fn of(h: Heat, system: CoordSystem) -> Self {
        let max = f64::from(h.max_weight.max(1));
        let features = h
            .cells
            .into_iter()
            .map(|(lat, lng, count)| HeatFeature {
                kind: FeatureType::Feature,
                geometry: PointGeometry::at(lat, lng, system),
                properties: HeatProperties {
                    weight: count,
                    intensity: f64::from(count) / max,
                },
            })
            .collect();
        Self {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            total: h.total,
            max_weight: h.max_weight,
            zoom: h.zoom,
            coord_system: system,
        }
    }
}

impl AreaCollection {
    /// The areas with their outlines at `zoom` in `system`.
    pub fn of(a: &AreaCounts, level: AreaLevel, zoom: u8, system: CoordSystem) -> Self {
        let features = a
            .iter()
            .map(|(area, t)| AreaFeature {
                kind: FeatureType::Feature,
                geometry: outline(area, zoom, system),
                properties: AreaProperties {
                    code: area.code.clone(),
                    name: area.name.clone(),
                    level,
                    total: t.total,
                    open: t.open,
                    overdue: t.overdue,
                    warned: t.warned,
                    closed_in_period: t.closed_in_period,
                    on_time_close_rate: Ratio::of(t.closed_on_time, t.due),
                },
            })
            .collect();
        Self {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            level,
            zoom,
            from: Date(a.period.from),
            to: Date(a.period.to),
            coord_system: system,
        }
    }
}

/// An area's outline, simplified to about a pixel at `zoom`, as GeoJSON
/// in the datum asked for.
fn outline(a: &AreaShape, zoom: u8, system: CoordSystem) -> serde_json::Value {
    let pixel_degrees = 360.0 / (256.0 * 2f64.powi(i32::from(zoom)));
    let simple = a.shape.simplify(pixel_degrees);
    let shifted = simple.map_coords(|c| {
        let (lat, lng) = Wgs84::from_stored(c.y, c.x).in_system(system);
        geo::coord! { x: lng, y: lat }
    });
    serde_json::to_value(geojson::Geometry::new(geojson::Value::from(&shifted)))
        .unwrap_or(serde_json::Value::Null)
}

impl IndicatorTable {
    /// The table of the indicators, grouped as asked.
    pub fn of(i: Indicators, group_by: GroupBy) -> Self {
        Self {
            from: Date(i.period.from),
            to: Date(i.period.to),
            group_by,
            rows: (i.rows.into_iter())
                .map(|(key, name, t)| row(key, name, t))
                .collect(),
            total: row("total".into(), "合计".into(), i.total),
            self_governed: SelfGovernedView {
                filed: i.self_governed.filed,
                verified: i.self_governed.verified,
                sent_to_units: i.self_governed.sent_to_units,
                waiting: i.self_governed.waiting,
                rejected: i.self_governed.rejected,
            },
        }
    }
}

fn row(key: String, name: String, mut t: Tally) -> IndicatorRow {
    let (mean, median) = t.handling_hours();
    let round = |v: Option<f64>| v.map(|h| (h * 100.0).round() / 100.0);
    let base = t.dispatched - t.suspended;
    IndicatorRow {
        key,
        name,
        on_time_close_rate: Ratio::of(t.closed_on_time, base),
        close_rate: Ratio::of(t.closed, base),
        rework_rate: Ratio::of(t.reopened, t.resolved),
        extension_rate: Ratio::of(t.extended, t.dispatched),
        return_rate: Ratio::of(t.returned, t.dispatched),
        satisfaction_rate: Ratio::of(t.satisfied, t.rated),
        timely_claim_rate: Ratio::of(t.claimed_on_time, t.claimed),
        mean_handling_hours: round(mean),
        median_handling_hours: round(median),
        dispatched: t.dispatched,
        suspended: t.suspended,
        closed: t.closed,
        closed_on_time: t.closed_on_time,
        resolved: t.resolved,
        reopened: t.reopened,
        extended: t.extended,
        returned: t.returned,
        rated: t.rated,
        satisfied: t.satisfied,
        claimed: t.claimed,
        claimed_on_time: t.claimed_on_time,
        overdue: t.overdue,
        escalated: t.escalated,
    }
}

impl From<Counts> for Summary {
    fn from(c: Counts) -> Self {
        Self {
            submitted: c.submitted,
            open: c.open,
            warned: c.warned,
            overdue: c.overdue,
            escalated: c.escalated,
            suspended: c.suspended,
        }
    }
}
