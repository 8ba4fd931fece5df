//! WeChat's message push (消息推送), which brings mediaCheckAsync's
//! verdicts: the signature over (token, timestamp, nonce[, Encrypt]) and,
//! in safe mode, AES-256-CBC decryption of the message. Data format JSON.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use base64::{
    Engine,
    alphabet::STANDARD,
    engine::{GeneralPurpose, GeneralPurposeConfig},
};
use sha1::{Digest, Sha1};

/// How far a push's timestamp may be from now, seconds (a replay guard).
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a push is refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PushError {
    #[error("the signature does not match")]
    BadSignature,
    #[error("the timestamp is not within {MAX_SKEW_SECS} s of now")]
    Stale,
    #[error("the encrypted message does not decrypt: {0}")]
    Undecryptable(&'static str),
    #[error("the message is not for this mini-program")]
    WrongApp,
    /// A push whose (timestamp, nonce) was taken before in the window.
    #[error("this push was received before (its nonce is taken once)")]
    Replayed,
}

/// SHA-1 of the parts sorted and joined: WeChat's signature.
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    hex::encode(Sha1::digest(sorted.concat().as_bytes()))
}

/// Checks a signature in constant time, and the timestamp's freshness.
pub fn verify(parts: &[&str], timestamp: &str, given: &str, now: i64) -> Result<(), PushError> {
    let expected = signature(parts);
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.to_ascii_lowercase().bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(PushError::BadSignature);
    }
    let ts: i64 = timestamp.parse().map_err(|_| PushError::Stale)?;
    if (now - ts).abs() > MAX_SKEW_SECS {
        return Err(PushError::Stale);
    }
    Ok(())
}

/// EncodingAESKey is base64 without its final `=`; its last character may
/// carry stray bits, which WeChat's own libraries ignore.
fn key_bytes(encoding_aes_key: &str) -> Result<Vec<u8>, PushError> {
    let lenient = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key = lenient
        .decode(format!("{encoding_aes_key}="))
        .map_err(|_| PushError::Undecryptable("EncodingAESKey is not base64"))?;
    if key.len() != 32 {
        return Err(PushError::Undecryptable("EncodingAESKey is not 32 bytes"));
    }
    Ok(key)
}

/// Decrypts a safe-mode `Encrypt` field: AES-256-CBC with the key's first
/// 16 bytes as IV, PKCS#7 padding to 32 bytes; the plain text is 16
/// random bytes, the message's length (4 bytes, big-endian), the message,
/// and the appid it is for.
pub fn decrypt(encoding_aes_key: &str, appid: &str, encrypted: &str) -> Result<String, PushError> {
    let key = key_bytes(encoding_aes_key)?;
    let mut buf = base64::engine::general_purpose::STANDARD
        .decode(encrypted)
        .map_err(|_| PushError::Undecryptable("Encrypt is not base64"))?;
    let plain = cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &key[..16])
        .map_err(|_| PushError::Undecryptable("bad key"))?
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|_| PushError::Undecryptable("not whole blocks"))?;
    let pad = usize::from(*plain.last().ok_or(PushError::Undecryptable("empty"))?);
    if pad == 0 || pad > 32 || pad > plain.len() {
        return Err(PushError::Undecryptable("bad padding"));
    }
    let plain = &plain[..plain.len() - pad];
    let len_bytes: [u8; 4] = plain
        .get(16..20)
        .and_then(|b| b.try_into().ok())
        .ok_or(PushError::Undecryptable("too short"))?;
    let len = usize::try_from(u32::from_be_bytes(len_bytes)).unwrap_or(usize::MAX);
    let msg = plain
        .get(20..20usize.saturating_add(len))
        .ok_or(PushError::Undecryptable("length past the end"))?;
    if &plain[20 + len..] != appid.as_bytes() {
        return Err(PushError::WrongApp);
    }
    String::from_utf8(msg.to_vec()).map_err(|_| PushError::Undecryptable("not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_sha1_of_the_sorted_parts() {
        // sha1("123abctoken"), the parts sorted as strings.
        assert_eq!(
            signature(&["token", "123", "abc"]),
            hex::encode(Sha1::digest(b"123abctoken"))
        );
        assert_eq!(
            verify(&["token", "123", "abc"], "123", "00", 123),
            Err(PushError::BadSignature)
        );
        let sig = signature(&["t", "1000", "n"]);
        assert_eq!(
            verify(&["t", "1000", "n"], "1000", &sig, 1000 + 301),
            Err(PushError::Stale)
        );
        assert_eq!(verify(&["t", "1000", "n"], "1000", &sig, 1000), Ok(()));
    }

    #[test]
    fn garbage_never_panics() {
        let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        for enc in ["", "AAAA", "not base64!", &"A".repeat(64)] {
            assert!(decrypt(key, "wx1", enc).is_err());
        }
        assert!(decrypt("short", "wx1", "AAAA").is_err());
    }
}
