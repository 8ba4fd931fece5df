//! WeChat mini-program login: `sns/jscode2session` at a configurable base URL.

use crate::config::WechatConfig;
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

#[derive(Clone)]
pub struct WechatClient {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    appid: String,
    secret: SecretString,
}

/// What code2Session gave back.
#[derive(Debug)]
pub struct WechatSession {
    pub openid: String,
    pub unionid: Option<String>,
    pub session_key: SecretString,
}

#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    /// 40029 / 40163: the code is invalid, expired or already used.
    #[error("the WeChat login code is invalid or expired (errcode {0})")]
    InvalidCode(i64),
    /// 45011: WeChat's per-user frequency limit.
    #[error("WeChat says this user logs in too often")]
    RateLimited,
    /// -1: WeChat is busy.
    #[error("WeChat is busy; try again shortly")]
    Busy,
    /// Could not reach WeChat, or it answered garbage.
    #[error("WeChat could not be reached: {0}")]
    Unreachable(String),
    /// Any other errcode.
    #[error("WeChat refused the login (errcode {code}: {msg})")]
    Other { code: i64, msg: String },
}

#[derive(Deserialize)]
struct Code2SessionResponse {
    openid: Option<String>,
    session_key: Option<String>,
    unionid: Option<String>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl WechatClient {
    pub fn new(cfg: &WechatConfig) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(cfg.timeout_ms))
            .connect_timeout(Duration::from_millis(cfg.timeout_ms.min(3000)))
            .build()
            .context("build http client")?;
        Ok(Self {
            http,
            base_url: cfg.base_url.trim_end_matches('/').to_owned(),
            appid: cfg.appid.clone(),
            secret: cfg.secret.clone(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn code2session(&self, code: &str) -> Result<WechatSession, WechatError> {
        let resp = self
            .http
            .get(format!("{}/sns/jscode2session", self.base_url))
            .query(&[
                ("appid", self.appid.as_str()),
                ("secret", self.secret.expose_secret()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| WechatError::Unreachable(without_url(&e)))?;
        if !resp.status().is_success() {
            return Err(WechatError::Unreachable(format!("HTTP {}", resp.status())));
        }
        let body: Code2SessionResponse = resp
            .json()
            .await
            .map_err(|e| WechatError::Unreachable(without_url(&e)))?;
        match body.errcode {
            0 => match (body.openid, body.session_key) {
                (Some(openid), Some(key)) if !openid.is_empty() => Ok(WechatSession {
                    openid,
                    unionid: body.unionid.filter(|u| !u.is_empty()),
                    session_key: SecretString::from(key),
                }),
                _ => Err(WechatError::Unreachable("answer without openid".into())),
            },
            40029 | 40163 | 40226 => Err(WechatError::InvalidCode(body.errcode)),
            45011 => Err(WechatError::RateLimited),
            -1 => Err(WechatError::Busy),
            code => Err(WechatError::Other {
                code,
                msg: body.errmsg,
            }),
        }
    }
}

#[derive(Deserialize)]
struct StableTokenResponse {
    access_token: Option<String>,
    #[serde(default)]
    expires_in: u64,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl WechatClient {
    /// `cgi-bin/stable_token`: an access token and its lifetime in seconds.
    pub async fn stable_token(&self, force_refresh: bool) -> Result<(String, u64), String> {
        let resp = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.base_url))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret.expose_secret(),
                "force_refresh": force_refresh,
            }))
            .send()
            .await
            .map_err(|e| without_url(&e))?;
        if !resp.status().is_success() {
            return Err(format!("stable_token HTTP {}", resp.status()));
        }
        let body: StableTokenResponse = resp.json().await.map_err(|e| without_url(&e))?;
        match (body.errcode, body.access_token) {
            (0, Some(t)) if !t.is_empty() => Ok((t, body.expires_in.max(60))),
            (code, _) => Err(format!("stable_token errcode {code}: {}", body.errmsg)),
        }
    }

    /// `cgi-bin/message/subscribe/send`: WeChat's errcode (0 is success).
    pub async fn send_subscribe(
        &self,
        token: &str,
        payload: &serde_json::Value,
    ) -> Result<(i64, String), String> {
        let resp = self
            .http
            .post(format!("{}/cgi-bin/message/subscribe/send", self.base_url))
            .query(&[("access_token", token)])
            .json(payload)
            .send()
            .await
            .map_err(|e| without_url(&e))?;
        if !resp.status().is_success() {
            return Err(format!("subscribe/send HTTP {}", resp.status()));
        }
        let body: SendResponse = resp.json().await.map_err(|e| without_url(&e))?;
        Ok((body.errcode, body.errmsg))
    }
}

/// reqwest errors print the URL, which carries the app secret: never log it.
pub(crate) fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "<wechat>");
    }
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        s
    }
}
