//! Routing a point among 5,000 grid polygons (plus 4 districts and 40
//! streets): locate the most specific area through the R-tree, then pick the
//! rule. Per-point latency over 200,000 random points in the city.
//!
//! `cargo bench --bench routing -- [GRIDS=5000] [VERTICES_PER_GRID=40] [POINTS=200000]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use suishoupai::{
    geo::areas::{AreaIndex, AreaShape, Level, parse_geometry},
    routing::Directory,
};
use uuid::Uuid;

/// A closed ring around a rectangle with `n` vertices, edges gently wavy
/// (as surveyed grid boundaries are), never self-intersecting.
fn ring(x0: f64, y0: f64, w: f64, h: f64, n: usize) -> String {
    let per = (n / 4).max(1);
    let mut pts = vec![];
    for side in 0..4 {
        for i in 0..per {
            let t = i as f64 / per as f64;
            let wob = (t * std::f64::consts::PI).sin() * 0.02;
            let (x, y) = match side {
                0 => (x0 + t * w, y0 - wob * h),
                1 => (x0 + w + wob * w, y0 + t * h),
                2 => (x0 + w - t * w, y0 + h + wob * h),
                _ => (x0 - wob * w, y0 + h - t * h),
            };
            pts.push(format!("[{x},{y}]"));
        }
    }
    pts.push(pts[0].clone());
    format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        pts.join(",")
    )
}

fn shape(code: String, level: Level, parent: Option<Uuid>, geo: &str) -> AreaShape {
    AreaShape {
        id: Uuid::now_v7(),
        name: code.clone(),
        code,
        level,
        parent_id: parent,
        shape: parse_geometry(geo).unwrap(),
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let grids = args.first().copied().unwrap_or(5000);
    let verts = args.get(1).copied().unwrap_or(40);
    let points = args.get(2).copied().unwrap_or(200_000);
    let (lng0, lat0, w, h) = (111.55, 40.75, 0.30, 0.15);

    // 4 districts side by side, 10 streets each, grids tiling the whole city.
    let mut areas = vec![];
    for d in 0..4 {
        let dx = lng0 + w / 4.0 * d as f64;
        let district = shape(
            format!("d{d}"),
            Level::District,
            None,
            &ring(dx, lat0, w / 4.0, h, 64),
        );
        let did = district.id;
        areas.push(district);
        for s in 0..10 {
            let sy = lat0 + h / 10.0 * s as f64;
            areas.push(shape(
                format!("d{d}s{s}"),
                Level::Street,
                Some(did),
                &ring(dx, sy, w / 4.0, h / 10.0, 48),
            ));
        }
    }
    let cols = (grids as f64 * 2.0).sqrt().ceil() as usize;
    let rows = grids.div_ceil(cols);
    let (gw, gh) = (w / cols as f64, h / rows as f64);
    for i in 0..grids {
        let (c, r) = (i % cols, i / cols);
        let g = ring(
            lng0 + gw * c as f64,
            lat0 + gh * r as f64,
            gw * 0.999,
            gh * 0.999,
            verts,
        );
        areas.push(shape(format!("g{i}"), Level::Grid, None, &g));
    }
    let t = Instant::now();
    let index = AreaIndex::new(areas);
    println!(
        "index of {} areas ({grids} grids × {verts} vertices) built in {:?}",
        index.len(),
        t.elapsed()
    );

    // One city-wide rule, plus one per district for category A.
    let cat = entity::category::Model {
        id: Uuid::now_v7(),
        code: "0301".into(),
        name: "占道经营".into(),
        parent_id: Some(Uuid::now_v7()),
        time_limit: Some(2),
        limit_unit: Some(suishoupai::core::LimitUnit::WorkHours),
        accept_limit_hours: Some(1),
        manual_review: false,
        close_criterion: String::new(),
        sort_order: 0,
        active: true,
        unsatisfied_max: 2,
        attributes: None,
    };
    let now = chrono::Utc::now().fixed_offset();
    let unit = |code: &str| entity::unit::Model {
        id: Uuid::now_v7(),
        code: code.into(),
        name: code.into(),
        kind: "chengguan".into(),
        parent_id: None,
        created_at: now,
        webhook_kind: None,
        webhook_url: None,
        webhook_secret: None,
    };
    let city = unit("city");
    let mut units = vec![city.clone()];
    let mut rules = vec![entity::routing_rule::Model {
        id: Uuid::now_v7(),
        category_id: None,
        area_id: None,
        unit_id: city.id,
        created_at: now,
    }];
    for a in index.all().iter().filter(|a| a.level == Level::District) {
        let u = unit(&format!("u-{}", a.code));
        rules.push(entity::routing_rule::Model {
            id: Uuid::now_v7(),
            category_id: Some(cat.id),
            area_id: Some(a.id),
            unit_id: u.id,
            created_at: now,
        });
        units.push(u);
    }
    let dir = Directory::from_parts(units, rules);

    // A small deterministic generator (no extra dependency).
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut lat = Vec::with_capacity(points);
    let mut found = 0usize;
    for _ in 0..points {
        let (x, y) = (lng0 + next() * w, lat0 + next() * h);
        let t = Instant::now();
        let hits = index.containing(x, y);
        let decision = dir.route(&hits, &cat);
        let el = t.elapsed();
        found += usize::from(decision.is_some());
        lat.push(el);
    }
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let mean: Duration = lat.iter().sum::<Duration>() / lat.len() as u32;
    println!(
        "{points} points: mean {mean:?}, p50 {:?}, p99 {:?}, p99.9 {:?}, max {:?}; routed {found}",
        pct(0.5),
        pct(0.99),
        pct(0.999),
        lat[lat.len() - 1]
    );
}
