//! The map views of the command centre (挂图作战), computed on the case
//! index: clusters on a grid of 64-pixel cells at the zoom asked for
//! (aligned on Web Mercator tiles, so a cluster at zoom z splits exactly
//! where its points fall into different cells at a deeper zoom), a
//! heatmap of 16-pixel cells, and the areas with their counts.

use super::{
    index::{Compiled, Data, Key, short},
    period::Period,
};
use crate::core::CaseStatus;
use std::collections::HashMap;

/// Deepest zoom a map asks for.
pub const MAX_ZOOM: u8 = 20;

/// A bbox in index coordinates: x from west to east, y from north to south.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Window {
    /// From a WGS-84 bbox (min lng, min lat, max lng, max lat).
    pub fn of([a, b, c, d]: [f64; 4]) -> Self {
        let (xa, ya) = super::index::project(a, b);
        let (xb, yb) = super::index::project(c, d);
        Self {
            x0: xa.min(xb),
            y0: ya.min(yb),
            x1: xa.max(xb),
            y1: ya.max(yb),
        }
    }

    /// How many cells of `2^px_log2` pixels at `zoom` the window spans.
    pub fn cells(&self, zoom: u8, px_log2: u8) -> u64 {
        let s = u32::from(shift_at_zero(px_log2).saturating_sub(zoom).min(31));
        (u64::from(self.x1 >> s) - u64::from(self.x0 >> s) + 1)
            * (u64::from(self.y1 >> s) - u64::from(self.y0 >> s) + 1)
    }

    fn holds(&self, e: &Key) -> bool {
        e.x >= self.x0 && e.x <= self.x1 && e.y >= self.y0 && e.y <= self.y1
    }
}

/// One grid cell's cases.
#[derive(Debug, Clone)]
pub struct Cell {
    pub count: u32,
    x_sum: u64,
    y_sum: u64,
    pub by_status: [u32; 11],
    pub overdue: u32,
    min: (u32, u32),
    max: (u32, u32),
    /// The first case in the cell (the case itself when it stands alone).
    pub first: usize,
}

impl Cell {
    fn new(first: usize) -> Self {
        Self {
            count: 0,
            x_sum: 0,
            y_sum: 0,
            by_status: [0; 11],
            overdue: 0,
            min: (u32::MAX, u32::MAX),
            max: (0, 0),
            first,
        }
    }

    fn add(&mut self, e: &Key) {
        self.count += 1;
        self.x_sum += u64::from(e.x);
        self.y_sum += u64::from(e.y);
        if let Some(n) = self.by_status.get_mut(e.status as usize) {
            *n += 1;
        }
        self.overdue += u32::from(e.overdue());
        self.min = (self.min.0.min(e.x), self.min.1.min(e.y));
        self.max = (self.max.0.max(e.x), self.max.1.max(e.y));
    }

    /// The mean position of its cases on the map (WGS-84 lat, lng).
    pub fn centre(&self) -> (f64, f64) {
        let n = u64::from(self.count.max(1));
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = ((self.x_sum / n) as f64, (self.y_sum / n) as f64);
        super::index::unproject(x, y)
    }

    /// The zoom at which the cell's cases fall into more than one cell;
    /// none when they all stand on one spot.
    pub fn expansion_zoom(&self, zoom: u8, shift_at_zero: u8) -> Option<u8> {
        ((zoom + 1)..=31)
            .find(|z| {
                let s = u32::from(shift_at_zero.saturating_sub(*z));
                s == 0
                    || (self.min.0 >> s) != (self.max.0 >> s)
                    || (self.min.1 >> s) != (self.max.1 >> s)
            })
            .filter(|_| self.min != self.max)
    }
}

/// The shift from index coordinates to cells of `2^px_log2` pixels at
/// zoom 0: a 256-pixel tile is 2²⁴ index units at zoom 0.
pub const fn shift_at_zero(px_log2: u8) -> u8 {
    24 + px_log2
}

/// The most cells a map view may span (a 1920×1080 screen at 16 pixels
/// a cell is about 8,000).
pub const MAX_CELLS: u64 = 1 << 18;

/// The cases matching `f` in `w`, gathered into cells of `2^px_log2`
/// pixels at `zoom` (the caller keeps `w.cells(..)` within [`MAX_CELLS`]).
pub fn cells(d: &Data, f: &Compiled, w: Window, zoom: u8, px_log2: u8) -> Vec<Cell> {
    let s = u32::from(shift_at_zero(px_log2).saturating_sub(zoom).min(31));
    let (cx0, cy0) = (w.x0 >> s, w.y0 >> s);
    let (cw, ch) = (
        u64::from((w.x1 >> s).saturating_sub(cx0)) + 1,
        u64::from((w.y1 >> s).saturating_sub(cy0)) + 1,
    );
    // Within the window, so never below the window's first cell.
    let key = |e: &Key| {
        u64::from((e.x >> s).saturating_sub(cx0)) * ch + u64::from((e.y >> s).saturating_sub(cy0))
    };
    let matching = d
        .keys
        .iter()
        .enumerate()
        .filter(|(i, k)| w.holds(k) && f.matches(d, *i));
    if cw * ch <= 1 << 16 {
        // Few cells: a dense table.
        let mut grid: Vec<Option<Cell>> = vec![None; usize::try_from(cw * ch).unwrap_or(0)];
        for (i, e) in matching {
            if let Some(slot) = usize::try_from(key(e)).ok().and_then(|k| grid.get_mut(k)) {
                slot.get_or_insert_with(|| Cell::new(i)).add(e);
            }
        }
        grid.into_iter().flatten().collect()
    } else {
        let mut map: HashMap<u64, Cell> = HashMap::new();
        for (i, e) in matching {
            map.entry(key(e)).or_insert_with(|| Cell::new(i)).add(e);
        }
        let mut cells: Vec<Cell> = map.into_values().collect();
        cells.sort_by_key(|c| c.first);
        cells
    }
}

/// Counts of one area on the choropleth.
#[derive(Debug, Default, Clone, Copy)]
pub struct AreaTally {
    pub total: u64,
    pub open: u64,
    pub overdue: u64,
    pub warned: u64,
    pub closed_in_period: u64,
    /// Dispatched in the period (the cohort of 按期结案率), suspended
    /// ones excluded, and those of them closed on time.
    pub due: u64,
    pub closed_on_time: u64,
}

/// Counts per area of one level: `level_of[area]` is the interned area's
/// ancestor at that level (its index in the output), if any.
pub fn area_tallies(
    d: &Data,
    f: &Compiled,
    level_of: &[Option<usize>],
    n: usize,
    period: Period,
) -> Vec<AreaTally> {
    let mut out = vec![AreaTally::default(); n];
    let (start, end) = period.secs();
    let (start, end) = (short(Some(start)), short(Some(end)));
    let in_period = |t: u32| t != 0 && t >= start && t < end;
    for (i, k) in d.keys.iter().enumerate() {
        let Some(t) = level_of
            .get(usize::from(k.area))
            .copied()
            .flatten()
            .and_then(|a| out.get_mut(a))
        else {
            continue;
        };
        if !f.matches(d, i) {
            continue;
        }
        t.total += 1;
        t.open += u64::from(CaseStatus::OPEN.contains(&k.status));
        t.overdue += u64::from(k.overdue());
        t.warned += u64::from(k.warned());
        t.closed_in_period += u64::from(in_period(k.closed));
        if in_period(k.dispatched) && k.status != CaseStatus::Suspended {
            t.due += 1;
            t.closed_on_time += u64::from(k.closed_on_time());
        }
    }
    out
}
