//! Every way a login can fail; `crate::error` maps each to its HTTP status.

use super::wechat::WechatError;
use crate::{core::UnknownStored, infra::DbError};

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
    #[error(transparent)]
    Stored(#[from] UnknownStored),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(AuthError);
