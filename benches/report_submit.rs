//! Report submission on PostgreSQL, photos uploaded beforehand: median and
//! p99 latency of sequential requests, then throughput with concurrent
//! clients. Client and server share this machine (loopback only).
//!
//! `cargo bench --bench report_submit -- [SEQUENTIAL] [CONCURRENT_TOTAL] [CLIENTS]`
//! Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
//! BENCH_REDIS_URL (optional: shared state on Redis as in production).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use suishoupai::{App, config::Config};

fn jpeg(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 32, |x, y| {
        image::Rgb([
            (seed % 251) as u8,
            ((seed / 251) % 251) as u8,
            ((x * 7 + y * 3) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn upload_many(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
    seed0: u32,
) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let part = reqwest::multipart::Part::bytes(jpeg(seed0 + i as u32)).file_name("p.jpg");
        let r = http
            .post(format!("{base}/api/v1/media"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "upload {}", r.status());
        ids.push(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids
}

fn body(media: &str, i: usize) -> Value {
    json!({
        "categoryCode": "0201",
        "description": format!("基准测试 #{i}"),
        "location": {"lat": 40.79 + (i % 100) as f64 * 0.0001, "lng": 111.70, "coordSystem": "gcj02"},
        "mediaIds": [media],
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sequential = args.first().copied().unwrap_or(1000);
    let concurrent_total = args.get(1).copied().unwrap_or(4000);
    let clients = args.get(2).copied().unwrap_or(32);

    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("bench_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(&url).await.expect("PostgreSQL reachable");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        ..Config::default()
    };
    c.database_url = url.clone();
    c.database_schema = Some(schema.clone());
    c.redis_url = std::env::var("BENCH_REDIS_URL").ok();
    c.key_prefix = format!("{schema}:");
    c.store.local_root = tmp.path().join("objects").to_string_lossy().into_owned();
    c.limits.report_per_user = 1_000_000;
    c.limits.report_per_ip = 1_000_000;
    c.limits.upload_per_user = 1_000_000;
    c.limits.upload_per_ip = 1_000_000;
    c.limits.login_per_ip = 1_000_000;
    let app = App::build(c).await.unwrap();
    let base = format!("http://{}", app.addr);
    tokio::spawn(app.run_until(std::future::pending()));

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 2)
        .build()
        .unwrap();
    let login = |openid: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r: Value = http
                .post(format!("{base}/api/v1/auth/dev"))
                .json(&json!({"openid": openid}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["token"].as_str().unwrap().to_owned()
        }
    };

    // Sequential.
    let token = login("bench-seq".into()).await;
    let photos = upload_many(&http, &base, &token, sequential + 20, 0).await;
    for (i, p) in photos[..20].iter().enumerate() {
        // Warm-up.
        let r = http
            .post(format!("{base}/api/v1/reports"))
            .bearer_auth(&token)
            .json(&body(p, i))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let mut lat = Vec::with_capacity(sequential);
    for (i, p) in photos[20..].iter().enumerate() {
        let t = Instant::now();
        let r = http
            .post(format!("{base}/api/v1/reports"))
            .bearer_auth(&token)
            .json(&body(p, i))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let _ = r.bytes().await.unwrap();
        lat.push(t.elapsed());
        assert_eq!(status, 201);
    }
    lat.sort();
    println!(
        "sequential: {} reports, median {:.2} ms, p99 {:.2} ms, {:.0} reports/s",
        lat.len(),
        pct(&lat, 0.5).as_secs_f64() * 1e3,
        pct(&lat, 0.99).as_secs_f64() * 1e3,
        lat.len() as f64 / lat.iter().sum::<Duration>().as_secs_f64()
    );

    // Concurrent: each client its own citizen and photos.
    let per = concurrent_total / clients;
    let mut prepared = Vec::new();
    for k in 0..clients {
        let t = login(format!("bench-c{k}")).await;
        let ps = upload_many(&http, &base, &t, per, 1_000_000 + (k * per) as u32).await;
        prepared.push((t, ps));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (t, ps) in prepared {
        let http = http.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = 0usize;
            let mut lat = Vec::with_capacity(ps.len());
            for (i, p) in ps.iter().enumerate() {
                let s = Instant::now();
                match http
                    .post(format!("{base}/api/v1/reports"))
                    .bearer_auth(&t)
                    .json(&body(p, i))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 201 => {
                        let _ = r.bytes().await;
                    }
                    _ => errors += 1,
                }
                lat.push(s.elapsed());
            }
            (errors, lat)
        }));
    }
    let mut errors = 0;
    let mut all = Vec::new();
    for t in tasks {
        let (e, l) = t.await.unwrap();
        errors += e;
        all.extend(l);
    }
    let elapsed = started.elapsed();
    all.sort();
    println!(
        "concurrent: {clients} clients, {} reports in {:.2} s = {:.0} reports/s, median {:.2} ms, p99 {:.2} ms, {errors} errors",
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(&all, 0.5).as_secs_f64() * 1e3,
        pct(&all, 0.99).as_secs_f64() * 1e3,
    );
    admin
        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await
        .unwrap();
}
