//! Small HTTP-side helpers shared by the feature APIs.

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
};
use poem::Request;

/// The client's IP: the socket peer, or the first X-Forwarded-For entry when
/// the deployment says it sits behind a trusted proxy.
pub fn client_ip(state: &AppState, req: &Request) -> String {
    if state.config.limits.trust_forwarded_for
        && let Some(first) = req
            .header("x-forwarded-for")
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return first.to_owned();
    }
    match req.remote_addr().as_socket_addr() {
        Some(a) => a.ip().to_string(),
        None => "unknown".into(),
    }
}

/// Takes one event from `scope` for `key`; `429` with Retry-After when spent.
pub async fn limit(
    state: &AppState,
    scope: &'static str,
    key: &str,
    per_minute: u32,
) -> ApiResult<()> {
    match state.shared.rate_limit(scope, key, per_minute).await? {
        None => Ok(()),
        Some(wait) => {
            state.metrics.rate_limited.with_label_values(&[scope]).inc();
            Err(ApiError::TooManyRequests {
                code: "rate_limited",
                message: format!("too many requests ({scope}); slow down"),
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            })
        }
    }
}

pub async fn limit_login(state: &AppState, req: &Request) -> ApiResult<()> {
    let ip = client_ip(state, req);
    limit(state, "login_ip", &ip, state.config.limits.login_per_ip).await
}

/// Which writes are limited, per user and per client IP.
#[derive(Clone, Copy)]
pub enum Write {
    Upload,
    Report,
}

/// Applies the per-user and the per-IP limit of a kind of write.
pub async fn limit_write(
    state: &AppState,
    req: &Request,
    user: uuid::Uuid,
    what: Write,
) -> ApiResult<()> {
    let l = &state.config.limits;
    let (user_scope, per_user, ip_scope, per_ip) = match what {
        Write::Upload => (
            "upload_user",
            l.upload_per_user,
            "upload_ip",
            l.upload_per_ip,
        ),
        Write::Report => (
            "report_user",
            l.report_per_user,
            "report_ip",
            l.report_per_ip,
        ),
    };
    limit(state, user_scope, &user.to_string(), per_user).await?;
    limit(state, ip_scope, &client_ip(state, req), per_ip).await
}
