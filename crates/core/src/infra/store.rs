//! Object store: S3-compatible through aws-sdk-s3, or files under a folder.

use crate::config::{ChecksumMode, StoreConfig, StoreKind};
use anyhow::Context;
use aws_sdk_s3::{
    Client,
    config::{
        BehaviorVersion, Credentials, Region, RequestChecksumCalculation,
        ResponseChecksumValidation,
    },
    primitives::ByteStream,
};
use bytes::Bytes;
use secrecy::ExposeSecret;
use std::path::PathBuf;

/// The store failed (down, timing out, refusing): nothing a client did.
/// Answered as `503 storage_unavailable` with Retry-After.
#[derive(Debug, thiserror::Error)]
#[error("the photo store is unavailable")]
pub struct StoreError(#[source] pub anyhow::Error);

impl From<anyhow::Error> for StoreError {
    fn from(e: anyhow::Error) -> Self {
        Self(e)
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self(e.into())
    }
}

/// How long one S3 call and each of its attempts may take, so that a store
/// that hangs costs a request seconds, not minutes.
fn s3_timeouts() -> aws_sdk_s3::config::timeout::TimeoutConfig {
    use std::time::Duration;
    aws_sdk_s3::config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(25))
        .build()
}

/// Timeouts for one large object: at least 10 MB/s, never under a minute.
fn large_timeouts(len: u64) -> aws_sdk_s3::config::Builder {
    use std::time::Duration;
    let secs = (len / 10_000_000).max(60);
    aws_sdk_s3::config::Builder::default().timeout_config(
        aws_sdk_s3::config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .operation_attempt_timeout(Duration::from_secs(secs))
            .operation_timeout(Duration::from_secs(secs * 2))
            .build(),
    )
}

#[derive(Clone)]
pub enum ObjectStore {
    Local { root: PathBuf },
    S3 { client: Client, bucket: String },
}

impl ObjectStore {
    pub async fn from_config(cfg: &StoreConfig) -> anyhow::Result<Self> {
        match cfg.kind {
            StoreKind::Local => {
                let root = PathBuf::from(&cfg.local_root);
                tokio::fs::create_dir_all(&root)
                    .await
                    .with_context(|| format!("create {}", root.display()))?;
                Ok(Self::Local { root })
            }
            StoreKind::S3 => {
                let s3 = &cfg.s3;
                let checksum = match s3.checksums {
                    ChecksumMode::WhenRequired => (
                        RequestChecksumCalculation::WhenRequired,
                        ResponseChecksumValidation::WhenRequired,
                    ),
                    ChecksumMode::WhenSupported => (
                        RequestChecksumCalculation::WhenSupported,
                        ResponseChecksumValidation::WhenSupported,
                    ),
                };
                let mut b = aws_sdk_s3::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new(s3.region.clone()))
                    .credentials_provider(Credentials::new(
                        s3.access_key.clone(),
                        s3.secret_key.expose_secret().to_owned(),
                        None,
                        None,
                        "suishoupai-config",
                    ))
                    .force_path_style(s3.path_style)
                    .timeout_config(s3_timeouts())
                    .request_checksum_calculation(checksum.0)
                    .response_checksum_validation(checksum.1);
                if let Some(ep) = &s3.endpoint {
                    b = b.endpoint_url(ep.clone());
                }
                let client = Client::from_conf(b.build());
                let store = Self::S3 {
                    client,
                    bucket: s3.bucket.clone(),
                };
                if s3.create_bucket {
                    store.ensure_bucket().await?;
                }
                Ok(store)
            }
        }
    }

    async fn ensure_bucket(&self) -> anyhow::Result<()> {
        if let Self::S3 { client, bucket } = self
            && client.head_bucket().bucket(bucket).send().await.is_err()
        {
            client
                .create_bucket()
                .bucket(bucket)
                .send()
                .await
                .with_context(|| format!("create bucket {bucket}"))?;
        }
        Ok(())
    }

    fn local_path(root: &std::path::Path, key: &str) -> anyhow::Result<PathBuf> {
        anyhow::ensure!(
            !key.split('/').any(|p| p == ".." || p.is_empty()),
            "invalid object key {key}"
        );
        Ok(root.join(key))
    }

    pub async fn put(&self, key: &str, data: Bytes, content_type: &str) -> Result<(), StoreError> {
        match self {
            Self::Local { root } => {
                let path = Self::local_path(root, key)?;
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                // Write then rename, so a reader never sees half a file.
                let tmp = path.with_extension("part");
                tokio::fs::write(&tmp, &data)
                    .await
                    .with_context(|| format!("write {}", tmp.display()))?;
                tokio::fs::rename(&tmp, &path).await?;
                Ok(())
            }
            Self::S3 { client, bucket } => {
                client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .content_type(content_type)
                    .body(ByteStream::from(data))
                    .send()
                    .await
                    .with_context(|| format!("put object {key} to S3"))?;
                Ok(())
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        match self {
            Self::Local { root } => {
                let path = Self::local_path(root, key)?;
                match tokio::fs::read(&path).await {
                    Ok(b) => Ok(Some(Bytes::from(b))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(anyhow::Error::new(e)
                        .context(format!("read {}", path.display()))
                        .into()),
                }
            }
            Self::S3 { client, bucket } => {
                match client.get_object().bucket(bucket).key(key).send().await {
                    Ok(out) => {
                        let data = out
                            .body
                            .collect()
                            .await
                            .with_context(|| format!("read object {key} from S3"))?;
                        Ok(Some(data.into_bytes()))
                    }
                    Err(e) => {
                        if e.as_service_error().is_some_and(|s| s.is_no_such_key()) {
                            Ok(None)
                        } else {
                            Err(anyhow::Error::new(e)
                                .context(format!("get object {key} from S3"))
                                .into())
                        }
                    }
                }
            }
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self {
            Self::Local { root } => {
                let path = Self::local_path(root, key)?;
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(anyhow::Error::new(e)
                        .context(format!("delete {}", path.display()))
                        .into()),
                }
            }
            Self::S3 { client, bucket } => {
                client
                    .delete_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .with_context(|| format!("delete object {key} from S3"))?;
                Ok(())
            }
        }
    }

    /// Stores the file at `path` under `key`, streamed (a large object such
    /// as the case index's snapshot), with time for its size.
    pub async fn put_file(&self, key: &str, path: &std::path::Path) -> Result<(), StoreError> {
        match self {
            Self::Local { root } => {
                let target = Self::local_path(root, key)?;
                if let Some(dir) = target.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                // A name of its own, so that two writers never mix.
                let tmp = target.with_extension(format!("part-{}", uuid::Uuid::now_v7().simple()));
                let copied = tokio::fs::copy(path, &tmp).await;
                if let Err(e) = copied {
                    tokio::fs::remove_file(&tmp).await.ok();
                    return Err(anyhow::Error::new(e)
                        .context(format!("copy to {}", tmp.display()))
                        .into());
                }
                tokio::fs::rename(&tmp, &target).await?;
                Ok(())
            }
            Self::S3 { client, bucket } => {
                let len = tokio::fs::metadata(path).await?.len();
                let body = ByteStream::from_path(path)
                    .await
                    .with_context(|| format!("open {}", path.display()))?;
                client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .content_type("application/octet-stream")
                    .body(body)
                    .customize()
                    .config_override(large_timeouts(len))
                    .send()
                    .await
                    .with_context(|| format!("put object {key} to S3"))?;
                Ok(())
            }
        }
    }

    /// Writes the object under `key` to the file at `path`, streamed;
    /// false when there is none.
    pub async fn get_file(&self, key: &str, path: &std::path::Path) -> Result<bool, StoreError> {
        use tokio::io::AsyncWriteExt;
        match self {
            Self::Local { root } => {
                let source = Self::local_path(root, key)?;
                match tokio::fs::copy(&source, path).await {
                    Ok(_) => Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                    Err(e) => Err(anyhow::Error::new(e)
                        .context(format!("read {}", source.display()))
                        .into()),
                }
            }
            Self::S3 { client, bucket } => {
                let out = match client
                    .get_object()
                    .bucket(bucket)
                    .key(key)
                    .customize()
                    .config_override(large_timeouts(1 << 30))
                    .send()
                    .await
                {
                    Ok(out) => out,
                    Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                        return Ok(false);
                    }
                    Err(e) => {
                        return Err(anyhow::Error::new(e)
                            .context(format!("get object {key} from S3"))
                            .into());
                    }
                };
                let mut body = out.body;
                let mut file = tokio::fs::File::create(path).await?;
                while let Some(chunk) = body
                    .try_next()
                    .await
                    .with_context(|| format!("read object {key} from S3"))?
                {
                    file.write_all(&chunk).await?;
                }
                file.flush().await?;
                Ok(true)
            }
        }
    }

    /// Keys under a prefix (operations and tests: find orphans, count objects).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        match self {
            Self::Local { root } => {
                let mut out = Vec::new();
                // Start at the prefix's own directory (`media/{id}/` walks
                // one photo's files, not the whole store); keys have no `..`.
                let dir = prefix.rsplit_once('/').map_or("", |(d, _)| d);
                let start = if dir.split('/').any(|p| p == ".." || p == ".") {
                    root.clone()
                } else {
                    root.join(dir)
                };
                let mut stack = vec![start];
                while let Some(dir) = stack.pop() {
                    let mut rd = match tokio::fs::read_dir(&dir).await {
                        Ok(rd) => rd,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => {
                            return Err(anyhow::Error::new(e)
                                .context(format!("list {}", dir.display()))
                                .into());
                        }
                    };
                    while let Some(entry) = rd.next_entry().await? {
                        let path = entry.path();
                        if entry.file_type().await?.is_dir() {
                            stack.push(path);
                        } else if let Ok(rel) = path.strip_prefix(root) {
                            let key = rel.to_string_lossy().replace('\\', "/");
                            if key.starts_with(prefix) {
                                out.push(key);
                            }
                        }
                    }
                }
                out.sort();
                Ok(out)
            }
            Self::S3 { client, bucket } => {
                let mut out = Vec::new();
                let mut pages = client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    let page = page.with_context(|| format!("list bucket {bucket}"))?;
                    out.extend(
                        page.contents()
                            .iter()
                            .filter_map(|o| o.key().map(str::to_owned)),
                    );
                }
                out.sort();
                Ok(out)
            }
        }
    }

    /// Readiness probe.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Self::Local { root } => {
                let meta = tokio::fs::metadata(root).await?;
                if !meta.is_dir() {
                    return Err(anyhow::anyhow!("{} is not a folder", root.display()).into());
                }
                Ok(())
            }
            Self::S3 { client, bucket } => {
                client
                    .head_bucket()
                    .bucket(bucket)
                    .send()
                    .await
                    .with_context(|| format!("head bucket {bucket}"))?;
                Ok(())
            }
        }
    }
}
