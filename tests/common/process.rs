//! The server as a process of its own, for what a process in the test
//! cannot show: a SIGKILL, a restart.

use std::process::{Child, Command, Stdio};
use suishoupai::config::{ChecksumMode, Config, StoreKind};

/// A server process and its base URL.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The environment that gives a process the test config's database,
/// Redis, store, data folder and clock.
pub fn env_of(c: &Config) -> Vec<(String, String)> {
    let mut env = vec![
        ("SSP_DATABASE_URL".into(), c.database_url.clone()),
        ("SSP_DATA_DIR".into(), c.data_dir.clone()),
        ("SSP_STORE__LOCAL_ROOT".into(), c.store.local_root.clone()),
    ];
    if let Some(s) = &c.database_schema {
        env.push(("SSP_DATABASE_SCHEMA".into(), s.clone()));
    }
    if let Some(t) = c.clock.start {
        env.push(("SSP_CLOCK__START".into(), t.to_rfc3339()));
    }
    if let Some(r) = &c.redis_url {
        env.push(("SSP_REDIS_URL".into(), r.clone()));
        env.push(("SSP_KEY_PREFIX".into(), c.key_prefix.clone()));
    }
    if c.store.kind == StoreKind::S3 {
        let s3 = &c.store.s3;
        let checksums = match s3.checksums {
            ChecksumMode::WhenRequired => "when_required",
            ChecksumMode::WhenSupported => "when_supported",
        };
        env.extend([
            ("SSP_STORE__KIND".into(), "s3".into()),
            (
                "SSP_STORE__S3__ENDPOINT".into(),
                s3.endpoint.clone().unwrap_or_default(),
            ),
            ("SSP_STORE__S3__BUCKET".into(), s3.bucket.clone()),
            ("SSP_STORE__S3__ACCESS_KEY".into(), s3.access_key.clone()),
            (
                "SSP_STORE__S3__SECRET_KEY".into(),
                secrecy::ExposeSecret::expose_secret(&s3.secret_key).to_owned(),
            ),
            (
                "SSP_STORE__S3__PATH_STYLE".into(),
                s3.path_style.to_string(),
            ),
            ("SSP_STORE__S3__CREATE_BUCKET".into(), "true".into()),
            ("SSP_STORE__S3__CHECKSUMS".into(), checksums.into()),
        ]);
    }
    env
}

/// Runs `suishoupai` with the test config's parts and `args`.
pub fn command(c: &Config, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_suishoupai"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .envs(env_of(c));
    cmd
}

/// Starts `suishoupai serve` on a free loopback port and waits until it
/// is ready.
pub async fn serve(c: &Config) -> Server {
    let port = free_port();
    let child = command(c, &["serve"])
        .env("SSP_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    let ready = super::eventually(60, || async {
        http.get(format!("{}/readyz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;
    assert!(ready, "the server process did not become ready");
    server
}

/// A server process on the test config's database (and Redis) that fires
/// the scheduler and the outbox every 20 ms on a clock started at `now`,
/// with objects under `store` and no demo data: for "exactly once across
/// nodes". Kill it when done.
pub fn ticking(
    c: &Config,
    now: chrono::DateTime<chrono::FixedOffset>,
    store: &std::path::Path,
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_suishoupai"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("SSP_BIND", "127.0.0.1:0")
        .env("SSP_DATABASE_URL", &c.database_url)
        .env("SSP_DEMO_DATA", "false")
        .env("SSP_STORE__LOCAL_ROOT", store)
        .env("SSP_WORKFLOW__SCHEDULER_TICK_MS", "20")
        .env("SSP_WORKFLOW__OUTBOX_TICK_MS", "20")
        .env("SSP_CLOCK__START", now.to_rfc3339())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(s) = &c.database_schema {
        cmd.env("SSP_DATABASE_SCHEMA", s);
    }
    if let Some(r) = &c.redis_url {
        cmd.env("SSP_REDIS_URL", r)
            .env("SSP_KEY_PREFIX", &c.key_prefix);
    }
    cmd.spawn().unwrap()
}
