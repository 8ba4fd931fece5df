//! The working calendar behind deadlines (时限): working hours of the day,
//! weekends, statutory holidays and make-up working days (调休), loaded per
//! year in the holiday-cn JSON form. Pure domain code: no I/O, no clock.

use crate::core::LimitUnit;
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
            tz: crate::core::time::shanghai(),
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
    pub fn due(
        &self,
        start: DateTime<FixedOffset>,
        amount: i64,
        unit: LimitUnit,
    ) -> DateTime<FixedOffset> {
        match unit {
            LimitUnit::NaturalHours => start + Duration::hours(amount),
            LimitUnit::WorkHours => self.add_working_minutes(start, amount * 60),
            LimitUnit::WorkDays => self.add_working_minutes(start, amount * self.minutes_per_day()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn city() -> WorkCalendar {
        WorkCalendar::default_city()
    }

    #[test]
    fn work_hours_carry_over_the_weekend() {
        // Friday 16:30 + 4 h: 1 h on Friday, 3 h from Monday 08:30.
        let due = city().due(t("2026-11-20T16:30:00+08:00"), 4, LimitUnit::WorkHours);
        assert_eq!(due, t("2026-11-23T11:30:00+08:00"));
    }

    #[test]
    fn work_hours_skip_the_lunch_break() {
        let due = city().due(t("2026-11-24T11:00:00+08:00"), 2, LimitUnit::WorkHours);
        assert_eq!(due, t("2026-11-24T14:30:00+08:00"));
    }

    #[test]
    fn a_start_outside_working_hours_counts_from_the_next_period() {
        assert_eq!(
            city().due(t("2026-11-23T07:00:00+08:00"), 1, LimitUnit::WorkHours),
            t("2026-11-23T09:30:00+08:00")
        );
        assert_eq!(
            city().due(t("2026-11-23T12:30:00+08:00"), 1, LimitUnit::WorkHours),
            t("2026-11-23T14:30:00+08:00")
        );
        // Given in UTC: 2026-11-23 01:00 UTC is 09:00 in Hohhot.
        assert_eq!(
            city().due(t("2026-11-23T01:00:00Z"), 1, LimitUnit::WorkHours),
            t("2026-11-23T10:00:00+08:00")
        );
    }

    #[test]
    fn the_national_day_week_is_skipped() {
        // Wed 30 Sep 17:00 + 1 h: 30 min, then 1–7 Oct are off; Thu 8 Oct.
        let due = city().due(t("2026-09-30T17:00:00+08:00"), 1, LimitUnit::WorkHours);
        assert_eq!(due, t("2026-10-08T09:00:00+08:00"));
    }

    #[test]
    fn a_make_up_saturday_is_a_working_day() {
        // Sat 10 Oct 2026 is 调休 (isOffDay false).
        let due = city().due(t("2026-10-09T17:00:00+08:00"), 1, LimitUnit::WorkHours);
        assert_eq!(due, t("2026-10-10T09:00:00+08:00"));
    }

    #[test]
    fn the_year_boundary_uses_both_years_files() {
        // Wed 31 Dec 2025 17:00 + 1 h; 1–3 Jan 2026 off; Sun 4 Jan is 调休.
        let due = city().due(t("2025-12-31T17:00:00+08:00"), 1, LimitUnit::WorkHours);
        assert_eq!(due, t("2026-01-04T09:00:00+08:00"));
    }

    #[test]
    fn a_working_day_is_a_days_worth_of_working_time() {
        // Fri 13 Feb 17:00 + 1 working day (450 min): 30 min Friday, then
        // Sat 14 Feb (调休 before the Spring Festival) 08:30–17:00.
        let c = city();
        assert_eq!(c.minutes_per_day(), 450);
        let due = c.due(t("2026-02-13T17:00:00+08:00"), 1, LimitUnit::WorkDays);
        assert_eq!(due, t("2026-02-14T17:00:00+08:00"));
        // The festival itself (15–23 Feb) is skipped.
        let due = c.due(t("2026-02-14T17:30:00+08:00"), 1, LimitUnit::WorkDays);
        assert_eq!(due, t("2026-02-24T17:30:00+08:00"));
    }

    #[test]
    fn minutes_between_count_only_working_time() {
        let c = city();
        // Fri 16:30 → Mon 09:30: 60 min Friday + 60 min Monday.
        assert_eq!(
            c.working_minutes_between(
                t("2026-11-20T16:30:00+08:00"),
                t("2026-11-23T09:30:00+08:00")
            ),
            120
        );
        // Inverse of add_working_minutes across the National Day week.
        let start = t("2026-09-30T10:00:00+08:00");
        let end = c.add_working_minutes(start, 1000);
        assert_eq!(c.working_minutes_between(start, end), 1000);
        assert_eq!(c.working_minutes_between(end, start), 0);
    }

    #[test]
    fn natural_hours_ignore_the_calendar() {
        let due = city().due(t("2026-10-01T10:00:00+08:00"), 2, LimitUnit::NaturalHours);
        assert_eq!(due, t("2026-10-01T12:00:00+08:00"));
    }

    #[test]
    fn calendar_files_with_bad_dates_are_refused() {
        let bad = |days: &str| HolidayYear::parse(&format!(r#"{{"year":2027,"days":[{days}]}}"#));
        assert!(matches!(
            bad(r#"{"name":"x","date":"2027-02-30","isOffDay":true}"#),
            Err(CalendarError::BadDate { .. })
        ));
        assert!(matches!(
            bad(r#"{"name":"x","date":"2026-10-01","isOffDay":true}"#),
            Err(CalendarError::WrongYear { .. })
        ));
        assert!(matches!(
            bad(
                r#"{"name":"x","date":"2027-10-01","isOffDay":true},{"name":"y","date":"2027-10-01","isOffDay":false}"#
            ),
            Err(CalendarError::Duplicate { .. })
        ));
        assert!(matches!(
            HolidayYear::parse("[]"),
            Err(CalendarError::Format(_))
        ));
        assert!(bad(r#"{"name":"元旦","date":"2027-01-01","isOffDay":true}"#).is_ok());
    }

    #[test]
    fn the_shipped_years_parse() {
        let years: Vec<i32> = SHIPPED
            .iter()
            .map(|j| HolidayYear::parse(j).unwrap().year)
            .collect();
        assert_eq!(years, vec![2025, 2026]);
    }

    #[test]
    fn working_periods_are_checked() {
        let tz = crate::core::time::shanghai();
        assert!(WorkCalendar::new(vec![], tz).is_err());
        assert!(WorkCalendar::new(vec![(hm(12, 0), hm(8, 0))], tz).is_err());
        assert!(
            WorkCalendar::new(vec![(hm(8, 0), hm(12, 0)), (hm(11, 0), hm(13, 0))], tz).is_err()
        );
        assert!(WorkCalendar::new(vec![(hm(8, 0), hm(12, 0))], tz).is_ok());
    }
}
