//! The command centre (挂图作战): every case on the map, the indicators the
//! city is assessed on, exports of the ledgers, computed on this node's
//! case index (see [`index`]) with the same filters everywhere (see
//! [`filter`]).

pub use suishoupai_core::command::*;

pub mod dto;
pub mod export_api;
mod map_api;
mod stats_api;
pub mod view_dto;

use crate::cases::filter_params::{Bbox, CaseFilters};
use crate::web::date::Date;
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState, web::enums::CoordSystem};
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

/// A file name's time stamp, China time.
fn stamp(now: crate::core::Ts) -> String {
    crate::core::time::china(now)
        .format("%Y%m%d-%H%M")
        .to_string()
}

fn disposition(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

pub use map_api::MapApi;
pub use stats_api::StatsApi;

fn default_zoom() -> u8 {
    12
}

crate::error_set!(MapErrors: 400, 401, 403);
crate::error_set!(ExportErrors: 400, 401, 403, 429);
