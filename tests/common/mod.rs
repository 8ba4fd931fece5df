//! Shared test helpers: an app on port 0 with state of its own, on the
//! embedded backends by default, or on PostgreSQL / Redis / S3 when
//! `TEST_DATABASE_URL`, `TEST_REDIS_URL` and `TEST_S3_ENDPOINT` are given.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod process;
pub mod relay;
pub mod s3;
pub mod stand_in;

use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use suishoupai::{
    App,
    config::{Config, StoreKind},
    state::AppState,
};
use tokio::sync::oneshot;
use uuid::Uuid;

pub struct TestApp {
    pub base: String,
    pub http: Client,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    pub server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _tmp: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A test config on its own temporary folder, database schema, Redis prefix
/// and bucket.
pub async fn test_config(tmp: &std::path::Path) -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        ..Config::default()
    };
    c.store.local_root = tmp.join("objects").to_string_lossy().into_owned();
    c.data_dir = tmp.to_string_lossy().into_owned();
    c.database_url = format!("sqlite://{}/db.sqlite?mode=rwc", tmp.display());
    c.media.url_ttl_secs = 600;
    c.shutdown_grace_secs = 5;
    c.clock.start = Some(clock_start());
    let id = Uuid::now_v7().simple().to_string();
    if let Some(url) = real_part("TEST_DATABASE_URL") {
        let schema = format!("t_{id}");
        let admin = Database::connect(&url)
            .await
            .expect("TEST_DATABASE_URL must be reachable");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .unwrap();
        admin.close().await.ok();
        c.database_url = url;
        c.database_schema = Some(schema);
    }
    if let Some(url) = real_part("TEST_REDIS_URL") {
        c.redis_url = Some(url);
        c.key_prefix = format!("test:{id}:");
    }
    if real_part("TEST_S3_ENDPOINT").is_some() {
        s3::use_s3(&mut c, &id).await;
    }
    c
}

/// Where a test app's clock starts: Monday 30 November 2026, 10:00 China
/// time, a working day. It runs on from there, and the test moves it
/// (`TestApp::advance`), so that no test depends on the hour or the day it
/// runs at. Tests whose other side runs on the system clock (a browser, the
/// mini-program, a Python client) set `c.clock.start = None`.
pub const CLOCK_START: &str = "2026-11-30T10:00:00+08:00";

pub fn clock_start() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(CLOCK_START).unwrap()
}

/// The address of a real part (`TEST_DATABASE_URL`, `TEST_REDIS_URL`,
/// `TEST_S3_ENDPOINT`), or none: the embedded backend. With
/// `TEST_REAL_PARTS=required` (CI's real-parts run) a part not named fails
/// the test, so that a suite meant for the real parts never passes on the
/// embedded ones, nor skips a test that only they can run.
pub fn real_part(var: &str) -> Option<String> {
    let url = std::env::var(var).ok().filter(|v| !v.is_empty());
    let required = std::env::var("TEST_REAL_PARTS").is_ok_and(|v| v == "required");
    assert!(
        url.is_some() || !required,
        "TEST_REAL_PARTS=required but {var} is not set"
    );
    url
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(f: impl FnOnce(&mut Config)) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = test_config(tmp.path()).await;
    f(&mut config);
    if config.demo_data && config.mode == suishoupai::config::Mode::Embedded {
        from_template(&mut config).await;
    }
    start(config, tmp).await
}

/// A database as a node leaves it after its first start (migrated, the
/// shipped calendar, the demo city), made once per test process: a SQLite
/// file, or a PostgreSQL database to copy (`CREATE DATABASE … TEMPLATE`).
enum Template {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

static TEMPLATE: tokio::sync::OnceCell<Template> = tokio::sync::OnceCell::const_new();

/// The first-start work, as `App::build` does it, on `db`.
async fn first_start(db: &sea_orm::DatabaseConnection) {
    suishoupai::infra::db::migrate(db).await.unwrap();
    suishoupai::calendar::store::seed_shipped(db).await.unwrap();
    suishoupai::demo::load_if_empty(db, clock_start())
        .await
        .unwrap();
}

/// A PostgreSQL URL with another database in its path.
fn pg_database(url: &str, name: &str) -> String {
    let mut u = reqwest::Url::parse(url).unwrap();
    u.set_path(name);
    u.to_string()
}

async fn template() -> &'static Template {
    TEMPLATE
        .get_or_init(|| async {
            if let Some(url) = real_part("TEST_DATABASE_URL") {
                let name = format!("ssp_tmpl_{}", Uuid::now_v7().simple());
                let admin = Database::connect(&url).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                admin.close().await.ok();
                let db = suishoupai::infra::db::connect(&pg_database(&url, &name), None)
                    .await
                    .unwrap();
                first_start(&db).await;
                db.close().await.ok();
                Template::Postgres(name)
            } else {
                let dir = tempfile::tempdir().unwrap().keep();
                let db = suishoupai::infra::db::connect(
                    &format!("sqlite://{}/first.sqlite?mode=rwc", dir.display()),
                    None,
                )
                .await
                .unwrap();
                first_start(&db).await;
                // One file, whatever the journal held.
                let path = dir.join("template.sqlite");
                db.execute_unprepared(&format!("VACUUM INTO '{}'", path.display()))
                    .await
                    .unwrap();
                db.close().await.ok();
                Template::Sqlite(path)
            }
        })
        .await
}

/// Points the test's config at a copy of the template database, instead of
/// migrating and loading the demo city (hashing its passwords) again.
async fn from_template(config: &mut Config) {
    match template().await {
        Template::Sqlite(path) => {
            let target = suishoupai::infra::db::sqlite_path(&config.database_url)
                .expect("an embedded test database is a SQLite file");
            std::fs::copy(path, target).unwrap();
        }
        Template::Postgres(name) => {
            let url = config.database_url.clone();
            let copy = format!("t_{}", Uuid::now_v7().simple());
            let admin = Database::connect(&url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{copy}\" TEMPLATE \"{name}\""))
                .await
                .unwrap();
            admin.close().await.ok();
            config.database_url = pg_database(&url, &copy);
            config.database_schema = None;
        }
    }
}

/// An app on the system's clock, for tests whose other side (a browser,
/// the mini-program, a Python client) reads the system's time: a photo's
/// expiry or a token's age must mean the same on both sides.
pub async fn spawn_on_system_time(f: impl FnOnce(&mut Config)) -> TestApp {
    spawn_with(|c| {
        c.clock.start = None;
        f(c);
    })
    .await
}

pub async fn start(config: Config, tmp: tempfile::TempDir) -> TestApp {
    let app = App::build(config).await.expect("app builds");
    let base = format!("http://{}", app.addr);
    let state = app.state.clone();
    let (tx, rx) = oneshot::channel();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        base,
        http: Client::builder().build().unwrap(),
        state,
        shutdown: Some(tx),
        server: Some(server),
        _tmp: tmp,
    }
}

pub fn store_is_s3(app: &TestApp) -> bool {
    app.state.config.store.kind == StoreKind::S3
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Asks the server to stop (as SIGTERM would) and returns its task.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.server.take().unwrap()
    }

    pub async fn citizen(&self, openid: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/v1/auth/dev"))
            .json(&json!({ "openid": openid }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "dev login");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn staff(&self, username: &str, password: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/v1/auth/password"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "password login {username}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn upload(&self, token: &str, name: &str, bytes: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.http
            .post(self.url("/api/v1/media"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a photo and returns its id.
    pub async fn photo(&self, token: &str, bytes: Vec<u8>) -> String {
        let r = self.upload(token, "p.jpg", bytes).await;
        assert_eq!(r.status(), StatusCode::OK, "upload");
        r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut rb = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send().await.unwrap()
    }

    /// The node's count of SQL statements, from `/metrics`.
    pub async fn statements(&self) -> u64 {
        let text = self.get("/metrics", None).await.text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("suishoupai_db_statements_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("statement counter in /metrics")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut rb = self.http.get(self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send().await.unwrap()
    }

    pub async fn count<E: EntityTrait>(&self, _table: E) -> u64
    where
        E::Model: Sync,
    {
        E::find().count(&self.state.db).await.unwrap()
    }

    pub async fn objects(&self) -> Vec<String> {
        self.state.store.list("media/").await.unwrap()
    }

    /// Rows and objects that a failed request must not have added.
    pub async fn footprint(&self) -> (u64, u64, u64, usize) {
        (
            self.count(entity::cases::Entity).await,
            self.count(entity::case_event::Entity).await,
            self.count(entity::media::Entity).await,
            self.objects().await.len(),
        )
    }
}

/// A small valid JPEG of the given size and shade.
pub fn jpeg(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

/// Asserts the JSON error body's status and code; returns the body.
pub async fn expect_error(r: Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status().as_u16(), status, "status for {code}");
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "error content type {ct}"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "error body {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
    body
}

/// A valid report body inside 赛罕区人民路街道.
pub fn report_body(media: &[&str]) -> Value {
    json!({
        "categoryCode": "0201",
        "description": "电线杆上贴满了小广告",
        "location": { "lat": 40.79, "lng": 111.70, "coordSystem": "wgs84" },
        "address": "人民路与大学西街交叉口",
        "mediaIds": media,
    })
}

pub const DISPATCHER: (&str, &str) = ("dispatcher", "Dispatch@2026");
pub const SUPERVISOR: (&str, &str) = ("supervisor", "Supervise@2026");
pub const ADMIN: (&str, &str) = ("admin", "Admin@2026");
pub const UNIT_PASSWORD: &str = "Unit@2026";

impl TestApp {
    /// Submits a report of `category` at a point in 赛罕区 and returns it.
    pub async fn submit(&self, citizen: &str, category: &str, lat: f64, lng: f64) -> Value {
        let media = self.photo(citizen, jpeg(64, 48, rand_shade())).await;
        let r = self
            .post_json(
                "/api/v1/reports",
                Some(citizen),
                &json!({
                    "categoryCode": category,
                    "description": "测试",
                    "location": {"lat": lat, "lng": lng, "coordSystem": "wgs84"},
                    "mediaIds": [media],
                }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "submit");
        r.json().await.unwrap()
    }

    /// POST /cases/{id}/{action}.
    pub async fn act(&self, token: &str, id: &str, action: &str, body: Value) -> Response {
        self.post_json(&format!("/api/v1/cases/{id}/{action}"), Some(token), &body)
            .await
    }

    /// Runs an action that must succeed; returns the case.
    pub async fn act_ok(&self, token: &str, id: &str, action: &str, mut body: Value) -> Value {
        if body.get("expectedVersion").is_none() {
            let v = self.case(token, id).await["version"].clone();
            body["expectedVersion"] = v;
        }
        let r = self.act(token, id, action, body).await;
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{action}: {v}");
        v
    }

    /// GET /cases/{id}.
    pub async fn case(&self, token: &str, id: &str) -> Value {
        let r = self.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
        assert_eq!(r.status(), StatusCode::OK, "get case");
        r.json().await.unwrap()
    }

    /// The app's time (its clock, which the test owns).
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.state.clock.now()
    }

    /// Moves the app's clock on, as if `by` had passed.
    pub fn advance(&self, by: chrono::Duration) {
        assert!(self.state.clock.advance(by), "the test app's clock is set");
    }

    /// Fires what is due on the app's clock now (the scheduler's tick);
    /// returns how many events fired.
    pub async fn tick(&self) -> usize {
        suishoupai::cases::scheduler::tick(&self.state)
            .await
            .unwrap()
    }
}

fn rand_shade() -> u8 {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    (N.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 251) as u8
}

/// Waits until `f` holds, up to `secs`.
pub async fn eventually<F, Fut>(secs: u64, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < until {
        if f().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// Issues an Open311 api_key through the admin API: (the key, its id).
pub async fn issue_key(app: &TestApp, name: &str, rate: Option<i32>) -> (String, String) {
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let r = app
        .post_json(
            "/api/v1/admin/api-keys",
            Some(&admin),
            &json!({"name": name, "ratePerMinute": rate}),
        )
        .await;
    assert_eq!(r.status(), 200, "issue key");
    let body: Value = r.json().await.unwrap();
    (
        body["apiKey"].as_str().unwrap().to_owned(),
        body["key"]["id"].as_str().unwrap().to_owned(),
    )
}
