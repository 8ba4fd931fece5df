//! Case statuses and numbers, shared by the citizen and staff views.

use anyhow::Context;
use chrono::{DateTime, FixedOffset, Offset, Utc};
use migration::{Alias, Expr, ExprTrait, OnConflict, Query};
use poem_openapi::Enum;
use sea_orm::{ConnectionTrait, DbBackend};

/// Where a case stands in 点单—派单—接单—评单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 待受理: waiting for review.
    Submitted,
    /// 不予受理: refused, with a reason shown to the citizen.
    Rejected,
    /// 重复: merged into an earlier case.
    Duplicate,
    /// 已立案: accepted, waiting for dispatch.
    Accepted,
    /// 已派遣: sent to the responsible unit.
    Dispatched,
    /// 已回退: the unit returned a wrong dispatch.
    Returned,
    /// 处置中: the unit is working on it.
    InProgress,
    /// 已处置: the unit reports it fixed, with after-photos.
    Resolved,
    /// 已结案: verified and closed.
    Closed,
    /// 返工: verification failed; back to the unit.
    Reopened,
    /// 挂账: approved long-term work; no deadline runs.
    Suspended,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 11] = [
        Self::Submitted,
        Self::Rejected,
        Self::Duplicate,
        Self::Accepted,
        Self::Dispatched,
        Self::Returned,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Reopened,
        Self::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Rejected => "rejected",
            Self::Duplicate => "duplicate",
            Self::Accepted => "accepted",
            Self::Dispatched => "dispatched",
            Self::Returned => "returned",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Reopened => "reopened",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The label a citizen sees.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "待受理",
            Self::Rejected => "不予受理",
            Self::Duplicate => "重复上报",
            Self::Accepted => "已立案",
            Self::Dispatched => "已派遣",
            Self::Returned => "已回退",
            Self::InProgress => "处置中",
            Self::Resolved => "已处置",
            Self::Closed => "已结案",
            Self::Reopened => "返工",
            Self::Suspended => "挂账",
        }
    }
}

/// China Standard Time: case numbers and working days follow the city's clock.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Formats `SSP-YYYYMMDD-NNNNNN`.
pub fn format_case_no(at: DateTime<FixedOffset>, seq: i64) -> String {
    format!(
        "SSP-{}-{seq:06}",
        at.with_timezone(&shanghai()).format("%Y%m%d")
    )
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
    pub async fn next<C: ConnectionTrait>(
        &self,
        db: &C,
        at: DateTime<FixedOffset>,
    ) -> anyhow::Result<String> {
        let day = at.with_timezone(&shanghai()).format("%Y%m%d").to_string();
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

    #[test]
    fn statuses_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
    }
}
