//! Login and account services (no HTTP here).

use super::{Caller, Role, error::AuthError, password, sessions};
use crate::state::AppState;
use anyhow::Context;
use entity::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::OnConflict};
use secrecy::ExposeSecret;
use uuid::Uuid;

/// A bearer token, the session's refresh token for staff, and who they are
/// for.
#[derive(Debug)]
pub struct Tokens {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::FixedOffset>,
    pub refresh_token: Option<String>,
    pub refresh_expires_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub user: Profile,
}

/// An account as its owner sees it.
#[derive(Debug)]
pub struct Profile {
    pub id: Uuid,
    pub role: Role,
    pub display_name: String,
    pub unit_id: Option<Uuid>,
    /// Staff and unit accounts only.
    pub username: Option<String>,
    /// Staff and unit accounts only: whether a WeChat is bound.
    pub wechat_bound: Option<bool>,
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

fn at(unix: i64) -> Result<chrono::DateTime<chrono::FixedOffset>, AuthError> {
    Ok(chrono::DateTime::from_timestamp(unix, 0)
        .context("token expiry")?
        .fixed_offset())
}

/// Tokens for the account in a new session (a login), or in the session
/// a refresh continues.
pub(super) async fn token_for(
    state: &AppState,
    u: &user::Model,
    continued: Option<sessions::Session>,
) -> Result<Tokens, AuthError> {
    let role = u.role;
    let session = match continued {
        Some(s) => s,
        None => sessions::open(&state.db, u.id, role, state.auth.jwt.session_secs(role)).await?,
    };
    let refresh = match session.refresh_id {
        Some(jti) => Some(
            state
                .auth
                .jwt
                .refresh(u.id, role, (session.id, session.end), jti)?,
        ),
        None => None,
    };
    let end = refresh.as_ref().map(|r| r.exp);
    let access = state
        .auth
        .jwt
        .access(u.id, role, u.unit_id, Some((session.id, session.end)))?;
    Ok(Tokens {
        token: access.token,
        expires_at: at(access.exp)?,
        refresh_expires_at: end.map(at).transpose()?,
        refresh_token: refresh.map(|r| r.token),
        user: me_of(u, role),
    })
}

/// The next tokens of a staff session, if the account still stands and
/// the refresh token was not used before (one used again ends the session).
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<Tokens, AuthError> {
    let claims = state
        .auth
        .jwt
        .verify(refresh_token, super::jwt::TokenKind::Refresh)
        .ok_or(AuthError::BadRefresh)?;
    let (Some(sid), Some(jti)) = (claims.sid, claims.jti) else {
        return Err(AuthError::BadRefresh);
    };
    // Read afresh, not through the cache: a session goes on only for an
    // account that stands now.
    state.auth.accounts.forget(claims.sub);
    state.auth.accounts.forget_session(sid);
    state.auth.accounts.caller(&state.db, &claims).await?;
    let u = user::Entity::find_by_id(claims.sub)
        .one(&state.db)
        .await?
        .ok_or(AuthError::AccountGone)?;
    let next = match sessions::rotate(&state.db, (sid, jti)).await {
        Err(e @ AuthError::RefreshReused) => {
            state.auth.accounts.forget_session(sid);
            return Err(e);
        }
        r => r?,
    };
    token_for(state, &u, Some(next)).await
}

/// Ends the session that either token belongs to, on every node (within
/// `account_cache_secs` on the others, at once on this one). A token this
/// service signed names its session even after it expired, so a client
/// idle past its access token's hour can still end the session its
/// refresh token keeps alive. No token, or one given that this service
/// did not sign: `BadLogout`.
pub async fn logout(
    state: &AppState,
    access: Option<&str>,
    refresh: Option<&str>,
) -> Result<(), AuthError> {
    use super::jwt::TokenKind;
    let mut claims = vec![];
    for (token, kind) in [(access, TokenKind::Access), (refresh, TokenKind::Refresh)] {
        if let Some(t) = token {
            let c = state.auth.jwt.verify_any_age(t, kind);
            claims.push(c.ok_or(AuthError::BadLogout)?);
        }
    }
    if claims.is_empty() {
        return Err(AuthError::BadLogout);
    }
    for sid in claims.into_iter().filter_map(|c| c.sid) {
        sessions::end(&state.db, sid, "logout").await?;
        state.auth.accounts.forget_session(sid);
    }
    Ok(())
}

fn me_of(u: &user::Model, role: Role) -> Profile {
    Profile {
        id: u.id,
        role,
        display_name: u.display_name.clone(),
        unit_id: u.unit_id,
        username: u.username.clone(),
        wechat_bound: u.username.is_some().then_some(u.wechat_openid.is_some()),
    }
}

/// Finds or creates the citizen with this openid, updating the session key.
async fn upsert_citizen(
    state: &AppState,
    openid: &str,
    unionid: Option<String>,
    session_key: Option<String>,
) -> Result<user::Model, AuthError> {
    let t = now();
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(Role::Citizen),
        openid: Set(Some(openid.to_owned())),
        unionid: Set(unionid),
        session_key: Set(session_key),
        username: Set(None),
        password_hash: Set(None),
        unit_id: Set(None),
        display_name: Set("市民".into()),
        phone: Set(None),
        disabled: Set(false),
        wechat_openid: Set(None),
        tokens_valid_after: Set(None),
        deleted_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
    };
    // One statement, so two first logins at once cannot both insert.
    user::Entity::insert(model)
        .on_conflict(
            OnConflict::column(user::Column::Openid)
                .update_columns([user::Column::SessionKey, user::Column::UpdatedAt])
                .value(
                    user::Column::Unionid,
                    sea_orm::sea_query::Expr::cust("COALESCE(excluded.unionid, users.unionid)"),
                )
                .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    let u = user::Entity::find()
        .filter(user::Column::Openid.eq(openid))
        .one(&state.db)
        .await?
        .context("citizen just upserted")?;
    if u.disabled {
        return Err(AuthError::Disabled);
    }
    Ok(u)
}

#[tracing::instrument(skip_all)]
pub async fn wechat_login(state: &AppState, code: &str) -> Result<Tokens, AuthError> {
    let session = state.wechat.code2session(code).await?;
    let u = upsert_citizen(
        state,
        &session.openid,
        session.unionid,
        Some(session.session_key.expose_secret().to_owned()),
    )
    .await?;
    token_for(state, &u, None).await
}

pub async fn dev_login(state: &AppState, openid: &str) -> Result<Tokens, AuthError> {
    let u = upsert_citizen(state, &format!("dev:{openid}"), None, None).await?;
    token_for(state, &u, None).await
}

/// Whether `password` is the account's, checked within the node's budget of
/// Argon2 runs at once (`Busy` past it). No account: a dummy hash is checked,
/// so that the answer takes as long.
pub(super) async fn password_matches(
    state: &AppState,
    u: Option<&user::Model>,
    password: &str,
) -> Result<bool, AuthError> {
    let stored = u
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let pw = password.to_owned();
    let wait = std::time::Duration::from_millis(state.config.limits.password_check_wait_ms);
    let _permit = tokio::time::timeout(wait, state.auth.password_checks.clone().acquire_owned())
        .await
        .map_err(|_| AuthError::Busy)?
        .context("password check permits")?;
    Ok(
        tokio::task::spawn_blocking(move || password::verify(&pw, &stored))
            .await
            .context("password verification task")?,
    )
}

#[tracing::instrument(skip(state, password))]
pub async fn password_login(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Tokens, AuthError> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(&state.db)
        .await?;
    let ok = password_matches(state, u.as_ref(), password).await?;
    match u {
        Some(u) if ok && !u.disabled => token_for(state, &u, None).await,
        _ => Err(AuthError::InvalidCredentials),
    }
}

pub async fn me(state: &AppState, caller: &Caller) -> Result<Profile, AuthError> {
    let u = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(AuthError::AccountGone)?;
    Ok(me_of(&u, caller.role))
}
