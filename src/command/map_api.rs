//! The map views of the command centre: clusters, heatmap, areas.

#[allow(clippy::wildcard_imports)]
use super::*;

pub struct MapApi;

/// The filters are [`CaseFilters`], declared once for every operation.
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
    async fn clusters(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `minLng,minLat,maxLng,maxLat` in `coordSystem`.
        bbox: Query<Bbox>,
        /// Map zoom, 0–20.
        #[oai(validator(maximum(value = "20")))]
        zoom: Query<u8>,
        /// Datum of `bbox` and of the answer (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        filters: CaseFilters,
    ) -> Res<Json<ClusterCollection>, MapErrors> {
        let system = coord_system.0;
        let f = filters.0;
        let b = bbox.0.wgs84(system)?;
        let clusters = service::clusters(&state, &auth.0, f, b, zoom.0).await?;
        Ok(Json(ClusterCollection::of(&state, clusters, system)))
    }

    /// Map heatmap
    ///
    /// The cases in `bbox` matching the filters as weighted cells of 16
    /// pixels at `zoom`: each cell at the mean position of its cases, with
    /// `weight` (its cases) and `intensity` (weight over the heaviest
    /// cell's). Scoped and refused like the clusters (16-pixel cells count
    /// towards the 262,144).
    #[oai(path = "/map/heatmap", method = "get", operation_id = "mapHeatmap")]
    async fn heatmap(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `minLng,minLat,maxLng,maxLat` in `coordSystem`.
        bbox: Query<Bbox>,
        /// Map zoom, 0–20.
        #[oai(validator(maximum(value = "20")))]
        zoom: Query<u8>,
        /// Datum of `bbox` and of the answer (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        filters: CaseFilters,
    ) -> Res<Json<HeatmapCollection>, MapErrors> {
        let system = coord_system.0;
        let f = filters.0;
        let b = bbox.0.wgs84(system)?;
        let heat = service::heatmap(&state, &auth.0, f, b, zoom.0).await?;
        Ok(Json(HeatmapCollection::of(heat, system)))
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
        filters: CaseFilters,
    ) -> Res<Json<AreaCollection>, MapErrors> {
        let f = filters.0;
        let period =
            period::Period::parse(from.0.map(|d| d.0), to.0.map(|d| d.0), state.clock.now())?;
        let counts = service::areas(&state, &auth.0, f, level.0, period).await?;
        let areas = AreaCollection::of(&counts, level.0, zoom.0, coord_system.0);
        Ok(Json(areas))
    }
}
