//! The embedded default's safeguards: a signing key of its own per data
//! directory, and its demo accounts kept off public addresses.

use super::{Config, ConfigError, DEFAULT_JWT_SECRET, Mode};
use secrecy::{ExposeSecret, SecretString};

impl Config {
    /// The embedded default never signs with the secret written in this
    /// file: the first start generates a random one in `data_dir/jwt-secret`
    /// (mode 0600) and every later start reads it back. A configured secret
    /// is left as it is.
    pub fn with_embedded_secret(mut self) -> Result<Self, ConfigError> {
        if self.mode != Mode::Embedded || self.jwt_secret.expose_secret() != DEFAULT_JWT_SECRET {
            return Ok(self);
        }
        let path = std::path::Path::new(&self.data_dir).join("jwt-secret");
        let fail = |e| ConfigError::Secret(path.display().to_string(), e);
        if !path.exists() {
            use base64::Engine;
            let bytes: [u8; 48] = rand::random();
            let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            std::fs::create_dir_all(&self.data_dir).map_err(fail)?;
            match write_private(&path, &s) {
                // Another process started at the same moment wrote it first.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                r => r.map_err(fail)?,
            }
        }
        let secret = std::fs::read_to_string(&path)
            .map_err(fail)?
            .trim()
            .to_owned();
        if secret.len() < 32 {
            return Err(fail(std::io::Error::other("shorter than 32 bytes")));
        }
        self.jwt_secret = SecretString::from(secret);
        Ok(self)
    }

    /// The embedded default's demo accounts and dev login stay on loopback
    /// unless the operator says otherwise.
    pub fn check_exposure(&self, addr: std::net::SocketAddr) -> Result<(), ConfigError> {
        let open = self.mode == Mode::Embedded && (self.demo_data || self.dev_login);
        if open && !addr.ip().is_loopback() && !self.allow_public_demo {
            return Err(ConfigError::PublicDemo(addr.to_string()));
        }
        Ok(())
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?.write_all(contents.as_bytes())
}
