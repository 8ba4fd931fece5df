//! Rollups of whole segments of the index (`SEGMENT_BLOCKS` blocks, about
//! 131,000 cases, a few weeks of a large city): their cases by fine map
//! cell, with each cell's counts, and by area. A view over the whole
//! city with no filter then adds a few thousand cells a segment instead
//! of scanning its cases, and a view of a part of the city reads only the
//! cases of the cells at its edges: ten years of history cost the whole-city
//! map what their cells cost, not what their cases cost.
//!
//! A rollup holds only while no case of its segment changes: a change
//! drops it (the segment is scanned again, so a view never waits), and
//! the index's follower builds it again a few seconds later (`settle`).
//! Rollups are built after a load, never saved in the snapshot.

use super::{BLOCK, Block, Data, Key};
use crate::command::map::Cell;
use crate::core::CaseStatus;
use std::collections::HashMap;

/// Blocks in a segment (smaller in the unit tests, so that a few
/// thousand cases make several segments).
#[cfg(not(test))]
pub const SEGMENT_BLOCKS: usize = 32;
#[cfg(test)]
pub const SEGMENT_BLOCKS: usize = 2;

/// Cases in a segment.
pub const SEGMENT: usize = SEGMENT_BLOCKS * BLOCK;

// A view marks a segment's blocks in a `u64`.
const _: () = assert!(SEGMENT_BLOCKS <= 64);

/// The shift from index coordinates to a fine cell: 64 pixels at zoom
/// 14, 16 pixels at zoom 12 (the deepest whole-city cluster and heatmap
/// views merge fine cells; deeper views read their cases).
pub const FINE: u32 = 16;

/// One fine cell of a segment: its cases' counts, and where its cases'
/// positions are in `Rollup::order`.
#[derive(Debug, Clone)]
pub struct Fine {
    pub cell: Cell,
    pub start: u32,
    pub len: u32,
}

/// One area's counts in a segment (the choropleth's, before a period).
#[derive(Debug, Default, Clone, Copy)]
pub struct AreaRoll {
    pub total: u32,
    pub open: u32,
    pub overdue: u32,
    pub warned: u32,
    /// In 已结案 (with a closing time).
    pub closed: u32,
    /// Dispatched and not suspended (the 按期结案率 cohort), and of those
    /// closed on time.
    pub due: u32,
    pub on_time: u32,
}

/// A segment's rollup.
#[derive(Debug, Clone)]
pub struct Rollup {
    /// Exactly what the segment's cases hold when it was built.
    pub span: Block,
    pub cells: Vec<Fine>,
    /// The segment's case positions, cell by cell.
    pub order: Vec<u32>,
    /// By interned area.
    pub areas: Vec<(u16, AreaRoll)>,
}

impl Rollup {
    /// The positions of the cases of one fine cell.
    pub fn cases(&self, fine: &Fine) -> &[u32] {
        let start = fine.start as usize;
        self.order
            .get(start..start + fine.len as usize)
            .unwrap_or(&[])
    }
}

impl Data {
    /// Marks the segment of the case at `i` changed: its rollup is dropped.
    pub(super) fn touch(&mut self, i: usize) {
        let s = i / SEGMENT;
        if let Some(r) = self.rollups.get_mut(s) {
            *r = None;
        }
        while self.generations.len() <= s {
            self.generations.push(0);
        }
        if let Some(g) = self.generations.get_mut(s) {
            *g += 1;
        }
    }

    /// The whole segments without a rollup, each with its generation.
    pub fn unsettled(&self) -> Vec<(usize, u64)> {
        (0..self.len() / SEGMENT)
            .filter(|s| self.rollups.get(*s).is_none_or(Option::is_none))
            .map(|s| (s, self.generations.get(s).copied().unwrap_or(0)))
            .collect()
    }

    /// Puts a rollup in place, unless its segment changed since
    /// `generation`; whether it did.
    pub fn settle(&mut self, s: usize, generation: u64, r: Rollup) -> bool {
        if self.generations.get(s).copied().unwrap_or(0) != generation {
            return false;
        }
        while self.rollups.len() <= s {
            self.rollups.push(None);
        }
        self.rollups
            .get_mut(s)
            .map(|slot| *slot = Some(r))
            .is_some()
    }

    /// The segment's rollup, if it has one.
    pub fn rollup(&self, s: usize) -> Option<&Rollup> {
        self.rollups.get(s).and_then(Option::as_ref)
    }

    /// Builds the rollup of segment `s`.
    pub fn roll(&self, s: usize) -> Option<Rollup> {
        let start = s * SEGMENT;
        let end = start + SEGMENT;
        let keys = self.keys.get(start..end)?;
        let facts = self.facts.get(start..end)?;
        let mut span = Block::EMPTY;
        let fine = |k: &Key| (u64::from(k.x >> FINE) << 32) | u64::from(k.y >> FINE);
        let mut order: Vec<u32> = Vec::with_capacity(SEGMENT);
        let mut areas: HashMap<u16, AreaRoll> = HashMap::new();
        for (j, (k, f)) in keys.iter().zip(facts).enumerate() {
            span.widen(k, f);
            order.push(u32::try_from(start + j).ok()?);
            let a = areas.entry(k.area).or_default();
            let dispatched = k.dispatched != 0 && k.status != CaseStatus::Suspended;
            a.total += 1;
            a.open += u32::from(CaseStatus::OPEN.contains(&k.status));
            a.overdue += u32::from(k.overdue());
            a.warned += u32::from(k.warned());
            a.closed += u32::from(k.closed != 0);
            a.due += u32::from(dispatched);
            a.on_time += u32::from(dispatched && k.closed_on_time());
        }
        // By cell, then by position (a stable sort keeps id order).
        order.sort_by_key(|i| self.keys.get(*i as usize).map_or(0, fine));
        let mut cells: Vec<Fine> = Vec::new();
        let mut last = None;
        for (at, &i) in order.iter().enumerate() {
            let k = self.keys.get(i as usize)?;
            let key = fine(k);
            if last != Some(key) {
                last = Some(key);
                cells.push(Fine {
                    cell: Cell::new(i as usize),
                    start: u32::try_from(at).ok()?,
                    len: 0,
                });
            }
            let c = cells.last_mut()?;
            c.cell.add(i as usize, k);
            c.len += 1;
        }
        let mut areas: Vec<(u16, AreaRoll)> = areas.into_iter().collect();
        areas.sort_unstable_by_key(|(a, _)| *a);
        Some(Rollup {
            span,
            cells,
            order,
            areas,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::tests::city;
    use super::super::{Data, SEGMENT};
    use crate::cases::filter::Resolved;
    use crate::command::{map, period::Period};
    use crate::core::CaseStatus;
    use chrono::{NaiveDate, TimeZone, Utc};
    use rand::{SeedableRng, rngs::StdRng};

    fn settle_all(d: &mut Data) -> usize {
        let mut n = 0;
        for (s, g) in d.unsettled() {
            let r = d.roll(s).unwrap();
            n += usize::from(d.settle(s, g, r));
        }
        n
    }

    /// Every map view and area count of a filter, as compared.
    fn views(d: &Data, r: &Resolved) -> Vec<String> {
        let f = d.compile(r);
        let mut out = Vec::new();
        let windows = [
            ([100.0, 30.0, 120.0, 50.0], 10, 6),
            ([111.6, 40.75, 111.8, 40.9], 12, 4),
            ([111.6, 40.75, 111.8, 40.9], 14, 6),
            ([111.65, 40.8, 111.7, 40.85], 16, 6),
            ([111.5, 40.7, 111.9, 40.95], 13, 6),
        ];
        for (bbox, zoom, px) in windows {
            let cells = map::cells(d, &f, map::Window::of(bbox), zoom, px);
            out.push(format!(
                "{bbox:?} z{zoom}: {:?}",
                cells
                    .iter()
                    .map(|c| (
                        c.count,
                        c.by_status,
                        c.overdue,
                        c.first,
                        c.centre(),
                        c.expansion_zoom(zoom, map::shift_at_zero(px))
                    ))
                    .collect::<Vec<_>>()
            ));
        }
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        for period in [
            Period {
                from: day(2022, 1, 1),
                to: day(2022, 12, 31),
            },
            Period {
                from: day(2019, 1, 1),
                to: day(2030, 12, 31),
            },
            Period {
                from: day(2024, 2, 1),
                to: day(2024, 2, 29),
            },
        ] {
            let level_of: Vec<Option<usize>> =
                (0..d.areas.ids.len()).map(|a| Some(a % 3)).collect();
            let t = map::area_tallies(d, &f, &level_of, 3, period);
            out.push(format!(
                "{period:?}: {:?}",
                t.iter()
                    .map(|t| (
                        t.total,
                        t.open,
                        t.overdue,
                        t.warned,
                        t.closed_in_period,
                        t.due,
                        t.closed_on_time
                    ))
                    .collect::<Vec<_>>()
            ));
        }
        out
    }

    #[test]
    fn rolled_up_segments_give_every_view_a_plain_scan_gives() {
        let mut rng = StdRng::seed_from_u64(11);
        let (mut d, mut cases) = city(SEGMENT * 4 + 777, &mut rng);
        let at = |y, m, dd| {
            Utc.from_utc_datetime(
                &NaiveDate::from_ymd_opt(y, m, dd)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            )
            .fixed_offset()
        };
        let filters = [
            Resolved::default(),
            Resolved {
                statuses: Some(CaseStatus::ALL.into_iter().collect()),
                ..Resolved::default()
            },
            Resolved {
                statuses: Some([CaseStatus::Closed, CaseStatus::Dispatched].into()),
                ..Resolved::default()
            },
            Resolved {
                overdue: Some(true),
                ..Resolved::default()
            },
            // Filed in a period: the first segment whole, the second cut,
            // the later ones skipped.
            Resolved {
                created_from: Some(at(2020, 1, 1)),
                created_to: Some(at(2021, 12, 1)),
                ..Resolved::default()
            },
            Resolved {
                statuses: Some([CaseStatus::Submitted].into()),
                created_from: Some(at(2021, 6, 1)),
                ..Resolved::default()
            },
        ];
        let plain: Vec<Vec<String>> = filters.iter().map(|r| views(&d, r)).collect();
        assert_eq!(settle_all(&mut d), 4);
        assert!(d.unsettled().is_empty());
        for (r, want) in filters.iter().zip(&plain) {
            assert_eq!(&views(&d, r), want, "{r:?}");
        }
        // A change drops its segment's rollup, and the views follow it.
        let c = &mut cases[SEGMENT + 5];
        c.status = CaseStatus::Rejected;
        c.lat += 0.01;
        d.upsert(c);
        assert_eq!(d.unsettled().len(), 1);
        let changed: Vec<Vec<String>> = filters.iter().map(|r| views(&d, r)).collect();
        assert_ne!(changed, plain);
        // A rollup built before a change is not put in place.
        let (s, g) = d.unsettled()[0];
        let stale = d.roll(s).unwrap();
        let c = &mut cases[SEGMENT + 6];
        c.status = CaseStatus::Submitted;
        c.lng += 0.02;
        d.upsert(c);
        let changed_again: Vec<Vec<String>> = filters.iter().map(|r| views(&d, r)).collect();
        assert_ne!(changed_again, changed);
        assert!(!d.settle(s, g, stale));
        assert_eq!(d.unsettled().len(), 1);
        assert_eq!(settle_all(&mut d), 1);
        for (r, want) in filters.iter().zip(&changed_again) {
            assert_eq!(&views(&d, r), want, "{r:?}");
        }
    }
}
