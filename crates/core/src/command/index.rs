//! The case index: every case's map and indicator facts, in this node's
//! memory, so that the command centre's views (clusters, heatmap, areas,
//! indicators) are a scan of compact rows rather than a `GROUP BY` over
//! the table (481 ms for 1,000,000 rows in PostgreSQL, against a 50 ms
//! target). Loaded at start in keyset batches; kept current from the live
//! bus (the cases named by each committed event are re-read within a
//! fraction of a second) and, for what the bus may have lost, by reading
//! the cases whose `updated_at` moved, every few seconds. The database
//! stays the only copy: a node can always rebuild its index.
//!
//! A case costs 52 bytes here (its block a few more, and its segment's
//! rollup about five: see `rollup`), in three arrays by position: its 24-byte
//! [`Key`] (what every map view scans), its 12-byte [`Facts`] (what the
//! indicators count besides) and its id. What a view shows of a single
//! case beyond these (its number, its exact position) is read from the
//! database for the few cases shown alone.

use crate::cases::filter::{is_overdue, is_warned};
use crate::core::{CaseStatus, Ts};
use std::collections::HashMap;
use uuid::Uuid;

mod blocks;
mod compiled;
mod load;
mod rollup;
mod snapshot;

pub use blocks::{BLOCK, Block, meets};
pub use compiled::{Compiled, Interner};
pub use load::{CaseIndex, follow, keep_snapshot, save_snapshot};
pub use rollup::{AreaRoll, FINE, Fine, Rollup, SEGMENT, SEGMENT_BLOCKS};

/// Seconds since the Unix epoch.
pub type Secs = i64;

/// The hot part of a case, which every map view scans: 24 bytes, so that
/// a scan of a million reads 24 MB.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// Web Mercator position in a 2³² × 2³² world.
    pub x: u32,
    pub y: u32,
    pub status: CaseStatus,
    flags: u8,
    /// Interned category, area and unit (0 = none for the unit).
    pub category: u16,
    pub area: u16,
    pub unit: u16,
    /// Dispatched and closed, in seconds since [`EPOCH`] (0: not).
    pub dispatched: u32,
    pub closed: u32,
}

/// What the indicators count of a case besides its key: 12 bytes.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// Filed, in seconds since [`EPOCH`].
    pub created: u32,
    /// Working minutes to its resolution ([`NO_MINUTES`]: none).
    handling: i32,
    /// The citizen's score (when the `RATED` bit is set).
    rating: u8,
    bits: u8,
}

/// 2000-01-01T00:00:00 China time: the index's times count from here, so
/// that every period a view accepts (years 2000–2100, China time) is exact
/// in 32 bits.
pub const EPOCH: i64 = 946_656_000;

/// An instant as the index stores it.
pub fn short(t: Option<Secs>) -> u32 {
    t.map_or(0, |t| u32::try_from((t - EPOCH).max(1)).unwrap_or(u32::MAX))
}

/// An instant the index stored, back in Unix seconds.
pub fn long(t: u32) -> Option<Secs> {
    (t != 0).then(|| EPOCH + i64::from(t))
}

// Key flags.
const OVERDUE: u8 = 1;
const WARNED: u8 = 2;
const ESCALATED: u8 = 4;
const CLOSED_ON_TIME: u8 = 8;

// Facts bits.
const RESOLVED: u8 = 1;
const REOPENED: u8 = 2;
const EXTENDED: u8 = 4;
const RETURNED: u8 = 8;
const CLAIMED: u8 = 16;
const ACCEPT_LATE: u8 = 32;
const SELF_FIX: u8 = 64;
const RATED: u8 = 128;

const NO_MINUTES: i32 = i32::MIN;

const fn flag(b: bool, f: u8) -> u8 {
    if b { f } else { 0 }
}

impl Key {
    pub fn closed_on_time(&self) -> bool {
        self.flags & CLOSED_ON_TIME != 0
    }
    /// Overdue now: marked and still counted (see `is_overdue`).
    pub fn overdue(&self) -> bool {
        is_overdue(self.status, self.overdue_marked())
    }
    /// Marked overdue at some time (超期, as the indicators count it).
    pub fn overdue_marked(&self) -> bool {
        self.flags & OVERDUE != 0
    }
    pub fn warned(&self) -> bool {
        is_warned(self.status, self.flags & WARNED != 0)
    }
    pub fn escalated(&self) -> bool {
        self.flags & ESCALATED != 0
    }
}

impl Facts {
    pub fn resolved(&self) -> bool {
        self.bits & RESOLVED != 0
    }
    pub fn reopened(&self) -> bool {
        self.bits & REOPENED != 0
    }
    pub fn extended(&self) -> bool {
        self.bits & EXTENDED != 0
    }
    pub fn returned(&self) -> bool {
        self.bits & RETURNED != 0
    }
    pub fn claimed(&self) -> bool {
        self.bits & CLAIMED != 0
    }
    /// Claimed after the time to claim.
    pub fn accept_late(&self) -> bool {
        self.bits & ACCEPT_LATE != 0
    }
    /// A 随手治: filed by a volunteer who fixed it.
    pub fn self_fix(&self) -> bool {
        self.bits & SELF_FIX != 0
    }
    pub fn rating(&self) -> Option<u8> {
        (self.bits & RATED != 0).then_some(self.rating)
    }
    pub fn handling_minutes(&self) -> Option<i32> {
        (self.handling != NO_MINUTES).then_some(self.handling)
    }
}

/// A case as read from the database, before it is packed.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: Uuid,
    pub lat: f64,
    pub lng: f64,
    pub status: CaseStatus,
    pub channel: domain::channel::Channel,
    pub category: Uuid,
    pub area: Uuid,
    pub unit: Option<Uuid>,
    pub overdue_marked: bool,
    pub warned_marked: bool,
    pub escalation_level: i32,
    pub extended: bool,
    pub reopen_count: i32,
    pub return_count: i32,
    pub accept_late: bool,
    pub claimed: bool,
    pub rating: Option<i32>,
    pub handling_minutes: Option<i64>,
    pub created: Ts,
    pub dispatched: Option<Ts>,
    pub due: Option<Ts>,
    pub resolved: Option<Ts>,
    pub closed: Option<Ts>,
}

/// Ids by position, and positions by id: a sorted run (cases load in id
/// order, and ids are UUIDv7, so new cases mostly extend it) searched by
/// bisection, and a map for the few that arrive out of order.
#[derive(Default)]
struct Ids {
    all: Vec<Uuid>,
    /// `all[..sorted]` is ascending.
    sorted: usize,
    rest: HashMap<Uuid, u32>,
}

impl Ids {
    fn find(&self, id: &Uuid) -> Option<usize> {
        self.all
            .get(..self.sorted)
            .and_then(|run| run.binary_search(id).ok())
            .or_else(|| self.rest.get(id).map(|&i| i as usize))
    }

    fn push(&mut self, id: Uuid) {
        let i = self.all.len();
        if self.sorted == i && self.all.last().is_none_or(|last| *last < id) {
            self.sorted += 1;
        } else {
            self.rest.insert(id, u32::try_from(i).unwrap_or(u32::MAX));
        }
        self.all.push(id);
    }
}

/// The index's contents: three arrays by position, and the interned ids.
#[derive(Default)]
pub struct Data {
    pub keys: Vec<Key>,
    /// `facts[i]` goes with `keys[i]`.
    pub facts: Vec<Facts>,
    /// `blocks[b]` holds the ranges of the cases at `b * BLOCK..`.
    pub blocks: Vec<Block>,
    ids: Ids,
    pub categories: Interner,
    pub areas: Interner,
    /// Index 0 is "no unit".
    pub units: Interner,
    /// `rollups[s]` rolls up the cases at `s * SEGMENT..`, while none changed.
    rollups: Vec<Option<Rollup>>,
    /// How often the cases of each segment changed (a rollup built before
    /// the last change is not put in place).
    generations: Vec<u64>,
}

impl Data {
    fn new() -> Self {
        let mut d = Self::default();
        d.units.intern(Uuid::nil());
        d
    }

    /// Room for `n` more cases, so that a load does not double its arrays.
    fn reserve(&mut self, n: usize) {
        self.keys.reserve_exact(n);
        self.facts.reserve_exact(n);
        self.ids.all.reserve_exact(n);
        self.blocks.reserve_exact(n / BLOCK + 1);
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The id of the case at `i`.
    pub fn id(&self, i: usize) -> Option<Uuid> {
        self.ids.all.get(i).copied()
    }

    /// Reads are applied in the order they were made (see
    /// `CaseIndex::reading`), so the last read is the newest state.
    fn upsert(&mut self, c: &Case) {
        let (key, facts) = self.pack(c);
        let i = match self.ids.find(&c.id) {
            Some(i) => {
                if let (Some(k), Some(f)) = (self.keys.get_mut(i), self.facts.get_mut(i)) {
                    *k = key;
                    *f = facts;
                }
                i
            }
            None => {
                self.ids.push(c.id);
                self.keys.push(key);
                self.facts.push(facts);
                self.keys.len() - 1
            }
        };
        self.widen_block(i);
        self.touch(i);
    }

    fn pack(&mut self, c: &Case) -> (Key, Facts) {
        let (x, y) = project(c.lng, c.lat);
        let secs = |t: Option<Ts>| t.map(|t| t.timestamp());
        // A case rated unsatisfied leaves 结案 and keeps its old
        // `closed_at`: only a case in 已结案 counts as closed.
        let closed = secs(c.closed).filter(|_| c.status == CaseStatus::Closed);
        // On time to the second, as the indicators always counted.
        let on_time = closed.is_some()
            && matches!((secs(c.resolved), secs(c.due)), (Some(r), Some(d)) if r <= d);
        let key = Key {
            x,
            y,
            status: c.status,
            flags: flag(c.overdue_marked, OVERDUE)
                | flag(c.warned_marked, WARNED)
                | flag(c.escalation_level > 0, ESCALATED)
                | flag(on_time, CLOSED_ON_TIME),
            category: self.categories.intern(c.category),
            area: self.areas.intern(c.area),
            unit: c.unit.map_or(0, |u| self.units.intern(u)),
            dispatched: short(secs(c.dispatched)),
            closed: short(closed),
        };
        // As the indicators always read it: a score that fits a byte.
        let rating = c.rating.and_then(|r| u8::try_from(r).ok());
        let facts = Facts {
            created: short(Some(c.created.timestamp())),
            handling: c.handling_minutes.map_or(NO_MINUTES, |m| {
                i32::try_from(m.clamp(i64::from(NO_MINUTES + 1), i64::from(i32::MAX)))
                    .unwrap_or(NO_MINUTES)
            }),
            rating: rating.unwrap_or(0),
            bits: flag(c.resolved.is_some(), RESOLVED)
                | flag(rating.is_some(), RATED)
                | flag(c.reopen_count > 0, REOPENED)
                | flag(c.extended, EXTENDED)
                | flag(c.return_count > 0, RETURNED)
                | flag(c.claimed, CLAIMED)
                | flag(c.accept_late, ACCEPT_LATE)
                | flag(c.channel == domain::channel::Channel::SelfFix, SELF_FIX),
        };
        (key, facts)
    }
}

pub use super::mercator::{project, unproject};
