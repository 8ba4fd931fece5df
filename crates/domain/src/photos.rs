//! Photo URLs: short-lived and signed, HMAC-SHA256 over (media id, variant,
//! expiry), verified without a database round trip.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use uuid::Uuid;

/// A stored rendition of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Full,
    Thumb,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Thumb => "thumb",
        }
    }
}

/// The two URLs a client needs for one photo.
#[derive(Debug, Clone)]
pub struct PhotoUrls {
    pub url: String,
    pub thumbnail_url: String,
}

#[derive(Clone)]
pub struct UrlSigner {
    key: Vec<u8>,
    base: String,
}

impl UrlSigner {
    pub fn new(secret: &SecretString, public_url: &str) -> Self {
        // A key of its own, derived from the server secret.
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(b"suishoupai media url signing v1");
        Self {
            key: mac.finalize().into_bytes().to_vec(),
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn sig(&self, id: Uuid, variant: &str, expires: i64) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_mac());
        mac.update(format!("{id}:{variant}:{expires}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A URL for the photo, valid for `ttl_secs`.
    pub fn url(&self, id: Uuid, variant: &str, ttl_secs: u64) -> String {
        let now = chrono::Utc::now().timestamp();
        // Round expiry up to the minute so repeated views share browser cache.
        let expires = (now + i64::try_from(ttl_secs).unwrap_or(600)) / 60 * 60 + 60;
        format!(
            "{}/api/v1/media/{id}/{variant}?expires={expires}&sig={}",
            self.base,
            self.sig(id, variant, expires)
        )
    }

    /// The full-size and thumbnail URLs of a photo, valid for `ttl_secs`.
    pub fn photo(&self, id: Uuid, ttl_secs: u64) -> PhotoUrls {
        PhotoUrls {
            url: self.url(id, Variant::Full.as_str(), ttl_secs),
            thumbnail_url: self.url(id, Variant::Thumb.as_str(), ttl_secs),
        }
    }

    /// The thumbnail URL of a photo.
    pub fn thumbnail(&self, id: Uuid, ttl_secs: u64) -> String {
        self.url(id, Variant::Thumb.as_str(), ttl_secs)
    }

    pub fn verify(&self, id: Uuid, variant: &str, expires: i64, sig: &str) -> bool {
        if expires < chrono::Utc::now().timestamp() {
            return false;
        }
        let Ok(given) = hex::decode(sig) else {
            return false;
        };
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_mac());
        mac.update(format!("{id}:{variant}:{expires}").as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

/// HMAC accepts keys of any length, so construction cannot fail.
fn unreachable_mac() -> Hmac<Sha256> {
    unreachable!("HMAC takes keys of any length")
}
