//! The working calendar behind deadlines (时限): working hours of the day,
//! weekends, statutory holidays and make-up working days (调休), loaded per
//! year in the holiday-cn JSON form. Pure domain code: no I/O, no clock.

use crate::LimitUnit;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The holiday-cn files that ship with the product (the current and the
/// previous year; the next is loaded when the State Council publishes it).
pub const SHIPPED: &[&str] = &[
    include_str!("holiday-cn/2025.json"),
    include_str!("holiday-cn/2026.json"),
];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CalendarError {
    #[error("not a holiday-cn calendar file: {0}")]
    Format(String),
    #[error("{date} is not a date (YYYY-MM-DD)")]
    BadDate { date: String },
    #[error("{date} is not in the file's year {year}")]
    WrongYear { date: String, year: i32 },
    #[error("{date} is listed twice")]
    Duplicate { date: String },
    #[error(
        "working periods must be non-empty, each start before its end, in order, without overlap"
    )]
    BadPeriods,
}

/// One year of official days off and make-up working days.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayYear {
    pub year: i32,
    /// (date, is a day off, holiday name)
    pub days: Vec<(NaiveDate, bool, String)>,
}

#[derive(Deserialize)]
struct RawYear {
    year: i32,
    days: Vec<RawDay>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDay {
    name: String,
    date: String,
    is_off_day: bool,
}

impl HolidayYear {
    /// Parses and checks a holiday-cn file: every date valid, in the year,
    /// listed once.
    pub fn parse(json: &str) -> Result<Self, CalendarError> {
        let raw: RawYear =
            serde_json::from_str(json).map_err(|e| CalendarError::Format(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        let mut days = Vec::with_capacity(raw.days.len());
        for d in raw.days {
            let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").map_err(|_| {
                CalendarError::BadDate {
                    date: d.date.clone(),
                }
            })?;
            if date.year() != raw.year {
                return Err(CalendarError::WrongYear {
                    date: d.date,
                    year: raw.year,
                });
            }
            if !seen.insert(date) {
                return Err(CalendarError::Duplicate { date: d.date });
            }
            days.push((date, d.is_off_day, d.name));
        }
        Ok(Self {
            year: raw.year,
            days,
        })
    }
}

/// Working hours and the days that differ from Monday–Friday.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    periods: Vec<(NaiveTime, NaiveTime)>,
    /// true: a day off (holiday); false: a working day (调休).
    overrides: BTreeMap<NaiveDate, bool>,
    tz: FixedOffset,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl WorkCalendar {
    /// A calendar with these working periods of the day, in the city's zone.
    pub fn new(
        periods: Vec<(NaiveTime, NaiveTime)>,
        tz: FixedOffset,
    ) -> Result<Self, CalendarError> {
        let ordered = periods.windows(2).all(|w| w[0].1 <= w[1].0);
        if periods.is_empty() || !ordered || periods.iter().any(|(s, e)| s >= e) {
            return Err(CalendarError::BadPeriods);
        }
        Ok(Self {
            periods,
            overrides: BTreeMap::new(),
            tz,
        })
    }

    /// 08:30–12:00 and 13:30–17:30, China Standard Time, with the shipped years.
    pub fn default_city() -> Self {
        let mut c = Self {
            periods: vec![(hm(8, 30), hm(12, 0)), (hm(13, 30), hm(17, 30))],
            overrides: BTreeMap::new(),
            tz: crate::time::shanghai(),
        };
        for json in SHIPPED {
            if let Ok(y) = HolidayYear::parse(json) {
                c.load_year(&y);
            }
        }
        c
    }

    /// The working periods of the day.
    pub fn periods(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.periods
    }

    /// Replaces the working periods (checked as in [`WorkCalendar::new`]).
    pub fn set_periods(
        &mut self,
        periods: Vec<(NaiveTime, NaiveTime)>,
    ) -> Result<(), CalendarError> {
        self.periods = Self::new(periods, self.tz)?.periods;
        Ok(())
    }

    /// Forgets every holiday and make-up day.
    pub fn clear_overrides(&mut self) {
        self.overrides.clear();
    }

    /// Sets one day's override (true: day off; false: working day).
    pub fn set_day(&mut self, date: NaiveDate, off: bool) {
        self.overrides.insert(date, off);
    }

    /// Working minutes between two moments (0 when `to` is not after `from`).
    pub fn working_minutes_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> i64 {
        if to <= from {
            return 0;
        }
        let a = from.with_timezone(&self.tz).naive_local();
        let b = to.with_timezone(&self.tz).naive_local();
        let mut total = 0;
        let mut date = a.date();
        while date <= b.date() {
            if self.is_working_day(date) {
                for (ps, pe) in &self.periods {
                    let s = date.and_time(*ps).max(a);
                    let e = date.and_time(*pe).min(b);
                    if e > s {
                        total += (e - s).num_minutes();
                    }
                }
            }
            date = match date.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        total
    }

    /// Replaces whatever was known of that year.
    pub fn load_year(&mut self, y: &HolidayYear) {
        self.overrides.retain(|d, _| d.year() != y.year);
        for (date, off, _) in &y.days {
            self.overrides.insert(*date, *off);
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(off) => !off,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Working minutes in one working day (450 for 08:30–12:00 + 13:30–17:30).
    pub fn minutes_per_day(&self) -> i64 {
        self.periods
            .iter()
            .map(|(s, e)| (*e - *s).num_minutes())
            .sum()
    }

    fn at(&self, date: NaiveDate, t: NaiveTime) -> DateTime<FixedOffset> {
        // A fixed offset has no gaps or folds, so this is always single.
        self.tz
            .from_local_datetime(&date.and_time(t))
            .single()
            .unwrap_or_else(|| self.tz.from_utc_datetime(&date.and_time(t)))
    }

    /// The moment `minutes` of working time after `start`.
    pub fn add_working_minutes(
        &self,
        start: DateTime<FixedOffset>,
        minutes: i64,
    ) -> DateTime<FixedOffset> {
        if minutes <= 0 {
            return start;
        }
        let local = start.with_timezone(&self.tz).naive_local();
        let (mut date, mut t) = (local.date(), local.time());
        let mut left = minutes;
        // Bounded: no calendar has ten years without a working day.
        for _ in 0..3660 {
            if self.is_working_day(date) {
                for (ps, pe) in &self.periods {
                    if t >= *pe {
                        continue;
                    }
                    let from = t.max(*ps);
                    let avail = (*pe - from).num_minutes();
                    if left <= avail {
                        return self.at(date, from + Duration::minutes(left));
                    }
                    left -= avail;
                    t = *pe;
                }
            }
            date = match date.succ_opt() {
                Some(d) => d,
                None => break,
            };
            t = NaiveTime::MIN;
        }
        start + Duration::minutes(minutes)
    }

    /// Clock minutes of a time limit: working minutes for 工作时 and 工作日,
    /// natural minutes for natural hours.
    pub fn limit_minutes(&self, amount: i64, unit: LimitUnit) -> i64 {
        match unit {
            LimitUnit::NaturalHours | LimitUnit::WorkHours => amount * 60,
            LimitUnit::WorkDays => amount * self.minutes_per_day(),
        }
    }

    /// The deadline of a time limit starting at `start`. 工作日 count as
    /// whole working days of working time; natural hours ignore the calendar.
    /// Like every deadline, whole minutes rounded up (`crate::time::deadline`).
    pub fn due(
        &self,
        start: DateTime<FixedOffset>,
        amount: i64,
        unit: LimitUnit,
    ) -> DateTime<FixedOffset> {
        crate::time::deadline(match unit {
            LimitUnit::NaturalHours => start + Duration::hours(amount),
            LimitUnit::WorkHours => self.add_working_minutes(start, amount * 60),
            LimitUnit::WorkDays => self.add_working_minutes(start, amount * self.minutes_per_day()),
        })
    }
}

#[cfg(test)]
mod tests;
