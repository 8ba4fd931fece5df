//! Every way a login can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use super::wechat::WechatError;
use crate::infra::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// WeChat refused the code or could not be asked.
    #[error(transparent)]
    Wechat(#[from] WechatError),
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("this account is disabled")]
    Disabled,
    #[error("too many logins are being checked right now; try again in a moment")]
    Busy,
    #[error("the account no longer exists")]
    AccountGone,
    /// A token of an account that was disabled after it was issued (401).
    #[error("this account is disabled")]
    TokenOfDisabled,
    /// A token issued before the account's password was reset or its
    /// sessions were ended (401).
    #[error("this token was revoked; log in again")]
    TokenRevoked,
    /// A token of a session that was ended: logged out, or its refresh
    /// token was used twice (401).
    #[error("this session has ended; log in again")]
    SessionEnded,
    /// A refresh token presented again after it was exchanged: the session
    /// is ended, every token of it refused (401).
    #[error("this refresh token was already used; the session is ended for safety; log in again")]
    RefreshReused,
    /// A refresh token that is invalid, expired or not a refresh token (401).
    #[error("the refresh token is invalid or expired; log in again")]
    BadRefresh,
    /// A logout with neither a bearer token nor a refresh token that this
    /// service signed (401).
    #[error("give the session's bearer token or its refresh token to log out")]
    BadLogout,
    /// Only unit accounts bind a WeChat (403).
    #[error("only a unit's accounts can bind a WeChat")]
    NotStaff,
    /// No staff or unit account is bound to this WeChat (401).
    #[error(
        "no staff or unit account is bound to this WeChat; log in with the password and bind it"
    )]
    WechatNotBound,
    /// This WeChat is bound to another account (409).
    #[error("this WeChat is bound to another account")]
    WechatBoundElsewhere,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(AuthError);
