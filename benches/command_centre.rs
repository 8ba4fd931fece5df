//! The command centre on a seeded city: map views, a year of indicators,
//! the export and the node's memory, over HTTP against the node in this
//! process, side by side with the naive query (a `GROUP BY` of snapped
//! coordinates in the database) for the same view.
//!
//! `cargo bench --bench command_centre -- [CASES=1000000] [BACKEND=postgres|sqlite] [N=200]`
//! Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
//!
//! The seeded city is kept for the next run (PostgreSQL schema
//! `bench_city_<CASES>`, or `target/bench-city-<CASES>.sqlite`), which then
//! measures without seeding: run twice to see the node's memory without the
//! seeding's leftovers. Drop the schema or delete the file when done.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, Database, Statement};
use std::time::{Duration, Instant};
use suishoupai::{App, config::Config};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mib() -> f64 {
    status_mib("VmRSS:")
}

/// The process's highest RSS so far (the kernel's high-water mark).
fn peak_mib() -> f64 {
    status_mib("VmHWM:")
}

fn status_mib(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// A 1366×768 viewport at `zoom` around the city centre.
fn viewport(zoom: u8) -> String {
    let (lat, lng): (f64, f64) = (40.815, 111.685);
    let deg_per_px = 360.0 / (256.0 * 2f64.powi(i32::from(zoom)));
    let w = 1366.0 * deg_per_px / 2.0;
    let h = 768.0 * deg_per_px * lat.to_radians().cos() / 2.0;
    format!(
        "{:.6},{:.6},{:.6},{:.6}",
        lng - w,
        lat - h,
        lng + w,
        lat + h
    )
}

async fn timed(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    n: usize,
) -> (Duration, Duration, usize) {
    let mut lat = Vec::with_capacity(n);
    let mut bytes = 0;
    for _ in 0..n {
        let t = Instant::now();
        let r = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        bytes = r.bytes().await.unwrap().len();
        lat.push(t.elapsed());
    }
    lat.sort();
    (pct(&lat, 0.5), pct(&lat, 0.99), bytes)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    let cases: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let backend = args.get(2).cloned().unwrap_or_else(|| "postgres".into());
    let n: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        ..Config::default()
    };
    c.store.local_root = tmp.path().join("objects").to_string_lossy().into_owned();
    c.data_dir = tmp.path().to_string_lossy().into_owned();
    c.limits.login_per_ip = 1_000_000;
    c.workflow.background_jobs = false;
    let schema = format!("bench_city_{cases}");
    let pg = backend == "postgres";
    if pg {
        let url = std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into());
        let admin = Database::connect(&url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await
            .unwrap();
        c.database_url = url;
        c.database_schema = Some(schema.clone());
    } else {
        let path = format!(
            "{}/target/bench-city-{cases}.sqlite",
            env!("CARGO_MANIFEST_DIR")
        );
        c.database_url = format!("sqlite://{path}?mode=rwc");
    }
    let db = suishoupai::infra::db::connect(&c.database_url, c.database_schema.as_deref())
        .await
        .unwrap();
    suishoupai::infra::db::migrate(&db).await.unwrap();
    let have = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM cases",
        ))
        .await
        .unwrap()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    let t = Instant::now();
    let seeded = if have > 0 {
        0
    } else {
        suishoupai::command::seed::seed(&db, (cases, 365, 2026), chrono::Utc::now().fixed_offset())
            .await
            .unwrap()
    };
    let seed_secs = t.elapsed().as_secs_f64();
    let rss_before = rss_mib();
    let t = Instant::now();
    let app = App::build(c.clone()).await.unwrap();
    let load_secs = t.elapsed().as_secs_f64();
    let rss_after = rss_mib();
    let base = format!("http://{}", app.addr);
    let state = app.state.clone();
    // The rollups of whole segments, which the node's follower builds a
    // moment after the load: built here before the views are timed.
    let t = Instant::now();
    let index = state.command.index.clone();
    let rolled = tokio::task::spawn_blocking(move || index.settle())
        .await
        .unwrap();
    let settle_secs = t.elapsed().as_secs_f64();
    let rss_rolled = rss_mib();
    tokio::spawn(app.run_until(std::future::pending()));
    let http = reqwest::Client::new();
    let token: String = http
        .post(format!("{base}/api/v1/auth/password"))
        .json(&serde_json::json!({"username": "dispatcher", "password": "Dispatch@2026"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .into();

    if seeded > 0 {
        println!(
            "# command centre, {backend}: {seeded} cases seeded in this run in {seed_secs:.0} s"
        );
    } else {
        println!("# command centre, {backend}: {have} cases already there");
    }
    println!(
        "node start (migrate + index load): {load_secs:.1} s; RSS {rss_before:.0} MiB before, {rss_after:.0} MiB after the index"
    );
    println!(
        "rollups: {rolled} more segments in {settle_secs:.2} s (the follower may have built some); RSS {rss_rolled:.0} MiB"
    );
    println!();
    println!("| view | p50 ms | p99 ms | bytes |");
    println!("|---|---|---|---|");
    let filter = "status=dispatched&status=in_progress&status=reopened&category=02";
    let mut views: Vec<(String, String)> = vec![];
    views.push((
        "clusters z10, whole city".into(),
        "/api/v1/map/clusters?bbox=111.4,40.6,112.0,41.0&zoom=10".to_string(),
    ));
    views.push((
        "clusters z10, whole city, filtered".into(),
        format!("/api/v1/map/clusters?bbox=111.4,40.6,112.0,41.0&zoom=10&{filter}"),
    ));
    for z in [12u8, 14, 16, 18] {
        views.push((
            format!("clusters z{z}, viewport"),
            format!("/api/v1/map/clusters?bbox={}&zoom={z}", viewport(z)),
        ));
        views.push((
            format!("clusters z{z}, viewport, filtered"),
            format!(
                "/api/v1/map/clusters?bbox={}&zoom={z}&{filter}",
                viewport(z)
            ),
        ));
    }
    views.push((
        "heatmap z12, viewport".into(),
        format!("/api/v1/map/heatmap?bbox={}&zoom=12", viewport(12)),
    ));
    views.push((
        "areas, districts z10".into(),
        "/api/v1/map/areas?level=district&zoom=10".into(),
    ));
    views.push((
        "areas, grids z14".into(),
        "/api/v1/map/areas?level=grid&zoom=14".into(),
    ));
    let today = chrono::Utc::now().date_naive();
    let year_ago = today - chrono::Duration::days(364);
    views.push((
        "indicators, a year by unit".into(),
        format!("/api/v1/stats/indicators?from={year_ago}&to={today}&groupBy=unit"),
    ));
    views.push((
        "indicators, a year by day".into(),
        format!("/api/v1/stats/indicators?from={year_ago}&to={today}&groupBy=day"),
    ));
    views.push(("header summary".into(), "/api/v1/stats/summary".into()));
    for (name, path) in &views {
        let url = format!("{base}{path}");
        timed(&http, &url, &token, 5).await;
        let (p50, p99, bytes) = timed(&http, &url, &token, n).await;
        println!("| {name} | {:.2} | {:.2} | {bytes} |", ms(p50), ms(p99));
    }

    // The naive query, side by side: snap to a grid and GROUP BY in the database.
    let naive = |filtered: bool| {
        let cond = if filtered {
            " AND status IN ('dispatched','in_progress','reopened')"
        } else {
            ""
        };
        format!(
            "SELECT round(lat*100)/100 AS a, round(lng*100)/100 AS b, count(*) FROM cases \
             WHERE lat BETWEEN 40.6 AND 41.0 AND lng BETWEEN 111.4 AND 112.0{cond} GROUP BY 1, 2"
        )
    };
    let backend_kind = db.get_database_backend();
    for filtered in [false, true] {
        let mut lat = vec![];
        for _ in 0..10 {
            let t = Instant::now();
            db.query_all_raw(Statement::from_string(backend_kind, naive(filtered)))
                .await
                .unwrap();
            lat.push(t.elapsed());
        }
        lat.sort();
        let url = format!(
            "{base}/api/v1/map/clusters?bbox=111.4,40.6,112.0,41.0&zoom=10{}",
            if filtered {
                "&status=dispatched&status=in_progress&status=reopened"
            } else {
                ""
            }
        );
        let (ours, _, _) = timed(&http, &url, &token, 20).await;
        println!(
            "\nnaive GROUP BY in the database{}: p50 {:.1} ms; our clusters over HTTP {:.2} ms: {:.0}× faster",
            if filtered { " (status filter)" } else { "" },
            ms(pct(&lat, 0.5)),
            ms(ours),
            pct(&lat, 0.5).as_secs_f64() / ours.as_secs_f64()
        );
    }

    // The export, whole city.
    let t = Instant::now();
    let r = http
        .get(format!("{base}/api/v1/exports/cases.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    // Counted as it arrives, not held (10,000,000 rows are 3 GB).
    let (mut r, mut bytes, mut lines) = (r, 0usize, 0usize);
    while let Some(chunk) = r.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let secs = t.elapsed().as_secs_f64();
    let rows = lines.saturating_sub(1);
    println!(
        "\nCSV export: {rows} rows, {:.0} MB in {secs:.1} s: {:.0} rows/s",
        bytes as f64 / 1e6,
        rows as f64 / secs
    );
    let t = Instant::now();
    let r = http
        .get(format!(
            "{base}/api/v1/exports/cases.xlsx?createdFrom={}T00:00:00%2B08:00",
            today - chrono::Duration::days(30)
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let len = r.bytes().await.unwrap().len();
    println!(
        "XLSX export, last 30 days: {:.1} MB in {:.1} s",
        len as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    println!(
        "RSS at the end: {:.0} MiB; the highest of the run: {:.0} MiB",
        rss_mib(),
        peak_mib()
    );

    // The index's snapshot, and a second node started from it.
    let t = Instant::now();
    let written = suishoupai::command::index::save_snapshot(&state)
        .await
        .unwrap();
    let save_secs = t.elapsed().as_secs_f64();
    let size =
        std::fs::metadata(tmp.path().join("objects/index/cases.snap")).map_or(0, |m| m.len());
    let t = Instant::now();
    let second = App::build(c).await.unwrap();
    println!(
        "snapshot: {written} cases, {:.0} MB, written in {save_secs:.1} s; a second node ready from it in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    drop(second);
    println!(
        "(the seeded city stays for the next run: {})",
        if pg {
            format!("schema {schema}")
        } else {
            "target/bench-city-*.sqlite".into()
        }
    );
}
