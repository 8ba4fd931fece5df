//! China time. Instants are stored in UTC (so that they compare correctly as
//! text in SQLite as well as natively in PostgreSQL); days, case numbers and
//! working hours follow China Standard Time.

use chrono::{DateTime, Duration, DurationRound, FixedOffset, Offset, Utc};

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

/// A deadline as it is stored and shown: the instant rounded *up* to the
/// whole minute (never earlier than the time limit allows). Every view of a
/// deadline (API, Open311, exports, unit messages, subscribe messages) then
/// shows the same instant, whether it prints seconds or not.
pub fn deadline(t: Ts) -> Ts {
    let minute = Duration::minutes(1);
    match t.duration_trunc(minute) {
        Ok(floor) if floor == t => floor,
        Ok(floor) => floor + minute,
        // Out of chrono's range: cannot happen for a deadline within years.
        Err(_) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Ts {
        DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn a_deadline_is_rounded_up_to_the_whole_minute() {
        assert_eq!(
            deadline(t("2026-12-04T09:28:01.417495428+00:00")),
            t("2026-12-04T09:29:00+00:00")
        );
        assert_eq!(
            deadline(t("2026-12-04T17:28:00.000000001+08:00")),
            t("2026-12-04T17:29:00+08:00")
        );
        let whole = t("2026-12-04T17:28:00+08:00");
        assert_eq!(deadline(whole), whole);
    }
}
