//! The HTTP side shared by the feature APIs: client IP and abuse limits,
//! response shapes used by several features, and the OpenAPI mirrors of the
//! shared enums.

use crate::error::ErrorCode;
pub mod cached;
pub mod date;
pub mod dto;
pub mod enums;
pub mod labels;
pub mod optional_json;

use crate::{
    error::{ApiError, ApiResult},
    infra::shared::Bucket,
    state::AppState,
};
use poem::Request;

/// Put in a request's extensions by the body bounds for an upload whose
/// budget waits for the handler: calling it lets the rest of the body draw
/// from the node's upload budget (an Open311 post, once its api_key is
/// found valid).
#[derive(Clone)]
pub struct UploadGate(pub std::sync::Arc<dyn Fn() + Send + Sync>);

/// The client's IP: the socket peer, or the first X-Forwarded-For entry when
/// the deployment says it sits behind a trusted proxy.
pub fn client_ip(state: &AppState, req: &Request) -> String {
    let Some(peer) = req.remote_addr().as_socket_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let trusted = |ip: std::net::IpAddr| state.ops.trusted_proxies.contains(ip);
    if !trusted(peer) {
        return peer.to_string();
    }
    // Each proxy appends the address it got the request from: read from
    // the right, and stop at the first hop that is not one of ours.
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.trim().parse::<std::net::IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted(ip) {
            break;
        }
    }
    client.to_string()
}

/// Takes one event from each bucket; `429` with Retry-After, naming the
/// spent bucket, when one is spent.
///
/// When the shared state (Redis) cannot be asked, logins are refused
/// (`503 limits_unavailable`: without their limits, passwords could be
/// guessed freely), and everything else goes on unlimited, so that
/// citizens can still report; `rate_limit_rejections_total{scope=
/// "unavailable"}` counts those requests.
pub async fn limit(state: &AppState, buckets: &[Bucket<'_>]) -> ApiResult<()> {
    let outcome = match state.shared.rate_limit(buckets).await {
        Ok(o) => o,
        Err(e) => return limits_down(state, buckets.first().map(|b| b.scope), &e),
    };
    match outcome {
        None => Ok(()),
        Some((scope, wait)) => {
            state.metrics.rate_limited.with_label_values(&[scope]).inc();
            Err(ApiError::TooManyRequests {
                code: ErrorCode::RateLimited,
                message: format!("too many requests ({scope}); slow down"),
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            })
        }
    }
}

fn limits_down(state: &AppState, scope: Option<&str>, e: &anyhow::Error) -> ApiResult<()> {
    let scope = scope.unwrap_or("none");
    tracing::warn!(error = %format!("{e:#}"), scope, "rate limits unavailable");
    state
        .metrics
        .rate_limited
        .with_label_values(&["unavailable"])
        .inc();
    if scope.starts_with("login") {
        return Err(ApiError::Unavailable {
            code: ErrorCode::LimitsUnavailable,
            message: "logins are paused while the service's shared state is unreachable; try again shortly".into(),
            retry_after_secs: 5,
        });
    }
    Ok(())
}

/// The login limits: per client IP, and per account name when one is given
/// (password logins).
pub async fn limit_login(state: &AppState, req: &Request, account: Option<&str>) -> ApiResult<()> {
    let ip = client_ip(state, req);
    limit(
        state,
        &[Bucket {
            scope: "login_ip",
            key: &ip,
            per_minute: state.config.limits.login_per_ip,
        }],
    )
    .await?;
    let Some(account) = account else {
        return Ok(());
    };
    let [pair_lock, ip_lock, user_lock] = failure_keys(&ip, account);
    // The account-wide lock stops a guesser spread over many addresses; it
    // does not stop the account's holder at an address it logged in from
    // lately, so nobody can keep a staff account out by failing on purpose.
    let known = match state.shared.kv_get(&known_key(&ip, account)).await {
        Ok(k) => k.is_some(),
        Err(e) => return limits_down(state, Some("login_failures"), &e),
    };
    let keys = [
        Some(pair_lock),
        Some(ip_lock),
        (!known).then_some(user_lock),
    ];
    for key in keys.into_iter().flatten() {
        let lock = match state.shared.kv_get(&key).await {
            Ok(l) => l,
            Err(e) => return limits_down(state, Some("login_failures"), &e),
        };
        if let Some(until) = lock {
            let left_ms = until.parse::<i64>().unwrap_or(0) - chrono::Utc::now().timestamp_millis();
            if left_ms > 0 {
                state
                    .metrics
                    .rate_limited
                    .with_label_values(&["login_failures"])
                    .inc();
                return Err(ApiError::TooManyRequests {
                    code: ErrorCode::RateLimited,
                    message: "too many failed logins from this address or for this account; wait and try again".into(),
                    retry_after_secs: (left_ms as u64).div_ceil(1000).max(1),
                });
            }
        }
    }
    Ok(())
}

/// The lock records of failed logins: per (username, IP), per IP, and per
/// username from every address (guesses spread over many addresses).
fn failure_keys(ip: &str, account: &str) -> [String; 3] {
    let user = account.trim().to_lowercase();
    [
        format!("lock:login_user_ip:{user}|{ip}"),
        format!("lock:login_ip:{ip}"),
        format!("lock:login_user:{user}"),
    ]
}

/// The record that this account logged in from this address lately.
fn known_key(ip: &str, account: &str) -> String {
    format!("known:login:{}|{ip}", account.trim().to_lowercase())
}

/// How long an address stays known to an account after a good login.
const KNOWN_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Remembers a good password login from this address for `KNOWN_FOR`: the
/// account-wide failure lock does not apply to it there. A shared state
/// that cannot be reached costs only that memory, never the login.
pub async fn login_succeeded(state: &AppState, req: &Request, account: &str) {
    let ip = client_ip(state, req);
    let key = known_key(&ip, account);
    if let Err(e) = state.shared.kv_set(&key, "1", KNOWN_FOR).await {
        tracing::warn!(error = %format!("{e:#}"), "could not remember a login's address");
    }
}

/// Counts a failed password login; a spent budget locks the pair (or the
/// address) until the budget allows again. Successes never count.
pub async fn login_failed(state: &AppState, req: &Request, account: &str) -> ApiResult<()> {
    let ip = client_ip(state, req);
    let user = account.trim().to_lowercase();
    let pair = format!("{user}|{ip}");
    let l = &state.config.limits;
    let [pair_lock, ip_lock, user_lock] = failure_keys(&ip, account);
    for (scope, key, per_minute, lock) in [
        (
            "login_fail_user_ip",
            pair.as_str(),
            l.login_failures_per_user_ip,
            pair_lock,
        ),
        (
            "login_fail_ip",
            ip.as_str(),
            l.login_failures_per_ip,
            ip_lock,
        ),
        (
            "login_fail_user",
            user.as_str(),
            l.login_failures_per_user,
            user_lock,
        ),
    ] {
        let bucket = Bucket {
            scope,
            key,
            per_minute,
        };
        if let Some((_, wait)) = state.shared.rate_limit(&[bucket]).await? {
            let until = chrono::Utc::now().timestamp_millis() + wait.as_millis() as i64;
            state.shared.kv_set(&lock, &until.to_string(), wait).await?;
        }
    }
    Ok(())
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
