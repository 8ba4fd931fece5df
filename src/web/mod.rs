//! The HTTP side shared by the feature APIs: client IP and abuse limits,
//! response shapes used by several features, and the OpenAPI mirrors of the
//! shared enums.

pub mod dto;
pub mod enums;

use crate::{
    error::{ApiError, ApiResult},
    infra::shared::Bucket,
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

/// Takes one event from each bucket; `429` with Retry-After, naming the
/// spent bucket, when one is spent.
pub async fn limit(state: &AppState, buckets: &[Bucket<'_>]) -> ApiResult<()> {
    match state.shared.rate_limit(buckets).await? {
        None => Ok(()),
        Some((scope, wait)) => {
            state.metrics.rate_limited.with_label_values(&[scope]).inc();
            Err(ApiError::TooManyRequests {
                code: "rate_limited",
                message: format!("too many requests ({scope}); slow down"),
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            })
        }
    }
}

/// The login limits: per client IP, and per account name when one is given
/// (password logins).
pub async fn limit_login(state: &AppState, req: &Request, account: Option<&str>) -> ApiResult<()> {
    let ip = client_ip(state, req);
    let l = &state.config.limits;
    let mut buckets = vec![Bucket {
        scope: "login_ip",
        key: &ip,
        per_minute: l.login_per_ip,
    }];
    if let Some(account) = account {
        buckets.push(Bucket {
            scope: "login_user",
            key: account,
            per_minute: l.login_per_user,
        });
    }
    limit(state, &buckets).await
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
    let (user, ip) = (user.to_string(), client_ip(state, req));
    limit(
        state,
        &[
            Bucket {
                scope: user_scope,
                key: &user,
                per_minute: per_user,
            },
            Bucket {
                scope: ip_scope,
                key: &ip,
                per_minute: per_ip,
            },
        ],
    )
    .await
}
