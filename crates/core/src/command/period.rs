//! Periods in China time: whole days, `from` and `to` both included.

use crate::core::ErrorCode;
use crate::{cases::error::CaseError, core::time::shanghai};
use chrono::{Datelike, Days, NaiveDate, TimeZone};

/// The longest period a view counts over: three years.
pub const MAX_DAYS: i64 = 1096;

#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The days given, or the last 30 days up to `now`'s day (China time).
    pub fn parse(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        now: crate::core::Ts,
    ) -> Result<Self, CaseError> {
        let today = now.with_timezone(&shanghai()).date_naive();
        let to = to.unwrap_or(today);
        let from = from.or_else(|| to.checked_sub_days(Days::new(29)));
        let sane = |d: NaiveDate| (2000..=2100).contains(&d.year());
        let days = from.map_or(-1, |f| (to - f).num_days());
        let Some(from) = from.filter(|f| sane(*f) && sane(to) && (0..MAX_DAYS).contains(&days))
        else {
            return Err(CaseError::BadFilter {
                code: ErrorCode::InvalidPeriod,
                message: format!(
                    "a period runs from `from` to `to` (both included, China time, years 2000–2100), at most {MAX_DAYS} days"
                ),
            });
        };
        Ok(Self { from, to })
    }

    /// `[start, end)` in Unix seconds.
    pub fn secs(self) -> (i64, i64) {
        let midnight = |d: NaiveDate| {
            shanghai()
                .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .single()
                .map_or(0, |t| t.timestamp())
        };
        (midnight(self.from), midnight(self.to) + 86_400)
    }

    pub fn contains(self, t: Option<i64>) -> bool {
        let (a, b) = self.secs();
        t.is_some_and(|t| t >= a && t < b)
    }
}
