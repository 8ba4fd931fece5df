//! The map views of the command centre (挂图作战), computed on the case
//! index: clusters on a grid of 64-pixel cells at the zoom asked for
//! (aligned on Web Mercator tiles, so a cluster at zoom z splits exactly
//! where its points fall into different cells at a deeper zoom), a
//! heatmap of 16-pixel cells, and the areas with their counts.

use super::index::{BLOCK, Block, Compiled, Data, FINE, Facts, Key, Rollup, SEGMENT_BLOCKS, meets};
use std::collections::HashMap;

mod areas;

pub use areas::{AreaTally, area_tallies};

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

    /// Whether the box from `min` to `max` is inside the window.
    fn contains(&self, min: (u32, u32), max: (u32, u32)) -> bool {
        min.0 >= self.x0 && max.0 <= self.x1 && min.1 >= self.y0 && max.1 <= self.y1
    }

    /// Whether the box from `min` to `max` is outside the window.
    fn misses(&self, min: (u32, u32), max: (u32, u32)) -> bool {
        max.0 < self.x0 || min.0 > self.x1 || max.1 < self.y0 || min.1 > self.y1
    }

    /// Whether some case of the block could be in the window.
    fn meets(&self, b: &Block) -> bool {
        let within = |r, (lo, hi): (u32, u32)| meets(r, (Some(lo), hi.checked_add(1)));
        within(b.x, (self.x0, self.x1)) && within(b.y, (self.y0, self.y1))
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
    pub(super) min: (u32, u32),
    pub(super) max: (u32, u32),
    /// The first case in the cell (the case itself when it stands alone).
    pub first: usize,
}

impl Cell {
    pub(super) fn new(first: usize) -> Self {
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

    /// Adds the case at `i`.
    pub(super) fn add(&mut self, i: usize, e: &Key) {
        self.first = self.first.min(i);
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

    /// Adds the cases of another part of the same cell.
    pub(super) fn merge(&mut self, o: &Self) {
        self.count += o.count;
        self.x_sum += o.x_sum;
        self.y_sum += o.y_sum;
        for (a, b) in self.by_status.iter_mut().zip(o.by_status) {
            *a += b;
        }
        self.overdue += o.overdue;
        self.min = (self.min.0.min(o.min.0), self.min.1.min(o.min.1));
        self.max = (self.max.0.max(o.max.0), self.max.1.max(o.max.1));
        self.first = self.first.min(o.first);
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

/// How a view reads a segment of the index.
enum Plan<'a> {
    /// Its blocks, case by case.
    Blocks(usize),
    /// Its rollup: whole cells where it can, and the cases of the others.
    Rollup(&'a Rollup, Take),
}

/// What a view takes of a rolled-up segment's cells.
#[derive(Clone, Copy)]
enum Take {
    /// Every case matches, and a fine cell falls in one view cell: the
    /// cells inside the window are added whole.
    Whole,
    /// Only the cases of these blocks of the segment can match (bit `b`:
    /// its block `b`), read one by one.
    Blocks(u64),
}

/// The cases matching `f` in `w`, gathered into cells of `2^px_log2`
/// pixels at `zoom` (the caller keeps `w.cells(..)` within [`MAX_CELLS`]).
///
/// A segment with a rollup is read by its fine cells when the window
/// cuts it, or when the filter takes every case of it and the view's
/// cells are no finer than fine ones: a fine cell outside the window is
/// skipped, one inside is added whole when both hold, and the others'
/// cases are read one by one (those of blocks the filter could match).
pub fn cells(d: &Data, f: &Compiled, w: Window, zoom: u8, px_log2: u8) -> Vec<Cell> {
    let s = u32::from(shift_at_zero(px_log2).saturating_sub(zoom).min(31));
    let (cx0, cy0) = (w.x0 >> s, w.y0 >> s);
    let (cw, ch) = (
        u64::from((w.x1 >> s).saturating_sub(cx0)) + 1,
        u64::from((w.y1 >> s).saturating_sub(cy0)) + 1,
    );
    // Within the window, so never below the window's first cell.
    let at = |x: u32, y: u32| {
        u64::from((x >> s).saturating_sub(cx0)) * ch + u64::from((y >> s).saturating_sub(cy0))
    };
    let dense = cw * ch <= 1 << 16;
    let plan = plan_cells(d, f, w, s);
    let visit = |g: &mut Grid, i: usize, k: &Key, facts: &Facts| {
        if w.holds(k) && f.admits_case(k, facts) {
            g.add(at(k.x, k.y), i, k);
        }
    };
    // A segment's cells are as much work as 16 blocks or more.
    let per_thread = if plan.iter().any(|p| matches!(p, Plan::Rollup(..))) {
        2
    } else {
        16
    };
    let parts = d.split(
        &plan,
        per_thread,
        || Grid::new(dense, cw * ch),
        |g, p| match p {
            Plan::Blocks(b) => d.visit_block(*b, g, &visit),
            Plan::Rollup(r, take) => {
                for fine in &r.cells {
                    let (min, max) = (fine.cell.min, fine.cell.max);
                    if w.misses(min, max) {
                        continue;
                    }
                    let mask = match take {
                        Take::Whole if w.contains(min, max) => {
                            g.merge_cell(at(min.0, min.1), &fine.cell);
                            continue;
                        }
                        Take::Whole => u64::MAX,
                        Take::Blocks(mask) => *mask,
                    };
                    for &i in r.cases(fine) {
                        let i = i as usize;
                        if mask & 1 << ((i / BLOCK) % SEGMENT_BLOCKS) == 0 {
                            continue;
                        }
                        if let (Some(k), Some(facts)) = (d.keys.get(i), d.facts.get(i)) {
                            visit(g, i, k, facts);
                        }
                    }
                }
            }
        },
    );
    let mut parts = parts.into_iter();
    let Some(mut all) = parts.next() else {
        return Vec::new();
    };
    for p in parts {
        all.merge(p);
    }
    all.cells()
}

/// How `cells` reads each segment, for view cells of shift `s`.
fn plan_cells<'a>(d: &'a Data, f: &Compiled, w: Window, s: u32) -> Vec<Plan<'a>> {
    let blocks = |seg: usize| {
        segment_blocks(d, seg, f).filter(|b| d.blocks.get(*b).is_some_and(|b| w.meets(b)))
    };
    let mut plan = Vec::new();
    for seg in 0..d.blocks.len().div_ceil(SEGMENT_BLOCKS) {
        let Some(r) = d.rollup(seg) else {
            plan.extend(blocks(seg).map(Plan::Blocks));
            continue;
        };
        if !w.meets(&r.span) || !f.admits(&r.span) {
            continue;
        }
        if f.admits_all(&r.span) && s >= FINE {
            plan.push(Plan::Rollup(r, Take::Whole));
            continue;
        }
        let admitted: Vec<usize> = blocks(seg).collect();
        let mask = admitted
            .iter()
            .fold(0u64, |m, b| m | 1 << (b % SEGMENT_BLOCKS));
        // The window holds the segment, or the filter leaves few of its
        // blocks: those blocks, read in order, cost less than its cells.
        if w.contains((r.span.x.0, r.span.y.0), (r.span.x.1, r.span.y.1))
            || admitted.len() * 8 <= SEGMENT_BLOCKS
        {
            plan.extend(admitted.into_iter().map(Plan::Blocks));
        } else {
            plan.push(Plan::Rollup(r, Take::Blocks(mask)));
        }
    }
    plan
}

/// Cells being gathered: a dense table when the window has few cells.
enum Grid {
    Dense(Vec<Option<Cell>>),
    Sparse(HashMap<u64, Cell>),
}

impl Grid {
    fn new(dense: bool, cells: u64) -> Self {
        if dense {
            Self::Dense(vec![None; usize::try_from(cells).unwrap_or(0)])
        } else {
            Self::Sparse(HashMap::new())
        }
    }

    fn add(&mut self, at: u64, i: usize, k: &Key) {
        match self {
            Self::Dense(grid) => {
                if let Some(slot) = usize::try_from(at).ok().and_then(|a| grid.get_mut(a)) {
                    slot.get_or_insert_with(|| Cell::new(i)).add(i, k);
                }
            }
            Self::Sparse(map) => map.entry(at).or_insert_with(|| Cell::new(i)).add(i, k),
        }
    }

    /// Adds a whole cell's cases.
    fn merge_cell(&mut self, at: u64, c: &Cell) {
        match self {
            Self::Dense(grid) => match usize::try_from(at).ok().and_then(|a| grid.get_mut(a)) {
                Some(Some(x)) => x.merge(c),
                Some(slot) => *slot = Some(c.clone()),
                None => {}
            },
            Self::Sparse(map) => match map.get_mut(&at) {
                Some(x) => x.merge(c),
                None => {
                    map.insert(at, c.clone());
                }
            },
        }
    }

    fn merge(&mut self, other: Self) {
        match (self, other) {
            (Self::Dense(a), Self::Dense(b)) => {
                for (x, y) in a.iter_mut().zip(b) {
                    match (x.as_mut(), y) {
                        (Some(x), Some(y)) => x.merge(&y),
                        (None, y @ Some(_)) => *x = y,
                        (_, None) => {}
                    }
                }
            }
            (Self::Sparse(a), Self::Sparse(b)) => {
                for (at, c) in b {
                    match a.get_mut(&at) {
                        Some(x) => x.merge(&c),
                        None => {
                            a.insert(at, c);
                        }
                    }
                }
            }
            // Every part is made by the same `Grid::new`.
            _ => {}
        }
    }

    /// The cells with cases, in the table's order or by first case.
    fn cells(self) -> Vec<Cell> {
        match self {
            Self::Dense(grid) => grid.into_iter().flatten().collect(),
            Self::Sparse(map) => {
                let mut cells: Vec<Cell> = map.into_values().collect();
                cells.sort_by_key(|c| c.first);
                cells
            }
        }
    }
}

/// The blocks of segment `seg` that `f` could match a case of.
fn segment_blocks<'a>(
    d: &'a Data,
    seg: usize,
    f: &'a Compiled,
) -> impl Iterator<Item = usize> + 'a {
    let first = seg * SEGMENT_BLOCKS;
    (first..(first + SEGMENT_BLOCKS).min(d.blocks.len()))
        .filter(|b| d.blocks.get(*b).is_some_and(|b| f.admits(b)))
}
