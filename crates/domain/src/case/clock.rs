//! The handling clock of a case: deadline, warning point, suspension and
//! extension, counted in working minutes (工作时, 工作日) or natural minutes.

use crate::{
    ClockKind, Ts,
    calendar::WorkCalendar,
    time::{deadline, utc},
};
use chrono::Duration;

/// The calendar and the warning threshold.
pub struct Clock {
    pub cal: std::sync::Arc<WorkCalendar>,
    pub warn_fraction: f64,
}

/// Deadline and warning point of a running clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub due: Ts,
    /// None: the warning point has passed and the warning was already sent.
    pub warn_at: Option<Ts>,
}

impl Clock {
    /// The instant `minutes` of clock time after `at`, as a deadline: whole
    /// minutes, rounded up (`crate::time::deadline`).
    pub fn add(&self, kind: ClockKind, at: Ts, minutes: i64) -> Ts {
        utc(deadline(match kind {
            ClockKind::Natural => at + Duration::minutes(minutes),
            ClockKind::Work => self.cal.add_working_minutes(at, minutes),
        }))
    }

    /// Clock minutes from `a` to `b` (0 when `b` is not after `a`).
    pub fn between(&self, kind: ClockKind, a: Ts, b: Ts) -> i64 {
        match kind {
            ClockKind::Natural => (b - a).num_minutes().max(0),
            ClockKind::Work => self.cal.working_minutes_between(a, b),
        }
    }

    /// Runs a clock from `now` with `left` of `total` minutes remaining. The
    /// warning falls where `warn_fraction` of the total has run.
    pub fn schedule(
        &self,
        kind: ClockKind,
        now: Ts,
        left: i64,
        total: i64,
        warned: bool,
    ) -> Schedule {
        let due = self.add(kind, now, left.max(0));
        // Remaining minutes at the warning point.
        let warn_left = total - ((total as f64) * self.warn_fraction).ceil() as i64;
        let warn_at = if left > warn_left {
            Some(self.add(kind, now, left - warn_left))
        } else if warned {
            None
        } else {
            Some(utc(now))
        };
        Schedule { due, warn_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn t(s: &str) -> Ts {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_warning_falls_at_the_fraction_of_working_time() {
        let c = Clock {
            cal: std::sync::Arc::new(WorkCalendar::default_city()),
            warn_fraction: 0.8,
        };
        // 10 working hours from Friday 09:00: 7 h Friday, 3 h Monday.
        let s = c.schedule(
            ClockKind::Work,
            t("2026-11-20T09:00:00+08:00"),
            600,
            600,
            false,
        );
        assert_eq!(s.due, t("2026-11-23T11:30:00+08:00"));
        // 80 % = 480 min: 420 Friday + 60 Monday.
        assert_eq!(s.warn_at, Some(t("2026-11-23T09:30:00+08:00")));
    }

    #[test]
    fn a_resumed_clock_past_its_warning_point_warns_at_once_unless_warned() {
        let c = Clock {
            cal: std::sync::Arc::new(WorkCalendar::default_city()),
            warn_fraction: 0.8,
        };
        let now = t("2026-11-24T09:00:00+08:00");
        let s = c.schedule(ClockKind::Natural, now, 30, 600, false);
        assert_eq!(s.warn_at, Some(now));
        assert_eq!(s.due, t("2026-11-24T09:30:00+08:00"));
        assert_eq!(
            c.schedule(ClockKind::Natural, now, 30, 600, true).warn_at,
            None
        );
    }
}
