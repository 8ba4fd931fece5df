//! China time. Instants are stored in UTC (so that they compare correctly as
//! text in SQLite as well as natively in PostgreSQL); days, case numbers and
//! working hours follow China Standard Time.

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// An instant with its offset, as the API and the database carry it.
pub type Ts = DateTime<FixedOffset>;

pub fn utc_now() -> Ts {
    Utc::now().fixed_offset()
}

/// The same instant with a +00:00 offset.
pub fn utc(t: Ts) -> Ts {
    t.with_timezone(&Utc).fixed_offset()
}

/// China Standard Time (UTC+8, no daylight saving).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The same instant in China Standard Time.
pub fn china(t: Ts) -> Ts {
    t.with_timezone(&shanghai())
}
