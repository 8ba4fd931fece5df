//! Timestamps are stored in UTC so that they compare correctly as text in
//! SQLite as well as natively in PostgreSQL.

use chrono::{DateTime, FixedOffset, Utc};

pub fn utc_now() -> DateTime<FixedOffset> {
    Utc::now().fixed_offset()
}

/// The same instant with a +00:00 offset.
pub fn utc(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t.with_timezone(&Utc).fixed_offset()
}
