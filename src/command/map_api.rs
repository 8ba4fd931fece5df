//! The map views of the command centre: clusters, heatmap, areas.

#[allow(clippy::wildcard_imports)]
use super::*;

pub struct MapApi;

/// The filter parameters, spelled out once per operation (poem-openapi has
/// no parameter structs); each maps onto [`CaseFilter`].
#[OpenApi(prefix_path = "/api/v1", tag = "Tag::CommandCentre")]
impl MapApi {
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
        #[oai(validator(min_length = 1, max_length = 64))]
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        #[oai(validator(min_length = 1, max_length = 64))]
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        #[oai(validator(min_length = 1, max_length = 64))]
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
        let system = coord_system.0;
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
        #[oai(validator(min_length = 1, max_length = 64))]
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        #[oai(validator(min_length = 1, max_length = 64))]
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        #[oai(validator(min_length = 1, max_length = 64))]
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
        let system = coord_system.0;
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
        from: Query<Option<Date>>,
        /// Last day of the period (China time).
        to: Query<Option<Date>>,
        /// Datum of the outlines (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// Any of these statuses (repeat the parameter).
        status: Query<Option<Vec<CaseStatus>>>,
        /// Category code; a 大类 includes its 小类.
        #[oai(validator(min_length = 1, max_length = 64))]
        category: Query<Option<String>>,
        /// Unit code: cases dispatched to that unit.
        #[oai(validator(min_length = 1, max_length = 64))]
        unit: Query<Option<String>>,
        /// Area code, with the areas inside it.
        #[oai(validator(min_length = 1, max_length = 64))]
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
        let period =
            period::Period::parse(from.0.map(|d| d.0), to.0.map(|d| d.0), state.clock.now())?;
        Ok(Json(
            service::areas(&state, &auth.0, f, level.0, zoom.0, period, coord_system.0).await?,
        ))
    }
}
