//! An S3 server for the load test (`benches/load/`): s3s-fs serving a
//! folder over the S3 protocol, as a process of its own.
//!
//! ```text
//! cargo run --release --example s3_server -- <folder> <address> <access key> <secret key>
//! ```
//!
//! It is a stand-in for the city's object store on one machine, not a
//! production store: s3s-fs keeps each object as a file.

use hyper_util::rt::{TokioExecutor, TokioIo};
use s3s::{auth::SimpleAuth, service::S3ServiceBuilder};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: s3_server <folder> <address> <access key> <secret key>";
    let root = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let address = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let access = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let secret = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    std::fs::create_dir_all(&root)?;
    let fs = s3s_fs::FileSystem::new(&root).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(access, secret));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("s3_server listening on http://{}", listener.local_addr()?);
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
}
