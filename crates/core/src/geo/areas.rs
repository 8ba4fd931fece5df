//! The city's areas (districts ⊃ streets ⊃ grids) as polygons in an R-tree,
//! so that locating a point stays fast with thousands of grids.

use anyhow::Context;
use geo::{
    Area, BoundingRect, Closest, ClosestPoint, Contains, Distance, Haversine, MultiPolygon, Point,
};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use uuid::Uuid;

/// Area levels, most general first (the domain's, stored in `areas.level`).
pub use domain::geo::AreaLevel as Level;

#[derive(Debug, Clone)]
pub struct AreaShape {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_id: Option<Uuid>,
    pub shape: MultiPolygon<f64>,
}

/// Parses a GeoJSON Polygon or MultiPolygon geometry (WGS-84).
pub fn parse_geometry(geojson_text: &str) -> anyhow::Result<MultiPolygon<f64>> {
    let gj: geojson::Geometry = geojson_text.parse().context("not a GeoJSON geometry")?;
    let g: geo::Geometry<f64> = gj.try_into().context("GeoJSON geometry")?;
    match g {
        geo::Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Ok(m),
        _ => anyhow::bail!("geometry must be a Polygon or MultiPolygon"),
    }
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An immutable snapshot of the areas with its spatial index.
#[derive(Default)]
pub struct AreaIndex {
    areas: Vec<AreaShape>,
    by_id: std::collections::HashMap<Uuid, usize>,
    tree: RTree<Entry>,
}

impl AreaIndex {
    pub fn new(areas: Vec<AreaShape>) -> Self {
        let entries = areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = a.shape.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        let by_id = areas.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        Self {
            areas,
            by_id,
            tree: RTree::bulk_load(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    pub fn by_id(&self, id: Uuid) -> Option<&AreaShape> {
        self.by_id.get(&id).map(|i| &self.areas[*i])
    }

    pub fn by_code(&self, code: &str) -> Option<&AreaShape> {
        self.areas.iter().find(|a| a.code == code)
    }

    pub fn all(&self) -> &[AreaShape] {
        &self.areas
    }

    /// The ids of an area and every area below it.
    pub fn subtree_of_code(&self, code: &str) -> Option<Vec<Uuid>> {
        let root = self.by_code(code)?.id;
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            let cur = out[i];
            out.extend(
                self.areas
                    .iter()
                    .filter(|a| a.parent_id == Some(cur))
                    .map(|a| a.id),
            );
            i += 1;
        }
        Some(out)
    }

    /// Every area containing the point, most specific first.
    pub fn containing(&self, lng: f64, lat: f64) -> Vec<&AreaShape> {
        let p = Point::new(lng, lat);
        let mut hits: Vec<&AreaShape> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lng, lat]))
            .map(|e| &self.areas[e.data])
            .filter(|a| a.shape.contains(&p))
            .collect();
        // Deeper level first; among overlapping areas of one level, the smaller.
        hits.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then_with(|| a.shape.unsigned_area().total_cmp(&b.shape.unsigned_area()))
                .then_with(|| a.code.cmp(&b.code))
        });
        hits
    }

    /// The most specific area containing the point.
    pub fn most_specific(&self, lng: f64, lat: f64) -> Option<&AreaShape> {
        self.containing(lng, lat).into_iter().next()
    }

    /// Where a pin belongs, most specific first. A pin inside areas gets
    /// [`containing`](Self::containing). A pin on a border (shared by two
    /// areas, or the city's edge), or outside every area but within
    /// `tolerance_m` metres of one (the slivers and gaps of real boundary
    /// data), belongs to ONE area by this rule: the deepest level (grid,
    /// then street, then district), then the nearest (0 on a border), then
    /// the smaller, then the lower code; with that area's ancestors. Empty:
    /// truly outside.
    pub fn locate(&self, lng: f64, lat: f64, tolerance_m: f64) -> Vec<&AreaShape> {
        let inside = self.containing(lng, lat);
        if !inside.is_empty() {
            return inside;
        }
        let p = Point::new(lng, lat);
        let tolerance_m = tolerance_m.max(0.0);
        // The tolerance as degrees, generously (it only picks candidates).
        let dlat = tolerance_m / 111_000.0 + 1e-9;
        let dlng = tolerance_m / (111_000.0 * lat.to_radians().cos().max(0.01)) + 1e-9;
        let near = AABB::from_corners([lng - dlng, lat - dlat], [lng + dlng, lat + dlat]);
        let best = self
            .tree
            .locate_in_envelope_intersecting(&near)
            .map(|e| &self.areas[e.data])
            .filter_map(|a| {
                let d = match a.shape.closest_point(&p) {
                    Closest::Intersection(_) => 0.0,
                    Closest::SinglePoint(q) => Haversine.distance(p, q),
                    Closest::Indeterminate => return None,
                };
                (d <= tolerance_m).then_some((a, d))
            })
            .min_by(|(a, da), (b, db)| {
                b.level
                    .cmp(&a.level)
                    .then_with(|| da.total_cmp(db))
                    .then_with(|| a.shape.unsigned_area().total_cmp(&b.shape.unsigned_area()))
                    .then_with(|| a.code.cmp(&b.code))
            });
        let Some((area, _)) = best else {
            return vec![];
        };
        let mut chain = vec![area];
        while let Some(parent) = chain
            .last()
            .and_then(|a| a.parent_id)
            .and_then(|id| self.by_id(id))
            .filter(|_| chain.len() < 8)
        {
            chain.push(parent);
        }
        chain
    }
}

/// The current areas, swapped whole when they change.
pub type Areas = crate::infra::snapshot::Snapshot<AreaIndex>;

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, level: Level, x0: f64, y0: f64, x1: f64, y1: f64) -> AreaShape {
        let text = format!(
            r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#
        );
        AreaShape {
            id: Uuid::now_v7(),
            code: code.into(),
            name: code.into(),
            level,
            parent_id: None,
            shape: parse_geometry(&text).unwrap(),
        }
    }

    #[test]
    fn the_most_specific_area_wins() {
        let idx = AreaIndex::new(vec![
            square("d", Level::District, 0.0, 0.0, 10.0, 10.0),
            square("s", Level::Street, 0.0, 0.0, 5.0, 5.0),
            square("g", Level::Grid, 0.0, 0.0, 1.0, 1.0),
        ]);
        assert_eq!(
            idx.most_specific(0.5, 0.5).map(|a| a.code.as_str()),
            Some("g")
        );
        assert_eq!(
            idx.most_specific(3.0, 3.0).map(|a| a.code.as_str()),
            Some("s")
        );
        assert_eq!(
            idx.most_specific(7.0, 7.0).map(|a| a.code.as_str()),
            Some("d")
        );
        assert!(idx.most_specific(11.0, 7.0).is_none());
    }

    #[test]
    fn a_pin_on_a_border_or_near_an_area_goes_to_one_area_by_the_rule() {
        let mut a = square("a", Level::District, 0.0, 0.0, 0.01, 0.01);
        let b = square("b", Level::District, 0.01, 0.0, 0.02, 0.01);
        let mut g = square("g", Level::Grid, 0.005, 0.0, 0.01, 0.01);
        g.parent_id = Some(a.id);
        a.parent_id = None;
        let idx = AreaIndex::new(vec![a, b, g]);
        let codes = |v: Vec<&AreaShape>| v.iter().map(|a| a.code.clone()).collect::<Vec<_>>();
        // On the shared border: the grid (deeper) wins, with its district.
        assert_eq!(codes(idx.locate(0.01, 0.005, 30.0)), ["g", "a"]);
        // On b's outer edge: b.
        assert_eq!(codes(idx.locate(0.02, 0.005, 0.0)), ["b"]);
        // 20 m east of b (0.00018° of longitude at the equator): within 30 m.
        assert_eq!(codes(idx.locate(0.02018, 0.005, 30.0)), ["b"]);
        // 50 m east: outside every area.
        assert!(idx.locate(0.02045, 0.005, 30.0).is_empty());
        // Inside: every containing area, as before.
        assert_eq!(codes(idx.locate(0.015, 0.005, 30.0)), ["b"]);
    }

    #[test]
    fn non_polygons_are_refused() {
        assert!(parse_geometry(r#"{"type":"Point","coordinates":[1,2]}"#).is_err());
        assert!(parse_geometry("not json").is_err());
    }
}
