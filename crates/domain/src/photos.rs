//! Photo URLs: short-lived and signed, HMAC-SHA256 over (media id, variant,
//! expiry), verified without a database round trip.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use uuid::Uuid;

crate::vocabulary! {
    /// Which rendition of a photo.
    // Each is an object of its own in the store; the API names it in a
    // photo's path (`/media/{id}/{variant}`).
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename = "VariantParam", rename_all = "lowercase")
    )]
    pub enum Variant {
        Full = "full",
        Thumb = "thumb",
    }
}

/// A region a reviewer marked to blur before publication (a face, a
/// number plate), in fractions of the stored image: `x` and `y` its
/// top-left corner from the left and the top, `width` and `height` its
/// size, each between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// At most this many regions on one photo.
pub const MAX_REGIONS: usize = 50;

impl Region {
    /// Whether the region lies on the image with some area: each value in
    /// 0..=1, width and height above zero, and the far edges at most 1
    /// (a thousandth over, from rounding in a client, is taken as 1).
    pub fn is_valid(&self) -> bool {
        let unit = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        unit(self.x)
            && unit(self.y)
            && unit(self.width)
            && unit(self.height)
            && self.width > 0.0
            && self.height > 0.0
            && self.x + self.width <= 1.001
            && self.y + self.height <= 1.001
    }

    /// The region in pixels of a `w` × `h` image: (left, top, width,
    /// height), at least one pixel, clamped to the image.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    pub fn pixels(&self, w: u32, h: u32) -> (u32, u32, u32, u32) {
        let (fw, fh) = (f64::from(w), f64::from(h));
        let left = ((self.x * fw).floor() as u32).min(w.saturating_sub(1));
        let top = ((self.y * fh).floor() as u32).min(h.saturating_sub(1));
        let right = (((self.x + self.width) * fw).ceil() as u32).clamp(left + 1, w);
        let bottom = (((self.y + self.height) * fh).ceil() as u32).clamp(top + 1, h);
        (left, top, right - left, bottom - top)
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

    /// The stable, unsigned URLs of a photo's public (blurred) derivative,
    /// revision `rev`: anyone may read and cache them while the photo is
    /// public.
    pub fn public_photo(&self, id: Uuid, rev: i32) -> PhotoUrls {
        PhotoUrls {
            url: format!("{}/api/v1/public/photos/{id}/{rev}/full", self.base),
            thumbnail_url: format!("{}/api/v1/public/photos/{id}/{rev}/thumb", self.base),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_lie_on_the_image_and_cover_whole_pixels() {
        let r = |x, y, width, height| Region {
            x,
            y,
            width,
            height,
        };
        assert!(r(0.0, 0.0, 1.0, 1.0).is_valid());
        assert!(
            r(0.5, 0.5, 0.5005, 0.5).is_valid(),
            "rounding over the edge"
        );
        assert!(!r(0.5, 0.5, 0.6, 0.1).is_valid(), "past the right edge");
        assert!(!r(0.1, 0.1, 0.0, 0.1).is_valid(), "no width");
        assert!(!r(-0.1, 0.1, 0.2, 0.1).is_valid());
        assert!(!r(f64::NAN, 0.1, 0.2, 0.1).is_valid());
        assert_eq!(r(0.25, 0.5, 0.5, 0.25).pixels(100, 40), (25, 20, 50, 10));
        assert_eq!(
            r(0.999, 0.999, 0.001, 0.001).pixels(100, 100),
            (99, 99, 1, 1)
        );
        assert_eq!(r(0.5, 0.0, 0.5005, 1.0).pixels(10, 10), (5, 0, 5, 10));
    }

    fn signer() -> UrlSigner {
        UrlSigner::new(&SecretString::from("a test secret"), "https://ssp.example")
    }

    #[test]
    fn a_good_signature_holds_until_its_expiry_and_for_its_own_photo_and_variant_only() {
        let s = signer();
        let (id, other) = (Uuid::now_v7(), Uuid::now_v7());
        let now = chrono::Utc::now().timestamp();
        let (future, past) = (now + 600, now - 10);

        let good = s.sig(id, "full", future);
        assert!(s.verify(id, "full", future, &good));
        assert!(!s.verify(id, "thumb", future, &good), "another variant");
        assert!(!s.verify(other, "full", future, &good), "another photo");
        assert!(!s.verify(id, "full", future + 60, &good), "another expiry");
        assert!(!s.verify(id, "full", future, "not hex"));

        let expired = s.sig(id, "full", past);
        assert!(
            !s.verify(id, "full", past, &expired),
            "a correct signature whose expiry has passed"
        );
    }

    #[test]
    fn urls_carry_an_expiry_rounded_up_to_the_minute_and_verify() {
        let s = signer();
        let id = Uuid::now_v7();
        let url = s.url(id, "thumb", 600);
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let (mut expires, mut sig) = (0_i64, "");
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse().unwrap_or_default(),
                Some(("sig", v)) => sig = v,
                _ => {}
            }
        }
        assert!(url.starts_with(&format!("https://ssp.example/api/v1/media/{id}/thumb?")));
        assert_eq!(expires % 60, 0);
        assert!(expires > chrono::Utc::now().timestamp() + 600 - 60);
        assert!(s.verify(id, "thumb", expires, sig));
    }
}
