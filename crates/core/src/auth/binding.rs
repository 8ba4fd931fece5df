//! A unit account bound to the WeChat of its holder, so that a field worker
//! logs in to the mini-program with one tap. The binding is a credential:
//! only a unit member binds, and only by giving the account's password again
//! (a stolen token is not enough); a password reset or disabling the account
//! ends it; a disabled account cannot use it. Staff accounts (admin,
//! dispatcher, supervisor) work in the console and keep their password.

use super::{
    Caller, Role,
    error::AuthError,
    service::{Tokens, password_matches, token_for},
};
use crate::{
    audit::{self, Actor},
    state::AppState,
};
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

/// The roles that may bind a WeChat: the units' people in the street.
const FIELD: [Role; 1] = [Role::UnitMember];

/// Binds the caller's account to the WeChat that gave `code`, once the
/// account's `password` is given again. Returns the account's username (for
/// the failed-login limits when the password is wrong).
#[tracing::instrument(skip_all, fields(user = %caller.user_id))]
pub async fn bind(
    state: &AppState,
    caller: &Caller,
    code: &str,
    password: &str,
) -> Result<(), AuthError> {
    caller.require(&FIELD).map_err(|_| AuthError::NotStaff)?;
    let me = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(AuthError::AccountGone)?;
    if !password_matches(state, Some(&me), password).await? {
        return Err(AuthError::InvalidCredentials);
    }
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
    caller.require(&FIELD).map_err(|_| AuthError::NotStaff)?;
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
    if let Err(e) = row.update(&txn).await {
        // Two binds of one WeChat at once: the unique index decides.
        return Err(match crate::infra::DbError::from(e) {
            crate::infra::DbError::Constraint { .. } => AuthError::WechatBoundElsewhere,
            other => other.into(),
        });
    }
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
pub async fn login(state: &AppState, code: &str) -> Result<Tokens, AuthError> {
    let session = state.wechat.code2session(code).await?;
    let u = user::Entity::find()
        .filter(user::Column::WechatOpenid.eq(&session.openid))
        .one(&state.db)
        .await?
        .ok_or(AuthError::WechatNotBound)?;
    if u.disabled || u.role != Role::UnitMember {
        return Err(AuthError::Disabled);
    }
    token_for(state, &u, None).await
}
