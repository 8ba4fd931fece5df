//! The command centre's response shapes: GeoJSON for the map (with the
//! counts as feature properties), tables for the indicators.

use crate::web::{dto::CategoryRef, enums::CaseStatus, enums::CoordSystem};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

/// GeoJSON `type` of a feature collection.
#[derive(Debug, Clone, Copy, Enum)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// GeoJSON `type` of a feature.
#[derive(Debug, Clone, Copy, Enum)]
pub enum FeatureType {
    Feature,
}

/// GeoJSON `type` of a point.
#[derive(Debug, Clone, Copy, Enum)]
pub enum PointType {
    Point,
}

/// A GeoJSON point: `coordinates` is `[lng, lat]` in the datum asked for.
#[derive(Debug, Clone, Object)]
pub struct PointGeometry {
    #[oai(rename = "type")]
    pub kind: PointType,
    /// `[lng, lat]`.
    pub coordinates: Vec<f64>,
}

impl PointGeometry {
    pub fn at(lat: f64, lng: f64, system: crate::geo::coords::CoordSystem) -> Self {
        let (lat, lng) = crate::geo::coords::Wgs84::from_stored(lat, lng).in_system(system);
        Self {
            kind: PointType::Point,
            coordinates: vec![lng, lat],
        }
    }
}

/// Cases per status.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename_all = "camelCase")]
pub struct StatusCounts {
    /// 待受理.
    pub submitted: u32,
    /// 不予受理.
    pub rejected: u32,
    /// 重复.
    pub duplicate: u32,
    /// 已立案.
    pub accepted: u32,
    /// 已派遣.
    pub dispatched: u32,
    /// 已回退.
    pub returned: u32,
    /// 处置中.
    pub in_progress: u32,
    /// 已处置.
    pub resolved: u32,
    /// 已结案.
    pub closed: u32,
    /// 返工.
    pub reopened: u32,
    /// 挂账.
    pub suspended: u32,
}

impl From<[u32; 11]> for StatusCounts {
    fn from(c: [u32; 11]) -> Self {
        let [
            submitted,
            rejected,
            duplicate,
            accepted,
            dispatched,
            returned,
            in_progress,
            resolved,
            closed,
            reopened,
            suspended,
        ] = c;
        Self {
            submitted,
            rejected,
            duplicate,
            accepted,
            dispatched,
            returned,
            in_progress,
            resolved,
            closed,
            reopened,
            suspended,
        }
    }
}

/// A cluster, or a case standing alone (`cluster: false`).
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct ClusterProperties {
    /// Whether this feature stands for several cases.
    pub cluster: bool,
    /// Cases in it (1 for a single case).
    pub count: u32,
    pub by_status: StatusCounts,
    /// Of them, overdue now.
    pub overdue: u32,
    /// The zoom at which the cluster breaks apart; null for a single case,
    /// or for cases that all stand on one spot (list them instead).
    #[oai(nullable)]
    pub expansion_zoom: Option<u8>,
    /// A single case's id, case number, status and category.
    #[oai(nullable)]
    pub id: Option<Uuid>,
    /// A single case's case number.
    #[oai(nullable)]
    pub case_no: Option<String>,
    #[oai(nullable)]
    pub status: Option<CaseStatus>,
    #[oai(nullable)]
    pub category: Option<CategoryRef>,
}

#[derive(Debug, Clone, Object)]
pub struct ClusterFeature {
    #[oai(rename = "type")]
    pub kind: FeatureType,
    pub geometry: PointGeometry,
    pub properties: ClusterProperties,
}

/// Clusters of the cases in a bbox (GeoJSON FeatureCollection).
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct ClusterCollection {
    #[oai(rename = "type")]
    pub kind: FeatureCollectionType,
    /// Clusters and single cases.
    pub features: Vec<ClusterFeature>,
    /// Cases in the bbox matching the filters (the sum of the counts).
    pub total: u64,
    /// The zoom asked for.
    pub zoom: u8,
    pub coord_system: CoordSystem,
}

#[derive(Debug, Clone, Object)]
pub struct HeatProperties {
    /// Cases in the cell.
    pub weight: u32,
    /// `weight` over the heaviest cell's, 0–1.
    pub intensity: f64,
}

#[derive(Debug, Clone, Object)]
pub struct HeatFeature {
    #[oai(rename = "type")]
    pub kind: FeatureType,
    pub geometry: PointGeometry,
    pub properties: HeatProperties,
}

/// Heatmap cells (16 pixels at the zoom asked for) at the mean position of
/// their cases (GeoJSON FeatureCollection).
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct HeatmapCollection {
    #[oai(rename = "type")]
    pub kind: FeatureCollectionType,
    /// The cells that hold cases.
    pub features: Vec<HeatFeature>,
    /// Cases in the bbox matching the filters.
    pub total: u64,
    /// The heaviest cell's weight.
    pub max_weight: u32,
    /// The zoom asked for.
    pub zoom: u8,
    pub coord_system: CoordSystem,
}

/// A rate with what it is made of; `value` is null when nothing was
/// counted (denominator 0).
#[derive(Debug, Clone, Object)]
pub struct Ratio {
    /// What is counted.
    pub numerator: u64,
    /// What it is counted out of.
    pub denominator: u64,
    /// numerator / denominator, 0–1, rounded to 4 places.
    #[oai(nullable)]
    pub value: Option<f64>,
}

impl Ratio {
    pub fn of(numerator: u64, denominator: u64) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let value = (denominator > 0)
            .then(|| (numerator as f64 / denominator as f64 * 10_000.0).round() / 10_000.0);
        Self {
            numerator,
            denominator,
            value,
        }
    }
}

/// Area level (the domain's, shown in the spec as it is stored).
pub use domain::geo::AreaLevel;

/// One area's counts on the choropleth.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct AreaProperties {
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    pub level: AreaLevel,
    /// Cases matching the filters.
    pub total: u64,
    /// Open (待受理 to 返工; not suspended).
    pub open: u64,
    /// Overdue now (超期).
    pub overdue: u64,
    /// Warned (预警) and still open.
    pub warned: u64,
    /// Closed within the period.
    pub closed_in_period: u64,
    /// 按期结案率 over the cases dispatched in the period (suspended ones
    /// excluded): closed on time / dispatched.
    pub on_time_close_rate: Ratio,
}

#[derive(Debug, Clone, Object)]
pub struct AreaFeature {
    #[oai(rename = "type")]
    pub kind: FeatureType,
    /// GeoJSON Polygon or MultiPolygon, simplified for the zoom, in the
    /// datum asked for.
    pub geometry: serde_json::Value,
    pub properties: AreaProperties,
}

/// The areas of one level with their counts (GeoJSON FeatureCollection).
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct AreaCollection {
    #[oai(rename = "type")]
    pub kind: FeatureCollectionType,
    /// The areas, sorted by code.
    pub features: Vec<AreaFeature>,
    pub level: AreaLevel,
    /// The zoom the outlines are simplified for.
    pub zoom: u8,
    /// First day of the period (China time).
    pub from: crate::web::date::Date,
    /// Last day of the period (China time).
    pub to: crate::web::date::Date,
    pub coord_system: CoordSystem,
}

/// What indicator rows are grouped by.
pub use domain::indicators::GroupBy;

/// One row of indicators: the raw counts, then the rates made of them.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct IndicatorRow {
    /// Unit, area or category code, or the day (YYYY-MM-DD); `none` for
    /// cases outside every area of the level.
    pub key: String,
    /// Unit, area or category name, or the day.
    pub name: String,
    /// 派遣数: dispatched in the period (the cohort every count below is of).
    pub dispatched: u64,
    /// 挂账数: suspended now.
    pub suspended: u64,
    /// 结案数.
    pub closed: u64,
    /// 按期结案数: closed, and the last resolution was within the deadline.
    pub closed_on_time: u64,
    /// 处置数: resolved at least once.
    pub resolved: u64,
    /// 返工数: reopened at verification at least once.
    pub reopened: u64,
    /// 延期数: an extension was approved.
    pub extended: u64,
    /// 回退数: returned by the unit at least once.
    pub returned: u64,
    /// 评价数.
    pub rated: u64,
    /// 满意数: rated 4 or 5.
    pub satisfied: u64,
    /// 接单数.
    pub claimed: u64,
    /// 按时接单数: claimed within the accept limit (接单时限).
    pub claimed_on_time: u64,
    /// 超期数: went past the handling deadline of its current clock (a
    /// reopening or a new dispatch starts a fresh one).
    pub overdue: u64,
    /// 督办数: escalated at least one level.
    pub escalated: u64,
    /// 按期结案率 = closedOnTime / (dispatched − suspended).
    pub on_time_close_rate: Ratio,
    /// 结案率 = closed / (dispatched − suspended).
    pub close_rate: Ratio,
    /// 返工率 = reopened / resolved.
    pub rework_rate: Ratio,
    /// 延期率 = extended / dispatched.
    pub extension_rate: Ratio,
    /// 回退率 = returned / dispatched.
    pub return_rate: Ratio,
    /// 满意率 = satisfied / rated.
    pub satisfaction_rate: Ratio,
    /// 接单及时率 = claimedOnTime / claimed.
    pub timely_claim_rate: Ratio,
    /// Mean handling time (dispatch to resolution) in working hours.
    #[oai(nullable)]
    pub mean_handling_hours: Option<f64>,
    /// Median handling time in working hours.
    #[oai(nullable)]
    pub median_handling_hours: Option<f64>,
}

/// Indicators for a period.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct IndicatorTable {
    /// First day of the period (China time).
    pub from: crate::web::date::Date,
    /// Last day of the period (China time).
    pub to: crate::web::date::Date,
    pub group_by: GroupBy,
    /// One row per group, by key.
    pub rows: Vec<IndicatorRow>,
    /// The whole cohort.
    pub total: IndicatorRow,
    /// 群众自治: the 随手治 cases volunteers filed in the period (by filing
    /// date, with the same filters), which are not in the cohort unless a
    /// reopening sent them to a unit.
    pub self_governed: SelfGovernedView,
}

/// 群众自治: volunteers' 随手治 in the period.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct SelfGovernedView {
    /// Filed in the period.
    pub filed: u64,
    /// Verified and closed, never sent to a unit.
    pub verified: u64,
    /// Reopened at verification and sent to the routed unit (these are
    /// in the cohort, as dispatched at the reopening).
    pub sent_to_units: u64,
    /// Waiting for 核查.
    pub waiting: u64,
    /// Refused at verification.
    pub rejected: u64,
}

/// The counts a command centre's header shows, now.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Summary {
    /// Waiting for review (待受理).
    pub submitted: u64,
    /// Open (待受理 to 返工; not suspended).
    pub open: u64,
    /// Warned (预警) and still open.
    pub warned: u64,
    /// Overdue now (超期).
    pub overdue: u64,
    /// Escalated (督办) and still open.
    pub escalated: u64,
    /// Suspended (挂账).
    pub suspended: u64,
}
