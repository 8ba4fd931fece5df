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
    #[error("a rule is a date (2026-12-20), 每月15日, 每周五 or 测评前10天 2027-03-01")]
    Unreadable,
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

crate::vocabulary! {
    stored;
    /// The kind of a key date's rule, as stored.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum RuleKind {
        /// On one date.
        Once = "once",
        /// Every month on a day.
        Monthly = "monthly",
        /// Every week on a weekday.
        Weekly = "weekly",
        /// A number of days before an inspection window opens.
        BeforeWindow = "before_window",
    }
}

crate::vocabulary! {
    stored;
    /// Where a unit's task on one key date stands.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum TaskStatus {
        /// Not done yet (待完成).
        Pending = "pending",
        /// The unit marked it done, with its evidence (待验收).
        Submitted = "submitted",
        /// A supervisor accepted it (已验收).
        Accepted = "accepted",
        /// A supervisor returned it to be done again (已退回).
        Returned = "returned",
    }
}

impl RuleKind {
    /// The kind in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Once => "指定日期",
            Self::Monthly => "每月",
            Self::Weekly => "每周",
            Self::BeforeWindow => "测评前",
        }
    }
}

impl TaskStatus {
    /// The status in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待完成",
            Self::Submitted => "待验收",
            Self::Accepted => "已验收",
            Self::Returned => "已退回",
        }
    }

    /// Still the unit's to do: pending, or returned.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Returned)
    }
}

impl DateRule {
    /// The rule as stored: its kind, its date (once; the window's opening)
    /// and its number (day, weekday, days before).
    pub fn parts(self) -> (RuleKind, Option<NaiveDate>, Option<i32>) {
        match self {
            Self::Once(d) => (RuleKind::Once, Some(d), None),
            Self::Monthly { day } => (RuleKind::Monthly, None, Some(i32::from(day))),
            Self::Weekly { weekday } => (RuleKind::Weekly, None, Some(i32::from(weekday))),
            Self::BeforeWindow { opens, days } => {
                (RuleKind::BeforeWindow, Some(opens), Some(i32::from(days)))
            }
        }
    }

    /// The rule from its stored parts; `None` when a part is missing or out
    /// of range.
    pub fn from_parts(kind: RuleKind, date: Option<NaiveDate>, n: Option<i32>) -> Option<Self> {
        let rule = match kind {
            RuleKind::Once => Self::Once(date?),
            RuleKind::Monthly => Self::Monthly {
                day: u8::try_from(n?).ok()?,
            },
            RuleKind::Weekly => Self::Weekly {
                weekday: u8::try_from(n?).ok()?,
            },
            RuleKind::BeforeWindow => Self::BeforeWindow {
                opens: date?,
                days: u16::try_from(n?).ok()?,
            },
        };
        rule.check().ok()
    }

    /// The rule in words, as a sheet writes it: `2026-12-20`, `每月15日`,
    /// `每周五`, `测评前10天 2027-03-01`.
    pub fn describe(self) -> String {
        match self {
            Self::Once(d) => d.format("%Y-%m-%d").to_string(),
            Self::Monthly { day } => format!("每月{day}日"),
            Self::Weekly { weekday } => format!(
                "每周{}",
                WEEKDAYS
                    .get(usize::from(weekday.clamp(1, 7)) - 1)
                    .unwrap_or(&"一")
            ),
            Self::BeforeWindow { opens, days } => {
                format!("测评前{days}天 {}", opens.format("%Y-%m-%d"))
            }
        }
    }

    /// Reads a rule as a sheet writes it (see [`Self::describe`]); also
    /// `monthly:15`, `weekly:5` and `before:2027-03-01:10`.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
                .map_err(|_| RuleError::Unreadable)
        };
        let number = |s: &str| s.parse::<u16>().map_err(|_| RuleError::Unreadable);
        let rule = if let Some(rest) = t.strip_prefix("每月") {
            let n = number(rest.trim_end_matches(['日', '号']))?;
            Self::Monthly {
                day: u8::try_from(n).map_err(|_| RuleError::Day)?,
            }
        } else if let Some(rest) = t.strip_prefix("monthly:") {
            Self::Monthly {
                day: u8::try_from(number(rest)?).map_err(|_| RuleError::Day)?,
            }
        } else if let Some(rest) = t
            .strip_prefix("每周")
            .or_else(|| t.strip_prefix("周"))
            .or_else(|| t.strip_prefix("weekly:"))
        {
            let weekday = WEEKDAYS
                .iter()
                .position(|w| *w == rest)
                .map(|i| i + 1)
                .or_else(|| (rest == "日" || rest == "天").then_some(7))
                .or_else(|| rest.parse::<usize>().ok())
                .ok_or(RuleError::Unreadable)?;
            Self::Weekly {
                weekday: u8::try_from(weekday).map_err(|_| RuleError::Weekday)?,
            }
        } else if let Some(rest) = t.strip_prefix("测评前") {
            let (days, opens) = rest.split_once('天').ok_or(RuleError::Unreadable)?;
            Self::BeforeWindow {
                opens: date(opens)?,
                days: number(days)?,
            }
        } else if let Some(rest) = t.strip_prefix("before:") {
            let (opens, days) = rest.rsplit_once(':').ok_or(RuleError::Unreadable)?;
            Self::BeforeWindow {
                opens: date(opens)?,
                days: number(days)?,
            }
        } else {
            Self::Once(date(&t)?)
        };
        rule.check()
    }
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

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
    fn rules_read_as_sheets_write_them_and_round_trip() {
        let cases = [
            ("2026-12-20", DateRule::Once(day("2026-12-20"))),
            ("每月15日", DateRule::Monthly { day: 15 }),
            ("每周五", DateRule::Weekly { weekday: 5 }),
            ("每周日", DateRule::Weekly { weekday: 7 }),
            (
                "测评前10天 2027-03-01",
                DateRule::BeforeWindow {
                    opens: day("2027-03-01"),
                    days: 10,
                },
            ),
            ("monthly:31", DateRule::Monthly { day: 31 }),
            ("weekly:1", DateRule::Weekly { weekday: 1 }),
        ];
        for (text, rule) in cases {
            assert_eq!(DateRule::parse(text), Ok(rule), "{text}");
            assert_eq!(DateRule::parse(&rule.describe()), Ok(rule), "{text}");
            let (k, d, n) = rule.parts();
            assert_eq!(DateRule::from_parts(k, d, n), Some(rule));
        }
        assert_eq!(DateRule::parse("每月32日"), Err(RuleError::Day));
        assert_eq!(DateRule::parse("每周八"), Err(RuleError::Unreadable));
        assert_eq!(DateRule::parse("next tuesday"), Err(RuleError::Unreadable));
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
