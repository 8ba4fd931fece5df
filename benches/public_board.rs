//! The public board under a city's load (issue 25, point 3): the whole
//! request over HTTP, at a fixed rate from `hey` (a Go load generator in
//! its own process, `apt-get install hey`), on two nodes over the same
//! PostgreSQL data side by side in one run: one keeping each rendered
//! page (`publication.board_cache_secs = 30`, as shipped), one rendering
//! every request (`= 0`, the same queries without the cache).
//!
//! The data: `admin seed`'s believable history (20,000 cases by default),
//! every case taken on by a person, and two reviewed photos on each of the
//! 2,000 most recently closed, so that a board page reads what it would
//! in a city.
//!
//! ```sh
//! cargo bench --bench public_board -- [CASES=20000] [RATE=1000] [SECS=20]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use sea_orm::{ConnectionTrait, Database};
use std::process::Command;
use suishoupai::{App, config::Config};

/// What hey measured.
#[derive(Debug, Default)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    ok: u64,
    other: u64,
}

fn hey(url: &str, rate: u32, secs: u32) -> Run {
    // 50 workers, each at most rate/50 requests a second.
    let workers = 50;
    let out = Command::new("hey")
        .args([
            "-z",
            &format!("{secs}s"),
            "-c",
            &workers.to_string(),
            "-q",
            &(f64::from(rate) / f64::from(workers)).to_string(),
            url,
        ])
        .output()
        .expect("hey runs (apt-get install hey)");
    let text = String::from_utf8_lossy(&out.stdout);
    let num = |line: &str, after: &str| -> Option<f64> {
        line.split(after)
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let mut r = Run::default();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("Requests/sec:") {
            r.rps = num(l, "Requests/sec:").unwrap_or_default();
        } else if l.starts_with("50% in") {
            r.p50_ms = num(l, "50% in").unwrap_or_default() * 1000.0;
        } else if l.starts_with("99% in") {
            r.p99_ms = num(l, "99% in").unwrap_or_default() * 1000.0;
        } else if let Some(rest) = l.strip_prefix('[') {
            let (code, n) = rest.split_once(']').unwrap_or_default();
            let n: u64 = n
                .split_whitespace()
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0);
            if code == "200" {
                r.ok += n;
            } else {
                r.other += n;
            }
        } else if l.starts_with("Error distribution") {
            r.other += 1;
        }
    }
    r
}

async fn node(url: &str, schema: &str, dir: &std::path::Path, cache_secs: u64) -> String {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        ..Config::default()
    };
    c.database_url = url.into();
    c.database_schema = Some(schema.into());
    c.key_prefix = format!("{schema}:{cache_secs}:");
    c.store.local_root = dir.join("objects").to_string_lossy().into_owned();
    c.publication.board_cache_secs = cache_secs;
    let app = App::build(c).await.map_err(|e| format!("{e:#}")).unwrap();
    let base = format!("http://{}", app.addr);
    tokio::spawn(app.run_until(std::future::pending()));
    base
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let arg = |i: usize, d: u32| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (cases, rate, secs) = (arg(0, 20_000), arg(1, 1000), arg(2, 20));
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into());
    let schema = format!("bench_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(&url).await.expect("PostgreSQL reachable");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .unwrap();

    // The data, before either node starts (each loads it as it starts).
    let db = suishoupai::infra::db::connect(&url, Some(&schema))
        .await
        .unwrap();
    suishoupai::infra::db::migrate(&db).await.unwrap();
    suishoupai::calendar::store::seed_shipped(&db)
        .await
        .unwrap();
    let now = chrono::Utc::now().fixed_offset();
    suishoupai::demo::load_if_empty(&db, now).await.unwrap();
    let t = std::time::Instant::now();
    let n = suishoupai::command::seed::seed(&db, (cases as usize, 365, 7), now)
        .await
        .unwrap();
    db.execute_unprepared(
        "UPDATE cases SET taken_on_at = dispatched_at WHERE dispatched_at IS NOT NULL",
    )
    .await
    .unwrap();
    // Two reviewed photos (before and after) on the 2,000 most recently closed.
    db.execute_unprepared(
        "INSERT INTO media (id, owner_id, sha256, content_type, width, height, bytes, \
         original_format, object_key, thumb_key, case_id, created_at, expires_at, \
         reviewed_at, public_rev) \
         SELECT gen_random_uuid(), CASE WHEN k = 0 THEN c.reporter_id ELSE \
         (SELECT id FROM users WHERE id <> c.reporter_id LIMIT 1) END, \
         md5(c.id::text || k::text), 'image/jpeg', 2048, 1536, 400000, 'jpeg', \
         'media/x/full.jpg', 'media/x/thumb.jpg', c.id, now(), now(), now(), 1 \
         FROM (SELECT id, reporter_id FROM cases WHERE status = 'closed' \
               ORDER BY closed_at DESC LIMIT 2000) c, generate_series(0, 1) k",
    )
    .await
    .unwrap();
    println!(
        "seeded {n} cases and 4,000 reviewed photos in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir().unwrap();
    let cached = node(&url, &schema, dir.path(), 30).await;
    let fresh = node(&url, &schema, dir.path(), 0).await;
    let http = reqwest::Client::new();
    let machine = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name\t: ").map(str::to_owned))
        .unwrap_or_default();
    println!(
        "machine: {machine}, {} CPUs; hey -z {secs}s -c 50 -q {}, {rate} requests/s offered",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        f64::from(rate) / 50.0
    );
    println!("| page | node | requests/s | p50 ms | p99 ms | 200 | other |");
    println!("|---|---|---|---|---|---|---|");
    for page in [
        "/api/v1/board/cases?limit=20",
        "/api/v1/board/districts",
        "/moments",
    ] {
        let page = if page == "/moments" {
            "/api/v1/moments"
        } else {
            page
        };
        let mut p99 = [0.0; 2];
        for (i, (name, base)) in [("cached", &cached), ("uncached", &fresh)]
            .into_iter()
            .enumerate()
        {
            // Warm: the page rendered once, the connections open.
            let r = http.get(format!("{base}{page}")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{page}");
            let run = tokio::task::spawn_blocking({
                let url = format!("{base}{page}");
                move || hey(&url, rate, secs)
            })
            .await
            .unwrap();
            p99[i] = run.p99_ms;
            println!(
                "| `{page}` | {name} | {:.0} | {:.1} | {:.1} | {} | {} |",
                run.rps, run.p50_ms, run.p99_ms, run.ok, run.other
            );
        }
        println!(
            "| | uncached / cached p99 | | | {:.1}× | | |",
            p99[1] / p99[0].max(0.001)
        );
    }
    admin
        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await
        .unwrap();
}
