//! China time. Instants are stored in UTC (so that they compare correctly as
//! text in SQLite as well as natively in PostgreSQL); days, case numbers and
//! working hours follow China Standard Time.

use chrono::{DateTime, Duration, DurationRound, FixedOffset, Offset, Utc};

/// An instant with its offset, as the API and the database carry it.
pub type Ts = DateTime<FixedOffset>;

/// The system clock's instant. Only what is about real time reads it
/// directly: token and URL expiry, signatures' freshness, rate limits.
/// Everything that is stored or compared with what is stored reads the
/// node's [`Now`].
pub fn utc_now() -> Ts {
    Utc::now().fixed_offset()
}

/// Where a node reads the time of its cases, timers, case numbers,
/// indicators and retention: the system clock, or a clock that starts at a
/// set instant (`clock.start` in the config; tests and drills) and is moved
/// on by [`Now::advance`]. A set clock runs on from its start at the
/// system clock's pace, so that instants stay in order.
#[derive(Clone, Default)]
pub struct Now(Option<std::sync::Arc<SetClock>>);

struct SetClock {
    start: Ts,
    started: std::time::Instant,
    moved_ms: std::sync::atomic::AtomicI64,
}

impl Now {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: Ts) -> Self {
        Self(Some(std::sync::Arc::new(SetClock {
            start: utc(start),
            started: std::time::Instant::now(),
            moved_ms: 0.into(),
        })))
    }

    /// The current instant, with a +00:00 offset.
    pub fn now(&self) -> Ts {
        match &self.0 {
            None => utc_now(),
            Some(c) => {
                let run = Duration::from_std(c.started.elapsed()).unwrap_or_default();
                let moved =
                    Duration::milliseconds(c.moved_ms.load(std::sync::atomic::Ordering::SeqCst));
                c.start + run + moved
            }
        }
    }

    /// Moves a set clock on by `by`; the system clock cannot be moved, and
    /// says so (false).
    pub fn advance(&self, by: Duration) -> bool {
        match &self.0 {
            None => false,
            Some(c) => {
                c.moved_ms
                    .fetch_add(by.num_milliseconds(), std::sync::atomic::Ordering::SeqCst);
                true
            }
        }
    }
}

impl std::fmt::Debug for Now {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Now(system)"),
            Some(_) => write!(f, "Now(set: {})", self.now()),
        }
    }
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
    fn a_set_clock_starts_where_it_is_told_and_moves_when_told() {
        let start = t("2026-11-30T10:00:00+08:00");
        let clock = Now::starting_at(start);
        let first = clock.now();
        assert!(first >= start && first - start < Duration::seconds(5));
        assert_eq!(first.offset().local_minus_utc(), 0, "read in UTC");
        assert!(clock.advance(Duration::hours(9)));
        let later = clock.now();
        assert!(later - first >= Duration::hours(9));
        assert!(later - first < Duration::hours(9) + Duration::seconds(5));
        // Clones share one clock.
        let other = clock.clone();
        assert!(other.advance(Duration::days(1)));
        assert!(clock.now() - later >= Duration::days(1));
        assert!(!Now::system().advance(Duration::hours(1)));
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
