//! Subscribe messages to citizens, with the access token cached and shared
//! across nodes (Redis in production) until shortly before it expires.

use crate::state::AppState;
use std::time::Duration;

const TOKEN_KEY: &str = "wechat:access_token";

/// How one delivery attempt ended.
pub enum Sent {
    Ok,
    /// Recorded, never retried (43101: the user did not subscribe).
    Skip(String),
    Retry(String),
}

async fn cached(state: &AppState) -> Result<Option<String>, String> {
    state
        .shared
        .kv_get(TOKEN_KEY)
        .await
        .map_err(|e| e.to_string())
}

/// The access token: the shared one, or fetched once for all the
/// deliveries of this node that need it at the same moment.
pub async fn token(state: &AppState) -> Result<String, String> {
    static FETCHING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    if let Some(t) = cached(state).await? {
        return Ok(t);
    }
    let _one = FETCHING.lock().await;
    if let Some(t) = cached(state).await? {
        return Ok(t);
    }
    let (t, expires_in) = state.wechat.stable_token(false).await?;
    let ttl = Duration::from_secs(expires_in.saturating_sub(300).max(30));
    state
        .shared
        .kv_set(TOKEN_KEY, &t, ttl)
        .await
        .map_err(|e| e.to_string())?;
    Ok(t)
}

/// Forgets a token WeChat called stale, so that the next call fetches one.
pub async fn forget(state: &AppState, tok: &str) {
    let _ = state.shared.kv_del_if(TOKEN_KEY, tok).await;
}

pub async fn send(state: &AppState, payload: &str) -> Sent {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(payload) else {
        return Sent::Skip("payload is not JSON".into());
    };
    let tok = match token(state).await {
        Ok(t) => t,
        Err(e) => return Sent::Retry(e),
    };
    match state.wechat.send_subscribe(&tok, &body).await {
        Ok((0, _)) => Sent::Ok,
        Ok((43101, msg)) => Sent::Skip(format!("43101 user did not subscribe: {msg}")),
        Ok((code @ (40001 | 40014 | 42001), msg)) => {
            // The token went stale: forget it so the next attempt fetches one.
            let _ = state.shared.kv_del_if(TOKEN_KEY, &tok).await;
            Sent::Retry(format!("{code} {msg}"))
        }
        Ok((code @ (40003 | 40037 | 47003), msg)) => {
            Sent::Skip(format!("{code} rejected by WeChat: {msg}"))
        }
        Ok((code, msg)) => Sent::Retry(format!("{code} {msg}")),
        Err(e) => Sent::Retry(e),
    }
}
