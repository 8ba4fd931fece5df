//! Indicators, the header counts and the exports of the command centre.

#[allow(clippy::wildcard_imports)]
use super::*;

pub struct StatsApi;

/// The filters are [`CaseFilters`], declared once for every operation.
#[OpenApi(prefix_path = "/api/v1", tag = "Tag::CommandCentre")]
impl StatsApi {
    /// Indicators (考核)
    ///
    /// Counted over the cohort of cases **dispatched (派遣) in the period**
    /// (whole China-time days, `from` and `to` included; default the last
    /// 30 days) that match the filters, grouped by unit, area (at
    /// `areaLevel`), 小类 or day of dispatch, with the whole cohort as
    /// `total`. Each rate is given with its numerator and denominator:
    ///
    /// - 按期结案率 = closedOnTime / (dispatched − suspended), where closed on
    ///   time means closed with the last resolution at or before the deadline;
    /// - 结案率 = closed / (dispatched − suspended);
    /// - 返工率 = reopened at verification / resolved;
    /// - 延期率 = with an approved extension / dispatched;
    /// - 回退率 = returned by the unit at least once / dispatched;
    /// - 满意率 = rated 4 or 5 / rated;
    /// - 接单及时率 = claimed within the accept limit / claimed;
    /// - handling time = working hours (on the working calendar) from the
    ///   last dispatch to the last resolution, mean and median over the
    ///   resolved cases;
    /// - overdue = went past the handling deadline; escalated = 督办 at
    ///   least one level.
    ///
    /// `dispatched`, `suspended` (挂账 now) and every count refer to the
    /// cases as they stand now. A unit member sees its unit's subtree.
    #[oai(
        path = "/stats/indicators",
        method = "get",
        operation_id = "indicators"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn indicators(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day of the period (China time).
        from: Query<Option<Date>>,
        /// Last day of the period (China time).
        to: Query<Option<Date>>,
        /// unit (default), area, category or day.
        #[oai(name = "groupBy", default)]
        group_by: Query<GroupBy>,
        /// The area level of `groupBy=area` (default district).
        #[oai(name = "areaLevel", default)]
        area_level: Query<AreaLevel>,
        filters: CaseFilters,
    ) -> Res<Json<IndicatorTable>, MapErrors> {
        let f = filters.0;
        let period =
            period::Period::parse(from.0.map(|d| d.0), to.0.map(|d| d.0), state.clock.now())?;
        let (by, level) = (group_by.0, area_level.0);
        let counted = service::indicators(&state, &auth.0, f, period, by, level).await?;
        Ok(Json(IndicatorTable::of(counted, group_by.0)))
    }

    /// Export indicators as XLSX
    ///
    /// The indicator table of `GET /stats/indicators` (same parameters,
    /// same formulas) as a workbook: one row per group and a 合计 row.
    #[oai(
        path = "/exports/indicators.xlsx",
        method = "get",
        operation_id = "exportIndicatorsXlsx"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn export_indicators(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First day of the period (China time).
        from: Query<Option<Date>>,
        /// Last day of the period (China time).
        to: Query<Option<Date>>,
        /// unit (default), area, category or day.
        #[oai(name = "groupBy", default)]
        group_by: Query<GroupBy>,
        /// The area level of `groupBy=area` (default district).
        #[oai(name = "areaLevel", default)]
        area_level: Query<AreaLevel>,
        filters: CaseFilters,
    ) -> Res<Xlsx, MapErrors> {
        let f = filters.0;
        let period =
            period::Period::parse(from.0.map(|d| d.0), to.0.map(|d| d.0), state.clock.now())?;
        let (by, level) = (group_by.0, area_level.0);
        let counted = service::indicators(&state, &auth.0, f, period, by, level).await?;
        let t = IndicatorTable::of(counted, group_by.0);
        let name = format!("indicators-{}-{}.xlsx", t.from.0, t.to.0);
        Ok(Xlsx::File(
            Binary(Body::from(export_api::indicators_xlsx(&t)?)),
            disposition(&name),
        ))
    }

    /// Header counts
    ///
    /// Open, waiting for review, warned, overdue, escalated and suspended
    /// cases now, in the caller's scope: what a command centre's header
    /// shows (refresh it on each live-feed event).
    #[oai(path = "/stats/summary", method = "get", operation_id = "summary")]
    async fn summary(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Summary>, MapErrors> {
        Ok(Json(service::summary(&state, &auth.0).await?.into()))
    }

    /// Export cases as CSV
    ///
    /// The cases matching the filters, oldest first, as CSV (UTF-8 with a
    /// byte-order mark) or XLSX, with Chinese column headers: 案卷编号, 状态,
    /// 大类, 小类, 区, 街道, 网格, 地址, 问题描述, coordinates (WGS-84),
    /// 责任单位, times in China time, 是否超期, 督办级别, 返工次数, 回退次数,
    /// 评价. Any size is streamed directly (no job): rows are read in
    /// batches, so memory stays flat. A cell that starts with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return gets a leading `'` in CSV, so
    /// no spreadsheet reads it as a formula; XLSX cells are strings. A node
    /// runs `limits.exports_at_once` case exports at once (`503
    /// export_busy`), an account one (`429 too_many_exports`).
    #[oai(
        path = "/exports/cases.csv",
        method = "get",
        operation_id = "exportCasesCsv"
    )]
    async fn export_cases_csv(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        filters: CaseFilters,
    ) -> Res<Csv, ExportErrors> {
        let f = filters.0.resolve(&state, &auth.0)?;
        let held = export_api::slot(&state, &auth.0)?;
        let stamp = stamp(state.clock.now());
        let s = export::csv_stream(state.clone(), f).await?;
        // Held while the file streams.
        let s = futures_util::StreamExt::map(s, move |chunk| {
            let _held = &held;
            chunk
        });
        Ok(Csv::File(
            Binary(Body::from_bytes_stream(s)),
            disposition(&format!("cases-{stamp}.csv")),
        ))
    }

    /// Export cases as XLSX
    ///
    /// The cases matching the filters, oldest first, as an XLSX workbook
    /// with the columns of the CSV export (Chinese headers); every cell is
    /// a string, never a formula. Written in constant memory to a
    /// temporary file, then sent. A worksheet holds at most 1,048,575
    /// rows: more matching cases is `400 export_too_large` (export CSV).
    #[oai(
        path = "/exports/cases.xlsx",
        method = "get",
        operation_id = "exportCasesXlsx"
    )]
    async fn export_cases_xlsx(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        filters: CaseFilters,
    ) -> Res<Xlsx, ExportErrors> {
        let f = filters.0.resolve(&state, &auth.0)?;
        let held = export_api::slot(&state, &auth.0)?;
        let stamp = stamp(state.clock.now());
        // The slot goes with the writing, which goes on to its end even if
        // the client leaves; the slot is free again when the file is done.
        let file = export::xlsx_file(state.clone(), f, held).await?;
        Ok(Xlsx::File(
            Binary(Body::from_async_read(file)),
            disposition(&format!("cases-{stamp}.xlsx")),
        ))
    }
}
