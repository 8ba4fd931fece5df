//! 创建日历: when an assessment item's key dates fall, and when the units
//! responsible are reminded of them. A key date is a rule (once; monthly on
//! a day; weekly on a weekday; a number of days before an inspection
//! window opens); a reminder goes out a number of working days ahead, on
//! the city's working calendar (so a holiday between pushes it earlier).

use crate::calendar::WorkCalendar;
use chrono::{Datelike, Days, NaiveDate};

/// When a key date falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRule {
    /// On this date, once.
    Once(NaiveDate),
    /// Every month on this day, 1–31 (a shorter month: its last day).
    Monthly { day: u8 },
    /// Every week on this weekday, 1 (Monday) – 7 (Sunday).
    Weekly { weekday: u8 },
    /// `days` calendar days before an inspection window opens on `opens`.
    BeforeWindow { opens: NaiveDate, days: u16 },
}

/// A rule that cannot give a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a monthly day is 1 to 31")]
    Day,
    #[error("a weekday is 1 (Monday) to 7 (Sunday)")]
    Weekday,
    #[error("at most 366 days before a window")]
    Lead,
}

impl DateRule {
    /// Checks the rule's numbers.
    pub fn check(self) -> Result<Self, RuleError> {
        match self {
            Self::Monthly { day } if !(1..=31).contains(&day) => Err(RuleError::Day),
            Self::Weekly { weekday } if !(1..=7).contains(&weekday) => Err(RuleError::Weekday),
            Self::BeforeWindow { days, .. } if days > 366 => Err(RuleError::Lead),
            r => Ok(r),
        }
    }

    /// The dates the rule gives in `from..=to`, in order.
    pub fn dates(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let within = |d: NaiveDate| (from..=to).contains(&d);
        match self {
            Self::Once(d) => vec![d].into_iter().filter(|d| within(*d)).collect(),
            Self::BeforeWindow { opens, days } => opens
                .checked_sub_days(Days::new(u64::from(days)))
                .filter(|d| within(*d))
                .into_iter()
                .collect(),
            Self::Weekly { weekday } => {
                let want = u32::from(weekday.clamp(1, 7)) - 1;
                let ahead = (7 + want - from.weekday().num_days_from_monday()) % 7;
                let mut out = vec![];
                let mut d = from.checked_add_days(Days::new(u64::from(ahead)));
                while let Some(x) = d.filter(|x| *x <= to) {
                    out.push(x);
                    d = x.checked_add_days(Days::new(7));
                }
                out
            }
            Self::Monthly { day } => {
                let mut out = vec![];
                let mut first = from.with_day(1);
                while let Some(m) = first.filter(|m| *m <= to) {
                    let last = m
                        .checked_add_months(chrono::Months::new(1))
                        .and_then(|n| n.pred_opt())
                        .map_or(28, |l| l.day());
                    if let Some(d) = m.with_day(u32::from(day).min(last))
                        && within(d)
                    {
                        out.push(d);
                    }
                    first = m.checked_add_months(chrono::Months::new(1));
                }
                out
            }
        }
    }
}

/// The day a unit is reminded of a key date on `due`: `lead` working days
/// before it (0: on the day itself, or the working day before it when it
/// falls on a day off).
pub fn remind_on(cal: &WorkCalendar, due: NaiveDate, lead: u32) -> NaiveDate {
    let mut d = due;
    if lead == 0 {
        while !cal.is_working_day(d) {
            match d.pred_opt() {
                Some(p) => d = p,
                None => return due,
            }
        }
        return d;
    }
    let mut left = lead;
    while left > 0 {
        match d.pred_opt() {
            Some(p) => d = p,
            None => return due,
        }
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn monthly_on_the_31st_falls_on_each_months_last_day() {
        let got = DateRule::Monthly { day: 31 }.dates(day("2026-01-15"), day("2026-04-30"));
        assert_eq!(
            got,
            [
                day("2026-01-31"),
                day("2026-02-28"),
                day("2026-03-31"),
                day("2026-04-30")
            ]
        );
    }

    #[test]
    fn weekly_dates_start_on_the_first_such_weekday() {
        // 2026-11-30 is a Monday; Fridays in the two weeks after.
        let got = DateRule::Weekly { weekday: 5 }.dates(day("2026-11-30"), day("2026-12-13"));
        assert_eq!(got, [day("2026-12-04"), day("2026-12-11")]);
    }

    #[test]
    fn before_a_window_and_once_fall_inside_the_range_or_not_at_all() {
        let w = DateRule::BeforeWindow {
            opens: day("2026-12-20"),
            days: 10,
        };
        assert_eq!(
            w.dates(day("2026-12-01"), day("2026-12-31")),
            [day("2026-12-10")]
        );
        assert!(w.dates(day("2026-12-11"), day("2026-12-31")).is_empty());
        assert!(
            DateRule::Once(day("2027-01-01"))
                .dates(day("2026-12-01"), day("2026-12-31"))
                .is_empty()
        );
        assert_eq!(DateRule::Monthly { day: 0 }.check(), Err(RuleError::Day));
        assert_eq!(
            DateRule::Weekly { weekday: 8 }.check(),
            Err(RuleError::Weekday)
        );
    }

    #[test]
    fn a_reminder_counts_working_days_back_across_a_holiday() {
        let cal = WorkCalendar::default_city();
        // National Day 2026: 1–7 October off. Due Friday 9 October, two
        // working days ahead: Thursday 8, then Wednesday 30 September.
        assert_eq!(remind_on(&cal, day("2026-10-09"), 2), day("2026-09-30"));
        // One working day before Monday 30 November is Friday 27.
        assert_eq!(remind_on(&cal, day("2026-11-30"), 1), day("2026-11-27"));
        // Due on a Sunday, lead 0: the Friday before.
        assert_eq!(remind_on(&cal, day("2026-11-29"), 0), day("2026-11-27"));
    }
}
