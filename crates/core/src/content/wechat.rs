//! WeChat's content-security API: `msgSecCheck` v2 for text,
//! `mediaCheckAsync` v2 for photos (whose verdict arrives on the push
//! callback). The access token comes from the shared stable-token cache.

use crate::{auth::wechat::without_url, notify::wechat::token, state::AppState};
use serde::Deserialize;

domain::vocabulary! {
    /// What WeChat suggests (its `result.suggest`).
    pub enum Suggest {
        Pass = "pass",
        Review = "review",
        Risky = "risky",
    }
}

impl Suggest {
    /// The check's state once WeChat has said this.
    pub fn status(self) -> domain::content::CheckStatus {
        use domain::content::CheckStatus;
        match self {
            Self::Pass => CheckStatus::Pass,
            Self::Review => CheckStatus::Review,
            Self::Risky => CheckStatus::Risky,
        }
    }
}

/// A verdict with WeChat's label (100 normal, 10001 ads, 20001 politics …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub suggest: Suggest,
    pub label: Option<i32>,
}

/// What a `scene` of msgSecCheck is: 2 comment, 3 forum post.
#[derive(Debug, Clone, Copy)]
pub enum Scene {
    Comment = 2,
    Post = 3,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    result: Option<ResultField>,
    trace_id: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ResultField {
    pub suggest: Option<String>,
    pub label: Option<i64>,
}

impl ResultField {
    pub(super) fn verdict(&self) -> Option<Verdict> {
        Some(Verdict {
            suggest: Suggest::parse(self.suggest.as_deref()?)?,
            label: self.label.and_then(|l| i32::try_from(l).ok()),
        })
    }
}

/// POSTs `body` to `path` with the access token; once more with a fresh
/// token when WeChat says the cached one went stale.
async fn call(state: &AppState, path: &str, body: serde_json::Value) -> Result<Answer, String> {
    for _ in 0..2 {
        let tok = token(state).await?;
        let w = &state.wechat;
        let resp = w
            .http
            .post(format!("{}{path}", w.base_url))
            .query(&[("access_token", tok.as_str())])
            .json(&body)
            .send()
            .await
            .map_err(|e| without_url(&e))?;
        if !resp.status().is_success() {
            return Err(format!("{path} HTTP {}", resp.status()));
        }
        let a: Answer = resp.json().await.map_err(|e| without_url(&e))?;
        match a.errcode {
            0 => return Ok(a),
            40001 | 40014 | 42001 => {
                crate::notify::wechat::forget(state, &tok).await;
            }
            code => return Err(format!("{path} errcode {code}: {}", a.errmsg)),
        }
    }
    Err(format!("{path}: the access token was refused twice"))
}

/// `msgSecCheck` v2 of a citizen's text.
pub async fn check_text(
    state: &AppState,
    openid: &str,
    text: &str,
    scene: Scene,
) -> Result<Verdict, String> {
    let body = serde_json::json!({
        "content": text,
        "version": 2,
        "scene": scene as u8,
        "openid": openid,
    });
    let a = call(state, "/wxa/msg_sec_check", body).await?;
    a.result
        .as_ref()
        .and_then(ResultField::verdict)
        .ok_or_else(|| "msg_sec_check answered without a suggestion".into())
}

/// `mediaCheckAsync` v2 of a photo WeChat fetches from `url`; the trace id
/// its verdict will name.
pub async fn send_photo(state: &AppState, openid: &str, url: &str) -> Result<String, String> {
    let body = serde_json::json!({
        "media_url": url,
        "media_type": 2,
        "version": 2,
        "scene": 3,
        "openid": openid,
    });
    let a = call(state, "/wxa/media_check_async", body).await?;
    a.trace_id
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "media_check_async answered without a trace_id".into())
}

/// What a label means, for the dispatcher.
pub fn label_text(label: Option<i32>) -> &'static str {
    match label {
        Some(100) => "正常",
        Some(10001) => "广告",
        Some(20001) => "时政",
        Some(20002) => "色情",
        Some(20003) => "辱骂",
        Some(20006) => "违法犯罪",
        Some(20008) => "欺诈",
        Some(20012) => "低俗",
        Some(20013) => "版权",
        Some(21000) => "其他",
        _ => "未标注",
    }
}
