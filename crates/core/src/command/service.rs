//! The command centre's views, computed on this node's case index in the
//! blocking pool (a scan of up to a million compact rows is CPU work). They
//! return what they counted; `view_dto.rs` makes the GeoJSON and the tables.

use super::{
    index::{Data, Interner},
    map::{self, AreaTally, Window},
    period::Period,
    stats::{self, Grouping, Key, Tally},
};
use crate::core::ErrorCode;
use crate::{
    cases::error::CaseError,
    cases::filter::CaseFilter,
    core::{Caller, CaseStatus},
    geo::areas::{AreaIndex, AreaShape, Level},
    state::AppState,
};
use std::sync::Arc;
use uuid::Uuid;

/// The cluster map: 64-pixel cells at `zoom` (WGS-84).
#[derive(Debug)]
pub struct Clusters {
    pub cells: Vec<ClusterCell>,
    /// Cases in the window.
    pub total: u64,
    pub zoom: u8,
}

/// One cell of the cluster map.
#[derive(Debug)]
pub struct ClusterCell {
    /// The mean position of its cases, or the case's own when it stands
    /// alone.
    pub lat: f64,
    pub lng: f64,
    pub count: u32,
    /// Its cases per status, in `CaseStatus::ALL` order.
    pub by_status: [u32; 11],
    pub overdue: u32,
    /// The zoom at which the cell splits, for a cluster.
    pub expansion_zoom: Option<u8>,
    /// The case, when it stands alone.
    pub single: Option<Single>,
}

/// A case that stands alone in its cell.
#[derive(Debug)]
pub struct Single {
    pub id: Uuid,
    pub case_no: String,
    pub status: CaseStatus,
    pub category_id: Option<Uuid>,
}

/// The heatmap: 16-pixel cells at `zoom`, weighted by their cases.
#[derive(Debug)]
pub struct Heat {
    /// (lat, lng, cases) of each cell (WGS-84).
    pub cells: Vec<(f64, f64, u32)>,
    pub total: u64,
    /// The heaviest cell's cases.
    pub max_weight: u32,
    pub zoom: u8,
}

/// The areas of a level with their counts.
pub struct AreaCounts {
    /// The areas snapshot the counts were made against.
    pub areas: Arc<AreaIndex>,
    /// Each area of the level (by code) with its counts.
    pub rows: Vec<(Uuid, AreaTally)>,
    pub period: Period,
}

impl AreaCounts {
    /// Each area of the level with its counts.
    pub fn iter(&self) -> impl Iterator<Item = (&AreaShape, &AreaTally)> {
        self.rows
            .iter()
            .filter_map(|(id, t)| self.areas.by_id(*id).map(|a| (a, t)))
    }
}

/// The indicators of the cases dispatched in a period, by group.
#[derive(Debug)]
pub struct Indicators {
    pub period: Period,
    /// (key, name, counts) of each group.
    pub rows: Vec<(String, String, Tally)>,
    /// Every group together.
    pub total: Tally,
    /// 群众自治: volunteers' 随手治 in the period, apart from the cohort.
    pub self_governed: stats::SelfGoverned,
}

/// The header's counts.
#[derive(Debug, Default)]
pub struct Counts {
    pub submitted: u64,
    pub open: u64,
    pub warned: u64,
    pub overdue: u64,
    pub escalated: u64,
    pub suspended: u64,
}

/// Runs a computation on the index in the blocking pool.
async fn on_index<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Data) -> T + Send + 'static,
) -> Result<T, CaseError> {
    let idx = state.command.index.clone();
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

/// Clusters of 64-pixel cells at `zoom`; single cases as points, with
/// their number and exact position read from the database.
pub async fn clusters(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    bbox: [f64; 4],
    zoom: u8,
) -> Result<Clusters, CaseError> {
    let f = filter.resolve(state, caller)?;
    let w = window(bbox, zoom, 6)?;
    let (mut cells, total) = on_index(state, move |d| {
        let compiled = d.compile(&f);
        let cells = map::cells(d, &compiled, w, zoom, 6);
        let total = cells.iter().map(|c| u64::from(c.count)).sum();
        let cells: Vec<_> = cells
            .iter()
            .map(|c| {
                let alone = (c.count == 1)
                    .then(|| Some((d.id(c.first)?, d.keys.get(c.first)?)))
                    .flatten();
                let (lat, lng) = c.centre();
                ClusterCell {
                    lat,
                    lng,
                    count: c.count,
                    by_status: c.by_status,
                    overdue: c.overdue,
                    expansion_zoom: alone
                        .is_none()
                        .then(|| c.expansion_zoom(zoom, map::shift_at_zero(6)))
                        .flatten(),
                    single: alone.map(|(id, k)| Single {
                        id,
                        case_no: String::new(),
                        status: k.status,
                        category_id: d.categories.get(k.category),
                    }),
                }
            })
            .collect();
        (cells, total)
    })
    .await?;
    singles(state, &mut cells).await?;
    Ok(Clusters { cells, total, zoom })
}

/// The number and exact position of each case shown alone (the index
/// keeps neither): one read by primary key per thousand.
async fn singles(state: &AppState, cells: &mut [ClusterCell]) -> Result<(), CaseError> {
    use entity::cases::{self, Column as C};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let ids: Vec<Uuid> = cells
        .iter()
        .filter_map(|c| c.single.as_ref().map(|s| s.id))
        .collect();
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows: Vec<(Uuid, String, f64, f64)> = cases::Entity::find()
            .select_only()
            .columns([C::Id, C::CaseNo, C::Lat, C::Lng])
            .filter(C::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&state.db)
            .await
            .map_err(|e| CaseError::Internal(e.into()))?;
        found.extend(
            rows.into_iter()
                .map(|(id, no, lat, lng)| (id, (no, lat, lng))),
        );
    }
    for c in cells {
        if let Some(s) = &mut c.single
            && let Some((no, lat, lng)) = found.remove(&s.id)
        {
            (s.case_no, c.lat, c.lng) = (no, lat, lng);
        }
    }
    Ok(())
}

/// Heatmap cells of 16 pixels at `zoom`, weighted by their cases.
pub async fn heatmap(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    bbox: [f64; 4],
    zoom: u8,
) -> Result<Heat, CaseError> {
    let f = filter.resolve(state, caller)?;
    let w = window(bbox, zoom, 4)?;
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let cells = map::cells(d, &compiled, w, zoom, 4);
        Heat {
            max_weight: cells.iter().map(|c| c.count).max().unwrap_or(0),
            total: cells.iter().map(|c| u64::from(c.count)).sum(),
            cells: cells
                .iter()
                .map(|c| {
                    let (lat, lng) = c.centre();
                    (lat, lng, c.count)
                })
                .collect(),
            zoom,
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

/// The areas of a level with their counts: the choropleth of 挂图作战.
pub async fn areas(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    level: Level,
    period: Period,
) -> Result<AreaCounts, CaseError> {
    let f = filter.resolve(state, caller)?;
    let shapes = state.areas.get();
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let (of_level, level_of) = level_map(&shapes, &d.areas, level);
        let tallies = map::area_tallies(d, &compiled, &level_of, of_level.len(), period);
        let rows = of_level.iter().map(|a| a.id).zip(tallies).collect();
        AreaCounts {
            areas: shapes.clone(),
            rows,
            period,
        }
    })
    .await
}

/// Indicators of the cases dispatched in `period`, grouped.
pub async fn indicators(
    state: &AppState,
    caller: &Caller,
    filter: CaseFilter,
    period: Period,
    group_by: Grouping,
    area_level: Level,
) -> Result<Indicators, CaseError> {
    let f = filter.resolve(state, caller)?;
    let (shapes, cats, dir) = (
        state.areas.get(),
        state.categories.get(),
        state.directory.get(),
    );
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        let (of_level, level_of) = level_map(&shapes, &d.areas, area_level);
        let (groups, all) = stats::indicators(d, &compiled, period, group_by, &level_of);
        let name_of = |k: Key| -> (String, String) {
            let none = ("none".to_owned(), "无".to_owned());
            match (k, group_by) {
                (Key::Day(_) | Key::None, _) => none,
                (Key::Interned(i), Grouping::Unit) => d
                    .units
                    .ids
                    .get(i)
                    .and_then(|id| dir.units.get(id))
                    .map_or(none, |u| (u.code.clone(), u.name.clone())),
                (Key::Interned(i), Grouping::Area) => of_level
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
                (key, name, t)
            })
            .collect();
        Indicators {
            period,
            rows,
            total: all,
            self_governed: stats::self_governed(d, &compiled, period),
        }
    })
    .await
}

/// The header's counts, now, in the caller's scope.
pub async fn summary(state: &AppState, caller: &Caller) -> Result<Counts, CaseError> {
    let f = CaseFilter::default().resolve(state, caller)?;
    on_index(state, move |d| {
        let compiled = d.compile(&f);
        // Only cases in these statuses count here: a block of settled
        // history (closed, rejected, merged) is skipped whole.
        let counted = CaseStatus::ALL
            .into_iter()
            .filter(|s| {
                CaseStatus::OPEN.contains(s) || *s == CaseStatus::Suspended || s.overdue_counts()
            })
            .fold(0u16, |m, s| m | 1 << (s as u16));
        let parts = d.scan(
            |b| b.statuses & counted != 0 && compiled.admits(b),
            Counts::default,
            |s, _, e, facts| {
                if !compiled.admits_case(e, facts) {
                    return;
                }
                let open = CaseStatus::OPEN.contains(&e.status);
                s.submitted += u64::from(e.status == CaseStatus::Submitted);
                s.open += u64::from(open);
                s.warned += u64::from(e.warned());
                s.overdue += u64::from(e.overdue());
                s.escalated += u64::from(open && e.escalated());
                s.suspended += u64::from(e.status == CaseStatus::Suspended);
            },
        );
        let mut s = Counts::default();
        for p in parts {
            s.submitted += p.submitted;
            s.open += p.open;
            s.warned += p.warned;
            s.overdue += p.overdue;
            s.escalated += p.escalated;
            s.suspended += p.suspended;
        }
        s
    })
    .await
}
