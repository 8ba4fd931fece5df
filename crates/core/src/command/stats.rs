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
    /// Handling minutes of the resolved cases (working time).
    pub handling: Vec<i64>,
}

impl Tally {
    fn add(&mut self, k: &CaseKey, e: &Facts) {
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
        if e.resolved()
            && let Some(m) = e.handling_minutes()
        {
            self.handling.push(m);
        }
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

    /// Mean and median handling time in working hours.
    pub fn handling_hours(&mut self) -> (Option<f64>, Option<f64>) {
        if self.handling.is_empty() {
            return (None, None);
        }
        #[allow(clippy::cast_precision_loss)]
        let mean = self.handling.iter().sum::<i64>() as f64 / self.handling.len() as f64 / 60.0;
        self.handling.sort_unstable();
        let mid = self.handling.len() / 2;
        #[allow(clippy::cast_precision_loss)]
        let median = if self.handling.len().is_multiple_of(2) {
            (self.handling[mid - 1] + self.handling[mid]) as f64 / 2.0
        } else {
            self.handling[mid] as f64
        } / 60.0;
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
            all.add(k, e);
        },
    );
    let mut groups: BTreeMap<Key, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for (g, a) in parts {
        for (key, t) in g {
            groups.entry(key).or_default().merge(t);
        }
        all.merge(a);
    }
    (groups, all)
}
