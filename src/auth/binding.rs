//! A staff or unit account bound to the WeChat of its holder, so that a
//! field worker logs in to the mini-program with one tap. The binding is a
//! credential: it is made only by the account itself (logged in with its
//! password), ends with a password reset, and a disabled account cannot
//! use it.

use super::{Caller, Role, TokenResponse, error::AuthError, service::token_for};
use crate::{
    audit::{self, Actor},
    state::AppState,
};
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

/// The roles that may bind a WeChat: everyone but citizens (who log in by
/// WeChat anyway) and integrators (machines).
const STAFF: [Role; 4] = [
    Role::Admin,
    Role::Dispatcher,
    Role::Supervisor,
    Role::UnitMember,
];

/// Binds the caller's account to the WeChat that gave `code`.
#[tracing::instrument(skip_all, fields(user = %caller.user_id))]
pub async fn bind(state: &AppState, caller: &Caller, code: &str) -> Result<(), AuthError> {
    caller.require(&STAFF).map_err(|_| AuthError::NotStaff)?;
    let session = state.wechat.code2session(code).await?;
    let taken = user::Entity::find()
        .filter(user::Column::WechatOpenid.eq(&session.openid))
        .filter(user::Column::Id.ne(caller.user_id))
        .one(&state.db)
        .await?;
    if taken.is_some() {
        return Err(AuthError::WechatBoundElsewhere);
    }
    set(state, caller, Some(session.openid), "account.bind_wechat").await
}

/// Ends the caller's binding (nothing to end is not an error).
pub async fn unbind(state: &AppState, caller: &Caller) -> Result<(), AuthError> {
    caller.require(&STAFF).map_err(|_| AuthError::NotStaff)?;
    set(state, caller, None, "account.unbind_wechat").await
}

async fn set(
    state: &AppState,
    caller: &Caller,
    openid: Option<String>,
    action: &str,
) -> Result<(), AuthError> {
    let txn = state.db.begin().await?;
    let row = user::ActiveModel {
        id: Set(caller.user_id),
        wechat_openid: Set(openid),
        updated_at: Set(chrono::Utc::now().fixed_offset()),
        ..Default::default()
    };
    row.update(&txn).await?;
    audit::record(
        &txn,
        Actor::of(caller),
        action,
        "user",
        Some(caller.user_id.to_string()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Logs in the staff or unit account bound to the WeChat that gave `code`:
/// a new session, as a password login would start.
#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, code: &str) -> Result<TokenResponse, AuthError> {
    let session = state.wechat.code2session(code).await?;
    let u = user::Entity::find()
        .filter(user::Column::WechatOpenid.eq(&session.openid))
        .one(&state.db)
        .await?
        .ok_or(AuthError::WechatNotBound)?;
    if u.disabled {
        return Err(AuthError::Disabled);
    }
    token_for(state, &u, None)
}
