//! Deadlines on the working calendar, by hand.

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
    let tz = crate::time::shanghai();
    assert!(WorkCalendar::new(vec![], tz).is_err());
    assert!(WorkCalendar::new(vec![(hm(12, 0), hm(8, 0))], tz).is_err());
    assert!(WorkCalendar::new(vec![(hm(8, 0), hm(12, 0)), (hm(11, 0), hm(13, 0))], tz).is_err());
    assert!(WorkCalendar::new(vec![(hm(8, 0), hm(12, 0))], tz).is_ok());
}
