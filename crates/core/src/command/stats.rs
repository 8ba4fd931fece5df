//! Indicators (考核, `api-docs/contract.md` §10), counted on the case index over the cohort
//! of cases dispatched (派遣) in the period, grouped by unit, area,
//! category or day. Each rate comes with its numerator and denominator;
//! the formulas are in the API description of `GET /stats/indicators`.

use super::{
    index::{Compiled, Data, Entry},
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
    fn add(&mut self, e: &Entry) {
        let n = |b: bool| u64::from(b);
        self.dispatched += 1;
        self.suspended += n(e.status == CaseStatus::Suspended);
        self.closed += n(e.closed.is_some());
        self.closed_on_time += n(e.closed_on_time());
        self.resolved += n(e.resolved.is_some());
        self.reopened += n(e.reopen_count > 0);
        self.extended += n(e.extended);
        self.returned += n(e.return_count > 0);
        self.rated += n(e.rating.is_some());
        self.satisfied += n(e.rating.is_some_and(|r| r >= 4));
        self.claimed += n(e.claimed);
        self.claimed_on_time += n(e.claimed && !e.accept_late);
        self.overdue += n(e.overdue_marked);
        self.escalated += n(e.escalated());
        if e.resolved.is_some()
            && let Some(m) = e.handling_minutes
        {
            self.handling.push(m);
        }
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
    fn add(&mut self, e: &Entry) {
        let n = |b: bool| u64::from(b);
        let kept = e.dispatched.is_none();
        self.filed += 1;
        self.verified += n(kept && e.closed.is_some());
        self.sent_to_units += n(!kept);
        self.waiting += n(kept && e.status == CaseStatus::Resolved);
        self.rejected += n(e.status == CaseStatus::Rejected);
    }
}

/// The 随手治 cases filed in `period` that match `f`.
pub fn self_governed(d: &Data, f: &Compiled, period: Period) -> SelfGoverned {
    let (start, end) = period.secs();
    let mut s = SelfGoverned::default();
    for (i, e) in d.entries.iter().enumerate() {
        if e.channel == domain::channel::Channel::SelfFix
            && e.created >= start
            && e.created < end
            && f.matches(d, i)
        {
            s.add(e);
        }
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
    let mut groups: BTreeMap<Key, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for (i, e) in d.entries.iter().enumerate() {
        let Some(t) = e.dispatched.filter(|t| *t >= start && *t < end) else {
            continue;
        };
        if !f.matches(d, i) {
            continue;
        }
        let key = match by {
            Grouping::Unit if e.unit == 0 => Key::None,
            Grouping::Unit => Key::Interned(usize::from(e.unit)),
            Grouping::Category => Key::Interned(usize::from(e.category)),
            Grouping::Area => area_level_of
                .get(usize::from(e.area))
                .copied()
                .flatten()
                .map_or(Key::None, Key::Interned),
            Grouping::Day => day_of(t).map_or(Key::None, Key::Day),
        };
        groups.entry(key).or_default().add(e);
        all.add(e);
    }
    (groups, all)
}
