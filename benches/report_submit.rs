//! Report submission on PostgreSQL, photos uploaded beforehand: median and
//! p99 latency of sequential requests, then throughput with concurrent
//! clients. Client and server share this machine (loopback only).
//!
//! `cargo bench --bench report_submit -- [SEQUENTIAL] [CONCURRENT_TOTAL] [CLIENTS]`
//! Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
//! BENCH_REDIS_URL (optional: shared state on Redis as in production),
//! BENCH_CATEGORY (0201, automatic dispatch, by default; 0301: manual review).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{BenchApp, pct};

async fn upload_many(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
    seed0: u32,
) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(support::upload(http, base, token, seed0 + i as u32).await);
    }
    ids
}

/// BENCH_CATEGORY, 0201 by default.
fn category() -> String {
    std::env::var("BENCH_CATEGORY").unwrap_or_else(|_| "0201".into())
}

fn body(media: &str, i: usize) -> Value {
    // 0201 (default) needs no manual review: each report is routed, accepted
    // and dispatched with its deadlines (submission to dispatched). 0301 is
    // reviewed by a dispatcher: submission and routing only.
    json!({
        "categoryCode": category(),
        "description": format!("基准测试 #{i}"),
        // Spread over a 100 × 100 lattice ~100 m apart in the urban core, so
        // that (as in real life) few reports have a duplicate candidate.
        "location": {"lat": 40.78 + (i % 100) as f64 * 0.001, "lng": 111.62 + ((i / 100) % 100) as f64 * 0.001, "coordSystem": "gcj02"},
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

    let app = BenchApp::start(|c| {
        c.redis_url = std::env::var("BENCH_REDIS_URL").ok();
        c.limits.report_per_user = 1_000_000;
        c.limits.report_per_ip = 1_000_000;
        c.limits.upload_per_user = 1_000_000;
        c.limits.upload_per_ip = 1_000_000;
    })
    .await;
    let base = app.base.clone();

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
    // Concurrent, with wrk as the load generator: a C program in its own
    // process, so the load costs far less CPU than the reqwest clients above.
    let wrk_secs: u64 = std::env::var("BENCH_WRK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let wrk_photos = wrk_secs as usize * 2500;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("lines.tsv");
    let mut lines = String::new();
    for k in 0..clients {
        let t = login(format!("bench-w{k}")).await;
        let seed = 5_000_000 + (k * wrk_photos) as u32;
        for id in upload_many(&http, &base, &t, wrk_photos / clients, seed).await {
            lines.push_str(&format!("{t}\t{id}\n"));
        }
    }
    std::fs::write(&data, lines).unwrap();
    let script = dir.path().join("submit.lua");
    std::fs::write(
        &script,
        WRK_LUA
            .replace("DATA_FILE", &data.to_string_lossy())
            .replace("CATEGORY", &category()),
    )
    .unwrap();
    let out = std::process::Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{clients}"),
            &format!("-d{wrk_secs}s"),
            "-s",
        ])
        .arg(&script)
        .arg(&base)
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let line = text
                .lines()
                .find(|l| l.starts_with("created"))
                .unwrap_or("no summary");
            println!("wrk, {clients} connections, {wrk_secs} s: {line}");
        }
        _ => println!("wrk: not available (apt-get install wrk)"),
    }
    app.finish().await;
}

/// Each request takes the next (token, photo) pair; only 201s are counted.
const WRK_LUA: &str = r#"
local lines = {}
for l in io.lines("DATA_FILE") do lines[#lines + 1] = l end
local i = 0
created = 0
other = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  i = i + 1
  local l = lines[i]
  if l == nil then return wrk.format("GET", "/healthz") end
  local tok, media = l:match("([^\t]+)\t([^\t]+)")
  -- The same 100 x 100 lattice as the reqwest phases.
  local lat = 40.78 + (i % 100) * 0.001
  local lng = 111.62 + (math.floor(i / 100) % 100) * 0.001
  local body = string.format('{"categoryCode":"CATEGORY","description":"wrk #%d","location":{"lat":%.3f,"lng":%.3f,"coordSystem":"gcj02"},"mediaIds":["%s"]}', i, lat, lng, media)
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tok}, body)
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  local secs = summary.duration / 1e6
  io.write(string.format("created %d reports in %.2f s = %.0f reports/s, %d other responses (health checks after the photos ran out, or errors), %d socket errors, latency p50 %.2f ms p99 %.2f ms\n",
    c, secs, c / secs, o, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"#;
