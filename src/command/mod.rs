//! The command centre (挂图作战): every case on the map, the indicators the
//! city is assessed on, exports of the ledgers, computed on this node's
//! case index (see [`index`]) with the same filters everywhere (see
//! [`filter`]).

pub mod dto;
pub mod export;
pub mod index;
pub mod map;
pub mod period;
pub mod seed;
pub mod service;
pub mod stats;

use crate::cases::filter::CaseFilter;
use crate::{
    api::Tag,
    auth::BearerAuth,
    cases::error::CaseError,
    error::Res,
    state::AppState,
    web::enums::{CaseStatus, CoordSystem},
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use dto::{
    AreaCollection, AreaLevel, ClusterCollection, GroupBy, HeatmapCollection, IndicatorTable,
    Summary,
};
use poem::{Body, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::Query,
    payload::{Binary, Json},
};

/// The filters every command-centre operation takes, as query parameters.
#[allow(clippy::too_many_arguments)]
fn filter(
    status: Option<Vec<CaseStatus>>,
    category: Option<String>,
    unit: Option<String>,
    area: Option<String>,
    overdue: Option<bool>,
    warned: Option<bool>,
    escalated: Option<bool>,
    created: (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>),
    closed: (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>),
) -> CaseFilter {
    CaseFilter {
        statuses: status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        category,
        unit,
        area,
        overdue,
        warned,
        escalated,
        created_from: created.0,
        created_to: created.1,
        closed_from: closed.0,
        closed_to: closed.1,
    }
}

/// Parses a bbox given in `system` into WGS-84.
fn parse_bbox(s: &str, system: crate::geo::coords::CoordSystem) -> Result<[f64; 4], CaseError> {
    let [a, b, c, d] = crate::cases::views::parse_bbox(s)?;
    let corner = |lat, lng| {
        crate::geo::coords::Wgs84::parse(lat, lng, system)
            .map(|p| (p.lng(), p.lat()))
            .map_err(|_| CaseError::BadFilter {
                code: "invalid_bbox",
                message: "bbox corner out of range".into(),
            })
    };
    let (a, b) = corner(b, a)?;
    let (c, d) = corner(d, c)?;
    Ok([a, b, c, d])
}

/// A CSV download.
#[derive(ApiResponse)]
pub enum Csv {
    /// UTF-8 with a byte-order mark.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    File(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

/// An XLSX download.
#[derive(ApiResponse)]
pub enum Xlsx {
    /// An Office Open XML workbook.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    File(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

fn stamp() -> String {
    crate::core::time::china(crate::core::time::utc_now())
        .format("%Y%m%d-%H%M")
        .to_string()
}

fn disposition(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

pub struct CommandApi;

/// The filter parameters, spelled out once per operation (poem-openapi has
/// no parameter structs); each maps onto [`CaseFilter`].
#[OpenApi(prefix_path = "/api/v1", tag = "Tag::CommandCentre")]
impl CommandApi {
    /// Map clusters
    ///
    /// The cases in `bbox` matching the filters, gathered into clusters of
    /// 64-pixel cells at `zoom` (Web Mercator tiles of 256 pixels). A
    /// cluster carries its count, its counts by status and overdue, and
    /// `expansionZoom`, the zoom at which it breaks apart; a case standing
    /// alone comes as a point with its id, case number, status and
    /// category. The counts add up to `total`. Staff see the whole city; a
    /// unit member its unit's subtree; citizens are refused (403). Reflects
    /// a change on any node within about a second.
    ///
    /// Refused with 400: a malformed bbox or min after max (`invalid_bbox`),
    /// a bbox of more than 262,144 cells at the zoom (`bbox_too_large`), an
    /// unknown code (`unknown_category`, `unknown_unit`, `unknown_area`), a
    /// period out of order or outside 2000–2100 (`invalid_period`).
    /// Latitudes beyond ±85.05° are clamped (Web Mercator); a bbox does not
    /// cross the antimeridian.
    #[oai(path = "/map/clusters", method = "get", operation_id = "mapClusters")]
    #[allow(clippy::too_many_arguments)]
    async fn clusters(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `minLng,minLat,maxLng,maxLat` in `coordSystem`.
        #[oai(validator(pattern = r"^\s*-?[0-9.]+\s*(,\s*-?[0-9.]+\s*){3}$"))]
        bbox: Query<String>,
        /// Map zoom, 0–20.
        #[oai(validator(maximum(value = "20")))]
        zoom: Query<u8>,
        /// Datum of `bbox` and of the answer (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Json<ClusterCollection>, MapErrors> {
        let system = coord_system.0.into();
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        );
        let b = parse_bbox(&bbox.0, system)?;
        Ok(Json(
            service::clusters(&state, &auth.0, f, b, zoom.0, system).await?,
        ))
    }

    /// Map heatmap
    ///
    /// The cases in `bbox` matching the filters as weighted cells of 16
    /// pixels at `zoom`: each cell at the mean position of its cases, with
    /// `weight` (its cases) and `intensity` (weight over the heaviest
    /// cell's). Scoped and refused like the clusters (16-pixel cells count
    /// towards the 262,144).
    #[oai(path = "/map/heatmap", method = "get", operation_id = "mapHeatmap")]
    #[allow(clippy::too_many_arguments)]
    async fn heatmap(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `minLng,minLat,maxLng,maxLat` in `coordSystem`.
        #[oai(validator(pattern = r"^\s*-?[0-9.]+\s*(,\s*-?[0-9.]+\s*){3}$"))]
        bbox: Query<String>,
        /// Map zoom, 0–20.
        #[oai(validator(maximum(value = "20")))]
        zoom: Query<u8>,
        /// Datum of `bbox` and of the answer (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Json<HeatmapCollection>, MapErrors> {
        let system = coord_system.0.into();
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        );
        let b = parse_bbox(&bbox.0, system)?;
        Ok(Json(
            service::heatmap(&state, &auth.0, f, b, zoom.0, system).await?,
        ))
    }

    /// Map areas (choropleth)
    ///
    /// The districts, streets or grids with their outlines simplified to
    /// about a pixel at `zoom`, and per area, for the cases matching the
    /// filters: total, open, overdue, warned, closed in the period, and
    /// 按期结案率 = cases dispatched in the period and closed on time /
    /// cases dispatched in the period (suspended ones excluded). The period
    /// is whole China-time days, `from` and `to` included (default: the
    /// last 30 days).
    #[oai(path = "/map/areas", method = "get", operation_id = "mapAreas")]
    #[allow(clippy::too_many_arguments)]
    async fn areas(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// district (default), street or grid.
        #[oai(default)]
        level: Query<AreaLevel>,
        /// Map zoom, 0–20 (default 12): how far outlines are simplified.
        #[oai(default = "default_zoom", validator(maximum(value = "20")))]
        zoom: Query<u8>,
        /// First day of the period (China time).
        from: Query<Option<NaiveDate>>,
        /// Last day of the period (China time).
        to: Query<Option<NaiveDate>>,
        /// Datum of the outlines (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Json<AreaCollection>, MapErrors> {
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        );
        let period = period::Period::parse(from.0, to.0)?;
        Ok(Json(
            service::areas(
                &state,
                &auth.0,
                f,
                level.0,
                zoom.0,
                period,
                coord_system.0.into(),
            )
            .await?,
        ))
    }

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
        from: Query<Option<NaiveDate>>,
        /// Last day of the period (China time).
        to: Query<Option<NaiveDate>>,
        /// unit (default), area, category or day.
        #[oai(name = "groupBy", default)]
        group_by: Query<GroupBy>,
        /// The area level of `groupBy=area` (default district).
        #[oai(name = "areaLevel", default)]
        area_level: Query<AreaLevel>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Json<IndicatorTable>, MapErrors> {
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        );
        let period = period::Period::parse(from.0, to.0)?;
        Ok(Json(
            service::indicators(&state, &auth.0, f, period, group_by.0, area_level.0).await?,
        ))
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
        from: Query<Option<NaiveDate>>,
        /// Last day of the period (China time).
        to: Query<Option<NaiveDate>>,
        /// unit (default), area, category or day.
        #[oai(name = "groupBy", default)]
        group_by: Query<GroupBy>,
        /// The area level of `groupBy=area` (default district).
        #[oai(name = "areaLevel", default)]
        area_level: Query<AreaLevel>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Xlsx, MapErrors> {
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        );
        let period = period::Period::parse(from.0, to.0)?;
        let t = service::indicators(&state, &auth.0, f, period, group_by.0, area_level.0).await?;
        let name = format!("indicators-{}-{}.xlsx", t.from, t.to);
        Ok(Xlsx::File(
            Binary(Body::from(export::indicators_xlsx(&t)?)),
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
        Ok(Json(service::summary(&state, &auth.0).await?))
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
    /// no spreadsheet reads it as a formula; XLSX cells are strings.
    #[oai(
        path = "/exports/cases.csv",
        method = "get",
        operation_id = "exportCasesCsv"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn export_cases_csv(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Csv, MapErrors> {
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        )
        .resolve(&state, &auth.0)?;
        let stamp = stamp();
        let s = export::csv_stream(state.clone(), f).await?;
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
    #[allow(clippy::too_many_arguments)]
    async fn export_cases_xlsx(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        area: Query<Option<String>>,
        /// Overdue now (超期).
        overdue: Query<Option<bool>>,
        /// Warned (预警) and still open.
        warned: Query<Option<bool>>,
        /// Escalated (督办).
        escalated: Query<Option<bool>>,
        /// Created at or after (RFC 3339).
        #[oai(name = "createdFrom")]
        created_from: Query<Option<DateTime<FixedOffset>>>,
        /// Created before (RFC 3339).
        #[oai(name = "createdTo")]
        created_to: Query<Option<DateTime<FixedOffset>>>,
        /// Closed at or after (RFC 3339).
        #[oai(name = "closedFrom")]
        closed_from: Query<Option<DateTime<FixedOffset>>>,
        /// Closed before (RFC 3339).
        #[oai(name = "closedTo")]
        closed_to: Query<Option<DateTime<FixedOffset>>>,
    ) -> Res<Xlsx, MapErrors> {
        let f = filter(
            status.0,
            category.0,
            unit.0,
            area.0,
            overdue.0,
            warned.0,
            escalated.0,
            (created_from.0, created_to.0),
            (closed_from.0, closed_to.0),
        )
        .resolve(&state, &auth.0)?;
        let stamp = stamp();
        let file = export::xlsx_file(state.clone(), f).await?;
        Ok(Xlsx::File(
            Binary(Body::from_async_read(file)),
            disposition(&format!("cases-{stamp}.xlsx")),
        ))
    }
}

fn default_zoom() -> u8 {
    12
}

crate::error_set!(MapErrors: 400, 401, 403);
