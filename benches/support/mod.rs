//! What the HTTP benchmarks share: the app in-process on a fresh PostgreSQL
//! schema (dropped afterwards), test photos and their upload, percentiles.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use std::time::Duration;
use suishoupai::{App, config::Config};

/// The app serving on a loopback port, on a schema of its own.
pub struct BenchApp {
    pub base: String,
    admin: DatabaseConnection,
    schema: String,
    _tmp: tempfile::TempDir,
}

impl BenchApp {
    /// Starts the app on BENCH_DATABASE_URL (default: the local `test`
    /// database without TLS), in a fresh schema; `tune` adjusts the config.
    pub async fn start(tune: impl FnOnce(&mut Config)) -> Self {
        let url = std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".into());
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
        c.database_url = url;
        c.database_schema = Some(schema.clone());
        c.key_prefix = format!("{schema}:");
        c.store.local_root = tmp.path().join("objects").to_string_lossy().into_owned();
        c.limits.login_per_ip = 1_000_000;
        tune(&mut c);
        let app = App::build(c).await.map_err(|e| format!("{e:#}")).unwrap();
        let base = format!("http://{}", app.addr);
        tokio::spawn(app.run_until(std::future::pending()));
        Self {
            base,
            admin,
            schema,
            _tmp: tmp,
        }
    }

    /// Drops the schema.
    pub async fn finish(self) {
        self.admin
            .execute_unprepared(&format!("DROP SCHEMA \"{}\" CASCADE", self.schema))
            .await
            .unwrap();
    }
}

/// A small distinct JPEG per seed (distinct, so that uploads are not
/// deduplicated).
pub fn jpeg(seed: u32) -> Vec<u8> {
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

/// Uploads the photo of `seed`; returns its id.
pub async fn upload(http: &reqwest::Client, base: &str, token: &str, seed: u32) -> String {
    let part = reqwest::multipart::Part::bytes(jpeg(seed)).file_name("p.jpg");
    let r = http
        .post(format!("{base}/api/v1/media"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "upload {}", r.status());
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The `p` quantile of sorted durations.
pub fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}
