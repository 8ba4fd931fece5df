//! One case read over HTTP, on PostgreSQL: `GET /api/v1/cases/{id}` as the
//! dispatcher and `GET /api/v1/reports/{id}` as the citizen, side by side in
//! one run with `GET /healthz` (the floor: the HTTP round trip alone).
//! Sequential median and p99, then throughput with concurrent clients.
//!
//! `cargo bench --bench case_detail -- [SEQUENTIAL=2000] [CLIENTS=16] [SECS=5]`
//! Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{BenchApp, pct, upload};

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let r = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

/// Sequential latency, then concurrent throughput, of one GET.
async fn measure(
    http: &reqwest::Client,
    name: &str,
    url: &str,
    token: &str,
    n: usize,
    clients: usize,
    secs: u64,
) {
    for _ in 0..50 {
        http.get(url).bearer_auth(token).send().await.unwrap();
    }
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        let _ = r.bytes().await.unwrap();
        lat.push(t.elapsed());
    }
    lat.sort();
    let stop = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, token) = (http.clone(), url.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors) = (0usize, 0usize);
            while Instant::now() < stop {
                match http.get(&url).bearer_auth(&token).send().await {
                    Ok(r) if r.status() == 200 => {
                        let _ = r.bytes().await;
                        ok += 1;
                    }
                    _ => errors += 1,
                }
            }
            (ok, errors)
        }));
    }
    let (mut ok, mut errors) = (0, 0);
    for t in tasks {
        let (o, e) = t.await.unwrap();
        ok += o;
        errors += e;
    }
    println!(
        "{name:<28} sequential median {:.3} ms, p99 {:.3} ms | {clients} clients: {:.0} req/s, {errors} errors",
        pct(&lat, 0.5).as_secs_f64() * 1e3,
        pct(&lat, 0.99).as_secs_f64() * 1e3,
        ok as f64 / started.elapsed().as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(2000);
    let clients = args.get(1).copied().unwrap_or(16);
    let secs = args.get(2).copied().unwrap_or(5) as u64;

    let app = BenchApp::start(|_| {}).await;
    let base = app.base.clone();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 2)
        .build()
        .unwrap();

    // A case with a realistic history: two reports at one spot (a duplicate
    // candidate), the second auto-dispatched (0201), claimed, resolved with
    // an after-photo; 3 photos in all, 6 timeline events.
    let citizen = post(
        &http,
        format!("{base}/api/v1/auth/dev"),
        "",
        json!({"openid": "bench"}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut case_id = String::new();
    for i in 0..2 {
        let m = upload(&http, &base, &citizen, i).await;
        let r = post(
            &http,
            format!("{base}/api/v1/reports"),
            &citizen,
            json!({"categoryCode": "0201", "description": "基准", "location": {"lat": 40.8123, "lng": 111.6601, "coordSystem": "wgs84"}, "mediaIds": [m]}),
        )
        .await;
        case_id = r["id"].as_str().unwrap().to_owned();
    }
    let staff = |user: &'static str, pw: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            post(
                &http,
                format!("{base}/api/v1/auth/password"),
                "",
                json!({"username": user, "password": pw}),
            )
            .await["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let dispatcher = staff("dispatcher", "Dispatch@2026").await;
    let view: Value = http
        .get(format!("{base}/api/v1/cases/{case_id}"))
        .bearer_auth(&dispatcher)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit_code = view["unit"]["code"].as_str().unwrap().to_owned();
    let unit_user: &'static str = Box::leak(unit_code.into_boxed_str());
    let unit = staff(unit_user, "Unit@2026").await;
    let v = post(
        &http,
        format!("{base}/api/v1/cases/{case_id}/claim"),
        &unit,
        json!({"expectedVersion": view["version"]}),
    )
    .await;
    let after = upload(&http, &base, &unit, 99).await;
    let v = post(
        &http,
        format!("{base}/api/v1/cases/{case_id}/resolve"),
        &unit,
        json!({"expectedVersion": v["version"], "mediaIds": [after], "note": "已清理"}),
    )
    .await;
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["duplicateCandidates"].as_array().unwrap().len(), 1);

    println!(
        "GET, {n} sequential requests each, then {clients} clients for {secs} s (PostgreSQL, in-process state)"
    );
    measure(
        &http,
        "GET /healthz (floor)",
        &format!("{base}/healthz"),
        "",
        n,
        clients,
        secs,
    )
    .await;
    measure(
        &http,
        "GET /cases/{id} (dispatcher)",
        &format!("{base}/api/v1/cases/{case_id}"),
        &dispatcher,
        n,
        clients,
        secs,
    )
    .await;
    measure(
        &http,
        "GET /cases/{id} (unit)",
        &format!("{base}/api/v1/cases/{case_id}"),
        &unit,
        n,
        clients,
        secs,
    )
    .await;
    measure(
        &http,
        "GET /reports/{id} (citizen)",
        &format!("{base}/api/v1/reports/{case_id}"),
        &citizen,
        n,
        clients,
        secs,
    )
    .await;

    app.finish().await;
}
