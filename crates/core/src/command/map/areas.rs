//! The choropleth: counts per area of one level, from the index's
//! blocks, or from a segment's rollup where its times allow.

use super::segment_blocks;
use crate::command::{
    index::{Compiled, Data, Facts, Key, Rollup, SEGMENT_BLOCKS, short},
    period::Period,
};
use crate::core::CaseStatus;

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

/// How the choropleth reads a segment of the index.
enum AreaPlan<'a> {
    Blocks(usize),
    /// Its rollup, with whether its closing and its dispatch times are all
    /// in the period (else all out of it).
    Rollup(&'a Rollup, bool, bool),
}

/// Counts per area of one level: `level_of[area]` is the interned area's
/// ancestor at that level (its index in the output), if any.
///
/// A segment with a rollup is added area by area when the filter takes
/// every case of it and its closing and dispatch times each fall all in
/// the period or all out of it (a decade's history, for this month).
pub fn area_tallies(
    d: &Data,
    f: &Compiled,
    level_of: &[Option<usize>],
    n: usize,
    period: Period,
) -> Vec<AreaTally> {
    let (start, end) = period.secs();
    let (start, end) = (short(Some(start)), short(Some(end)));
    let in_period = |t: u32| t != 0 && t >= start && t < end;
    // A range all in the period, all out of it, or across its bounds.
    let within = |(lo, hi): (u32, u32)| {
        if lo > hi || hi < start || lo >= end {
            Some(false)
        } else {
            (lo >= start && hi < end).then_some(true)
        }
    };
    let mut plan = Vec::new();
    for seg in 0..d.blocks.len().div_ceil(SEGMENT_BLOCKS) {
        match d.rollup(seg) {
            Some(r) if !f.admits(&r.span) => {}
            Some(r) if f.admits_all(&r.span) => {
                if let (Some(c), Some(dd)) = (within(r.span.closed), within(r.span.dispatched)) {
                    plan.push(AreaPlan::Rollup(r, c, dd));
                    continue;
                }
                plan.extend(segment_blocks(d, seg, f).map(AreaPlan::Blocks));
            }
            _ => plan.extend(segment_blocks(d, seg, f).map(AreaPlan::Blocks)),
        }
    }
    let tally_of = |area: u16| level_of.get(usize::from(area)).copied().flatten();
    let visit = |out: &mut Vec<AreaTally>, _: usize, k: &Key, facts: &Facts| {
        let Some(t) = tally_of(k.area).and_then(|a| out.get_mut(a)) else {
            return;
        };
        if !f.admits_case(k, facts) {
            return;
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
    };
    let parts = d.split(
        &plan,
        16,
        || vec![AreaTally::default(); n],
        |out, p| match p {
            AreaPlan::Blocks(b) => d.visit_block(*b, out, &visit),
            AreaPlan::Rollup(r, closed, dispatched) => {
                for (area, a) in &r.areas {
                    let Some(t) = tally_of(*area).and_then(|x| out.get_mut(x)) else {
                        continue;
                    };
                    t.total += u64::from(a.total);
                    t.open += u64::from(a.open);
                    t.overdue += u64::from(a.overdue);
                    t.warned += u64::from(a.warned);
                    if *closed {
                        t.closed_in_period += u64::from(a.closed);
                    }
                    if *dispatched {
                        t.due += u64::from(a.due);
                        t.closed_on_time += u64::from(a.on_time);
                    }
                }
            }
        },
    );
    let mut out = vec![AreaTally::default(); n];
    for part in parts {
        for (a, b) in out.iter_mut().zip(part) {
            a.add(&b);
        }
    }
    out
}

impl AreaTally {
    fn add(&mut self, o: &Self) {
        self.total += o.total;
        self.open += o.open;
        self.overdue += o.overdue;
        self.warned += o.warned;
        self.closed_in_period += o.closed_in_period;
        self.due += o.due;
        self.closed_on_time += o.closed_on_time;
    }
}
