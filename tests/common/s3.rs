//! An S3 server for tests: the one named by TEST_S3_ENDPOINT (CI starts
//! one), or s3s-fs run in-process on a thread of its own.

use hyper_util::rt::{TokioExecutor, TokioIo};
use s3s::{auth::SimpleAuth, service::S3ServiceBuilder};
use std::sync::OnceLock;
use suishoupai::config::{ChecksumMode, Config, StoreKind};

const ACCESS_KEY: &str = "test-access-key";
const SECRET_KEY: &str = "test-secret-key";

static IN_PROCESS: OnceLock<String> = OnceLock::new();

/// Starts (once per test binary) an s3s-fs server on a free port.
pub fn in_process_endpoint() -> String {
    IN_PROCESS
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let root = tempfile::tempdir().unwrap().keep();
                    let fs = s3s_fs::FileSystem::new(&root).unwrap();
                    let mut b = S3ServiceBuilder::new(fs);
                    b.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
                    let service = b.build();
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    tx.send(format!("http://{}", listener.local_addr().unwrap()))
                        .unwrap();
                    let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    loop {
                        let Ok((sock, _)) = listener.accept().await else {
                            continue;
                        };
                        let conn = http
                            .serve_connection(TokioIo::new(sock), service.clone())
                            .into_owned();
                        tokio::spawn(async move {
                            let _ = conn.await;
                        });
                    }
                });
            });
            rx.recv().unwrap()
        })
        .clone()
}

/// Points the config at S3 with a bucket of its own.
pub async fn use_s3(c: &mut Config, id: &str) {
    let endpoint = std::env::var("TEST_S3_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty() && e != "inprocess")
        .unwrap_or_else(in_process_endpoint);
    c.store.kind = StoreKind::S3;
    c.store.s3.endpoint = Some(endpoint);
    c.store.s3.bucket = format!("t-{id}");
    c.store.s3.access_key =
        std::env::var("TEST_S3_ACCESS_KEY").unwrap_or_else(|_| ACCESS_KEY.into());
    c.store.s3.secret_key = std::env::var("TEST_S3_SECRET_KEY")
        .unwrap_or_else(|_| SECRET_KEY.into())
        .into();
    c.store.s3.path_style = true;
    c.store.s3.create_bucket = true;
    c.store.s3.checksums = ChecksumMode::WhenRequired;
}
