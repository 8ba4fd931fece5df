//! Blocks of cases by position, each with the ranges its cases fall in,
//! so that a view skips whole blocks that a filter, a window or a period
//! rules out (cases are kept in id order, and ids are UUIDv7: a block is
//! cases filed close together in time, so a period or the open statuses
//! select few blocks of a long history); and the scan of the blocks left,
//! split over the machine's cores.

use super::{Data, Facts, Key};

/// Cases per block.
pub const BLOCK: usize = 4096;

/// What the cases of a block hold, widened as they change (a block is
/// never narrowed until the next load, which only makes it scanned when it
/// could have been skipped).
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// The statuses present, one bit per `CaseStatus::ALL` position.
    pub statuses: u16,
    /// Inclusive ranges, `(u32::MAX, 0)` when no case has the value.
    pub x: (u32, u32),
    pub y: (u32, u32),
    pub created: (u32, u32),
    pub dispatched: (u32, u32),
    pub closed: (u32, u32),
}

const NONE: (u32, u32) = (u32::MAX, 0);

fn widen(r: &mut (u32, u32), v: u32) {
    *r = (r.0.min(v), r.1.max(v));
}

/// Blocks a scan gives each thread (a small scan runs on one thread). One
/// under test, so that the tests' small cities are scanned in several
/// parts (on a machine of several cores) and their merging is tested too.
#[cfg(not(test))]
const BLOCKS_PER_THREAD: usize = 16;
#[cfg(test)]
const BLOCKS_PER_THREAD: usize = 1;

impl Block {
    pub(super) const EMPTY: Self = Self {
        statuses: 0,
        x: NONE,
        y: NONE,
        created: NONE,
        dispatched: NONE,
        closed: NONE,
    };

    pub(super) fn widen(&mut self, k: &Key, f: &Facts) {
        self.statuses |= 1 << (k.status as u16);
        widen(&mut self.x, k.x);
        widen(&mut self.y, k.y);
        widen(&mut self.created, f.created);
        if k.dispatched != 0 {
            widen(&mut self.dispatched, k.dispatched);
        }
        if k.closed != 0 {
            widen(&mut self.closed, k.closed);
        }
    }
}

/// Whether a block's range meets `[from, to)` (a bound absent: open).
pub fn meets((lo, hi): (u32, u32), (from, to): (Option<u32>, Option<u32>)) -> bool {
    lo <= hi && from.is_none_or(|f| hi >= f) && to.is_none_or(|t| lo < t)
}

impl Data {
    /// Widens the block of the case at `i` (after its key and facts are set).
    pub(super) fn widen_block(&mut self, i: usize) {
        let b = i / BLOCK;
        while self.blocks.len() <= b {
            self.blocks.push(Block::EMPTY);
        }
        if let (Some(block), Some(k), Some(f)) =
            (self.blocks.get_mut(b), self.keys.get(i), self.facts.get(i))
        {
            block.widen(k, f);
        }
    }

    /// Visits every case of the blocks `admit` lets through, split over up
    /// to four threads (one for a small index), each folding into an
    /// accumulator of its own, which are returned to be merged.
    pub fn scan<A: Send>(
        &self,
        admit: impl Fn(&Block) -> bool + Sync,
        init: impl Fn() -> A + Sync,
        visit: impl Fn(&mut A, usize, &Key, &Facts) + Sync,
    ) -> Vec<A> {
        let admitted: Vec<usize> = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| admit(b))
            .map(|(i, _)| i)
            .collect();
        self.split(&admitted, BLOCKS_PER_THREAD, init, |acc, &b| {
            self.visit_block(b, acc, &visit)
        })
    }

    /// Visits every case of block `b`.
    pub fn visit_block<A>(
        &self,
        b: usize,
        acc: &mut A,
        visit: &impl Fn(&mut A, usize, &Key, &Facts),
    ) {
        let start = b * BLOCK;
        let end = (start + BLOCK).min(self.keys.len());
        let (Some(keys), Some(facts)) = (self.keys.get(start..end), self.facts.get(start..end))
        else {
            return;
        };
        for (j, (k, f)) in keys.iter().zip(facts).enumerate() {
            visit(acc, start + j, k, f);
        }
    }

    /// Runs `run` on every item, split over up to four threads (one more
    /// thread for every `per_thread` items; items dealt in turn, so that
    /// heavy items at one end are shared), each folding into an
    /// accumulator of its own, which are returned to be merged.
    pub fn split<W: Sync, A: Send>(
        &self,
        items: &[W],
        per_thread: usize,
        init: impl Fn() -> A + Sync,
        run: impl Fn(&mut A, &W) + Sync,
    ) -> Vec<A> {
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let cores = *CORES
            .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
        let threads = cores
            .clamp(1, 4)
            .min(items.len().div_ceil(per_thread.max(1)).max(1));
        let part = |t: usize| {
            let mut acc = init();
            for w in items.iter().skip(t).step_by(threads) {
                run(&mut acc, w);
            }
            acc
        };
        if threads <= 1 {
            return vec![part(0)];
        }
        std::thread::scope(|s| {
            // A part whose thread cannot start runs here.
            let parts: Vec<_> = (0..threads)
                .map(|t| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || part(t))
                        .map_err(|_| t)
                })
                .collect();
            parts
                .into_iter()
                .map(|p| match p {
                    Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                    Err(t) => part(t),
                })
                .collect()
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{Case, Data};
    use super::BLOCK;
    use crate::cases::filter::Resolved;
    use crate::command::{map, period::Period, stats, stats::Grouping};
    use crate::core::CaseStatus;
    use chrono::{NaiveDate, TimeZone, Utc};
    use domain::time::shanghai;
    use rand::{Rng, SeedableRng, rngs::StdRng};
    use std::collections::BTreeMap;
    use uuid::Uuid;

    /// Cases over six years in id order (as UUIDv7 gives them), some
    /// changed afterwards, some arriving out of order.
    pub fn city(n: usize, rng: &mut StdRng) -> (Data, Vec<Case>) {
        let cats: Vec<Uuid> = (1..=5).map(|i| Uuid::from_u128(1000 + i)).collect();
        let areas: Vec<Uuid> = (1..=4).map(|i| Uuid::from_u128(2000 + i)).collect();
        let units: Vec<Uuid> = (1..=3).map(|i| Uuid::from_u128(3000 + i)).collect();
        let start = Utc
            .with_ymd_and_hms(2020, 3, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let mut cases = Vec::with_capacity(n);
        for i in 0..n {
            let created = start + i64::try_from(i).unwrap() * 6000 + rng.random_range(0..3000);
            let status = CaseStatus::ALL[rng.random_range(0..CaseStatus::ALL.len())];
            let dispatched = rng.random_bool(0.8).then_some(created + 3600);
            let closed = (status == CaseStatus::Closed).then_some(created + 86_400 * 3);
            let at = |t: i64| Utc.timestamp_opt(t, 0).unwrap().fixed_offset();
            cases.push(Case {
                id: Uuid::from_u128(1 << 100 | u128::try_from(i).unwrap()),
                lat: rng.random_range(40.70..40.95),
                lng: rng.random_range(111.5..111.9),
                status,
                channel: if rng.random_bool(0.05) {
                    domain::channel::Channel::SelfFix
                } else {
                    domain::channel::Channel::MiniProgram
                },
                category: cats[rng.random_range(0..cats.len())],
                area: areas[rng.random_range(0..areas.len())],
                unit: rng
                    .random_bool(0.9)
                    .then(|| units[rng.random_range(0..units.len())]),
                overdue_marked: rng.random_bool(0.2),
                warned_marked: rng.random_bool(0.2),
                escalation_level: rng.random_range(0..3),
                extended: rng.random_bool(0.05),
                reopen_count: rng.random_range(0..2),
                return_count: rng.random_range(0..2),
                accept_late: rng.random_bool(0.1),
                claimed: rng.random_bool(0.7),
                rating: rng.random_bool(0.5).then(|| rng.random_range(1..=5)),
                handling_minutes: rng.random_bool(0.6).then(|| rng.random_range(0..5000)),
                created: at(created),
                dispatched: dispatched.map(at),
                due: dispatched.map(|d| at(d + 86_400 * 2)),
                resolved: closed.map(|c| at(c - 3600)),
                closed: closed.map(at),
            });
        }
        // Out of order: the last hundred arrive shuffled.
        let (head, tail) = cases.split_at(n - 100);
        let mut tail = tail.to_vec();
        tail.reverse();
        let mut d = Data::new();
        for c in head.iter().chain(&tail) {
            d.upsert(c);
        }
        // Later changes: some old cases reopened.
        for c in cases.iter_mut().step_by(997) {
            c.status = CaseStatus::Dispatched;
            c.closed = None;
            d.upsert(c);
        }
        (d, cases)
    }

    #[test]
    fn blocks_and_threads_count_every_case_a_plain_scan_counts() {
        let mut rng = StdRng::seed_from_u64(7);
        let n = BLOCK * 9 + 123;
        let (d, cases) = city(n, &mut rng);
        assert_eq!(d.len(), n);
        assert!(d.blocks.len() >= 10);
        for (i, c) in cases.iter().enumerate().step_by(501) {
            assert_eq!(
                d.ids.find(&c.id),
                Some(if i >= n - 100 {
                    n - 100 + (n - 1 - i)
                } else {
                    i
                })
            );
        }
        let day = |y, m, dd| {
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
                statuses: Some([CaseStatus::Dispatched, CaseStatus::Submitted].into()),
                ..Resolved::default()
            },
            Resolved {
                created_from: Some(day(2023, 1, 1)),
                created_to: Some(day(2023, 6, 1)),
                ..Resolved::default()
            },
            Resolved {
                closed_from: Some(day(2021, 1, 1)),
                closed_to: Some(day(2024, 1, 1)),
                unit: Some(Uuid::from_u128(3001)),
                ..Resolved::default()
            },
            Resolved {
                overdue: Some(true),
                ..Resolved::default()
            },
        ];
        let period = Period {
            from: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2022, 12, 31).unwrap(),
        };
        let (start, end) = period.secs();
        let window = map::Window::of([111.6, 40.75, 111.8, 40.9]);
        for r in &filters {
            let f = d.compile(r);
            let plain: Vec<usize> = (0..d.len()).filter(|i| f.matches(&d, *i)).collect();
            assert!(!plain.is_empty());
            // Clusters over the whole city and in a window.
            let whole = map::Window::of([100.0, 30.0, 120.0, 50.0]);
            let cells = map::cells(&d, &f, whole, 10, 6);
            let total: u64 = cells.iter().map(|c| u64::from(c.count)).sum();
            assert_eq!(total, plain.len() as u64);
            let cells = map::cells(&d, &f, window, 14, 6);
            let inside = plain
                .iter()
                .filter(|i| {
                    let k = d.keys[**i];
                    (window.x0..=window.x1).contains(&k.x) && (window.y0..=window.y1).contains(&k.y)
                })
                .count();
            let total: u64 = cells.iter().map(|c| u64::from(c.count)).sum();
            assert_eq!(total, inside as u64);
            // Indicators: the period's dispatched cohort.
            let cohort = plain
                .iter()
                .filter(|i| {
                    let t = super::super::long(d.keys[**i].dispatched);
                    t.is_some_and(|t| t >= start && t < end)
                })
                .count();
            let (groups, all) = stats::indicators(&d, &f, period, stats::Grouping::Day, &[]);
            assert_eq!(all.dispatched, cohort as u64);
            assert_eq!(
                groups.values().map(|t| t.dispatched).sum::<u64>(),
                cohort as u64
            );
            let rated = plain
                .iter()
                .filter(|i| {
                    let t = super::super::long(d.keys[**i].dispatched);
                    t.is_some_and(|t| t >= start && t < end) && d.facts[**i].rating().is_some()
                })
                .count();
            assert_eq!(all.rated, rated as u64);
            // The cohort's handling times are its groups', each once.
            let mut handled: Vec<i32> = plain
                .iter()
                .filter(|i| {
                    let t = super::super::long(d.keys[**i].dispatched);
                    t.is_some_and(|t| t >= start && t < end) && d.facts[**i].resolved()
                })
                .filter_map(|i| d.facts[*i].handling_minutes())
                .collect();
            handled.sort_unstable();
            let mut cohort_times = all.handling.clone();
            cohort_times.sort_unstable();
            assert_eq!(cohort_times, handled);
            let mut group_times: Vec<i32> = groups
                .values()
                .flat_map(|t| t.handling.iter().copied())
                .collect();
            group_times.sort_unstable();
            assert_eq!(group_times, handled);
            // Every grouping: each group's cohort is the cases with that
            // key (by area: areas 0 and 1 of the level, the rest outside).
            let level_of: Vec<Option<usize>> = (0..d.areas.ids.len())
                .map(|a| (a % 3 != 2).then_some(a % 3))
                .collect();
            for by in [
                Grouping::Unit,
                Grouping::Category,
                Grouping::Area,
                Grouping::Day,
            ] {
                let mut want = BTreeMap::<stats::Key, u64>::new();
                for &i in &plain {
                    let k = &d.keys[i];
                    let Some(t) =
                        super::super::long(k.dispatched).filter(|t| *t >= start && *t < end)
                    else {
                        continue;
                    };
                    let key = match by {
                        Grouping::Unit if k.unit == 0 => stats::Key::None,
                        Grouping::Unit => stats::Key::Interned(usize::from(k.unit)),
                        Grouping::Category => stats::Key::Interned(usize::from(k.category)),
                        Grouping::Area => level_of[usize::from(k.area)]
                            .map_or(stats::Key::None, stats::Key::Interned),
                        Grouping::Day => stats::Key::Day(
                            Utc.timestamp_opt(t, 0)
                                .unwrap()
                                .with_timezone(&shanghai())
                                .date_naive(),
                        ),
                    };
                    *want.entry(key).or_default() += 1;
                }
                let (groups, _) = stats::indicators(&d, &f, period, by, &level_of);
                let got: BTreeMap<stats::Key, u64> =
                    groups.iter().map(|(k, t)| (*k, t.dispatched)).collect();
                assert_eq!(got, want, "{by:?}");
            }
            // Areas: every area of one level.
            let level_of = vec![Some(0); d.areas.ids.len()];
            let tallies = map::area_tallies(&d, &f, &level_of, 1, period);
            assert_eq!(tallies[0].total, plain.len() as u64);
        }
    }
}
