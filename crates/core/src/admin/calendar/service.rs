//! The working calendar: what is loaded, the working hours of the day, the
//! holiday-cn years, and the deadlines it gives.

use crate::core::ErrorCode;
use crate::{
    admin::error::AdminError,
    audit::{self, Actor},
    calendar::{HolidayYear, WorkCalendar, store as cal_store},
    core::{LimitUnit, time::shanghai},
};
use chrono::{DateTime, Datelike, FixedOffset};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

/// The stored calendar, as an operator sees it.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Working periods of the day, e.g. `08:30-12:00,13:30-17:30`.
    pub working_hours: String,
    /// Working minutes in a working day.
    pub minutes_per_day: i64,
    /// Loaded years: (year, days off, make-up working days).
    pub years: Vec<(i32, u32, u32)>,
}

/// Reads the stored calendar.
pub async fn calendar<C: ConnectionTrait>(db: &C) -> Result<Calendar, AdminError> {
    let cal = cal_store::load(db).await?;
    let years = cal_store::years(db).await?;
    Ok(Calendar {
        working_hours: cal_store::format_periods(cal.periods()),
        minutes_per_day: cal.minutes_per_day(),
        years,
    })
}

/// A deadline the calendar gives.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    /// The deadline, in China Standard Time.
    pub due: DateTime<FixedOffset>,
    /// Working minutes from the start (natural minutes for natural hours).
    pub minutes: i64,
}

/// The deadline of `amount` `unit` from `from` on `cal` (years 2000–2100).
pub fn due(
    cal: &WorkCalendar,
    from: DateTime<FixedOffset>,
    amount: i64,
    unit: LimitUnit,
) -> Result<Due, AdminError> {
    if !(2000..=2100).contains(&from.year()) {
        return Err(AdminError::invalid(
            ErrorCode::InvalidFrom,
            "from must be in the years 2000–2100",
        ));
    }
    let due = cal.due(from, amount, unit).with_timezone(&shanghai());
    let minutes = match unit {
        LimitUnit::NaturalHours => (due - from).num_minutes(),
        _ => cal.working_minutes_between(from, due),
    };
    Ok(Due { due, minutes })
}

/// Loads one holiday-cn year (replacing that year).
pub async fn load_calendar_year(
    db: &DatabaseConnection,
    actor: Actor,
    json: &str,
) -> Result<HolidayYear, AdminError> {
    let y = HolidayYear::parse(json)
        .map_err(|e| AdminError::invalid(ErrorCode::InvalidCalendar, e.to_string()))?;
    if !(2000..=2100).contains(&y.year) {
        return Err(AdminError::invalid(
            ErrorCode::InvalidCalendar,
            "year must be 2000–2100",
        ));
    }
    let txn = db.begin().await?;
    cal_store::save_year(&txn, &y).await?;
    audit::record(
        &txn,
        actor,
        "calendar.load_year",
        "calendar",
        Some(y.year.to_string()),
        None,
        Some(serde_json::json!({"days": y.days.len()})),
    )
    .await?;
    txn.commit().await?;
    Ok(y)
}

/// Sets the working periods of the day (`08:30-12:00,13:30-17:30`).
pub async fn set_working_hours(
    db: &DatabaseConnection,
    actor: Actor,
    periods: &str,
) -> Result<(), AdminError> {
    let parsed = cal_store::parse_periods(periods).ok_or_else(|| {
        AdminError::invalid(
            ErrorCode::InvalidPeriods,
            "periods look like 08:30-12:00,13:30-17:30",
        )
    })?;
    WorkCalendar::new(parsed.clone(), shanghai())
        .map_err(|e| AdminError::invalid(ErrorCode::InvalidPeriods, e.to_string()))?;
    let txn = db.begin().await?;
    cal_store::save_periods(&txn, &parsed).await?;
    audit::record(
        &txn,
        actor,
        "calendar.set_hours",
        "calendar",
        None,
        None,
        Some(serde_json::json!({"periods": cal_store::format_periods(&parsed)})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
