//! 红黑榜 of the districts: each district's figures for a month, from the
//! same indicators the city is assessed on (`command::stats`), ranked.

use super::BoardError;
use crate::{
    cases::filter::CaseFilter,
    command::{period::Period, service as command, stats::Tally},
    core::{Caller, Role},
    geo::areas::Level,
    state::AppState,
};
use chrono::{Datelike, NaiveDate};
use domain::indicators::GroupBy;
use entity::area;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// What the districts are ranked by, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankBy {
    /// 按期结案率, higher is better.
    #[default]
    OnTimeCloseRate,
    /// 结案率, higher is better.
    CloseRate,
    /// 满意率, higher is better.
    SatisfactionRate,
    /// Cases per 10,000 people, fewer is better.
    CasesPer10k,
}

/// One district's month.
#[derive(Debug, Clone)]
pub struct DistrictRow {
    pub code: String,
    pub name: String,
    /// 1 for the best; none for a district with nothing to rank by (no
    /// cases, or no population for the per-10,000 figure), listed last.
    pub rank: Option<u32>,
    pub tally: Tally,
    pub population: Option<i64>,
}

impl DistrictRow {
    fn ratio(n: u64, d: u64) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (d > 0).then(|| n as f64 / d as f64)
    }
    /// 按期结案率 = closedOnTime / (dispatched − suspended).
    pub fn on_time_close_rate(&self) -> Option<f64> {
        let t = &self.tally;
        Self::ratio(t.closed_on_time, t.dispatched - t.suspended)
    }
    /// 结案率 = closed / (dispatched − suspended).
    pub fn close_rate(&self) -> Option<f64> {
        let t = &self.tally;
        Self::ratio(t.closed, t.dispatched - t.suspended)
    }
    /// 满意率 = satisfied / rated.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        Self::ratio(self.tally.satisfied, self.tally.rated)
    }
    /// Cases dispatched per 10,000 people (常住人口).
    pub fn cases_per_10k(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.population
            .filter(|p| *p > 0)
            .map(|p| self.tally.dispatched as f64 * 10_000.0 / p as f64)
    }
    fn key(&self, by: RankBy) -> Option<f64> {
        match by {
            RankBy::OnTimeCloseRate => self.on_time_close_rate(),
            RankBy::CloseRate => self.close_rate(),
            RankBy::SatisfactionRate => self.satisfaction_rate(),
            // Fewer is better: ranked on the negation.
            RankBy::CasesPer10k => self.cases_per_10k().map(|v| -v),
        }
    }
}

/// The districts' month.
#[derive(Debug, Clone)]
pub struct DistrictBoard {
    pub month: NaiveDate,
    pub rank_by: RankBy,
    pub rows: Vec<DistrictRow>,
}

/// The first and last day of the month of `first`.
pub fn month_period(first: NaiveDate) -> Period {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    Period {
        from: first,
        to: next.pred_opt().unwrap_or(first),
    }
}

/// The month `YYYY-MM`, or this month in China time.
pub fn parse_month(s: Option<&str>, now: crate::core::Ts) -> Result<NaiveDate, BoardError> {
    let today = now
        .with_timezone(&crate::core::time::shanghai())
        .date_naive();
    match s {
        None => Ok(today.with_day(1).unwrap_or(today)),
        Some(s) => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&d.year()) && s.len() == 7)
            .ok_or(BoardError::Month),
    }
}

/// Every district's figures for the month, ranked by `by`.
#[tracing::instrument(skip(state))]
pub async fn districts(
    state: &AppState,
    month: NaiveDate,
    by: RankBy,
) -> Result<DistrictBoard, BoardError> {
    // The board reads as a read-only supervisor would, over the whole city.
    let reader = Caller {
        user_id: Uuid::nil(),
        role: Role::Supervisor,
        unit_id: None,
    };
    let ind = command::indicators(
        state,
        &reader,
        CaseFilter::default(),
        month_period(month),
        GroupBy::Area,
        Level::District,
    )
    .await?;
    let mut tallies: HashMap<String, Tally> =
        ind.rows.into_iter().map(|(code, _, t)| (code, t)).collect();
    let mut rows: Vec<DistrictRow> = area::Entity::find()
        .filter(area::Column::Level.eq(Level::District))
        .select_only()
        .column(area::Column::Code)
        .column(area::Column::Name)
        .column(area::Column::Population)
        .into_tuple::<(String, String, Option<i64>)>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|(code, name, population)| DistrictRow {
            tally: tallies.remove(&code).unwrap_or_default(),
            code,
            name,
            rank: None,
            population,
        })
        .collect();
    rank(&mut rows, by);
    Ok(DistrictBoard {
        month,
        rank_by: by,
        rows,
    })
}

/// Orders the rows best first and numbers them; equal figures share a
/// rank (1, 2, 2, 4); rows with no figure come last, unranked; ties are
/// listed by code.
pub fn rank(rows: &mut [DistrictRow], by: RankBy) {
    // Rounded to the published precision (rates to 4 places, cases per
    // 10,000 people to 2), so that figures published equal tie.
    let scale = if by == RankBy::CasesPer10k {
        100.0
    } else {
        10_000.0
    };
    let key = |r: &DistrictRow| r.key(by).map(|v| (v * scale).round());
    rows.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.code.cmp(&b.code)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.code.cmp(&b.code),
    });
    let mut prev: Option<f64> = None;
    let mut rank = 0;
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = key(r).map(|v| {
            if prev != Some(v) {
                rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
            }
            prev = Some(v);
            rank
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        code: &str,
        closed_on_time: u64,
        dispatched: u64,
        population: Option<i64>,
    ) -> DistrictRow {
        DistrictRow {
            code: code.into(),
            name: code.into(),
            rank: None,
            tally: Tally {
                dispatched,
                closed_on_time,
                ..Tally::default()
            },
            population,
        }
    }

    #[test]
    fn ties_share_a_rank_and_districts_without_a_figure_come_last() {
        let mut rows = vec![
            row("d", 0, 0, None),
            row("a", 1, 2, Some(20_000)),
            row("c", 3, 4, Some(10_000)),
            row("b", 2, 4, Some(40_000)),
        ];
        rank(&mut rows, RankBy::OnTimeCloseRate);
        let got: Vec<(&str, Option<u32>)> =
            rows.iter().map(|r| (r.code.as_str(), r.rank)).collect();
        assert_eq!(
            got,
            [("c", Some(1)), ("a", Some(2)), ("b", Some(2)), ("d", None)]
        );

        rank(&mut rows, RankBy::CasesPer10k);
        let got: Vec<(&str, Option<u32>)> =
            rows.iter().map(|r| (r.code.as_str(), r.rank)).collect();
        // a: 1 per 10k, b: 1, c: 4; d has no population.
        assert_eq!(
            got,
            [("a", Some(1)), ("b", Some(1)), ("c", Some(3)), ("d", None)]
        );
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let p = month_period(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap_or_default());
        assert_eq!(
            p.to,
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default()
        );
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T17:00:00Z").unwrap_or_default();
        assert_eq!(
            parse_month(None, now).ok(),
            NaiveDate::from_ymd_opt(2026, 12, 1),
            "01:00 on 1 December in China"
        );
        assert!(parse_month(Some("2026-13"), now).is_err());
        assert!(parse_month(Some("2026-1"), now).is_err());
    }
}
