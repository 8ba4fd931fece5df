//! Where photos are kept: local files or an S3-compatible store.

use super::ser_secret;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// The object store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreConfig {
    /// local | s3
    pub kind: StoreKind,
    pub local_root: String,
    pub s3: S3Config,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    Local,
    S3,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct S3Config {
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    #[serde(serialize_with = "ser_secret")]
    pub secret_key: SecretString,
    /// Path-style (`endpoint/bucket/key`) rather than virtual-hosted addressing.
    pub path_style: bool,
    /// Send CRC checksums only when an operation requires them
    /// (`when_required`, accepted by every S3-compatible store) or on every
    /// request (`when_supported`, the AWS SDK default that some stores reject).
    pub checksums: ChecksumMode,
    /// Create the bucket at start if it does not exist.
    pub create_bucket: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumMode {
    WhenRequired,
    WhenSupported,
}
