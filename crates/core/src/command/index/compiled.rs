//! Interned ids, and a filter compiled against one index snapshot: statuses as a bit set,
//! categories, areas and units as lookup tables over the interned ids, so
//! that matching a case is a few loads from its hot key.

use super::{Block, Data, Facts, Key, meets, short};
use crate::cases::filter::Resolved;
use crate::core::{CaseStatus, Ts, time::utc};

use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Ids to small numbers, so that a filter is a table lookup.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    pub ids: Vec<Uuid>,
    of: HashMap<Uuid, u16>,
}

impl Interner {
    pub(super) fn intern(&mut self, id: Uuid) -> u16 {
        if let Some(i) = self.of.get(&id) {
            return *i;
        }
        let i = u16::try_from(self.ids.len()).unwrap_or(u16::MAX);
        self.ids.push(id);
        self.of.insert(id, i);
        i
    }
    /// An interner holding these ids, in this order.
    pub(super) fn from_ids(ids: Vec<Uuid>) -> Self {
        let mut t = Self::default();
        for id in ids {
            t.intern(id);
        }
        t
    }
    pub fn get(&self, i: u16) -> Option<Uuid> {
        self.ids.get(usize::from(i)).copied()
    }
    /// A lookup table: which interned values are in `set`.
    fn table(&self, set: &HashSet<Uuid>) -> Vec<bool> {
        self.ids.iter().map(|id| set.contains(id)).collect()
    }
}

impl Data {
    /// A filter compiled against this index's interned ids.
    pub fn compile(&self, f: &Resolved) -> Compiled {
        let mut statuses = 0u16;
        for (i, s) in CaseStatus::ALL.into_iter().enumerate() {
            if f.statuses.as_ref().is_none_or(|set| set.contains(&s)) {
                statuses |= 1 << i;
            }
        }
        let unit_scope = |set: Option<HashSet<Uuid>>| set.map(|s| self.units.table(&s));
        let mut unit_set = f.scope.clone();
        if let Some(u) = f.unit {
            let only: HashSet<Uuid> = [u].into();
            unit_set = Some(match unit_set {
                Some(scope) => scope.intersection(&only).copied().collect(),
                None => only,
            });
        }
        // Bounds as the index stores times (0 stays "none").
        let secs = |t: Option<Ts>| t.map(|t| short(Some(utc(t).timestamp())));
        Compiled {
            statuses,
            categories: f.categories.as_ref().map(|s| self.categories.table(s)),
            areas: f.areas.as_ref().map(|s| self.areas.table(s)),
            units: unit_scope(unit_set),
            overdue: f.overdue,
            warned: f.warned,
            escalated: f.escalated,
            created: (secs(f.created_from), secs(f.created_to)),
            closed: (secs(f.closed_from), secs(f.closed_to)),
        }
    }
}

/// A filter as lookups on one index snapshot.
pub struct Compiled {
    statuses: u16,
    categories: Option<Vec<bool>>,
    areas: Option<Vec<bool>>,
    units: Option<Vec<bool>>,
    overdue: Option<bool>,
    warned: Option<bool>,
    escalated: Option<bool>,
    created: (Option<u32>, Option<u32>),
    closed: (Option<u32>, Option<u32>),
}

/// `CaseStatus::ALL` is in declaration order.
fn status_bit(s: CaseStatus) -> u16 {
    1 << (s as u16)
}

fn in_table(t: &Option<Vec<bool>>, i: u16) -> bool {
    t.as_ref()
        .is_none_or(|t| t.get(usize::from(i)).copied().unwrap_or(false))
}

fn in_range(v: Option<u32>, (from, to): (Option<u32>, Option<u32>)) -> bool {
    match (from, to) {
        (None, None) => true,
        _ => v.is_some_and(|v| from.is_none_or(|f| v >= f) && to.is_none_or(|t| v < t)),
    }
}

/// Whether every value of the range `(lo, hi)` is in `[from, to)`.
fn holds((from, to): (Option<u32>, Option<u32>), (lo, hi): (u32, u32)) -> bool {
    lo > hi || (from.is_none_or(|f| lo >= f) && to.is_none_or(|t| hi < t))
}

impl Compiled {
    /// Whether the case at `i` matches; its facts are read only for the
    /// period filters.
    pub fn matches(&self, d: &Data, i: usize) -> bool {
        match (d.keys.get(i), d.facts.get(i)) {
            (Some(k), Some(f)) => self.admits_case(k, f),
            _ => false,
        }
    }

    /// Whether some case of the block could match.
    pub fn admits(&self, b: &Block) -> bool {
        self.statuses & b.statuses != 0
            && (self.created == (None, None) || meets(b.created, self.created))
            && (self.closed == (None, None) || meets(b.closed, self.closed))
    }

    /// Whether every case the block's ranges allow matches: no filter
    /// but statuses the block's all pass and a filing period holding it.
    pub fn admits_all(&self, b: &Block) -> bool {
        self.statuses & b.statuses == b.statuses
            && self.categories.is_none()
            && self.areas.is_none()
            && self.units.is_none()
            && self.overdue.is_none()
            && self.warned.is_none()
            && self.escalated.is_none()
            && self.closed == (None, None)
            && holds(self.created, b.created)
    }

    /// Whether this case matches.
    pub fn admits_case(&self, k: &Key, e: &Facts) -> bool {
        self.statuses & status_bit(k.status) != 0
            && in_table(&self.categories, k.category)
            && in_table(&self.areas, k.area)
            && in_table(&self.units, k.unit)
            && self.overdue.is_none_or(|w| k.overdue() == w)
            && self.warned.is_none_or(|w| k.warned() == w)
            && self.escalated.is_none_or(|w| k.escalated() == w)
            && (self.created == (None, None) && self.closed == (None, None)
                || in_range(Some(e.created), self.created)
                    && in_range((k.closed != 0).then_some(k.closed), self.closed))
    }
}
