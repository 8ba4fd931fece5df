//! The WeChat API: login, subscribe messages, content security.

use super::ContentSecurityConfig;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WechatConfig {
    /// Base URL of the WeChat API (api.weixin.qq.com in production).
    pub base_url: String,
    pub appid: String,
    #[serde(serialize_with = "super::ser_secret")]
    pub secret: SecretString,
    pub timeout_ms: u64,
    /// Subscribe-message template for case status changes (fields
    /// character_string1, thing2, phrase3, time4, thing5); none: no messages.
    pub subscribe_template_id: Option<String>,
    /// Subscribe-message template for 创建日历 reminders, overdue marks and
    /// returns to units' bound accounts (fields thing1, time2, thing3,
    /// thing4); none: no such messages.
    #[serde(default)]
    pub calendar_template_id: Option<String>,
    /// developer | trial | formal: which mini-program build a message opens.
    pub miniprogram_state: String,
    /// Content security of citizens' text and photos (off by default).
    #[serde(default)]
    pub content_security: ContentSecurityConfig,
}
