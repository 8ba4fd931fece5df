//! WeChat content security (内容安全): off in the embedded default.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// `msgSecCheck` v2 for descriptions and comments, `mediaCheckAsync` for
/// photos, and the message-push callback that brings photo verdicts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentSecurityConfig {
    /// Check citizens' text and photos. Needs `public_url` (WeChat fetches
    /// photos from there) and `callback_token`.
    pub enabled: bool,
    /// The message-push Token set in the mini-program's console; signs
    /// every callback.
    #[serde(serialize_with = "super::ser_secret")]
    pub callback_token: SecretString,
    /// The EncodingAESKey (43 characters) when message push is in safe
    /// mode (安全模式): callbacks arrive encrypted. None: plain mode.
    #[serde(serialize_with = "super::ser_opt_secret")]
    pub encoding_aes_key: Option<SecretString>,
    /// How long to wait for a photo's verdict before sending it again.
    pub verdict_wait_secs: u64,
    /// Sends of one photo before it is left for a person (`unchecked`).
    pub max_sends: i32,
    /// Lifetime of the signed URL WeChat fetches a photo from, seconds.
    pub fetch_url_ttl_secs: u64,
}

impl Default for ContentSecurityConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            callback_token: SecretString::from(""),
            encoding_aes_key: None,
            verdict_wait_secs: 900,
            max_sends: 3,
            fetch_url_ttl_secs: 3600,
        }
    }
}

impl ContentSecurityConfig {
    /// What must hold when the checks are on.
    pub fn check(&self, public_url: &str) -> Result<(), &'static str> {
        use secrecy::ExposeSecret;
        if !self.enabled {
            return Ok(());
        }
        if !public_url.starts_with("http") {
            return Err("wechat.content_security needs public_url: WeChat fetches photos from it");
        }
        if self.callback_token.expose_secret().is_empty() {
            return Err("wechat.content_security needs callback_token (the message-push Token)");
        }
        // Safe mode only: a plain push's signature covers the timestamp and
        // nonce, not the verdict, so anyone who saw one could forge others.
        match &self.encoding_aes_key {
            None => {
                return Err(
                    "wechat.content_security needs encoding_aes_key: verdicts are taken in safe mode (消息加密) only",
                );
            }
            Some(k) if k.expose_secret().len() != 43 => {
                return Err("wechat.content_security.encoding_aes_key has 43 characters");
            }
            Some(_) => {}
        }
        if self.max_sends < 1 || self.verdict_wait_secs < 1 {
            return Err("wechat.content_security: max_sends and verdict_wait_secs are at least 1");
        }
        Ok(())
    }
}
