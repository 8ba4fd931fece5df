//! Indicators (考核, `api-docs/contract.md` §10), counted on the case index over the cohort
//! of cases dispatched (派遣) in the period, grouped by unit, area,
//! category or day. Each rate comes with its numerator and denominator;
//! the formulas are in the API description of `GET /stats/indicators`.

use super::{
    index::{Compiled, Data, Facts, Key as CaseKey, long, meets, short},
    period::Period,
};
use crate::core::CaseStatus;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What the rows are grouped by (by area: the area at a level, its
/// ancestor or itself).
pub use domain::indicators::GroupBy as Grouping;

/// A group's key: an interned unit, area or category, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Interned(usize),
    Day(NaiveDate),
    /// Not dispatched to a unit any more, or outside every area of the level.
    None,
}

/// The raw counts of one group.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// 派遣数: dispatched in the period (the cohort).
    pub dispatched: u64,
    /// 挂账: of the cohort, suspended now.
    pub suspended: u64,
    /// 结案数: of the cohort, closed.
    pub closed: u64,
    /// 按期结案数: closed, the last resolution within the deadline.
    pub closed_on_time: u64,
    /// 处置数: resolved at least once.
    pub resolved: u64,
    /// 返工数: reopened at verification at least once.
    pub reopened: u64,
    /// 延期数: with an approved extension.
    pub extended: u64,
    /// 回退数: returned by the unit at least once.
    pub returned: u64,
    /// 评价数 and 满意数 (score ≥ 4).
    pub rated: u64,
    pub satisfied: u64,
    /// 接单数 and 按时接单数 (claimed within the accept limit).
    pub claimed: u64,
    pub claimed_on_time: u64,
    /// Overdue now (超期) and escalated (督办).
    pub overdue: u64,
    pub escalated: u64,
    /// Handling minutes of the resolved cases (working time; 4 bytes
    /// each, as the index keeps them: a year's cohort of a large city is
    /// a million of them per request, held by its group and, at the end,
    /// by the whole cohort's tally).
    pub handling: Vec<i32>,
}

impl Tally {
    /// Counts a case of this group, with its handling time.
    fn add(&mut self, k: &CaseKey, e: &Facts) {
        self.count(k, e);
        if e.resolved()
            && let Some(m) = e.handling_minutes()
        {
            self.handling.push(m);
        }
    }

    /// Counts a case, without its handling time (the whole cohort's
    /// handling times are its groups', gathered once at the end).
    fn count(&mut self, k: &CaseKey, e: &Facts) {
        let n = |b: bool| u64::from(b);
        self.dispatched += 1;
        self.suspended += n(k.status == CaseStatus::Suspended);
        self.closed += n(k.closed != 0);
        self.closed_on_time += n(k.closed_on_time());
        self.resolved += n(e.resolved());
        self.reopened += n(e.reopened());
        self.extended += n(e.extended());
        self.returned += n(e.returned());
        self.rated += n(e.rating().is_some());
        self.satisfied += n(e.rating().is_some_and(|r| r >= 4));
        self.claimed += n(e.claimed());
        self.claimed_on_time += n(e.claimed() && !e.accept_late());
        self.overdue += n(k.overdue_marked());
        self.escalated += n(k.escalated());
    }

    /// Adds another part's counts.
    fn merge(&mut self, o: Self) {
        self.dispatched += o.dispatched;
        self.suspended += o.suspended;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.resolved += o.resolved;
        self.reopened += o.reopened;
        self.extended += o.extended;
        self.returned += o.returned;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
        self.claimed += o.claimed;
        self.claimed_on_time += o.claimed_on_time;
        self.overdue += o.overdue;
        self.escalated += o.escalated;
        self.handling.extend(o.handling);
    }

    /// Mean and median handling time in working hours. The median is
    /// selected in place (linear), not sorted for.
    pub fn handling_hours(&mut self) -> (Option<f64>, Option<f64>) {
        let n = self.handling.len();
        if n == 0 {
            return (None, None);
        }
        let sum: i64 = self.handling.iter().map(|&m| i64::from(m)).sum();
        #[allow(clippy::cast_precision_loss)]
        let mean = sum as f64 / n as f64 / 60.0;
        let mid = n / 2;
        let (below, &mut upper, _) = self.handling.select_nth_unstable(mid);
        let upper = i64::from(upper);
        // With an even count, the lower middle is the largest of the half below.
        let twice = match below.iter().max() {
            Some(&lower) if n.is_multiple_of(2) => i64::from(lower) + upper,
            _ => 2 * upper,
        };
        #[allow(clippy::cast_precision_loss)]
        let median = twice as f64 / 2.0 / 60.0;
        (Some(mean), Some(median))
    }
}

/// 群众自治: the 随手治 cases volunteers filed in the period (they fixed
/// the problem themselves), counted apart from the units' cohort, which
/// holds only those a reopening sent to a unit.
#[derive(Debug, Default, Clone, Copy)]
pub struct SelfGoverned {
    /// Filed in the period.
    pub filed: u64,
    /// Verified and closed by the dispatcher, never sent to a unit.
    pub verified: u64,
    /// Reopened at verification: sent to the routed unit.
    pub sent_to_units: u64,
    /// Waiting for 核查.
    pub waiting: u64,
    /// Refused at verification (不予受理).
    pub rejected: u64,
}

impl SelfGoverned {
    fn add(&mut self, k: &CaseKey) {
        let n = |b: bool| u64::from(b);
        let kept = k.dispatched == 0;
        self.filed += 1;
        self.verified += n(kept && k.closed != 0);
        self.sent_to_units += n(!kept);
        self.waiting += n(kept && k.status == CaseStatus::Resolved);
        self.rejected += n(k.status == CaseStatus::Rejected);
    }
}

/// The 随手治 cases filed in `period` that match `f`.
pub fn self_governed(d: &Data, f: &Compiled, period: Period) -> SelfGoverned {
    let (start, end) = period.secs();
    let (start, end) = (short(Some(start)), short(Some(end)));
    let parts = d.scan(
        |b| f.admits(b) && meets(b.created, (Some(start), Some(end))),
        SelfGoverned::default,
        |s, _, k, e| {
            if e.self_fix() && e.created >= start && e.created < end && f.admits_case(k, e) {
                s.add(k);
            }
        },
    );
    let mut s = SelfGoverned::default();
    for p in parts {
        s.filed += p.filed;
        s.verified += p.verified;
        s.sent_to_units += p.sent_to_units;
        s.waiting += p.waiting;
        s.rejected += p.rejected;
    }
    s
}

/// The cohort's counts per group, and for the whole cohort.
pub fn indicators(
    d: &Data,
    f: &Compiled,
    period: Period,
    by: Grouping,
    area_level_of: &[Option<usize>],
) -> (BTreeMap<Key, Tally>, Tally) {
    let (start, end) = period.secs();
    let slots = Slots {
        by,
        first_day: china_day(start),
        area_level_of,
    };
    let (start, end) = (short(Some(start)), short(Some(end)));
    let parts = d.scan(
        |b| f.admits(b) && meets(b.dispatched, (Some(start), Some(end))),
        || (Vec::<Tally>::new(), Tally::default()),
        |(groups, all), _, k, e| {
            let t = k.dispatched;
            if t == 0 || t < start || t >= end || !f.admits_case(k, e) {
                return;
            }
            let i = slots.of(k, t);
            if i >= groups.len() {
                groups.resize_with(i + 1, Tally::default);
            }
            groups[i].add(k, e);
            all.count(k, e);
        },
    );
    let (dense, mut all) = merge(parts);
    let groups: BTreeMap<Key, Tally> = dense
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.dispatched > 0)
        .map(|(i, t)| (slots.key(i), t))
        .collect();
    // The cohort's handling times, gathered once in a vector of their size.
    all.handling = Vec::with_capacity(groups.values().map(|t| t.handling.len()).sum());
    for t in groups.values() {
        all.handling.extend_from_slice(&t.handling);
    }
    (groups, all)
}

/// The parts' tallies added up, slot by slot (a part holds the slots up
/// to the highest it met).
fn merge(parts: Vec<(Vec<Tally>, Tally)>) -> (Vec<Tally>, Tally) {
    let mut dense = Vec::<Tally>::new();
    let mut all = Tally::default();
    for (groups, a) in parts {
        if dense.len() < groups.len() {
            dense.resize_with(groups.len(), Tally::default);
        }
        for (mine, t) in dense.iter_mut().zip(groups) {
            mine.merge(t);
        }
        all.merge(a);
    }
    (dense, all)
}

/// The China-time day number (days since 1970-01-01) of an instant in
/// Unix seconds: China keeps UTC+8 all year.
fn china_day(secs: i64) -> i64 {
    (secs + 8 * 3600).div_euclid(86_400)
}

/// Where a case's group sits in a part's dense tallies, and back: a
/// vector indexed by a small number is several times faster per case
/// than a map, and a day by arithmetic than by the calendar. Slot 0 is
/// [`Key::None`].
struct Slots<'a> {
    /// What the slots stand for.
    by: Grouping,
    /// The period's first day as a day number ([`china_day`]).
    first_day: i64,
    /// By area: each area's area at the level grouped by, if any.
    area_level_of: &'a [Option<usize>],
}

impl Slots<'_> {
    /// The slot of case `k`, dispatched at `t` (as the index stores
    /// instants, within the period).
    fn of(&self, k: &CaseKey, t: u32) -> usize {
        match self.by {
            // Unit 0 is "no unit".
            Grouping::Unit => usize::from(k.unit),
            Grouping::Category => usize::from(k.category) + 1,
            Grouping::Area => self
                .area_level_of
                .get(usize::from(k.area))
                .copied()
                .flatten()
                .map_or(0, |a| a + 1),
            Grouping::Day => long(t).map_or(0, |secs| self.day(secs)),
        }
    }

    /// The slot of the day of an instant (Unix seconds) in the period.
    fn day(&self, secs: i64) -> usize {
        usize::try_from(china_day(secs) - self.first_day + 1).unwrap_or(0)
    }

    /// The group of slot `i`.
    fn key(&self, i: usize) -> Key {
        match (self.by, i) {
            (_, 0) => Key::None,
            (Grouping::Unit, i) => Key::Interned(i),
            (Grouping::Category | Grouping::Area, i) => Key::Interned(i - 1),
            // A China day number is the UTC date of that many days.
            (Grouping::Day, i) => i64::try_from(i - 1)
                .ok()
                .and_then(|d| chrono::DateTime::from_timestamp((self.first_day + d) * 86_400, 0))
                .map_or(Key::None, |t| Key::Day(t.date_naive())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Grouping, Key, Slots, Tally, china_day};
    use crate::command::period::Period;
    use chrono::NaiveDate;
    use domain::time::shanghai;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// The median as it was computed before: sort, then the middle.
    #[allow(clippy::cast_precision_loss)]
    fn sorted_median_hours(v: &[i32]) -> f64 {
        let mut s = v.to_vec();
        s.sort_unstable();
        let mid = s.len() / 2;
        if s.len().is_multiple_of(2) {
            (i64::from(s[mid - 1]) + i64::from(s[mid])) as f64 / 2.0 / 60.0
        } else {
            f64::from(s[mid]) / 60.0
        }
    }

    #[test]
    fn the_median_handling_time_is_the_middle_of_the_sorted_times() {
        let mut t = Tally::default();
        assert_eq!(t.handling_hours(), (None, None));
        let mut rng = StdRng::seed_from_u64(26);
        let mut cases: Vec<Vec<i32>> = vec![
            vec![90],
            vec![30, 90],
            vec![120, 60, 60, 30],
            vec![5, 1, 4, 2, 3],
            vec![i32::MAX, i32::MAX],
            vec![7; 6],
        ];
        for len in 1..300 {
            // Few distinct values, so that ties sit at the middle too.
            cases.push((0..len).map(|_| rng.random_range(0..40) * 30).collect());
        }
        for v in cases {
            let mut t = Tally {
                handling: v.clone(),
                ..Tally::default()
            };
            let (mean, median) = t.handling_hours();
            #[allow(clippy::cast_precision_loss)]
            let want_mean = v.iter().map(|&m| f64::from(m) / 60.0).sum::<f64>() / v.len() as f64;
            let mean = mean.unwrap();
            assert!(
                (mean - want_mean).abs() <= 1e-9 * want_mean.abs().max(1.0),
                "{v:?}"
            );
            assert_eq!(median, Some(sorted_median_hours(&v)), "{v:?}");
        }
    }

    /// A day's slot by arithmetic is the China-time day the calendar gives,
    /// across midnights, years and leap days, and back to its date.
    #[test]
    fn a_day_slot_is_the_china_day_of_the_instant() {
        let period = Period {
            from: NaiveDate::from_ymd_opt(2023, 12, 30).unwrap(),
            to: NaiveDate::from_ymd_opt(2025, 3, 2).unwrap(),
        };
        let (start, end) = period.secs();
        let slots = Slots {
            by: Grouping::Day,
            first_day: china_day(start),
            area_level_of: &[],
        };
        let mut rng = StdRng::seed_from_u64(8);
        let mut instants: Vec<i64> = (0..20_000).map(|_| rng.random_range(start..end)).collect();
        // Each side of every China midnight, and of UTC's.
        for d in 0..430 {
            for edge in [start + d * 86_400, start + d * 86_400 + 8 * 3600] {
                instants.extend([edge - 1, edge, edge + 1]);
            }
        }
        for secs in instants.into_iter().filter(|s| (start..end).contains(s)) {
            let want = chrono::DateTime::from_timestamp(secs, 0)
                .unwrap()
                .with_timezone(&shanghai())
                .date_naive();
            assert_eq!(slots.key(slots.day(secs)), Key::Day(want), "{secs}");
        }
        assert_eq!(slots.key(0), Key::None);
    }
}
