//! Indicators (考核, `api-docs/contract.md` §10), counted on the case index over the cohort
//! of cases dispatched (派遣) in the period, grouped by unit, area,
//! category or day. Each rate comes with its numerator and denominator;
//! the formulas are in the API description of `GET /stats/indicators`.

use super::{
    index::{Compiled, Data, Facts, Key as CaseKey, long, meets, short},
    period::{Period, day_of},
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
    let (start, end) = (short(Some(start)), short(Some(end)));
    let parts = d.scan(
        |b| f.admits(b) && meets(b.dispatched, (Some(start), Some(end))),
        || (BTreeMap::<Key, Tally>::new(), Tally::default()),
        |(groups, all), _, k, e| {
            let t = k.dispatched;
            if t == 0 || t < start || t >= end || !f.admits_case(k, e) {
                return;
            }
            let key = match by {
                Grouping::Unit if k.unit == 0 => Key::None,
                Grouping::Unit => Key::Interned(usize::from(k.unit)),
                Grouping::Category => Key::Interned(usize::from(k.category)),
                Grouping::Area => area_level_of
                    .get(usize::from(k.area))
                    .copied()
                    .flatten()
                    .map_or(Key::None, Key::Interned),
                Grouping::Day => long(t).and_then(day_of).map_or(Key::None, Key::Day),
            };
            groups.entry(key).or_default().add(k, e);
            all.count(k, e);
        },
    );
    let mut parts = parts.into_iter();
    let (mut groups, mut all) = parts.next().unwrap_or_default();
    for (g, a) in parts {
        for (key, t) in g {
            groups.entry(key).or_default().merge(t);
        }
        all.merge(a);
    }
    // The cohort's handling times, gathered once in a vector of their size.
    all.handling = Vec::with_capacity(groups.values().map(|t| t.handling.len()).sum());
    for t in groups.values() {
        all.handling.extend_from_slice(&t.handling);
    }
    (groups, all)
}

#[cfg(test)]
mod tests {
    use super::Tally;
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
}
