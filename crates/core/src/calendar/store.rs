//! The calendar in the database: working hours in `settings`, holiday-cn
//! years in `holiday_days`. Every node keeps a snapshot, reloaded when the
//! calendar generation changes.

use super::domain::{HolidayYear, WorkCalendar};
use crate::infra::settings::{self, Gen};
use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use entity::holiday_day;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set, TransactionTrait,
};

const PERIODS_KEY: &str = "calendar:work_periods";

pub fn format_periods(p: &[(NaiveTime, NaiveTime)]) -> String {
    p.iter()
        .map(|(s, e)| format!("{}-{}", s.format("%H:%M"), e.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(",")
}

/// Parses `08:30-12:00,13:30-17:30`.
pub fn parse_periods(s: &str) -> Option<Vec<(NaiveTime, NaiveTime)>> {
    s.split(',')
        .map(|p| {
            let (a, b) = p.trim().split_once('-')?;
            Some((
                NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?,
                NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?,
            ))
        })
        .collect()
}

/// The calendar as stored (defaults where nothing is stored).
pub async fn load<C: ConnectionTrait>(db: &C) -> anyhow::Result<WorkCalendar> {
    let mut cal = WorkCalendar::default_city();
    cal.clear_overrides();
    if let Some(p) = settings::get(db, PERIODS_KEY).await?
        && let Some(periods) = parse_periods(&p)
    {
        cal.set_periods(periods)
            .map_err(|e| anyhow::anyhow!("stored working periods: {e}"))?;
    }
    for d in holiday_day::Entity::find()
        .all(db)
        .await
        .context("load holiday days")?
    {
        if let Ok(date) = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d") {
            cal.set_day(date, d.off_day);
        }
    }
    Ok(cal)
}

/// Stores the shipped holiday years into an empty table (first start).
pub async fn seed_shipped<C>(db: &C) -> anyhow::Result<()>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    if holiday_day::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    for json in super::SHIPPED {
        let year =
            HolidayYear::parse(json).map_err(|e| anyhow::anyhow!("shipped calendar: {e}"))?;
        let txn = db.begin().await?;
        save_year(&txn, &year).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// Replaces one year's days; call inside a transaction.
pub async fn save_year<C: ConnectionTrait>(db: &C, y: &HolidayYear) -> anyhow::Result<()> {
    holiday_day::Entity::delete_many()
        .filter(holiday_day::Column::Year.eq(y.year))
        .exec(db)
        .await
        .context("clear calendar year")?;
    if !y.days.is_empty() {
        holiday_day::Entity::insert_many(y.days.iter().map(|(date, off, name)| {
            holiday_day::ActiveModel {
                date: Set(date.format("%Y-%m-%d").to_string()),
                year: Set(y.year),
                off_day: Set(*off),
                name: Set(name.clone()),
            }
        }))
        .exec(db)
        .await
        .context("store calendar year")?;
    }
    settings::bump(db, Gen::Calendar).await
}

/// Stores the working periods; call inside a transaction.
pub async fn save_periods<C: ConnectionTrait>(
    db: &C,
    periods: &[(NaiveTime, NaiveTime)],
) -> anyhow::Result<()> {
    settings::put(db, PERIODS_KEY, &format_periods(periods)).await?;
    settings::bump(db, Gen::Calendar).await
}

/// Years loaded, with their numbers of days off and make-up working days.
pub async fn years<C: ConnectionTrait>(db: &C) -> anyhow::Result<Vec<(i32, u32, u32)>> {
    let mut out: std::collections::BTreeMap<i32, (u32, u32)> = Default::default();
    for d in holiday_day::Entity::find().all(db).await? {
        let e = out.entry(d.year).or_default();
        if d.off_day {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    Ok(out.into_iter().map(|(y, (off, on))| (y, off, on)).collect())
}
