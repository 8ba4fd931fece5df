//! The command centre's views, computed on this node's case index in the
//! blocking pool (a scan of up to a million compact rows is CPU work).

use super::{
    dto::{
        AreaCollection, AreaFeature, AreaLevel, AreaProperties, ClusterCollection, ClusterFeature,
        ClusterProperties, FeatureCollectionType, FeatureType, GroupBy, HeatFeature,
        HeatProperties, HeatmapCollection, IndicatorRow, IndicatorTable, PointGeometry, Ratio,
        Summary,
    },
    index::{Data, Interner},
    map::{self, Window},
    period::Period,
    stats::{self, Key, Tally},
};
use crate::error::ErrorCode;
use crate::{
    cases::error::CaseError,
    cases::filter::CaseFilter,
    core::{Caller, CaseStatus},
    geo::{
        areas::{AreaIndex, AreaShape, Level},
        coords::{CoordSystem, Wgs84},
    },
    state::AppState,
    web::{date::Date, dto::CategoryRef},
};
use geo::{MapCoords, Simplify};

/// Runs a computation on the index in the blocking pool.
async fn on_index<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Data) -> T + Send + 'static,
) -> Result<T, CaseError> {
    let idx = state.case_index.clone();
    tokio::task::spawn_blocking(move || idx.read(f))
        .await
        .map_err(|e| CaseError::Internal(anyhow::anyhow!("index task: {e}")))
}

/// Refuses a window of more cells than a screen could show.
fn window(bbox: [f64; 4], zoom: u8, px_log2: u8) -> Result<Window, CaseError> {
    let w = Window::of(bbox);
    if w.cells(zoom, px_log2) > map::MAX_CELLS {
        return Err(CaseError::BadFilter {
            code: ErrorCode::BboxTooLarge,
            message: format!(
                "this bbox spans more than {} cells at zoom {zoom}: zoom out or ask for a smaller bbox",
                map::MAX_CELLS
            ),
        });
    }
    Ok(w)
}

/// Clusters of 64-pixel cells at `zoom`; single cases as points.
pub async fn clusters(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    bbox: [f64; 4],
    zoom: u8,
    system: CoordSystem,
) -> Result<ClusterCollection, CaseError> {
    let f = filter.resolve(state, caller)?;
    let w = window(bbox, zoom, 6)?;
    let cats = state.categories.get();
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let cells = map::cells(d, &compiled, w, zoom, 6);
        let total = cells.iter().map(|c| u64::from(c.count)).sum();
        let features = cells
            .iter()
            .map(|c| {
                let single = (c.count == 1).then(|| d.entries.get(c.first)).flatten();
                let (lat, lng) = single.map_or_else(|| c.centre(), |e| (e.lat, e.lng));
                ClusterFeature {
                    kind: FeatureType::Feature,
                    geometry: PointGeometry::at(lat, lng, system),
                    properties: ClusterProperties {
                        cluster: single.is_none(),
                        count: c.count,
                        by_status: c.by_status.into(),
                        overdue: c.overdue,
                        expansion_zoom: single
                            .is_none()
                            .then(|| c.expansion_zoom(zoom, map::shift_at_zero(6)))
                            .flatten(),
                        id: single.map(|e| e.id),
                        case_no: single.map(|e| e.case_no.to_string()),
                        status: single.map(|e| e.status),
                        category: single.and_then(|e| {
                            d.categories
                                .get(e.category)
                                .map(|id| CategoryRef::of(&cats, id))
                        }),
                    },
                }
            })
            .collect();
        ClusterCollection {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            total,
            zoom,
            coord_system: system,
        }
    })
    .await
}

/// Heatmap cells of 16 pixels at `zoom`, weighted by their cases.
pub async fn heatmap(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    bbox: [f64; 4],
    zoom: u8,
    system: CoordSystem,
) -> Result<HeatmapCollection, CaseError> {
    let f = filter.resolve(state, caller)?;
    let w = window(bbox, zoom, 4)?;
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let cells = map::cells(d, &compiled, w, zoom, 4);
        let max_weight = cells.iter().map(|c| c.count).max().unwrap_or(0);
        let total = cells.iter().map(|c| u64::from(c.count)).sum();
        let features = cells
            .iter()
            .map(|c| {
                let (lat, lng) = c.centre();
                HeatFeature {
                    kind: FeatureType::Feature,
                    geometry: PointGeometry::at(lat, lng, system),
                    properties: HeatProperties {
                        weight: c.count,
                        intensity: f64::from(c.count) / f64::from(max_weight.max(1)),
                    },
                }
            })
            .collect();
        HeatmapCollection {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            total,
            max_weight,
            zoom,
            coord_system: system,
        }
    })
    .await
}

/// The areas of `level` (sorted by code), and for each interned area of
/// the index the position of its ancestor at that level among them.
fn level_map<'a>(
    areas: &'a AreaIndex,
    interned: &Interner,
    level: Level,
) -> (Vec<&'a AreaShape>, Vec<Option<usize>>) {
    let mut of_level: Vec<&AreaShape> = areas.all().iter().filter(|a| a.level == level).collect();
    of_level.sort_by(|a, b| a.code.cmp(&b.code));
    let positions: std::collections::HashMap<uuid::Uuid, usize> = of_level
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let pos = |id| positions.get(&id).copied();
    let map = interned
        .ids
        .iter()
        .map(|id| {
            let mut cur = areas.by_id(*id);
            // Walk up to the level (areas nest at most three deep).
            for _ in 0..4 {
                match cur {
                    Some(a) if a.level == level => return pos(a.id),
                    Some(a) if a.level < level => return None,
                    Some(a) => cur = a.parent_id.and_then(|p| areas.by_id(p)),
                    None => return None,
                }
            }
            None
        })
        .collect();
    (of_level, map)
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

/// The areas of a level with their counts: the choropleth of 挂图作战.
pub async fn areas(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    level: AreaLevel,
    zoom: u8,
    period: Period,
    system: CoordSystem,
) -> Result<AreaCollection, CaseError> {
    let f = filter.resolve(state, caller)?;
    let shapes = state.areas.get();
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let (of_level, level_of) = level_map(&shapes, &d.areas, level.into());
        let tallies = map::area_tallies(d, &compiled, &level_of, of_level.len(), period);
        let features = of_level
            .iter()
            .zip(tallies)
            .map(|(a, t)| AreaFeature {
                kind: FeatureType::Feature,
                geometry: outline(a, zoom, system),
                properties: AreaProperties {
                    code: a.code.clone(),
                    name: a.name.clone(),
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
        AreaCollection {
            kind: FeatureCollectionType::FeatureCollection,
            features,
            level,
            zoom,
            from: Date(period.from),
            to: Date(period.to),
            coord_system: system,
        }
    })
    .await
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

/// Indicators of the cases dispatched in `period`, grouped.
pub async fn indicators(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    period: Period,
    group_by: GroupBy,
    area_level: AreaLevel,
) -> Result<IndicatorTable, CaseError> {
    let f = filter.resolve(state, caller)?;
    let (shapes, cats, dir) = (
        state.areas.get(),
        state.categories.get(),
        state.directory.get(),
    );
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let (of_level, level_of) = level_map(&shapes, &d.areas, area_level.into());
        let by = match group_by {
            GroupBy::Unit => stats::GroupBy::Unit,
            GroupBy::Area => stats::GroupBy::Area,
            GroupBy::Category => stats::GroupBy::Category,
            GroupBy::Day => stats::GroupBy::Day,
        };
        let (groups, all) = stats::indicators(d, &compiled, period, by, &level_of);
        let name_of = |k: Key| -> (String, String) {
            let none = ("none".to_owned(), "无".to_owned());
            match (k, group_by) {
                (Key::Day(_) | Key::None, _) => none,
                (Key::Interned(i), GroupBy::Unit) => d
                    .units
                    .ids
                    .get(i)
                    .and_then(|id| dir.units.get(id))
                    .map_or(none, |u| (u.code.clone(), u.name.clone())),
                (Key::Interned(i), GroupBy::Area) => of_level
                    .get(i)
                    .map_or(none, |a| (a.code.clone(), a.name.clone())),
                (Key::Interned(i), _) => d
                    .categories
                    .ids
                    .get(i)
                    .and_then(|id| cats.by_id(*id))
                    .map_or(none, |c| (c.code.clone(), c.name.clone())),
            }
        };
        let rows = groups
            .into_iter()
            .map(|(k, t)| {
                let (key, name) = match k {
                    Key::Day(day) => (day.to_string(), day.to_string()),
                    other => name_of(other),
                };
                row(key, name, t)
            })
            .collect();
        IndicatorTable {
            from: Date(period.from),
            to: Date(period.to),
            group_by,
            rows,
            total: row("total".into(), "合计".into(), all),
        }
    })
    .await
}

/// The header's counts, now, in the caller's scope.
pub async fn summary(state: &AppState, caller: &Caller) -> Result<Summary, CaseError> {
    let f = CaseFilter::default().resolve(state, caller)?;
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let mut s = Summary {
            submitted: 0,
            open: 0,
            warned: 0,
            overdue: 0,
            escalated: 0,
            suspended: 0,
        };
        for (_, e) in d
            .keys
            .iter()
            .enumerate()
            .filter(|(i, _)| compiled.matches(d, *i))
        {
            let open = CaseStatus::OPEN.contains(&e.status);
            s.submitted += u64::from(e.status == CaseStatus::Submitted);
            s.open += u64::from(open);
            s.warned += u64::from(e.warned());
            s.overdue += u64::from(e.overdue());
            s.escalated += u64::from(open && e.escalated());
            s.suspended += u64::from(e.status == CaseStatus::Suspended);
        }
        s
    })
    .await
}
