//! The rules an indicator keeps, shared by the console's save and the
//! sheet's rows: its fields, its key dates, and how many tasks it gives.

use super::ItemInput;
use crate::{campaign::error::RowError, core::ErrorCode};

/// Most working days a reminder goes out ahead.
pub const MAX_LEAD: u32 = 60;
/// Most key dates of one indicator.
pub const MAX_KEY_DATES: usize = 50;
/// Most tasks one indicator may give in a year (its key dates' dates times
/// its units): a weekly duty for a hundred units is 5,200.
pub const MAX_TASKS_A_YEAR: usize = 20_000;

/// The tasks an indicator gives over the horizon from `today`.
pub fn tasks_a_year(i: &ItemInput, units: usize, today: chrono::NaiveDate) -> usize {
    let until = today
        .checked_add_days(chrono::Days::new(crate::campaign::HORIZON_DAYS))
        .unwrap_or(today);
    i.key_dates
        .iter()
        .map(|k| k.rule.dates(today, until).len())
        .sum::<usize>()
        .saturating_mul(units)
}

/// The refusal of an indicator that gives too many tasks.
pub fn too_many_tasks(n: usize) -> String {
    format!(
        "these key dates and units give {n} tasks a year; at most {MAX_TASKS_A_YEAR}: split the indicator"
    )
}

/// The rules an indicator's fields keep, as (column, code, message).
pub fn check(i: &ItemInput) -> Vec<(&'static str, ErrorCode, String)> {
    let mut out = vec![];
    let code_ok = !i.code.is_empty()
        && i.code.len() <= 32
        && i.code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !code_ok {
        out.push((
            "code",
            ErrorCode::InvalidCode,
            "a code is 1–32 letters, digits, '.', '-' or '_'".into(),
        ));
    }
    if i.name.trim().is_empty() || i.name.chars().count() > 100 {
        out.push((
            "name",
            ErrorCode::InvalidName,
            "a name is 1–100 characters".into(),
        ));
    }
    if i.criterion
        .as_deref()
        .is_some_and(|c| c.chars().count() > 2000)
    {
        out.push((
            "criterion",
            ErrorCode::InvalidCriterion,
            "what counts as done is at most 2,000 characters".into(),
        ));
    }
    if i.parent_code.as_deref() == Some(i.code.as_str()) {
        out.push((
            "parent",
            ErrorCode::InvalidParent,
            "an indicator cannot be under itself".into(),
        ));
    }
    if i.unit_codes.len() > 100 {
        out.push((
            "units",
            ErrorCode::InvalidUnit,
            "at most 100 responsible units".into(),
        ));
    }
    if !i.key_dates.is_empty() && i.unit_codes.is_empty() {
        out.push((
            "units",
            ErrorCode::InvalidUnit,
            "an indicator with key dates needs a responsible unit".into(),
        ));
    }
    if i.key_dates.len() > MAX_KEY_DATES {
        out.push((
            "rule",
            ErrorCode::InvalidRule,
            format!("at most {MAX_KEY_DATES} key dates"),
        ));
    }
    for (n, k) in i.key_dates.iter().enumerate() {
        if i.key_dates[..n].iter().any(|e| e.rule == k.rule) {
            out.push((
                "rule",
                ErrorCode::InvalidRule,
                format!("the rule {} is listed twice", k.rule.describe()),
            ));
        }
        if k.title.trim().is_empty() || k.title.chars().count() > 100 {
            out.push((
                "title",
                ErrorCode::InvalidName,
                "a key date's title is 1–100 characters".into(),
            ));
        }
        if k.lead_working_days > MAX_LEAD {
            out.push((
                "lead",
                ErrorCode::InvalidRule,
                format!("a reminder goes out 0–{MAX_LEAD} working days ahead"),
            ));
        }
        if let Err(e) = k.rule.check() {
            out.push(("rule", ErrorCode::InvalidRule, e.to_string()));
        }
    }
    out
}

/// Turns the first bad field into a sheet row's error.
pub(in crate::campaign) fn row_errors(row: usize, i: &ItemInput) -> Vec<RowError> {
    check(i)
        .into_iter()
        .map(|(column, code, message)| RowError {
            row,
            column: column.to_owned(),
            code,
            message,
        })
        .collect()
}
