//! Case numbers (`SSP-YYYYMMDD-NNNNNN`, the day in China time), handed out
//! from blocks reserved in the database.

use crate::core::time::{Ts, china};
use anyhow::Context;
use migration::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend};

/// Formats `SSP-YYYYMMDD-NNNNNN`.
pub fn format_case_no(at: Ts, seq: i64) -> String {
    format!("SSP-{}-{seq:06}", china(at).format("%Y%m%d"))
}

/// Hands out case numbers from blocks reserved in the database.
///
/// Each reservation takes `block` numbers of the day at once, atomically, in
/// one statement that works on PostgreSQL and SQLite, outside any case
/// transaction (the counter row is locked only for an instant). A submission
/// therefore rarely needs a round trip of its own for its number. Numbers are
/// unique across nodes and increase on each node; numbers a node had reserved
/// but not used when it stops, or that a failed submission took, are skipped:
/// a gap, never a duplicate.
pub struct CaseNumbers {
    block: i64,
    current: tokio::sync::Mutex<Option<Block>>,
}

/// A reserved range of one day's numbers: `next..=last`.
struct Block {
    day: String,
    next: i64,
    last: i64,
}

impl CaseNumbers {
    pub fn new(block: u32) -> Self {
        Self {
            block: i64::from(Ord::max(block, 1)),
            current: tokio::sync::Mutex::new(None),
        }
    }

    /// The next case number for a case created at `at`.
    pub async fn next<C: ConnectionTrait>(&self, db: &C, at: Ts) -> anyhow::Result<String> {
        let day = china(at).format("%Y%m%d").to_string();
        let mut current = self.current.lock().await;
        if let Some(b) = current.as_mut()
            && b.day == day
            && b.next <= b.last
        {
            b.next += 1;
            return Ok(format_case_no(at, b.next - 1));
        }
        let last = reserve(db, &day, self.block).await?;
        let first = last - self.block + 1;
        *current = Some(Block {
            day,
            next: first + 1,
            last,
        });
        Ok(format_case_no(at, first))
    }
}

/// Adds `count` to the day's counter and returns the new value: the numbers
/// `value - count + 1 ..= value` now belong to the caller.
async fn reserve<C: ConnectionTrait>(db: &C, day: &str, count: i64) -> anyhow::Result<i64> {
    let table = Alias::new("case_counters");
    let value = Alias::new("value");
    let stmt = Query::insert()
        .into_table(table.clone())
        .columns([Alias::new("day"), value.clone()])
        .values_panic([day.into(), count.into()])
        .on_conflict(
            OnConflict::column(Alias::new("day"))
                .value(value.clone(), Expr::col((table, value.clone())).add(count))
                .to_owned(),
        )
        .returning_col(value)
        .to_owned();
    let backend: DbBackend = db.get_database_backend();
    let row = db
        .query_one_raw(backend.build(&stmt))
        .await
        .context("reserve case numbers")?
        .context("case counter returned no row")?;
    row.try_get("", "value").context("case counter value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_use_the_shanghai_date() {
        // 2026-11-22 17:00 UTC is already the 23rd in Hohhot.
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T17:00:00Z").unwrap_or_default();
        assert_eq!(format_case_no(at, 123), "SSP-20261123-000123");
    }
}
